"""A covering index of the partner categories each project met.

`labs` shows, for each of the ten projects it finds, the partner categories met: read row by row from
`partner_meetings` (~25 meetings a project at national scale), ~0.5 ms of SQLite per search; now from the index
alone, ~0.1 ms.

Revision ID: 0011_partner_categories_index
Revises: 0010_signup_counts
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_partner_categories_index"
down_revision: str | None = "0010_signup_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_partner_meetings_categories", "partner_meetings", ["project_id", "category"])


def downgrade() -> None:
    op.drop_index("ix_partner_meetings_categories", table_name="partner_meetings")
