"""Against the Slack stand-in's rate limits: the worker paces one channel to a message per second, so Slack
never has to refuse one, while other conversations go alongside; and when Slack refuses, Retry-After is obeyed."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack.messenger import SlackMessenger, web_client
from adapters.slack.settings import SlackSettings
from labbot.clock import SystemClock
from labbot.config import OutboxSettings
from labbot.messages import Address, Reply
from labbot.outbox.worker import DeliveryWorker
from labbot.storage import outbox
from labbot.storage.database import Database
from labbot.storage.models import Delivery
from labbot.storage.outbox import Recipient
from tests.outbox.test_scheduler import eventually
from tests.platforms.slack_api import SlackApiStandIn


def test_a_busy_channel_is_paced_under_slacks_limit(database: Database, slack_api: SlackApiStandIn) -> None:
    slack_api.add_channel("C1", "lab-bretagne")
    for user in ("U1", "U2"):
        slack_api.add_user(user, user.lower(), user, f"{user.lower()}@example.gouv.fr")
    slack_api.set_rate_limits(per_channel_per_second=1)
    with database.transaction() as session:
        for number in range(3):
            outbox.enqueue(
                session,
                kind="announcement",
                reply=Reply(text=f"Annonce {number}"),
                recipients=[Recipient(Address("slack", "", "C1")), Recipient(Address("slack", "U1"))],
                now=datetime.now(UTC),
            )
    messenger = SlackMessenger(web_client(SlackSettings(api_base_url=slack_api.base_url), slack_api.token))
    # A wider margin than the default 3 %: on a loaded test machine a send's transit time varies by more than
    # 30 ms, and the stand-in's limiter counts arrivals; the pacing under test is the same.
    settings = OutboxSettings(safety_margin=0.2)
    worker = DeliveryWorker(database, {"slack": messenger}, settings, SystemClock())
    worker.run_until_idle()
    worker.close()
    posts = slack_api.calls_to("chat.postMessage")
    assert [call.status for call in posts] == [200] * 6  # nothing refused
    assert [m["text"] for m in slack_api.messages_in("C1")] == ["Annonce 0", "Annonce 1", "Annonce 2"]
    assert len(slack_api.messages_in(slack_api.dm_channel_of("U1"))) == 3


def test_an_unpaced_worker_obeys_slacks_429s_and_keeps_the_channels_order(
    database: Database, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_channel("C1", "lab-bretagne")
    slack_api.set_rate_limits(per_channel_per_second=1)
    with database.transaction() as session:
        for number in range(3):
            outbox.enqueue(
                session,
                kind="announcement",
                reply=Reply(text=f"Annonce {number}"),
                recipients=[Recipient(Address("slack", "", "C1"))],
                now=datetime.now(UTC),
            )
    messenger = SlackMessenger(web_client(SlackSettings(api_base_url=slack_api.base_url), slack_api.token))
    # No pacing of its own: only Slack's refusals and their Retry-After slow it down.
    settings = OutboxSettings(limits={}, poll_seconds=0.05)
    worker = DeliveryWorker(database, {"slack": messenger}, settings, SystemClock())
    worker.start()
    try:
        eventually(lambda: len(slack_api.messages_in("C1")) == 3)
    finally:
        worker.close()
    statuses = [call.status for call in slack_api.calls_to("chat.postMessage")]
    assert statuses.count(200) == 3
    # Each refused message came back only once its Retry-After had passed, so it was refused at most once; a
    # worker that retried sooner would collect refusal after refusal.
    assert statuses.count(429) <= 2
    assert [m["text"] for m in slack_api.messages_in("C1")] == ["Annonce 0", "Annonce 1", "Annonce 2"]
    assert slack_api.calls_to("conversations.history") == []  # a 429 is a refusal: nothing to look for
    with database.transaction() as session:
        assert {d.state for d in session.query(Delivery)} == {"sent"}
