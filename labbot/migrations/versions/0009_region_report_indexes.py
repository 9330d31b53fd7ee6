"""Covering indexes for a region's hour report: its projects' numbers and titles, and their monthly sums.

A region's report (`rapport par:projet` / `par:mois`) read every project row to find the region's ~110, then
each project's monthly totals row by row from the table: ~1.3 ms of SQLite at national scale, most of the
command. Both now come from indexes alone.

Revision ID: 0009_region_report_indexes
Revises: 0008_search_without_pending_list
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_region_report_indexes"
down_revision: str | None = "0008_search_without_pending_list"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_projects_region_title", "projects", ["region", "id", "title"])
    op.create_index(
        "ix_hour_month_totals_sums", "hour_month_totals", ["project_id", "month", "minutes", "minute_rate_cents"]
    )


def downgrade() -> None:
    op.drop_index("ix_hour_month_totals_sums", table_name="hour_month_totals")
    op.drop_index("ix_projects_region_title", table_name="projects")
