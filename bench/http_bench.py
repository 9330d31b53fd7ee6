"""HTTP: signed slash commands over loopback, labbot against the bare framework on the same server stack.

Both servers run at once (uvicorn, one process each); the load client runs in a third process and the rounds
alternate which server goes first, so drift on a shared machine hits both alike. Ratios are labbot / bare.
labbot's Slack adapter acks first and answers through the response_url afterwards: for it the report also
gives the time until the last of a round's replies reached the Slack stand-in.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench import stand_ins
from bench.generate import Layout
from bench.processes import free_port, peak_rss_mib, server
from bench.scale import Scale
from bench.servers import MATTERMOST_TOKEN_ENV, SLACK_SECRET_ENV
from bench.stand_ins import PlatformSide

PLATFORMS = {
    "slack": ("bare-slack", "/slack/events"),
    "mattermost": ("bare-mattermost", "/mattermost/command"),
}
DELIVERY_TIMEOUT_S = 300


def adapter_landed(platform: str) -> bool:
    """Whether `adapters/<platform>/platform.py` exists (the adapters land on main during this work)."""
    return importlib.util.find_spec(f"adapters.{platform}") is not None and (
        importlib.util.find_spec(f"adapters.{platform}.platform") is not None
    )


def _toml(database_url: str, port: int, platform: str, section: dict[str, str]) -> str:
    values = "".join(f"{key} = {json.dumps(value)}\n" for key, value in section.items())
    return f'[database]\nurl = "{database_url}"\n\n[http]\nport = {port}\n\n[{platform}]\n{values}'


@contextmanager
def _platform_side(platform: str, plan: Layout, env: dict[str, str], port: int) -> Iterator[PlatformSide]:
    if platform == "slack":
        with stand_ins.slack(plan, env[SLACK_SECRET_ENV]) as side:
            yield side
    else:
        with stand_ins.mattermost(plan, env[MATTERMOST_TOKEN_ENV], f"http://127.0.0.1:{port}") as side:
            yield side


def _load(platform: str, url: str, scale: Scale, *, side: PlatformSide, users: Path, env: dict[str, str]) -> Any:
    command = [sys.executable, "-m", "bench.load", platform, url, "--requests", str(scale.http_requests),
               "--clients", str(scale.http_clients), "--users", str(users), "--response-url", side.response_url,
               "--team", side.team, "--channel", side.channel]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ, **env})
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_for_replies(side: PlatformSide, expected: int, started_at: float) -> float | None:
    """Seconds from the round's first request until `expected` replies have arrived (None: they did not)."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while side.delivered() < expected:
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)
    return round(time.time() - started_at, 3)


def _ratios(bare: list[dict[str, Any]], labbot: list[dict[str, Any]]) -> dict[str, float]:
    rps = statistics.median(r["requests_per_s"] for r in labbot) / statistics.median(
        r["requests_per_s"] for r in bare
    )
    p99 = statistics.median(r["p99_ms"] for r in labbot) / statistics.median(r["p99_ms"] for r in bare)
    return {"requests_per_s_ratio": round(rps, 3), "p99_ack_ratio": round(p99, 3)}


def measure_platform(platform: str, plan: Layout, database_url: str, workdir: Path) -> dict[str, Any]:
    """Bare and labbot servers for one platform, alternating rounds; labbot only if its adapter landed."""
    scale = plan.scale
    env = {SLACK_SECRET_ENV: secrets.token_hex(16), MATTERMOST_TOKEN_ENV: secrets.token_hex(13)}
    bare_kind, path = PLATFORMS[platform]
    bare_port, labbot_port = free_port(), free_port()
    landed = adapter_landed(platform)
    result: dict[str, Any] = {"requests": scale.http_requests, "clients": scale.http_clients, "bare": []}
    with ExitStack() as stack:
        side = stack.enter_context(_platform_side(platform, plan, env, labbot_port))
        users = workdir / f"users-{platform}.json"
        users.write_text(json.dumps(side.users))
        bare_log = workdir / f"{bare_kind}.log"
        stack.enter_context(
            server(["bench.servers", bare_kind, "--port", str(bare_port)], bare_port, env, bare_log)
        )
        targets = {"bare": f"http://127.0.0.1:{bare_port}{path}"}
        labbot = None
        if landed:
            config = workdir / f"labbot-{platform}.toml"
            config.write_text(_toml(database_url, labbot_port, platform, side.section))
            arguments = ["bench.servers", "labbot", "--port", str(labbot_port), "--config", str(config)]
            labbot_log = workdir / f"labbot-{platform}.log"
            labbot = stack.enter_context(server(arguments, labbot_port, {**env, **side.env}, labbot_log))
            targets["labbot"] = f"http://127.0.0.1:{labbot_port}{path}"
            result["labbot"] = []
            result["labbot_replies_s"] = []
            # Unmeasured: labbot links each platform account to its agent on first contact.
            warmup = _load(platform, targets["labbot"], scale, side=side, users=users, env=env)
            if platform == "slack":
                _wait_for_replies(side, scale.http_requests, warmup["started_at"])
        for round_number in range(scale.http_rounds):
            order = list(targets.items()) if round_number % 2 == 0 else list(reversed(targets.items()))
            for name, url in order:
                figures = _load(platform, url, scale, side=side, users=users, env=env)
                result[name].append(figures)
                if name == "labbot" and platform == "slack":
                    # Every labbot round so far (and the warm-up) answers through the response_url.
                    expected = scale.http_requests * (len(result["labbot"]) + 1)
                    result["labbot_replies_s"].append(_wait_for_replies(side, expected, figures["started_at"]))
        if labbot is not None:
            result["labbot_peak_rss_mib"] = peak_rss_mib(labbot.pid)
    if landed:
        result.update(_ratios(result["bare"], result["labbot"]))
    else:
        result["labbot"] = None
        result["skipped"] = f"adapters/{platform}/platform.py is not on this branch yet"
    return result


def measure(plan: Layout, database_url: str, workdir: Path) -> dict[str, Any]:
    """Both platforms."""
    return {platform: measure_platform(platform, plan, database_url, workdir) for platform in PLATFORMS}
