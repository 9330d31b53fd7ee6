"""Two labbot processes on PostgreSQL: one delivers; SIGKILL it mid-broadcast, the other finishes; the Slack
stand-in's records show every recipient got exactly one message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from labbot.messages import Address, Reply
from labbot.storage import outbox, people
from labbot.storage.database import Database
from labbot.storage.models import Base
from labbot.storage.outbox import Recipient
from tests.outbox.test_scheduler import eventually
from tests.platforms.slack_api import SlackApiStandIn

RECIPIENTS = [f"U{n:04d}" for n in range(1, 81)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    yield postgres_url
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables}, apscheduler_jobs RESTART IDENTITY CASCADE"))
    engine.dispose()


def queue_broadcast(url: str) -> None:
    database = Database(url)
    now = datetime.now(UTC)
    with database.transaction() as session:
        author = people.create(session, "slack", "UADMIN", display_name="sgmap", email=None, now=now)
        outbox.enqueue(
            session,
            kind="announcement",
            reply=Reply(text="Dépôt des dossiers le 30/09"),
            recipients=[Recipient(Address("slack", user)) for user in RECIPIENTS],
            now=now,
            report_to_id=author.id,
        )
    database.dispose()


@pytest.mark.postgres
def test_killing_the_delivering_replica_loses_and_doubles_nothing(
    postgres_database: str, slack_api: SlackApiStandIn, tmp_path: Path
) -> None:
    for user in [*RECIPIENTS, "UADMIN"]:
        slack_api.add_user(user, user.lower(), user, f"{user.lower()}@example.gouv.fr")
    slack_api.set_rate_limits(per_channel_per_second=1, global_per_second=40)
    queue_broadcast(postgres_database)
    command = [
        sys.executable,
        "-m",
        "tests.outbox.replica",
        postgres_database,
        slack_api.base_url,
        slack_api.token,
        str(tmp_path),
    ]
    replicas = [subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}) for _ in range(2)]

    def dms() -> dict[str, list[str]]:
        return {
            user: [m["text"] for m in slack_api.messages_in(slack_api.dm_channel_of(user))] for user in RECIPIENTS
        }

    try:
        eventually(lambda: sum(map(len, dms().values())) >= 10)
        # The leader marks itself after starting its worker: under load its first sends may come before the mark.
        eventually(lambda: len(list(tmp_path.glob("leader-*"))) == 1)
        [leader_file] = tmp_path.glob("leader-*")
        leader = next(p for p in replicas if p.pid == int(leader_file.name.removeprefix("leader-")))
        os.kill(leader.pid, signal.SIGKILL)  # mid-broadcast
        leader.wait()
        assert sum(map(len, dms().values())) < len(RECIPIENTS)  # it really was interrupted
        eventually(lambda: all(dms().values()), timeout=60)
        eventually(lambda: len(slack_api.messages_in(slack_api.dm_channel_of("UADMIN"))) == 1)
        time.sleep(1)  # a duplicate, if any, would land now
        assert dms() == {user: ["Dépôt des dossiers le 30/09"] for user in RECIPIENTS}
        assert len(list(tmp_path.glob("leader-*"))) == 2  # the survivor took over
    finally:
        for process in replicas:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
