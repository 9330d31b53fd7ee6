"""Live signups per event and state, kept in step with the signups, for `evenements`.

`evenements` counted every event's live signups from `signups` at each view (~20 000 index entries at national
scale: ~1 ms of SQLite, most of the command); it now reads one row per event and state. Existing signups are
counted once here; from then on every flush keeps the counts in step (labbot.storage.signup_counts).

Revision ID: 0010_signup_counts
Revises: 0009_region_report_indexes
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_signup_counts"
down_revision: str | None = "0009_region_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signup_counts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("signups", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_signup_counts_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "state", name=op.f("pk_signup_counts")),
    )
    op.execute(
        "INSERT INTO signup_counts (event_id, state, signups) "
        "SELECT event_id, state, count(*) FROM signups WHERE state IN ('inscrit', 'attente') "
        "GROUP BY event_id, state"
    )


def downgrade() -> None:
    op.drop_table("signup_counts")
