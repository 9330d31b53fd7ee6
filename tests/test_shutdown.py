"""SIGTERM to a real `labbot run` during a burst of Slack commands and a broadcast, beside a `labbot worker`
replica on PostgreSQL: it stops within `[http] shutdown_seconds`, every acked command is answered, leadership
passes to the other replica at once, and no one gets a message twice. Commands run in worker processes, and
`/metrics` counts them (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.outbox.test_replicas import RECIPIENTS, postgres_database, queue_broadcast  # noqa: F401 - fixture
from tests.outbox.test_scheduler import eventually
from tests.platforms.slack_api import SlackApiStandIn
from tests.slack.conftest import SIGNING_SECRET, signed_headers

ROOT = Path(__file__).resolve().parents[1]
SHUTDOWN_SECONDS = 20
PEOPLE = [f"UCMD{n:02d}" for n in range(30)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def slash(api: SlackApiStandIn, port: int, user: str, text: str) -> tuple[int, str]:
    """POST a signed `/lab <text>`; (HTTP status or 0 when refused at the door, its response_url)."""
    response_url = api.new_response_url()
    body = urlencode(
        {
            "team_id": api.team_id,
            "channel_id": "C0LAB",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/lab",
            "text": text,
            "api_app_id": api.app_id,
            "response_url": response_url,
            "trigger_id": f"{user}.{time.monotonic_ns()}.trigger",
        }
    ).encode()
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    try:
        status = httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body, headers=headers, timeout=5)
    except httpx.TransportError:
        return 0, response_url
    return status.status_code, response_url


def commands_counted(port: int) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "labbot_commands_total" and sample.labels["platform"] == "slack"
    )


def leads(port: int) -> bool:
    try:
        return "labbot_scheduler_leader 1.0" in httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.TransportError:
        return False


@pytest.mark.postgres
def test_sigterm_during_a_burst_and_a_broadcast(
    postgres_database: str,  # noqa: F811 - the fixture imported above
    slack_api: SlackApiStandIn,
    tmp_path: Path,
) -> None:
    for user in [*RECIPIENTS, "UADMIN", *PEOPLE]:
        slack_api.add_user(user, user.lower(), user, f"{user.lower()}@example.gouv.fr")
    slack_api.set_rate_limits(per_channel_per_second=1, global_per_second=20)
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{postgres_database}"\n'
        f'[slack]\nmode = "http"\napi_base_url = "{slack_api.base_url}"\n\n'
        "[commands]\nprocesses = 2\n"
        f"[http]\nport = {port}\nshutdown_seconds = {SHUTDOWN_SECONDS}\n"
        "[metrics]\nenabled = true\n"
        '[logging]\nformat = "json"\n'
        "[outbox.limits.slack]\nper_channel_per_second = 1\nper_second = 20\nburst = 20\n",
        encoding="utf-8",
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LABBOT_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": slack_api.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    command = [sys.executable, "-m", "adapters.cli", "--config", str(config)]
    log_file = tmp_path / "server.log"
    server = subprocess.Popen([*command, "run"], cwd=ROOT, env=env, stderr=log_file.open("w"))
    replica: subprocess.Popen[bytes] | None = None
    try:
        eventually(lambda: leads(port), timeout=30)  # alone, it leads
        replica = subprocess.Popen([*command, "worker"], cwd=ROOT, env=env)
        # Counted in the worker processes, read from the server's /metrics.
        warmup = [slash(slack_api, port, user, "aide") for user in PEOPLE[:4]]
        assert all(status == 200 for status, _url in warmup)
        eventually(lambda: all(slack_api.responses_to(url) for _status, url in warmup), timeout=30)
        eventually(lambda: commands_counted(port) == 4, timeout=10)

        queue_broadcast(postgres_database)
        eventually(lambda: sum(len(slack_api.messages_in(slack_api.dm_channel_of(u))) for u in RECIPIENTS) >= 5)
        with ThreadPoolExecutor(8) as pool:
            burst = [pool.submit(slash, slack_api, port, user, "evenements") for user in PEOPLE[4:]]
            # Mid-burst: some commands acked (and maybe not yet answered), others still to come.
            eventually(lambda: sum(f.done() and f.result()[0] == 200 for f in burst) >= 6, timeout=30)
            stopped_at = time.monotonic()
            server.send_signal(signal.SIGTERM)
            sent = [future.result() for future in burst]
        # uvicorn ends a graceful stop by re-raising the signal it caught: a clean exit reads as "killed by TERM".
        assert server.wait(timeout=SHUTDOWN_SECONDS + 5) in (0, -signal.SIGTERM)
        stop_seconds = time.monotonic() - stopped_at
        assert stop_seconds < SHUTDOWN_SECONDS + 1

        acked = [url for status, url in sent if status == 200]
        assert acked, "SIGTERM came before any command of the burst was acked"
        unanswered = [url for url in acked if not slack_api.responses_to(url)]
        assert unanswered == [], f"{len(unanswered)} of {len(acked)} acked commands left unanswered"

        def dms() -> dict[str, list[str]]:
            return {u: [m["text"] for m in slack_api.messages_in(slack_api.dm_channel_of(u))] for u in RECIPIENTS}

        # The worker replica takes over and finishes the broadcast: everyone once, the author's report once.
        eventually(lambda: all(dms().values()), timeout=60)
        eventually(lambda: len(slack_api.messages_in(slack_api.dm_channel_of("UADMIN"))) == 1, timeout=30)
        time.sleep(1)  # a duplicate, if any, would land now
        assert dms() == {user: ["Dépôt des dossiers le 30/09"] for user in RECIPIENTS}
        assert all(len(slack_api.responses_to(url)) == 1 for _status, url in [*warmup, *sent] if _status == 200)
        # The worker processes log like the server: one JSON line per command, with its request id.
        entries = [json.loads(text) for text in log_file.read_text(encoding="utf-8").splitlines()]
        commands = [e for e in entries if e["logger"] == "labbot.engine" and e.get("platform") == "slack"]
        assert len(commands) >= len(warmup) + len(acked)
        assert all(e.get("request_id") and e.get("family") for e in commands)
    finally:
        for process in (server, replica):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
