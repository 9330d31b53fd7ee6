"""HTTP: signed slash commands over loopback, labbot against the bare framework on the same server stack.

Both servers run at once (uvicorn, one process each); the load client runs in a third process and the rounds
alternate which server goes first, so drift on a shared machine hits both alike. Ratios are labbot / bare.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.generate import Layout
from bench.processes import free_port, peak_rss_mib, server
from bench.scale import Scale
from bench.servers import MATTERMOST_TOKEN_ENV, SLACK_SECRET_ENV

PLATFORMS = {
    "slack": ("bare-slack", "/slack/events"),
    "mattermost": ("bare-mattermost", "/mattermost/command"),
}


def adapter_landed(platform: str) -> bool:
    """Whether `adapters/<platform>/platform.py` exists (the adapters land on main during this work)."""
    return importlib.util.find_spec(f"adapters.{platform}") is not None and (
        importlib.util.find_spec(f"adapters.{platform}.platform") is not None
    )


def labbot_config(platform: str, database_url: str, port: int) -> str:
    """labbot's TOML configuration for `labbot run` with one platform, on the benchmark database."""
    table = {"slack": '[slack]\nmode = "http"\n', "mattermost": "[mattermost]\n"}[platform]
    return f'[database]\nurl = "{database_url}"\n\n[http]\nport = {port}\n\n{table}'


def _users(plan: Layout, platform: str, count: int = 500) -> list[tuple[str, str]]:
    ident = plan.slack_id if platform == "slack" else plan.mattermost_id
    users = []
    for i in range(min(count, plan.scale.agents)):
        index = (i * 7919) % plan.scale.agents
        users.append((ident(plan.agent_id(index)), f"projet {plan.project_of_agent(index)}"))
    return users


def _load(platform: str, url: str, scale: Scale, users: Path, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.load", platform, url, "--requests", str(scale.http_requests),
               "--clients", str(scale.http_clients), "--users", str(users)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True, env={**os.environ, **env})
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


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
    users = workdir / f"users-{platform}.json"
    users.write_text(json.dumps(_users(plan, platform)))
    bare_kind, path = PLATFORMS[platform]
    bare_port = free_port()
    result: dict[str, Any] = {"requests": scale.http_requests, "clients": scale.http_clients, "bare": []}
    with server(["bench.servers", bare_kind, "--port", str(bare_port)], bare_port, env,
                workdir / f"{bare_kind}.log"):  # fmt: skip
        bare_url = f"http://127.0.0.1:{bare_port}{path}"
        if not adapter_landed(platform):
            for _ in range(scale.http_rounds):
                result["bare"].append(_load(platform, bare_url, scale, users, env))
            result["labbot"] = None
            result["skipped"] = f"adapters/{platform}/platform.py is not on this branch yet"
            return result
        labbot_port = free_port()
        config = workdir / f"labbot-{platform}.toml"
        config.write_text(labbot_config(platform, database_url, labbot_port))
        labbot_env = {**env, **labbot_secrets(platform, env)}
        with server(["bench.servers", "labbot", "--port", str(labbot_port), "--config", str(config)], labbot_port,
                    labbot_env, workdir / f"labbot-{platform}.log") as labbot:  # fmt: skip
            labbot_url = f"http://127.0.0.1:{labbot_port}{path}"
            result["labbot"] = []
            for round_number in range(scale.http_rounds):
                order = [("bare", bare_url), ("labbot", labbot_url)]
                for name, url in order if round_number % 2 == 0 else reversed(order):
                    result[name].append(_load(platform, url, scale, users, labbot_env))
            result["labbot_peak_rss_mib"] = peak_rss_mib(labbot.pid)
        result.update(_ratios(result["bare"], result["labbot"]))
    return result


def labbot_secrets(platform: str, env: dict[str, str]) -> dict[str, str]:
    """The environment variables labbot reads its platform secrets from."""
    if platform == "slack":
        return {"SLACK_SIGNING_SECRET": env[SLACK_SECRET_ENV], "SLACK_BOT_TOKEN": "xoxb-bench"}
    return {"MATTERMOST_COMMAND_TOKEN": env[MATTERMOST_TOKEN_ENV], "MATTERMOST_TOKEN": "bench"}


def measure(plan: Layout, database_url: str, workdir: Path) -> dict[str, Any]:
    """Both platforms."""
    return {platform: measure_platform(platform, plan, database_url, workdir) for platform in PLATFORMS}
