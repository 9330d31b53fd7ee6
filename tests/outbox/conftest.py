"""Fixtures: a migrated database, a controllable clock, a scripted messenger and a worker over them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from labbot.clock import FixedClock
from labbot.config import OutboxSettings
from labbot.messages import Address, Reply
from labbot.outbox.pacing import Pacer
from labbot.outbox.worker import DeliveryWorker
from labbot.ports import NotifierMessenger, RecordingNotifier
from labbot.storage import outbox, people
from labbot.storage.database import Database
from labbot.storage.models import Delivery
from labbot.storage.outbox import Recipient
from tests.conftest import TEST_START
from tests.outbox.messenger import ScriptedMessenger


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The test database."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still until a test moves it."""
    return FixedClock(TEST_START)


@pytest.fixture
def messenger() -> ScriptedMessenger:
    """The Slack side, scripted."""
    return ScriptedMessenger("slack")


def virtual_pacer(clock: FixedClock, settings: OutboxSettings) -> Pacer:
    """A pacer whose waits move the test clock instead of sleeping."""
    return Pacer(
        settings.limits,
        safety_margin=settings.safety_margin,
        monotonic=lambda: clock.now().timestamp(),
        sleep=lambda seconds: clock.advance(seconds=seconds),
    )


WorkerFactory = Callable[..., DeliveryWorker]


@pytest.fixture
def make_worker(database: Database, clock: FixedClock, messenger: ScriptedMessenger) -> Iterator[WorkerFactory]:
    """A new worker each call: a restarted process, with the same database and platform."""
    made: list[DeliveryWorker] = []

    def make(notifier: RecordingNotifier | None = None, **overrides: object) -> DeliveryWorker:
        settings = OutboxSettings.model_validate({"concurrency": 1, **overrides})
        console = NotifierMessenger(notifier, "console") if notifier else None
        worker = DeliveryWorker(
            database,
            {"slack": messenger},
            settings,
            clock,
            fallback=lambda _platform: console,
            pacer=virtual_pacer(clock, settings),
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.close()


def broadcast(database: Database, targets: list[str], *, now: datetime, sender: str | None = None) -> int:
    """Queue "Bonjour" to Slack users `targets`; the sender (a console user) awaits a report. Returns its id."""
    with database.transaction() as session:
        report_to = None
        if sender:
            person = people.create(session, "console", sender, display_name=sender, email=None, now=now)
            report_to = person.id
        message = outbox.enqueue(
            session,
            kind="announcement",
            reply=Reply(text="Bonjour"),
            recipients=[Recipient(Address("slack", target)) for target in targets],
            now=now,
            report_to_id=report_to,
        )
        assert message is not None
        return message.id


def states(database: Database) -> dict[str, str]:
    """Delivery state per Slack user."""
    with database.transaction() as session:
        return {d.user_id: d.state for d in session.query(Delivery).filter(Delivery.platform == "slack")}
