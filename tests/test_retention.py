"""Retention: the daily purge deletes what is past its period, in batches, and nothing else; the elected
scheduler runs it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from labbot.clock import SystemClock
from labbot.config import RetentionSettings
from labbot.retention import purge_expired
from labbot.scheduling.audience import Reach
from labbot.scheduling.jobs import JobRuntime
from labbot.scheduling.scheduler import LabScheduler
from labbot.storage.database import Database
from labbot.storage.models import AuditEntry, Delivery, OutboxMessage, ProcessedRequest
from tests.conftest import make_settings

NOW = datetime(2026, 12, 7, 3, 30, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def _seed(database: Database) -> None:
    with database.transaction() as session:
        for number in range(5):  # 5 old replies, 1 recent
            session.add(ProcessedRequest(key=f"old-{number}", reply={}, created_at=NOW - timedelta(days=31)))
        session.add(ProcessedRequest(key="recent", reply={}, created_at=NOW - timedelta(days=29)))
        for age, state in ((200, "sent"), (200, "failed"), (200, "pending"), (10, "sent")):
            message = OutboxMessage(kind="notification", reply={}, created_at=NOW - timedelta(days=age))
            session.add(message)
            session.flush()
            session.add(
                Delivery(
                    message_id=message.id,
                    recipient=f"slack:user:U{message.id}",
                    platform="slack",
                    user_id=f"U{message.id}",
                    marker=f"m{message.id}",
                    state=state,
                    next_attempt_at=NOW - timedelta(days=age),
                )
            )
        session.add(
            AuditEntry(at=NOW - timedelta(days=4000), actor_id=None, entity="hours", entity_id=1, action="create")
        )


def _count(database: Database, model: type[object]) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_purge_deletes_only_what_is_past_its_period_in_batches(database: Database) -> None:
    _seed(database)
    deleted = purge_expired(database, RetentionSettings(batch=2), NOW)
    assert deleted == {"processed_requests": 5, "deliveries": 2, "messages": 2, "audit_entries": 0}
    with database.transaction() as session:
        assert list(session.scalars(select(ProcessedRequest.key))) == ["recent"]
        assert sorted(session.scalars(select(Delivery.state))) == ["pending", "sent"]  # open, and recent
    assert _count(database, AuditEntry) == 1  # the audit trail is kept by default
    assert purge_expired(database, RetentionSettings(audit_days=3650), NOW)["audit_entries"] == 1
    assert _count(database, AuditEntry) == 0


def test_the_elected_scheduler_installs_the_daily_purge(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(database.url, retention={"hour": 4})
    scheduler = LabScheduler(JobRuntime(database, settings, SystemClock(), Reach(None)), sync_seconds=0.2)
    scheduler.start()
    try:
        job = scheduler.scheduler.get_job("retention:daily")
        assert job is not None
        assert "hour='4'" in str(job.trigger)
        caplog.set_level(logging.INFO)
        job.func()
        assert "retention purge: processed_requests 0" in caplog.text
    finally:
        scheduler.stop()
