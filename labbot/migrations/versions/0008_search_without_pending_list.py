"""Full-text indexes written through on PostgreSQL: no GIN pending list.

With GIN's default `fastupdate`, new rows go to a pending list that every search reads sequentially until a
VACUUM merges it; after a bulk load or a busy day the planner then skips the index (the FAQ bench: 5 000
entries all pending, searched by sequential scans). The FAQ and projects are written rarely and searched
often, so each write now updates the index itself, and what was pending is merged here. SQLite: nothing.

Revision ID: 0008_search_without_pending_list
Revises: 0007_dossier
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_search_without_pending_list"
down_revision: str | None = "0007_dossier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = ("ix_faq_entries_search", "ix_projects_search_public", "ix_projects_search_hallmarks")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in _INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in _INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
