"""Deleting what is past its retention period, a batch at a time.

Each batch is one short transaction that deletes rows by primary key: locks are held for a few milliseconds,
never for the whole purge, so commands keep running while a large backlog is cleared.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.orm import InstrumentedAttribute

from labbot.states import DeliveryState
from labbot.storage.database import Database
from labbot.storage.models import AuditEntry, Delivery, OutboxMessage, ProcessedRequest

SETTLED = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.CANCELLED)


def purge(database: Database, key: InstrumentedAttribute[Any], condition: ColumnElement[bool], batch: int) -> int:
    """Delete the rows matching `condition`, `batch` keys per transaction; how many were deleted."""
    table = key.class_
    total = 0
    while True:
        with database.transaction() as session:
            keys = list(session.scalars(select(key).where(condition).limit(batch)))
            if keys:
                session.execute(delete(table).where(key.in_(keys)))
        total += len(keys)
        if len(keys) < batch:
            return total


def processed_requests_before(cutoff: datetime) -> ColumnElement[bool]:
    """Replies kept for platform retries, older than `cutoff`."""
    return ProcessedRequest.created_at < cutoff


def settled_deliveries_before(cutoff: datetime) -> ColumnElement[bool]:
    """Deliveries sent, failed or cancelled, whose message was queued before `cutoff`."""
    return Delivery.state.in_(SETTLED) & Delivery.message_id.in_(
        select(OutboxMessage.id).where(OutboxMessage.created_at < cutoff)
    )


def empty_messages_before(cutoff: datetime) -> ColumnElement[bool]:
    """Messages queued before `cutoff` with no delivery left."""
    return (OutboxMessage.created_at < cutoff) & ~exists().where(Delivery.message_id == OutboxMessage.id)


def audit_entries_before(cutoff: datetime) -> ColumnElement[bool]:
    """Audit entries older than `cutoff`."""
    return AuditEntry.at < cutoff
