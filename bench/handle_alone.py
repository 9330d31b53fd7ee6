"""The end-to-end figure's yardstick: how many commands per second `LabBot.handle` alone sustains.

`python -m bench.handle_alone <platform> --config FILE --users FILE --requests N --processes K` prints one JSON
line. K processes (labbot's `[commands] processes`, same database, same configuration, the bot the command
workers build) each run their share of the same signed-command texts as the same platform accounts, with
an idempotency key each as the adapters send them; no HTTP, no rendering, no answer to post. The wall time
runs from the moment every process is ready (and has run a few commands, unmeasured) to the last
command done.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
import uuid
from multiprocessing.synchronize import Barrier
from pathlib import Path

from labbot.config import load_settings
from labbot.engine import LabBot
from labbot.messages import Outcome, Request

WARMUP = 20


def _run(config: str, platform: str, commands: list[tuple[str, str]], start: Barrier) -> None:
    from adapters.bootstrap import command_bot  # noqa: PLC0415 - in the spawned process only

    bot = command_bot(load_settings(config))
    for user_id, text in commands[:WARMUP]:  # unmeasured: labbot's workers are warm when they are measured
        _handle(bot, platform, user_id, text)
    start.wait()
    for user_id, text in commands:
        _handle(bot, platform, user_id, text)
    bot.database.dispose()


def _handle(bot: LabBot, platform: str, user_id: str, text: str) -> None:
    request = Request(
        platform=platform, user_id=user_id, text=text, locale="fr-FR", channel_id="C0BENCH",
        idempotency_key=f"bench-alone:{uuid.uuid4().hex}",
    )  # fmt: skip
    reply = bot.handle(request)
    if reply.outcome is not Outcome.DONE:
        # Counted like labbot's own answers (an apology is an answer too), and said on stderr: on a loaded
        # machine SQLite's write lock can outlast the busy timeout.
        print(f"{user_id}: {text!r} was not carried out: {reply.text}", file=sys.stderr)


def measure(config: str, platform: str, users: list[tuple[str, str]], requests: int, processes: int) -> float:
    """Commands per second of `requests` commands (the users' in turn) across `processes` processes."""
    commands = [users[i % len(users)] for i in range(requests)]
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes + 1)
    workers = [
        context.Process(target=_run, args=(config, platform, commands[n::processes], start))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    if any(worker.exitcode for worker in workers):
        raise RuntimeError("a LabBot.handle process failed")
    return round(requests / wall, 1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.handle_alone")
    parser.add_argument("platform", choices=["slack", "mattermost"])
    parser.add_argument("--config", required=True)
    parser.add_argument("--users", required=True, help="JSON file: [[user_id, command text], …]")
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    users = [(u, t) for u, t in json.loads(Path(args.users).read_text())]
    rate = measure(args.config, args.platform, users, args.requests, args.processes)
    print(json.dumps({"commands_per_s": rate}))


if __name__ == "__main__":
    main()
