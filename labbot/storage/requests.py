"""Replies already given, keyed by the platform's request identity, so that retries are answered, not redone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from labbot.storage.models import ProcessedRequest


def stored_reply(session: Session, key: str) -> dict[str, Any] | None:
    """The reply recorded for `key`, if any."""
    row = session.get(ProcessedRequest, key)
    return row.reply if row else None


def claim(session: Session, key: str, now: datetime) -> None:
    """Take `key` before the command writes: a concurrent twin waits on the primary key, then fails once this
    transaction commits, and is answered with the reply recorded here (PostgreSQL runs them side by side)."""
    session.add(ProcessedRequest(key=key, reply={}, created_at=now))
    session.flush()


def remember(session: Session, key: str, reply: dict[str, Any]) -> None:
    """Record the reply to the `key` claimed in this transaction."""
    row = session.get(ProcessedRequest, key)
    if row is not None:
        row.reply = reply
        session.flush()
