"""The delivery worker: exactly one message per recipient through crashes, 429s and failing recipients."""

from __future__ import annotations

from datetime import timedelta

import pytest

from labbot.clock import FixedClock
from labbot.messages import Address, Reply
from labbot.ports import DeliveryFailed, RecordingNotifier
from labbot.storage import outbox
from labbot.storage.database import Database
from labbot.storage.models import Delivery
from labbot.storage.outbox import Recipient
from tests.conftest import TEST_START
from tests.outbox.conftest import WorkerFactory, broadcast, states
from tests.outbox.messenger import ScriptedMessenger, SimulatedCrash

USERS = ["U1", "U2", "U3", "U4"]


def test_each_recipient_gets_one_message_with_its_platform_id(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    broadcast(database, USERS, now=clock.now())
    make_worker().run_until_idle()
    make_worker().run_until_idle()  # a second pass finds nothing left to do
    assert sorted(p.target for p in messenger.posted) == USERS
    with database.transaction() as session:
        ids = {d.user_id: d.platform_message_id for d in session.query(Delivery)}
    assert ids == {p.target: p.message_id for p in messenger.posted}


@pytest.mark.parametrize("step", ["crash-before", "crash-after", "crash-recording"])
def test_a_crash_at_any_step_then_a_restart_gives_exactly_one_message(
    step: str,
    database: Database,
    messenger: ScriptedMessenger,
    make_worker: WorkerFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broadcast(database, USERS, now=TEST_START)
    if step == "crash-recording":
        # The post landed and the database write of "sent" dies with the process.
        def die(*_args: object, **_kwargs: object) -> None:
            raise SimulatedCrash("while recording")

        monkeypatch.setattr(outbox, "mark_sent", die)
    else:
        messenger.plan("U2", step)
    with pytest.raises(SimulatedCrash):
        make_worker().run_until_idle()
    monkeypatch.undo()
    assert "sending" in states(database).values()  # the interrupted delivery's outcome was never recorded

    make_worker().run_until_idle()  # the restarted process

    assert sorted(p.target for p in messenger.posted) == USERS
    assert set(states(database).values()) == {"sent"}


def test_429_waits_exactly_retry_after_and_resends_without_a_lookup(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    broadcast(database, ["U1"], now=clock.now())
    messenger.plan("U1", DeliveryFailed("ratelimited", permanent=False, retry_after=30))
    worker = make_worker()
    worker.run_until_idle()
    assert messenger.posted == []
    assert states(database) == {"U1": "pending"}  # refused by the platform: nothing to verify later
    clock.advance(seconds=29)
    worker.run_until_idle()
    assert messenger.posted == []
    clock.advance(seconds=1)
    worker.run_until_idle()
    assert messenger.texts_to("U1") == ["Bonjour"]
    assert messenger.lookups == []


def test_a_transient_error_is_retried_with_backoff_after_checking_the_platform(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    broadcast(database, ["U1"], now=clock.now())
    messenger.plan("U1", DeliveryFailed("timeout", permanent=False))
    worker = make_worker(backoff_seconds=10)
    worker.run_until_idle()
    with database.transaction() as session:
        delivery = session.query(Delivery).one()
        wait = delivery.next_attempt_at - clock.now()
        marker = delivery.marker
    assert timedelta(seconds=5) <= wait <= timedelta(seconds=10)  # jittered in [ceiling / 2, ceiling]
    clock.advance(seconds=10)
    worker.run_until_idle()
    assert messenger.lookups == [marker]  # the timeout may have hidden a post: looked for it first
    assert messenger.texts_to("U1") == ["Bonjour"]


def test_a_permanently_failing_recipient_blocks_nobody_and_is_reported(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    broadcast(database, USERS, now=clock.now(), sender="sgmap")
    messenger.plan("U2", DeliveryFailed("user_not_found", permanent=True))
    messenger.plan("U3", *[DeliveryFailed("internal_error", permanent=False)] * 3)
    notifier = RecordingNotifier()
    worker = make_worker(notifier=notifier, max_attempts=3, backoff_seconds=1)
    for _ in range(4):
        worker.run_until_idle()
        clock.advance(seconds=5)
    assert sorted(p.target for p in messenger.posted) == ["U1", "U4"]
    assert states(database) == {"U1": "sent", "U2": "failed", "U3": "failed", "U4": "sent"}
    [(address, report)] = notifier.sent
    assert address.user_id == "sgmap"
    assert report.table is not None
    assert report.table.rows == [["slack:user:U2", "user_not_found"], ["slack:user:U3", "internal_error"]]
    worker.run_until_idle()
    assert len(notifier.sent) == 1  # reported once


def test_messages_to_one_channel_keep_their_order_after_a_429(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    for _ in range(3):
        broadcast(database, ["C1"], now=clock.now())
    messenger.plan("C1", DeliveryFailed("ratelimited", permanent=False, retry_after=2))
    worker = make_worker()
    worker.run_until_idle()
    assert messenger.posted == []  # the two after the refused one waited with it
    clock.advance(seconds=2)
    worker.run_until_idle()
    with database.transaction() as session:
        order = [d.platform_message_id for d in session.query(Delivery).order_by(Delivery.id)]
    assert order == [p.message_id for p in messenger.posted]


def test_a_message_for_one_person_overtakes_a_broadcast_in_the_queue(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    broadcast(database, USERS, now=clock.now())
    with database.transaction() as session:
        outbox.enqueue(
            session,
            kind="notification",
            reply=Reply(text="Une place s'est libérée"),
            recipients=[Recipient(Address("slack", "U9"))],
            now=clock.now(),
        )
    make_worker().run_until_idle()
    assert messenger.posted[0].text == "Une place s'est libérée"
    assert len(messenger.posted) == 5


def test_when_the_platform_cannot_say_whether_it_was_sent_the_delivery_waits_and_asks_again(
    database: Database, clock: FixedClock, messenger: ScriptedMessenger, make_worker: WorkerFactory
) -> None:
    broadcast(database, ["U1"], now=clock.now())
    messenger.plan("U1", "crash-after")
    with pytest.raises(SimulatedCrash):
        make_worker().run_until_idle()
    messenger.lookup_failures.append(DeliveryFailed("ratelimited", permanent=False, retry_after=5))
    worker = make_worker()
    worker.run_until_idle()
    assert states(database) == {"U1": "sending"}  # still unknown: neither resent nor forgotten
    clock.advance(seconds=5)
    worker.run_until_idle()
    assert messenger.texts_to("U1") == ["Bonjour"]
    assert states(database) == {"U1": "sent"}
    assert len(messenger.lookups) == 2
