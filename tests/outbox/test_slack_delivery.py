"""The delivery worker through the real SlackMessenger, against the Slack Web API stand-in: what people see on
Slack (the stand-in's stored messages) is exactly one message each, through crashes, 429s and dead targets."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import icalendar
import pytest

from adapters.slack.blocks import MARKER_PREFIX
from adapters.slack.messenger import SlackMessenger, web_client
from adapters.slack.settings import SlackSettings
from labbot.clock import FixedClock
from labbot.config import Settings
from labbot.messages import Address, Reply
from labbot.ports import RecordingNotifier
from labbot.scheduling.audience import Reach
from labbot.scheduling.reminders import event_reminders
from labbot.storage import events, outbox, people
from labbot.storage.database import Database
from labbot.storage.models import Delivery, Signup
from labbot.storage.outbox import Recipient
from tests.conftest import TEST_START
from tests.outbox.conftest import WorkerFactory, broadcast
from tests.outbox.messenger import SimulatedCrash
from tests.platforms.slack_api import SlackApiStandIn

USERS = ["U1", "U2", "U3"]
CHANNEL = "C0LABBRET"
# J-7 of this event is TEST_START's day, a working Friday.
CAMP = {"key": "camp", "title": "Project camp", "starts": "2016-06-17T09:30:00", "place": "Paris", "capacity": 120}


@pytest.fixture
def messenger(slack_api: SlackApiStandIn) -> SlackMessenger:
    """The production Slack messenger and client (no internal retry), on the stand-in; `make_worker` uses it."""
    for user in USERS:
        slack_api.add_user(user, user.lower(), user, f"{user.lower()}@example.gouv.fr")
    slack_api.add_channel(CHANNEL, "lab-bretagne")
    return SlackMessenger(web_client(SlackSettings(api_base_url=slack_api.base_url), slack_api.token))


def received(slack_api: SlackApiStandIn, target: str) -> list[dict[str, Any]]:
    """Top-level messages in `target` (a channel, or a user's DM with the bot)."""
    channel = target if target.startswith("C") else slack_api.dm_channel_of(target)
    return [m for m in slack_api.messages_in(channel) if "thread_ts" not in m]


def deliveries(database: Database) -> dict[str, Delivery]:
    """Deliveries by user or channel id (detached, for reading)."""
    with database.transaction() as session:
        found = session.query(Delivery).all()
        session.expunge_all()
    return {d.channel_id or d.user_id: d for d in found}


def broadcast_with_channel(database: Database, clock: FixedClock, *, sender: str | None = None) -> None:
    """ "Bonjour" to every user and to the lab's channel."""
    broadcast(database, USERS, now=clock.now(), sender=sender)
    with database.transaction() as session:
        outbox.enqueue(
            session,
            kind="announcement",
            reply=Reply(text="Bonjour"),
            recipients=[Recipient(Address("slack", "", CHANNEL))],
            now=clock.now(),
        )


def assert_each_got_one(slack_api: SlackApiStandIn, database: Database, targets: list[str]) -> None:
    """One "Bonjour" per target, carrying its delivery's marker, recorded with its Slack ts."""
    recorded = deliveries(database)
    for target in targets:
        [message] = received(slack_api, target)
        delivery = recorded[target]
        assert message["text"] == "Bonjour"
        assert message["blocks"][0]["block_id"] == MARKER_PREFIX + delivery.marker
        assert (delivery.state, delivery.platform_message_id) == ("sent", message["ts"])


def queue_camp_reminder_to_u1(database: Database, clock: FixedClock) -> None:
    """U1 signed up for the camp; today is J-7, so the reminder job queues its reminder with the .ics."""
    settings = Settings.model_validate({"events": [CAMP]})
    with database.transaction() as session:
        events.sync_from_config(session, settings.events)
        session.flush()
        camp = events.find(session, "camp")
        assert camp is not None
        person = people.create(session, "slack", "U1", display_name="alice", email=None, now=clock.now())
        session.add(Signup(event_id=camp.id, person_id=person.id, state="inscrit", created_at=clock.now()))
        session.flush()
        assert event_reminders(session, settings, Reach({"slack"}), clock.now().date(), clock.now()) == 1


def test_a_broadcast_reaches_each_user_and_the_channel_once(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    broadcast_with_channel(database, clock)
    make_worker().run_until_idle()
    make_worker().run_until_idle()  # a restarted worker finds nothing left to do
    assert_each_got_one(slack_api, database, [*USERS, CHANNEL])
    assert len(slack_api.calls_to("chat.postMessage")) == 4
    assert slack_api.calls_to("conversations.history") == []  # nothing was in doubt
    # Direct messages go to the user id: no conversations.open, a Tier 3 method (~50 a minute).
    assert slack_api.calls_to("conversations.open") == []


def crash_at(moment: str, delivery_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the process die around the post of one delivery, as the scripted crash tests do."""
    if moment == "after-the-post":
        # Slack accepted the post; the process dies before "sent" is written.
        real_mark_sent = outbox.mark_sent

        def die_recording(session: Any, doomed: int, *args: Any) -> None:
            if doomed == delivery_id:
                raise SimulatedCrash("recording the outcome")
            real_mark_sent(session, doomed, *args)

        monkeypatch.setattr(outbox, "mark_sent", die_recording)
        return
    # "sending" is committed, then the process dies before calling Slack.
    real_mark_sending = outbox.mark_sending

    def die_after_marking(session: Any, doomed: int) -> None:
        real_mark_sending(session, doomed)
        if doomed == delivery_id:
            session.commit()
            raise SimulatedCrash("before the post")

    monkeypatch.setattr(outbox, "mark_sending", die_after_marking)


@pytest.mark.parametrize("moment", ["after-the-post", "before-the-post"])
def test_a_crash_around_the_post_then_a_restart_sends_nothing_twice(
    moment: str,
    database: Database,
    slack_api: SlackApiStandIn,
    make_worker: WorkerFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broadcast(database, USERS, now=TEST_START)
    crash_at(moment, deliveries(database)["U2"].id, monkeypatch)
    with pytest.raises(SimulatedCrash):
        make_worker().run_until_idle()
    monkeypatch.undo()
    assert deliveries(database)["U2"].state == "sending"
    assert len(received(slack_api, "U2")) == (1 if moment == "after-the-post" else 0)

    make_worker().run_until_idle()  # the restarted process

    assert_each_got_one(slack_api, database, USERS)
    [lookup] = slack_api.calls_to("conversations.history")  # only the delivery in doubt was looked for
    assert lookup.params["channel"] == slack_api.dm_channel_of("U2")


def test_slacks_retry_after_is_honoured(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    broadcast(database, ["U1"], now=clock.now())
    slack_api.fail_next("chat.postMessage", status=429, retry_after=30)
    worker = make_worker()
    worker.run_until_idle()
    assert deliveries(database)["U1"].state == "pending"  # refused, so nothing to look for later
    clock.advance(seconds=29)
    worker.run_until_idle()
    assert received(slack_api, "U1") == []
    assert len(slack_api.calls_to("chat.postMessage")) == 1  # not asked again before Retry-After
    clock.advance(seconds=1)
    worker.run_until_idle()
    assert_each_got_one(slack_api, database, ["U1"])
    assert slack_api.calls_to("conversations.history") == []


def test_gone_channels_and_users_fail_with_their_reason_and_block_nobody(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    with database.transaction() as session:
        outbox.enqueue(  # queued first, so it is the first post Slack refuses
            session,
            kind="announcement",
            reply=Reply(text="Bonjour"),
            recipients=[Recipient(Address("slack", "", "C0GONE"))],
            now=clock.now(),
        )
    slack_api.fail_next("chat.postMessage", error="channel_not_found")
    broadcast(database, ["U1", "U0GONE", "U2"], now=clock.now(), sender="sgmap")  # U0GONE left the workspace
    notifier = RecordingNotifier()
    make_worker(notifier=notifier).run_until_idle()

    failed = {target: (d.state, d.error) for target, d in deliveries(database).items() if d.state != "sent"}
    assert failed == {
        "C0GONE": ("failed", "chat_postMessage: channel_not_found"),
        "U0GONE": ("failed", "chat_postMessage: channel_not_found"),
    }
    assert_each_got_one(slack_api, database, ["U1", "U2"])
    [(_address, report)] = notifier.sent
    assert report.table is not None
    assert report.table.rows == [["slack:user:U0GONE", "chat_postMessage: channel_not_found"]]


def test_an_event_reminder_brings_its_ics_in_the_thread(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    queue_camp_reminder_to_u1(database, clock)
    make_worker().run_until_idle()

    [comment] = received(slack_api, "U1")
    assert comment["text"] == "Rappel : Project camp"  # French, the default
    # The whole reminder rides with the file: its text and its "cancel my signup" button.
    blocks = json.dumps(comment["blocks"], ensure_ascii=False)
    assert "Project camp a lieu le" in blocks
    assert "Annuler mon inscription" in blocks
    assert deliveries(database)["U1"].platform_message_id == comment["ts"]
    [upload] = slack_api.uploaded_files
    assert (upload.filename, upload.thread_ts) == ("camp.ics", comment["ts"])
    [vevent] = icalendar.Calendar.from_ical(upload.content).walk("VEVENT")
    assert str(vevent["summary"]) == "Project camp"
    assert vevent.decoded("dtstart") - clock.now() == timedelta(days=7, hours=-0.5)


def test_a_refused_upload_after_the_comment_does_not_post_the_comment_twice(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    queue_camp_reminder_to_u1(database, clock)
    # The comment (with the marker) is posted, then Slack rate-limits the upload: the 429 is not the post's.
    slack_api.fail_next("files.getUploadURLExternal", status=429, retry_after=5)
    worker = make_worker()
    worker.run_until_idle()
    assert deliveries(database)["U1"].state == "sending"  # in doubt: to be looked for, not resent blindly
    clock.advance(seconds=60)
    worker.run_until_idle()
    [comment] = received(slack_api, "U1")
    delivery = deliveries(database)["U1"]
    assert (delivery.state, delivery.platform_message_id) == ("sent", comment["ts"])
    assert len(slack_api.calls_to("conversations.history")) == 1
    assert slack_api.uploaded_files == []  # the file is what is lost, as after a crash between the two calls


def test_rate_limits_never_use_up_the_attempts_of_a_delivery(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    broadcast(database, ["U1"], now=clock.now())
    # A busy workspace: Slack says "later" more times than a delivery may fail.
    slack_api.fail_next("chat.postMessage", status=429, retry_after=2, count=4)
    worker = make_worker(max_attempts=3)
    for _ in range(5):
        worker.run_until_idle()
        clock.advance(seconds=2)
    assert_each_got_one(slack_api, database, ["U1"])
    assert len(slack_api.calls_to("chat.postMessage")) == 5


def test_after_a_slack_server_error_the_post_is_looked_for_then_sent_once(
    database: Database, clock: FixedClock, slack_api: SlackApiStandIn, make_worker: WorkerFactory
) -> None:
    broadcast(database, ["U1"], now=clock.now())
    slack_api.fail_next("chat.postMessage", status=503)  # a 5xx may hide a post that landed
    worker = make_worker(backoff_seconds=10)
    worker.run_until_idle()
    assert deliveries(database)["U1"].state == "sending"
    clock.advance(seconds=10)
    worker.run_until_idle()
    assert_each_got_one(slack_api, database, ["U1"])
    assert len(slack_api.calls_to("conversations.history")) == 1
