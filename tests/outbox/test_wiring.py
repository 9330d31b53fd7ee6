"""Wiring: `labbot run` starts the scheduler and worker in the HTTP app's lifespan; a command's notifications
go through the outbox, so a failing platform delays them without losing them."""

from __future__ import annotations

from starlette.testclient import TestClient

from adapters.bootstrap import bootstrap
from adapters.console.adapter import ConsoleAdapter
from adapters.http import build_http_app
from adapters.serve import BackgroundService
from labbot.clock import FixedClock
from labbot.messages import Address, Reply
from labbot.ports import RecordingNotifier
from labbot.storage.models import Delivery
from tests.conftest import TEST_START, make_settings
from tests.outbox.test_scheduler import eventually


def test_the_http_app_lifespan_runs_the_scheduler_and_the_worker(database_url: str) -> None:
    app = bootstrap(make_settings(database_url), in_background=True, platforms=["slack"])
    work = app.background
    checkpoints = app.database.checkpoints
    with TestClient(build_http_app(app.database, [], [BackgroundService(work)])):
        eventually(lambda: work.leading)
        # On a SQLite file the leader also copies the WAL into the database (labbot/storage/database.py).
        assert checkpoints is None or checkpoints.running
    assert not work.leading
    assert checkpoints is None or not checkpoints.running
    app.database.dispose()


class FlakyNotifier(RecordingNotifier):
    """A platform that is down for its first `failures` messages."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def send_direct(self, address: Address, reply: Reply) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("platform unreachable")
        super().send_direct(address, reply)


def test_a_notification_that_cannot_be_delivered_now_is_delivered_later(database_url: str) -> None:
    clock, notifier = FixedClock(TEST_START), FlakyNotifier(failures=1)
    app = bootstrap(
        make_settings(
            database_url, events=[{"key": "mini", "title": "Mini", "capacity": 1, "starts": "2016-07-01"}]
        ),
        notifier=notifier,
        clock=clock,
    )
    for user, command in [
        ("alice", "inscription mini"),
        ("bruno", "inscription mini"),
        ("alice", "desinscription mini"),
    ]:
        ConsoleAdapter(app.bot, user).say(command)
    assert notifier.sent == []  # bruno's "a seat freed up" failed once…
    with app.database.transaction() as session:
        assert session.query(Delivery).one().state == "sending"
    clock.advance(seconds=10)
    app.worker.run_until_idle()
    [(address, reply)] = notifier.sent  # …and arrives on the retry, once
    assert address.user_id == "bruno"
    assert "mini" in reply.text.lower()
    app.database.dispose()
