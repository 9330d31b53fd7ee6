"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labbot.storage.models import AuditEntry


def record(
    session: Session,
    *,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime,
) -> None:
    """Append one change to the trail, in the command's transaction."""
    session.add(
        AuditEntry(
            at=at, actor_id=actor_id, entity=entity, entity_id=entity_id, action=action, before=before, after=after
        )
    )


def history(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    """Every recorded change of one row, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
    )
