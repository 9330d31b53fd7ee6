"""Queries operators' tools run: the outbox's backlog for metrics, the schema's revision for the doctor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labbot.storage.models import Delivery, OutboxMessage
from labbot.storage.outbox import OPEN_STATES


def backlog(session: Session) -> dict[tuple[str, str], int]:
    """Deliveries still to make, by (state, platform): the outbox's depth (on the index of due deliveries)."""
    rows = session.execute(
        select(Delivery.state, Delivery.platform, func.count())
        .where(Delivery.state.in_(OPEN_STATES))
        .group_by(Delivery.state, Delivery.platform)
    )
    return {(state, platform): count for state, platform, count in rows}


def oldest_open_since(session: Session) -> datetime | None:
    """When the oldest message that still has a delivery to make was queued (None: nothing waits)."""
    return session.scalar(
        select(func.min(OutboxMessage.created_at))
        .join(Delivery, Delivery.message_id == OutboxMessage.id)
        .where(Delivery.state.in_(OPEN_STATES))
    )
