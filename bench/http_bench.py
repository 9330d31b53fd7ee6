"""HTTP: signed slash commands over loopback, labbot against the bare framework on the same server stack.

Both servers run at once (uvicorn, one process each); the load client runs in a third process and the rounds
alternate which server goes first, so drift on a shared machine hits both alike. Ratios are labbot / bare.
labbot acks first and answers through the command's response_url afterwards, on both platforms: the report
also gives the time until the last of a round's answers reached the platform's stand-in, as answers per
second, beside what `LabBot.handle` alone sustains on the same cores (bench/handle_alone.py: as many
processes as labbot's command workers, the same commands by the same accounts), run in the same rounds.
Slack's floor is the best of four bare slack-bolt apps (sync or async, process_before_response or
not); each is measured at 1 client and at the scale's clients.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import stand_ins
from bench.environment import MATTERMOST_TOKEN_ENV, SLACK_SECRET_ENV
from bench.generate import Layout
from bench.processes import cpu_seconds, free_port, peak_rss_mib, server
from bench.scale import Scale
from bench.servers import BARE_SLACK_KINDS
from bench.stand_ins import PlatformSide

PLATFORMS = {
    "slack": (BARE_SLACK_KINDS, "/slack/events"),
    "mattermost": (("bare-mattermost",), "/mattermost/command"),
}
DELIVERY_TIMEOUT_S = 300
COMMAND_PROCESSES = 2  # labbot's default `[commands] processes`, which the benchmark's configuration keeps


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


def _load(
    platform: str, url: str, scale: Scale, clients: int, *, side: PlatformSide, users: Path, env: dict[str, str]
) -> Any:
    command = [sys.executable, "-m", "bench.load", platform, url, "--requests", str(scale.http_requests),
               "--clients", str(clients), "--users", str(users), "--response-url", side.response_url,
               "--team", side.team, "--channel", side.channel]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ, **env})
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _handle_alone(platform: str, config: Path, users: Path, requests: int) -> float:
    command = [sys.executable, "-m", "bench.handle_alone", platform, "--config", str(config), "--users",
               str(users), "--requests", str(requests), "--processes", str(COMMAND_PROCESSES)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"LabBot.handle alone failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["commands_per_s"])


def _wait_for_replies(side: PlatformSide, expected: int, started_at: float) -> float | None:
    """Seconds from the round's first request until `expected` replies have arrived (None: they did not)."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while side.delivered() < expected:
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)
    return round(time.time() - started_at, 3)


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    return round(float(statistics.median(r[key] for r in rounds)), 2)


def _ratios(bare: list[dict[str, Any]], labbot: list[dict[str, Any]]) -> dict[str, float]:
    rps = _median(labbot, "requests_per_s") / _median(bare, "requests_per_s")
    p50 = _median(labbot, "p50_ms") / _median(bare, "p50_ms")
    p99 = _median(labbot, "p99_ms") / _median(bare, "p99_ms")
    return {"requests_per_s_ratio": round(rps, 3), "p50_ack_ratio": round(p50, 3), "p99_ack_ratio": round(p99, 3)}


def _summary(
    rounds: dict[str, list[dict[str, Any]]], replies_s: list[float | None], requests: int, alone: list[float]
) -> dict[str, Any]:
    """Per client count: each server's medians, the best bare variant, labbot against it, answers per second
    beside `LabBot.handle` alone."""
    bare = {name: r for name, r in rounds.items() if name != "labbot"}
    best = max(bare, key=lambda name: _median(bare[name], "requests_per_s"))
    summary: dict[str, Any] = {
        "servers": {
            name: {
                "requests_per_s": _median(r, "requests_per_s"),
                "p50_ms": _median(r, "p50_ms"),
                "p99_ms": _median(r, "p99_ms"),
                "server_cpu_ms": _median(r, "server_cpu_ms"),
            }
            for name, r in rounds.items()
        },
        "best_bare": best,
    }
    if "labbot" in rounds:
        summary.update(_ratios(bare[best], rounds["labbot"]))
        # What the acks would be on idle cores, if CPU alone bound them: the best bare app's CPU per request
        # over labbot's.
        summary["server_cpu_ratio"] = round(
            _median(bare[best], "server_cpu_ms") / max(_median(rounds["labbot"], "server_cpu_ms"), 0.001), 3
        )
        answered = [requests / s for s in replies_s if s]
        summary["answered_per_s"] = round(statistics.median(answered), 1) if answered else None
        summary["handle_alone_per_s"] = round(statistics.median(alone), 1) if alone else None
        if summary["answered_per_s"] and summary["handle_alone_per_s"]:
            summary["answered_ratio"] = round(summary["answered_per_s"] / summary["handle_alone_per_s"], 3)
    return summary


@dataclass
class _Run:
    """One platform's measured rounds, and how many commands labbot was sent so far."""

    platform: str
    scale: Scale
    side: PlatformSide
    users: Path
    env: dict[str, str]
    config: Path
    sent_to_labbot: int
    pids: dict[str, int]  # each server's process, by name

    def rounds(
        self, clients: int, targets: dict[str, str]
    ) -> tuple[dict[str, list[dict[str, Any]]], list[float | None], list[float]]:
        """Every server's rounds at `clients` clients, in alternating order; labbot's answers per round, and
        after each, the same commands through LabBot.handle alone."""
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        replies_s: list[float | None] = []
        alone: list[float] = []
        requests = self.scale.http_requests
        for round_number in range(self.scale.http_rounds):
            order = list(targets.items())
            order = order[round_number % len(order) :] + order[: round_number % len(order)]
            for name, url in order:
                cpu_before = cpu_seconds(self.pids[name])
                figures = _load(
                    self.platform, url, self.scale, clients, side=self.side, users=self.users, env=self.env
                )
                rounds[name].append(figures)
                if name == "labbot":
                    self.sent_to_labbot += requests
                    replies_s.append(_wait_for_replies(self.side, self.sent_to_labbot, figures["started_at"]))
                # The server process's own CPU per request (labbot's: acks and hand-offs until every answer
                # arrived; its command workers are other processes): steady when other work shares the cores.
                used = cpu_seconds(self.pids[name]) - cpu_before
                figures["server_cpu_ms"] = round(used * 1000 / requests, 3)
                if name == "labbot":
                    alone.append(_handle_alone(self.platform, self.config, self.users, requests))
        return rounds, replies_s, alone


def measure_platform(platform: str, plan: Layout, database_url: str, workdir: Path) -> dict[str, Any]:
    """Every bare variant and labbot for one platform, at 1 client and at the scale's clients, in alternating
    rounds; labbot only if its adapter landed. Answers that follow the ack are counted at the stand-in."""
    scale = plan.scale
    env = {SLACK_SECRET_ENV: secrets.token_hex(16), MATTERMOST_TOKEN_ENV: secrets.token_hex(13)}
    bare_kinds, path = PLATFORMS[platform]
    labbot_port = free_port()
    landed = adapter_landed(platform)
    result: dict[str, Any] = {"requests": scale.http_requests, "clients": scale.http_clients, "by_clients": {}}
    with ExitStack() as stack:
        side = stack.enter_context(_platform_side(platform, plan, env, labbot_port))
        users = workdir / f"users-{platform}.json"
        users.write_text(json.dumps(side.users))
        targets: dict[str, str] = {}
        pids: dict[str, int] = {}
        for kind in bare_kinds:
            port = free_port()
            log = workdir / f"{kind}.log"
            bare = stack.enter_context(server(["bench.servers", kind, "--port", str(port)], port, env, log))
            pids[kind] = bare.pid
            targets[kind] = f"http://127.0.0.1:{port}{path}"
        labbot = None
        config = workdir / f"labbot-{platform}.toml"
        sent_to_labbot = 0
        if landed:
            config.write_text(_toml(database_url, labbot_port, platform, side.section))
            arguments = ["bench.servers", "labbot", "--port", str(labbot_port), "--config", str(config)]
            labbot_log = workdir / f"labbot-{platform}.log"
            labbot = stack.enter_context(server(arguments, labbot_port, {**env, **side.env}, labbot_log))
            targets["labbot"] = f"http://127.0.0.1:{labbot_port}{path}"
            pids["labbot"] = labbot.pid
            # Unmeasured: labbot links each platform account to its agent on first contact.
            warmup = _load(platform, targets["labbot"], scale, scale.http_clients, side=side, users=users, env=env)
            sent_to_labbot += scale.http_requests
            _wait_for_replies(side, sent_to_labbot, warmup["started_at"])
        run = _Run(platform, scale, side, users, env, config, sent_to_labbot, pids)
        for clients in sorted({1, scale.http_clients}):
            rounds, replies_s, alone = run.rounds(clients, targets)
            result["by_clients"][str(clients)] = _summary(rounds, replies_s, scale.http_requests, alone)
            if clients == scale.http_clients:
                best = result["by_clients"][str(clients)]["best_bare"]
                result["bare"] = rounds[best]
                result["labbot"] = rounds.get("labbot")
                result["labbot_replies_s"] = replies_s
        if labbot is not None:
            result["labbot_peak_rss_mib"] = peak_rss_mib(labbot.pid)
    if landed and result.get("labbot"):
        result.update(_ratios(result["bare"], result["labbot"]))
    else:
        result["labbot"] = None
        result["skipped"] = f"adapters/{platform}/platform.py is not on this branch yet"
    return result


def measure(plan: Layout, database_url: str, workdir: Path) -> dict[str, Any]:
    """Both platforms."""
    return {platform: measure_platform(platform, plan, database_url, workdir) for platform in PLATFORMS}
