"""`python -m bench.broadcast_worker DATABASE_URL BASE_URL MESSAGE_ID --per-second R --burst B`: labbot's
own delivery, as `labbot run` does it, until one outbox message has no open delivery left.

labbot's DeliveryWorker in its background loop, with the real SlackMessenger on a WebClient that never retries
by itself (`retry_handlers=[]`: 429s come back to the outbox, which paces itself). The limits are those of
`[outbox.limits.slack]`. The bot token comes from `LABBOT_BENCH_SLACK_TOKEN`. Killed with SIGKILL midway by
the benchmark, then started again to finish.
"""

from __future__ import annotations

import argparse
import os
import threading

from slack_sdk import WebClient

from adapters.slack.messenger import SlackMessenger
from bench.broadcast_sender import TOKEN_ENV
from labbot.clock import SystemClock
from labbot.config import Settings
from labbot.outbox.worker import DeliveryWorker
from labbot.storage import outbox
from labbot.storage.database import Database

CHECK_SECONDS = 0.2


def settings(database_url: str, per_second: float, burst: int, concurrency: int) -> Settings:
    """The outbox configured to the stand-in's limits, as `[outbox.limits.slack]` in config.toml would."""
    return Settings.model_validate(
        {
            "database": {"url": database_url},
            "outbox": {
                "concurrency": concurrency,
                "poll_seconds": CHECK_SECONDS,
                "limits": {"slack": {"per_channel_per_second": 1, "per_second": per_second, "burst": burst}},
            },
        }
    )


def open_deliveries(database: Database, message_id: int) -> int:
    """Deliveries of the message still pending or being sent."""
    with database.transaction() as session:
        states = outbox.counts(session, [message_id]).get(message_id, {})
    return sum(states.get(state, 0) for state in outbox.OPEN_STATES)


def deliver(config: Settings, base_url: str, message_id: int) -> None:
    """Run the worker until every delivery of `message_id` is settled."""
    database = Database(config.database.url)
    client = WebClient(token=os.environ[TOKEN_ENV], base_url=base_url, retry_handlers=[])
    worker = DeliveryWorker(database, {"slack": SlackMessenger(client)}, config.outbox, SystemClock())
    worker.start()
    settled = threading.Event()
    while not settled.wait(CHECK_SECONDS):
        if not open_deliveries(database, message_id):
            settled.set()
    worker.close()
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast_worker")
    parser.add_argument("database_url")
    parser.add_argument("base_url")
    parser.add_argument("message_id", type=int)
    parser.add_argument("--per-second", type=float, required=True)
    parser.add_argument("--burst", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    config = settings(args.database_url, args.per_second, args.burst, args.concurrency)
    deliver(config, args.base_url, args.message_id)


if __name__ == "__main__":
    main()
