"""A project's lead, and the event fields an admin set from chat.

Revision ID: 0004_ledger
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_ledger"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_projects_lead_id_people"), "people", ["lead_id"], ["id"], ondelete="SET NULL"
        )
    # Until now the person who registered a project was its lead.
    op.execute("UPDATE projects SET lead_id = created_by_id")
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("set_in_chat", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("set_in_chat")
    with op.batch_alter_table("projects") as batch:
        batch.drop_constraint(op.f("fk_projects_lead_id_people"), type_="foreignkey")
        batch.drop_column("lead_id")
