"""Broadcast: one announcement to every agent through the Slack Web API stand-in and its rate limits.

The stand-in (tests/platforms/slack_api.py) runs in this process and checks every call against Slack's
OpenAPI spec read from the shared specs folder; senders run in child processes so they can be killed midway.
Duplicates and losses are counted from the messages the stand-in holds in each recipient's DM.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.broadcast_sender import TOKEN_ENV
from bench.generate import Layout
from tests.platforms.slack_api import DEFAULT_TOKEN, SlackApiStandIn
from tests.platforms.slack_spec import SlackWebSpec

PER_CHANNEL_PER_SECOND = 1.0  # Slack: about one message per second per channel
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def global_rate(recipients: int) -> float:
    """The workspace-wide rate used: high enough that 20 000 messages fit the run's time budget."""
    return 250.0 if recipients > 5_000 else 100.0


def minimum_seconds(recipients: int, rate: float, burst: float) -> float:
    """The least time the limits allow: the burst goes at once, the rest at `rate` (one message per DM, so
    the per-channel limit never binds)."""
    return max(0.0, (recipients - burst) / rate)


def outbox_landed() -> bool:
    """Whether labbot's announcement outbox is on this branch (it lands on main during this work)."""
    return importlib.util.find_spec("commands.announcements") is not None


def _count(slack: SlackApiStandIn, users: list[str]) -> tuple[int, int]:
    duplicates = losses = 0
    for user in users:
        received = len(slack.messages_in(slack.dm_channel_of(user)))
        duplicates += max(0, received - 1)
        losses += received == 0
    return duplicates, losses


def run_sender(slack: SlackApiStandIn, users: list[str], workdir: Path) -> dict[str, Any]:
    """The slack_sdk reference sender, timed from start to its last message."""
    recipients = workdir / "recipients.json"
    recipients.write_text(json.dumps(users))
    env = {"PYTHONPATH": str(PROJECT_ROOT), TOKEN_ENV: DEFAULT_TOKEN}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.broadcast_sender", slack.base_url, str(recipients)],
        check=True, capture_output=True, env={**os.environ, **env},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    duplicates, losses = _count(slack, users)
    rate_limited = sum(1 for call in slack.calls_to("chat.postMessage") if call.status == 429)
    return {"recipients": len(users), "seconds": round(seconds, 2), "duplicates": duplicates, "losses": losses,
            "rate_limited": rate_limited}  # fmt: skip


def measure(plan: Layout, workdir: Path) -> dict[str, Any]:
    """The reference sender on all agents; labbot's outbox when it has landed."""
    count = min(plan.scale.broadcast_recipients, plan.scale.agents)
    users = [plan.slack_id(plan.agent_id(index)) for index in range(count)]
    rate = global_rate(count)
    runs: dict[str, Any] = {}
    with SlackApiStandIn(spec=SlackWebSpec.load()) as slack:
        for user in users:
            slack.add_user(user, user.lower(), f"Agent {user}", f"{user.lower()}@example.gouv.fr")
        slack.set_rate_limits(PER_CHANNEL_PER_SECOND, rate, global_burst=rate)
        reference = run_sender(slack, users, workdir)
        violations = len(slack.violations)
    floor = minimum_seconds(count, rate, rate)
    reference["minimum_seconds"] = round(floor, 2)
    reference["ratio"] = round(reference["seconds"] / floor, 3) if floor else None
    runs["slack_sdk reference (no outbox)"] = reference
    notes = [f"Spec violations seen by the stand-in: {violations}."]
    if not outbox_landed():
        notes.append(
            "labbot's outbox (announcements + delivery worker) is not on this branch: labbot's broadcast, and the "
            "run killed midway and restarted, were **not measured**. The row above is the slack_sdk floor only."
        )
    else:
        notes.append(
            "labbot's outbox is on this branch, but this harness does not drive it yet: labbot's broadcast, and "
            "the run killed midway and restarted, were **not measured**; the row above is the slack_sdk floor."
        )
    return {
        "limits": f"Limits: {PER_CHANNEL_PER_SECOND:g} message/s per channel, {rate:g} messages/s for the "
        f"workspace (burst {rate:g}); 429 with `Retry-After` (whole seconds) beyond.",
        "runs": runs,
        "violations": violations,
        "notes": notes,
    }
