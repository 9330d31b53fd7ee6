"""Invitations calendar clients update: a random UID per event, and a SEQUENCE raised with each change.

Revision ID: 0006_i11_invitations
Revises: 0005_support
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision: str = "0006_i11_invitations"
down_revision: str | None = "0005_support"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("uid", sa.String(80), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default=sa.text("0")))
    # Existing events get their UID now: random, so no other installation's event can share it.
    connection = op.get_bind()
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("uid", sa.String))
    for (event_id,) in connection.execute(sa.select(events.c.id)).all():
        connection.execute(events.update().where(events.c.id == event_id).values(uid=f"{uuid4()}@labbot"))
    with op.batch_alter_table("events") as batch:
        batch.alter_column("uid", existing_type=sa.String(80), nullable=False)
        batch.create_unique_constraint(op.f("uq_events_uid"), ["uid"])


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint(op.f("uq_events_uid"), type_="unique")
        batch.drop_column("sequence")
        batch.drop_column("uid")
