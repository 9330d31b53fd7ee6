"""APScheduler in labbot's database: restarts, missed runs inside and outside the grace time, announcements
due after a restart, and leader election on PostgreSQL."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from labbot.clock import PARIS, SystemClock
from labbot.config import OutboxSettings, Settings
from labbot.outbox.worker import DeliveryWorker
from labbot.scheduling.audience import Reach
from labbot.scheduling.background import BackgroundWork
from labbot.scheduling.jobs import JobRuntime
from labbot.scheduling.scheduler import LabScheduler
from labbot.storage import people
from labbot.storage.database import Database
from labbot.storage.models import Announcement, Delivery
from tests.conftest import make_settings
from tests.outbox.messenger import ScriptedMessenger


def eventually(check: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait until `check()` holds (background threads at work); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {timeout}s: {check.__doc__ or check}")
        time.sleep(0.05)


def scheduler_on(database: Database, settings: Settings) -> LabScheduler:
    return LabScheduler(JobRuntime(database, settings, SystemClock(), Reach(None)), sync_seconds=0.2)


@pytest.mark.parametrize(("late", "runs"), [(timedelta(minutes=10), True), (timedelta(hours=2), False)])
def test_a_run_missed_while_down_fires_once_within_grace_else_is_skipped_and_logged(
    late: timedelta, runs: bool, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # The daily run half a day away: had it been due within the last two hours (the test run between 9:00 and
    # 11:00 Paris time), it would fire within grace on its own.
    daily = (datetime.now(PARIS).hour + 12) % 24
    settings = make_settings(database.url, scheduler={"reminder_grace_minutes": 60}, reminders={"hour": daily})
    before = scheduler_on(database, settings)
    before.start()
    before.scheduler.pause()
    before.scheduler.modify_job("reminders:events", next_run_time=datetime.now(UTC) - late)
    before.stop()  # labbot is down when the run was due

    caplog.set_level(logging.INFO)
    after = scheduler_on(database, settings)
    after.start()
    try:
        expected = "reminders events: 0 message(s) queued" if runs else "missed its run"
        eventually(lambda: expected in caplog.text)
        job = after.scheduler.get_job("reminders:events")
        assert job is not None
        assert job.next_run_time > datetime.now(UTC)  # back on its daily schedule
    finally:
        after.stop()
    assert caplog.text.count("reminders events:") == int(runs)


def people_on_slack(database: Database, users: list[str]) -> int:
    """Slack people in a region; returns the id of an admin author."""
    now = datetime.now(UTC)
    with database.transaction() as session:
        for user in users:
            person = people.create(session, "slack", user, display_name=user, email=None, now=now)
            person.region = "bretagne"
        author = people.create(session, "slack", "UADMIN", display_name="sgmap", email=None, now=now)
        author.role = "admin"
        return author.id


def background(database_url: str, messenger: ScriptedMessenger) -> BackgroundWork:
    settings = make_settings(database_url, outbox={"poll_seconds": 0.1}, scheduler={"leader_check_seconds": 0.1})
    database = Database(database_url)
    worker = DeliveryWorker(database, {"slack": messenger}, OutboxSettings(poll_seconds=0.1), SystemClock())
    return BackgroundWork(database, settings, worker, SystemClock(), Reach({"slack"}))


def test_an_announcement_due_after_a_restart_reaches_everyone_once_at_its_time(database_url: str) -> None:
    database = Database(database_url)
    author = people_on_slack(database, ["U1", "U2", "U3"])
    due = datetime.now(UTC) + timedelta(seconds=2)
    with database.transaction() as session:
        session.add(
            Announcement(
                author_id=author,
                text="Bonjour",
                audience="region",
                audience_value="bretagne",
                state="planifiee",
                due_at=due,
                created_at=datetime.now(UTC),
            )
        )
    messenger = ScriptedMessenger()
    first = background(database_url, messenger)
    first.start()
    eventually(lambda: first.leading)
    first.stop()  # restarted before it is due
    second = background(database_url, messenger)
    second.start()
    try:
        eventually(lambda: len(messenger.posted) >= 4)  # three people, and the author's report
    finally:
        second.stop()
    assert sorted(p.target for p in messenger.posted) == ["U1", "U2", "U3", "UADMIN"]
    with database.transaction() as session:
        sent_at = [d.sent_at for d in session.query(Delivery) if d.sent_at]
    assert min(sent_at) >= due
    database.dispose()


@pytest.mark.postgres
def test_when_the_leader_loses_its_connection_another_replica_takes_over(postgres_url: str) -> None:
    replicas = [background(postgres_url, ScriptedMessenger()) for _ in range(2)]
    for replica in replicas:
        replica.start()
    try:
        eventually(lambda: sum(r.leading for r in replicas) == 1)
        leader, follower = sorted(replicas, key=lambda r: not r.leading)
        assert leader.leadership is not None
        pid = leader.leadership.backend_pid
        admin = create_engine(postgres_url)
        with admin.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        eventually(lambda: not leader.leading and follower.leading)
        assert sum(r.leading for r in replicas) == 1
    finally:
        for replica in replicas:
            replica.stop()
            replica.database.dispose()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def test_two_processes_on_one_sqlite_file_never_both_schedule(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "labbot.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    first, second = background(url, ScriptedMessenger()), background(url, ScriptedMessenger())
    first.start()
    eventually(lambda: first.leading)
    second.start()
    try:
        time.sleep(0.5)  # the second has campaigned at least once meanwhile
        assert not second.leading
        first.stop()  # the console closes: `labbot run` takes over
        eventually(lambda: second.leading)
    finally:
        for work in (first, second):
            work.stop()
            work.database.dispose()
