"""Monthly hour totals per project, so a region's report reads totals instead of every entry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hour_month_totals",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("minutes", sa.BigInteger(), nullable=False),
        sa.Column("minute_rate_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_hour_month_totals_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "month", name=op.f("pk_hour_month_totals")),
    )
    # Existing entries are summed once here; from now on every flush keeps the totals in step.
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', worked_on) AS DATE)"
    else:
        month = "date(worked_on, 'start of month')"
    op.execute(
        "INSERT INTO hour_month_totals (project_id, month, minutes, minute_rate_cents) "  # noqa: S608
        f"SELECT project_id, {month}, SUM(minutes), SUM(minutes * rate_cents) "
        f"FROM hour_entries GROUP BY project_id, {month}"
    )


def downgrade() -> None:
    op.drop_table("hour_month_totals")
