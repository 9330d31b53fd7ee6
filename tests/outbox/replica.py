"""One labbot replica for the two-process test: the real leader election, scheduler and delivery worker,
posting to the Slack stand-in through slack_sdk.

    python -m tests.outbox.replica DATABASE_URL SLACK_BASE_URL TOKEN HISTORY_URL STATE_DIR

`HISTORY_URL` answers "is there a message with this marker in this channel?" from the stand-in's records (the
stand-in has no conversations.history yet). On election the replica writes STATE_DIR/leader-<pid>.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from labbot.clock import SystemClock
from labbot.config import Settings
from labbot.messages import Address, Reply
from labbot.outbox.worker import DeliveryWorker
from labbot.ports import DeliveryFailed
from labbot.scheduling.audience import Reach
from labbot.scheduling.background import BackgroundWork
from labbot.storage.database import Database

MARKER_PREFIX = "labbot-"


class StandInSlackMessenger:
    """A minimal Slack messenger for this test: DMs with the marker in message metadata."""

    platform = "slack"

    def __init__(self, client: WebClient, history_url: str) -> None:
        self.client = client
        self.history_url = history_url

    def _channel_of(self, user_id: str) -> str:
        return str(self.client.conversations_open(users=user_id)["channel"]["id"])

    def send_direct(self, user_id: str, reply: Reply, *, marker: str | None = None) -> str:
        return self.send_to_channel(self._channel_of(user_id), reply, marker=marker)

    def send_to_channel(self, channel_id: str, reply: Reply, *, marker: str | None = None) -> str:
        # The marker rides in the block_id, which Slack keeps and shows nobody.
        block = SectionBlock(text=MarkdownTextObject(text=reply.text), block_id=f"{MARKER_PREFIX}{marker or ''}")
        try:
            response = self.client.chat_postMessage(channel=channel_id, text=reply.text, blocks=[block])
        except SlackApiError as error:
            status = error.response.status_code
            retry = error.response.headers.get("Retry-After") if status == 429 else None
            permanent = status < 500 and status != 429
            raise DeliveryFailed(
                str(error.response["error"]), permanent=permanent, retry_after=retry and float(retry)
            ) from None
        return str(response["ts"])

    def send_file(
        self, *, target: Address, filename: str, content: bytes, comment: str, marker: str | None = None
    ) -> str:
        raise DeliveryFailed("files are not part of this test", permanent=True)

    def find_marked(self, target: Address, marker: str) -> str | None:
        channel = target.channel_id or self._channel_of(target.user_id)
        query = urllib.parse.urlencode({"channel": channel, "marker": marker})
        with urllib.request.urlopen(f"{self.history_url}?{query}", timeout=5) as response:  # noqa: S310 - local test URL
            found = json.loads(response.read())
        return found.get("ts")


def main(database_url: str, base_url: str, token: str, history_url: str, state_dir: str) -> None:
    settings = Settings.model_validate(
        {
            "database": {"url": database_url},
            "outbox": {
                "poll_seconds": 0.2,
                "limits": {"slack": {"per_channel_per_second": 1, "per_second": 40, "burst": 1}},
            },
            "scheduler": {"leader_check_seconds": 0.5},
        }
    )
    database = Database(database_url)
    messenger = StandInSlackMessenger(WebClient(token=token, base_url=base_url), history_url)
    worker = DeliveryWorker(database, {"slack": messenger}, settings.outbox, SystemClock())
    work = BackgroundWork(database, settings, worker, SystemClock(), Reach({"slack"}))
    if work.leadership is not None:
        elected = work.leadership.on_elected

        def announce() -> None:
            elected()
            Path(state_dir, f"leader-{os.getpid()}").touch()

        work.leadership.on_elected = announce
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    work.start()
    stopped.wait()
    work.stop()


if __name__ == "__main__":
    main(*sys.argv[1:6])
