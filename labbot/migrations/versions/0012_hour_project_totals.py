"""Hour totals per project, kept in step with the entries beside the monthly totals, for a region's report.

A region's report (`rapport par:projet`) summed its ~110 projects' ~1 100 monthly totals at each view (~0.4 ms
of SQLite at national scale); it now reads one row per project. Existing totals are summed once here; from then
on every flush keeps them in step (labbot.storage.hour_totals).

Revision ID: 0012_hour_project_totals
Revises: 0011_partner_categories_index
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_hour_project_totals"
down_revision: str | None = "0011_partner_categories_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hour_project_totals",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.BigInteger(), nullable=False),
        sa.Column("minute_rate_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_hour_project_totals_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_hour_project_totals")),
    )
    op.execute(
        "INSERT INTO hour_project_totals (project_id, minutes, minute_rate_cents) "
        "SELECT project_id, SUM(minutes), SUM(minute_rate_cents) FROM hour_month_totals GROUP BY project_id"
    )


def downgrade() -> None:
    op.drop_table("hour_project_totals")
