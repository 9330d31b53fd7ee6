"""One labbot replica for the two-process test: the real leader election, scheduler, delivery worker and Slack
messenger, posting to the Slack stand-in.

    python -m tests.outbox.replica DATABASE_URL SLACK_BASE_URL TOKEN STATE_DIR

On election the replica writes STATE_DIR/leader-<pid>.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from adapters.slack.messenger import SlackMessenger, web_client
from adapters.slack.settings import SlackSettings
from labbot.clock import SystemClock
from labbot.config import Settings
from labbot.outbox.worker import DeliveryWorker
from labbot.scheduling.audience import Reach
from labbot.scheduling.background import BackgroundWork
from labbot.storage.database import Database


def main(database_url: str, base_url: str, token: str, state_dir: str) -> None:
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
    messenger = SlackMessenger(web_client(SlackSettings(api_base_url=base_url), token))
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
    main(*sys.argv[1:5])
