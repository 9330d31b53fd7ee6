"""Replies already given, keyed by the platform's request identity, so that retries are answered, not redone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from labbot.storage.models import ProcessedRequest


def stored_reply(session: Session, key: str) -> dict[str, Any] | None:
    """The reply recorded for `key`, if any."""
    row = session.get(ProcessedRequest, key)
    return row.reply if row else None


def remember(session: Session, key: str, reply: dict[str, Any], now: datetime) -> None:
    """Record the reply to `key` in the command's transaction (a concurrent twin fails on the primary key)."""
    session.add(ProcessedRequest(key=key, reply=reply, created_at=now))
    session.flush()


def forget_older_than(session: Session, now: datetime, age: timedelta) -> int:
    """Drop records older than any platform retries (Slack stops after about an hour)."""
    result = session.execute(delete(ProcessedRequest).where(ProcessedRequest.created_at < now - age))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
