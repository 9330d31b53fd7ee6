"""Time-to-ack of `/lab` slash commands: labbot's Slack app against a bare Bolt app that only acks.

    .venv/bin/python -m bench.slack_ack [--requests 2000] [--clients 16] [--rounds 3]

Each app runs under uvicorn on 127.0.0.1 behind Bolt's Starlette adapter in a process of its own, as in
production; the Slack Web API stand-in (auth.test, users.info, the response_urls) runs in this process and
the load client in a third one, like Slack and its users would be elsewhere. labbot runs on a temporary
SQLite file with its default settings and does each command's work after the ack; every command must be
answered. Bare and labbot runs alternate (`--rounds`) and medians are reported, since a shared machine is
noisy. Prints requests/s and p50/p99 time-to-ack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.bootstrap import bootstrap
from adapters.http import build_http_app
from adapters.slack.platform import from_settings
from labbot.config import Settings
from tests.platforms.slack_api import SlackApiStandIn

SECRET = "bench-signing-secret"  # noqa: S105 - a test secret


def bare_app(api: SlackApiStandIn) -> Starlette:
    """The reference: a Bolt app whose /lab listener only acks."""
    app = AsyncApp(client=api.async_web_client(), signing_secret=SECRET, process_before_response=True)

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    app.command("/lab")(only_ack)
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


def labbot_app(api: SlackApiStandIn, folder: str, processes: int) -> Starlette:
    """labbot's Slack platform as `labbot run` assembles it (`[slack] command_processes = processes`)."""
    os.environ.update(SLACK_BOT_TOKEN=api.token, SLACK_SIGNING_SECRET=SECRET)
    slack: dict[str, object] = {"api_base_url": api.base_url}
    if processes >= 0:
        slack["command_processes"] = processes
    settings = Settings.model_validate({"database": {"url": f"sqlite:///{folder}/bench.db"}, "slack": slack})
    platform = from_settings(settings)
    if platform is None:
        raise SystemExit("no [slack] platform")
    application = bootstrap(settings, messengers={"slack": platform.messenger})
    platform.attach(application)
    return build_http_app(application.database, platform.routes(), [platform])


def serve(name: str, api: SlackApiStandIn, folder: str, processes: int) -> tuple[str, Callable[[], None]]:
    """Start `python -m bench.slack_ack --serve <name>` and wait until it answers; return URL and stopper."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "bench.slack_ack", "--serve", name, "--port", str(port)]
    command += ["--api", api.base_url, "--folder", folder, "--processes", str(processes)]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}/slack/events"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(url, content=b"")
            break
        except httpx.TransportError:
            time.sleep(0.05)

    def stop() -> None:
        process.terminate()
        process.wait(10)

    return url, stop


def run_server(name: str, port: int, api_url: str, folder: str, processes: int) -> None:
    """The server side: one app under uvicorn until terminated."""
    api = _RemoteApi(api_url)
    app = bare_app(api) if name == "bare" else labbot_app(api, folder, processes)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class _RemoteApi(SlackApiStandIn):
    """The stand-in's client side only: its URLs and token, for an app in another process."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self._base = base_url

    @property
    def base_url(self) -> str:
        return self._base


async def load(url: str, team_id: str, response_urls: list[str], clients: int) -> tuple[float, list[float]]:
    """Send one signed slash command per response_url over `clients` connections; return (req/s, latencies)."""
    verifier = SignatureVerifier(SECRET)
    latencies: list[float] = []
    requests = len(response_urls)
    counter = iter(range(requests))

    async def client(http: httpx.AsyncClient) -> None:
        for n in counter:
            body = urlencode(
                {
                    "team_id": team_id,
                    "user_id": f"U{n % 50:08d}",
                    "command": "/lab",
                    "text": "evenements",
                    "channel_id": "C0BENCH",
                    "response_url": response_urls[n],
                    "trigger_id": f"{n}.bench",
                }
            ).encode()
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body) or "",
            }
            started = time.perf_counter()
            response = await http.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()

    async with httpx.AsyncClient() as http:
        await client_warmup(http, url)
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return requests / elapsed, latencies


async def client_warmup(http: httpx.AsyncClient, url: str) -> None:
    await http.post(url, content=b"", headers={"Content-Type": "application/json"})


def measure(
    name: str, api: SlackApiStandIn, folder: str, requests: int, clients: int, *, processes: int
) -> tuple[float, float]:
    url, stop = serve(name, api, folder, processes)
    api.clear()
    urls_file = Path(folder) / "response_urls.json"
    urls_file.write_text(json.dumps([api.new_response_url() for _ in range(requests)]))
    try:
        # The load client runs in a process of its own, so neither it nor the stand-in slows the other.
        command = [sys.executable, "-m", "bench.slack_ack", "--load", url, "--team", api.team_id]
        command += ["--urls", str(urls_file), "--clients", str(clients)]
        measured = json.loads(subprocess.run(command, capture_output=True, check=True, text=True).stdout)
        rate, latencies = measured["rate"], measured["latencies"]
        deadline = time.monotonic() + 60
        while len(api.responses) < requests and name != "bare" and time.monotonic() < deadline:
            time.sleep(0.1)  # the work after the ack: every command must still be answered
    finally:
        stop()
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    p50 = statistics.median(latencies) * 1000
    answered = len(api.responses)
    print(f"{name:8} {rate:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   answered {answered}/{requests}")
    return rate, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="alternate bare/labbot runs; medians reported")
    parser.add_argument("--processes", type=int, default=-1, help="[slack] command_processes (default: labbot's)")
    parser.add_argument("--serve", choices=["bare", "labbot"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--team", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        run_server(args.serve, args.port, args.api, args.folder, args.processes)
        return
    if args.load:
        urls = json.loads(Path(args.urls).read_text())
        rate, latencies = asyncio.run(load(args.load, args.team, urls, args.clients))
        print(json.dumps({"rate": rate, "latencies": latencies}))
        return
    with SlackApiStandIn() as api, tempfile.TemporaryDirectory() as folder:
        for n in range(50):
            api.add_user(f"U{n:08d}", f"agent{n}", f"Agent {n}", f"agent{n}@example.gouv.fr")
        bare, ours = [], []
        for _ in range(args.rounds):  # alternated, so that a busy moment of the machine hits both
            bare.append(measure("bare", api, folder, args.requests, args.clients, processes=-1))
            ours.append(measure("labbot", api, folder, args.requests, args.clients, processes=args.processes))
    bare_rate, bare_p99 = (statistics.median(values) for values in zip(*bare, strict=True))
    ours_rate, ours_p99 = (statistics.median(values) for values in zip(*ours, strict=True))
    print(f"medians  req/s ratio {ours_rate / bare_rate:.2f}   p99 ratio (bare/labbot) {bare_p99 / ours_p99:.2f}")


if __name__ == "__main__":
    main()
