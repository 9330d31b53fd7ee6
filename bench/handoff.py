"""What handing a command to the worker processes costs the server: `python -m bench.handoff [N]`.

N `aide` commands (default 2 000) through `CommandRunner` with `[commands] processes = 2`, 16 at a time, on a
fresh SQLite file. Prints commands per second (bounded by the workers, so by what else runs on the cores) and
the server process's own CPU time and context switches per command (all its threads: what the hand-off takes
from the event loop that acks, steady under load).
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

from adapters.bootstrap import bootstrap
from adapters.runner import keep_reply
from labbot.config import Settings
from labbot.messages import Outcome, Request

CONCURRENT = 16


def measure(commands: int) -> dict[str, float]:
    """Commands per second, and the server's CPU µs and context switches per command."""
    folder = Path(tempfile.mkdtemp(prefix="labbot-handoff-"))
    settings = Settings.model_validate(
        {
            "database": {"url": f"sqlite:///{folder / 'handoff.db'}"},
            "commands": {"processes": 2},
            "logging": {"level": "WARNING"},  # a line per command would be most of the work measured
        }
    )
    application = bootstrap(settings)

    async def scenario() -> dict[str, float]:
        await application.runner.start()
        slots = asyncio.Semaphore(CONCURRENT)

        async def one(i: int) -> None:
            async with slots:
                request = Request(platform="console", user_id=f"agent{i % 50}", text="aide")
                answer = await application.runner.run(request, keep_reply)
                if answer.reply.outcome is not Outcome.DONE:
                    raise RuntimeError(answer.reply.text)

        await asyncio.gather(*(one(i) for i in range(50)))  # every worker warm, every account made
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(commands)))
        seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
        await application.runner.stop()
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        switches = after.ru_nvcsw - before.ru_nvcsw + after.ru_nivcsw - before.ru_nivcsw
        return {
            "per_second": commands / seconds,
            "server_cpu_us": cpu / commands * 1e6,
            "context_switches": switches / commands,
        }

    try:
        return asyncio.run(scenario())
    finally:
        application.database.dispose()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    figures = measure(count)
    print(
        f"{count} commands: {figures['per_second']:.0f}/s; server CPU {figures['server_cpu_us']:.0f} µs and "
        f"{figures['context_switches']:.1f} context switches per command"
    )
