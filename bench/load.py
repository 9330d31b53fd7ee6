"""A load client in its own process: N concurrent clients posting signed slash commands over kept-alive
connections (aiohttp, whose C parser keeps the client's own CPU small: the client shares the cores with the
servers it measures; httpx's pure-Python client took ~2.5 ms of CPU per request, as much as a command).

`python -m bench.load <slack|mattermost> URL --requests N --clients C --users FILE` prints one JSON line:
requests per second, latency percentiles (time to the HTTP answer, i.e. to the ack) and error count.
Slack requests are signed with slack_sdk's `SignatureVerifier`, exactly as Slack signs them.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bench.environment import MATTERMOST_TOKEN_ENV, SLACK_SECRET_ENV
from bench.stats import summary_ms

Build = Callable[[int], tuple[bytes, dict[str, str]]]


def slack_request(secret: str, users: list[tuple[str, str]], response_url: str, team: str, channel: str) -> Build:
    """The i-th `/lab` slash command, form-encoded and signed."""
    verifier = SignatureVerifier(secret)

    def build(i: int) -> tuple[bytes, dict[str, str]]:
        user, text = users[i % len(users)]
        body = urlencode({
            "token": "legacy-unused", "team_id": team, "team_domain": "labs", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user, "command": "/lab", "text": text,
            "api_app_id": "A0BENCH", "response_url": response_url, "trigger_id": f"{i}.bench",
        }).encode()  # fmt: skip
        timestamp = str(int(time.time()))
        signature = verifier.generate_signature(timestamp=timestamp, body=body) or ""
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        }
        return body, headers

    return build


def mattermost_request(
    token: str, users: list[tuple[str, str]], response_url: str, team: str, channel: str
) -> Build:
    """The i-th `/lab` slash command as Mattermost posts it (form fields, token in the body)."""

    def build(i: int) -> tuple[bytes, dict[str, str]]:
        user, text = users[i % len(users)]
        body = urlencode({
            "token": token, "team_id": team, "team_domain": "labs", "channel_id": channel,
            "channel_name": "town-square", "user_id": user, "user_name": user, "command": "/lab", "text": text,
            "response_url": response_url, "trigger_id": f"{i}.bench",
        }).encode()  # fmt: skip
        return body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}

    return build


async def run(url: str, build: Build, requests: int, clients: int) -> dict[str, float]:
    """Send `requests` requests from `clients` concurrent clients; time each one."""
    durations: list[float] = []
    errors = 0
    counter = itertools.count()
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client:

        async def worker() -> None:
            nonlocal errors
            while (i := next(counter)) < requests:
                body, headers = build(i)
                started = time.perf_counter()
                async with client.post(url, data=body, headers=headers) as response:
                    await response.read()
                durations.append(time.perf_counter() - started)
                errors += response.status != 200

        started_at = time.time()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - started
    return {
        "requests_per_s": round(requests / wall, 1),
        "errors": errors,
        "started_at": started_at,
        "wall_s": round(wall, 3),
        **summary_ms(durations),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("platform", choices=["slack", "mattermost"])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--users", required=True, help="JSON file: [[user_id, command text], …]")
    parser.add_argument("--response-url", default="http://127.0.0.1:9/")
    parser.add_argument("--team", default="T0BENCH")
    parser.add_argument("--channel", default="C0BENCH")
    args = parser.parse_args()
    users = [(u, t) for u, t in json.loads(Path(args.users).read_text())]
    build = (
        slack_request(os.environ[SLACK_SECRET_ENV], users, args.response_url, args.team, args.channel)
        if args.platform == "slack"
        else mattermost_request(
            os.environ[MATTERMOST_TOKEN_ENV], users, args.response_url, args.team, args.channel
        )
    )
    print(json.dumps(asyncio.run(run(args.url, build, args.requests, args.clients))))


if __name__ == "__main__":
    main()
