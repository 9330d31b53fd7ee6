"""Broadcast: one announcement to every agent through the Slack Web API stand-in and its rate limits.

The stand-in (tests/platforms/slack_api.py) runs in this process and checks every call against Slack's
OpenAPI spec read from the shared specs folder; senders run in child processes so they can be killed midway.
labbot's announcement is made through `LabBot.handle` by the admin (`annonce … a:tous`, `annonce confirmer`),
released as the scheduler releases it, and delivered by labbot's DeliveryWorker with the real SlackMessenger
(bench/broadcast_worker.py). The slack_sdk reference sender (bench/broadcast_sender.py) is the floor.
Duplicates and losses are counted from the messages the stand-in holds in each recipient's DM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from adapters.bootstrap import Application
from bench import latency
from bench.broadcast_sender import TOKEN_ENV
from bench.generate import ADMIN_ID, Layout
from labbot.messages import Outcome, Request
from labbot.scheduling.audience import Reach, release
from labbot.storage import announcements
from labbot.storage.models import Announcement, Person
from tests.platforms.slack_api import DEFAULT_TOKEN, SlackApiStandIn
from tests.platforms.slack_spec import SlackWebSpec

PER_CHANNEL_PER_SECOND = 1.0  # Slack: about one message per second per channel
PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHILD_ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), TOKEN_ENV: DEFAULT_TOKEN}


def global_rate(recipients: int) -> float:
    """The workspace-wide rate used: high enough that 20 000 messages fit the run's time budget, low enough
    that a tiny run lasts long enough to be killed midway."""
    if recipients > 5_000:
        return 250.0
    return 100.0 if recipients > 500 else 10.0


def minimum_seconds(recipients: int, rate: float, burst: float) -> float:
    """The least time the limits allow: the burst goes at once, the rest at `rate` (one message per DM, so
    the per-channel limit never binds)."""
    return max(0.0, (recipients - burst) / rate)


def _count(slack: SlackApiStandIn, users: list[str], marker: str | None = None) -> tuple[int, int]:
    """(duplicates, losses) over `users`' DMs, counting the messages whose text holds `marker` (all if None)."""
    duplicates = losses = 0
    for user in users:
        texts = [m.get("text", "") for m in slack.messages_in(slack.dm_channel_of(user))]
        received = sum(1 for text in texts if marker is None or marker in text)
        duplicates += max(0, received - 1)
        losses += received == 0
    return duplicates, losses


def _posts_since(slack: SlackApiStandIn, start: int) -> tuple[int, int]:
    """(accepted, rate-limited) chat.postMessage calls after the first `start` ones."""
    calls = slack.calls_to("chat.postMessage")[start:]
    return sum(1 for call in calls if call.ok), sum(1 for call in calls if call.status == 429)


def run_sender(slack: SlackApiStandIn, users: list[str], workdir: Path) -> dict[str, Any]:
    """The slack_sdk reference sender, timed from start to its last message."""
    recipients = workdir / "recipients.json"
    recipients.write_text(json.dumps(users))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.broadcast_sender", slack.base_url, str(recipients)],
        check=True, capture_output=True, env=CHILD_ENV,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    duplicates, losses = _count(slack, users)
    _, rate_limited = _posts_since(slack, 0)
    return {"recipients": len(users), "seconds": round(seconds, 2), "duplicates": duplicates, "losses": losses,
            "rate_limited": rate_limited}  # fmt: skip


def _say(application: Application, text: str) -> None:
    request = Request(platform="slack", user_id=Layout.slack_id(ADMIN_ID), text=text,
                      idempotency_key=f"bench-{uuid.uuid4().hex}")  # fmt: skip
    reply = application.bot.handle(request)
    if reply.outcome is not Outcome.DONE:
        raise RuntimeError(f"{text!r} was not carried out: {reply.text} {reply.notes}")


def queue_announcement(url: str, text: str) -> tuple[int, float]:
    """The admin announces `text` to everyone and confirms; the release queues one delivery per person on
    Slack, as the scheduler does. Return the outbox message's id and the seconds the release took."""
    application = latency.open_application(url)
    database = application.database
    try:
        _say(application, f'annonce "{text}" a:tous')
        with database.transaction() as session:
            number = session.scalar(select(func.max(Announcement.id)))
        _say(application, f"annonce confirmer {number}")
        started = time.perf_counter()
        with database.transaction() as session:
            announcement = announcements.lock(session, int(number or 0))
            if announcement is None or announcement.state != "planifiee":  # only the scheduler releases
                raise RuntimeError(f"announcement {number} was not left for the scheduler to release")
            release(session, announcement, Reach({"slack"}), application.bot.clock.now())
            message_id = announcement.message_id
        seconds = time.perf_counter() - started
    finally:
        database.dispose()
    if message_id is None:
        raise RuntimeError(f"announcement {number} queued nothing")
    return message_id, seconds


def _worker_command(url: str, slack: SlackApiStandIn, message_id: int, rate: float) -> list[str]:
    return [sys.executable, "-m", "bench.broadcast_worker", url, slack.base_url, str(message_id),
            "--per-second", f"{rate:g}", "--burst", str(int(rate))]  # fmt: skip


def _kill_midway(command: list[str], slack: SlackApiStandIn, start: int, halfway: int) -> int:
    """Start the worker, SIGKILL it once `halfway` messages went out; return how many had gone out then."""
    child = subprocess.Popen(command, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while _posts_since(slack, start)[0] < halfway:
        if child.poll() is not None:
            raise RuntimeError(f"the delivery worker ended (status {child.returncode}) before it could be killed")
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return _posts_since(slack, start)[0]


def run_labbot(slack: SlackApiStandIn, url: str, users: list[str], rate: float, *, kill: bool) -> dict[str, Any]:
    """labbot's announcement delivered by its worker; with `kill`, SIGKILLed halfway and started again."""
    marker = f"essai-{uuid.uuid4().hex[:8]}"
    # The marker past the 60 characters the sender's delivery report quotes: only the announcement holds it.
    text = f"Dépôt des dossiers le 30/09 : joignez la lettre du préfet de région et le budget ({marker})"
    message_id, release_seconds = queue_announcement(url, text)
    slack.set_rate_limits(PER_CHANNEL_PER_SECOND, rate, global_burst=rate)  # full buckets, as for the others
    command = _worker_command(url, slack, message_id, rate)
    start = len(slack.calls_to("chat.postMessage"))
    lookups = len(slack.calls_to("conversations.history"))
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if kill:
        result["sent_before_kill"] = _kill_midway(command, slack, start, len(users) // 2)
    finished = subprocess.run(command, check=False, env=CHILD_ENV, capture_output=True, text=True)
    if finished.returncode:
        raise RuntimeError(f"the delivery worker failed:\n{finished.stderr}")
    seconds = time.perf_counter() - started
    duplicates, losses = _count(slack, users, marker)
    _, rate_limited = _posts_since(slack, start)
    # Deliveries found `sending` after the kill: the worker looks for their marker before sending again.
    result["history_lookups"] = len(slack.calls_to("conversations.history")) - lookups
    return {"recipients": len(users), "seconds": round(seconds, 2), "duplicates": duplicates, "losses": losses,
            "rate_limited": rate_limited, "release_seconds": round(release_seconds, 2), **result}  # fmt: skip


def _slack_people(url: str) -> list[str]:
    """The Slack ids of everyone in the data set (`a:tous` reaches them all)."""
    application = latency.open_application(url)
    try:
        with application.database.transaction() as session:
            ids = session.scalars(select(Person.id).order_by(Person.id)).all()
    finally:
        application.database.dispose()
    return [Layout.slack_id(person_id) for person_id in ids]


def _with_ratio(run: dict[str, Any], rate: float) -> dict[str, Any]:
    floor = minimum_seconds(run["recipients"], rate, rate)
    ratio = round(run["seconds"] / floor, 3) if floor else None
    return {**run, "minimum_seconds": round(floor, 2), "ratio": ratio}


def measure(plan: Layout, url: str, workdir: Path) -> dict[str, Any]:
    """The reference sender on the agents, then labbot's announcement to everyone: straight, and killed midway."""
    count = min(plan.scale.broadcast_recipients, plan.scale.agents)
    agents = [plan.slack_id(plan.agent_id(index)) for index in range(count)]
    everyone = _slack_people(url)
    rate = global_rate(len(everyone))
    runs: dict[str, Any] = {}
    with SlackApiStandIn(spec=SlackWebSpec.load()) as slack:
        for user in everyone:
            slack.add_user(user, user.lower(), f"Agent {user}", f"{user.lower()}@example.gouv.fr")
        slack.set_rate_limits(PER_CHANNEL_PER_SECOND, rate, global_burst=rate)
        runs["slack_sdk reference (no outbox)"] = _with_ratio(run_sender(slack, agents, workdir), rate)
        runs["labbot outbox"] = _with_ratio(run_labbot(slack, url, everyone, rate, kill=False), rate)
        runs["labbot outbox, killed midway"] = _with_ratio(run_labbot(slack, url, everyone, rate, kill=True), rate)
        violations = len(slack.violations)
    killed = runs["labbot outbox, killed midway"]
    notes = [
        f"Spec violations seen by the stand-in: {violations}.",
        "labbot: `annonce … a:tous` and `annonce confirmer` by the admin through `LabBot.handle`, released as the "
        "scheduler does (queueing one delivery per person: "
        f"{runs['labbot outbox']['release_seconds']} s, not counted above), then delivered by labbot's "
        "DeliveryWorker and SlackMessenger in a child process, from its start to the last delivery settled.",
        f"Killed run: SIGKILL after {killed['sent_before_kill']} messages, started again, finished; its time "
        f"includes the restart. The restarted worker looked up {killed['history_lookups']} interrupted deliveries "
        "in conversations.history (their marker) before sending them again.",
    ]
    return {
        "limits": f"Limits: {PER_CHANNEL_PER_SECOND:g} message/s per channel, {rate:g} messages/s for the "
        f"workspace (burst {rate:g}); 429 with `Retry-After` (whole seconds) beyond. labbot's "
        f"`[outbox.limits.slack]`: per_channel_per_second = 1, per_second = {rate:g}, burst = {rate:g}.",
        "runs": runs,
        "violations": violations,
        "notes": notes,
    }
