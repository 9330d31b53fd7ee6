"""One command runner for every platform: commands off the event loop, and never an unanswered command.

Acks are what platforms time. A command run in a thread competes with the event loop for Python's GIL, so
with `[commands] processes` > 0 commands run in worker processes started with a higher nice value: the
operating system gives the CPU to the acks first. They are fed through a pipe each, read by the event loop
itself (`adapters/worker_pool.py`). Workers are built once from the settings, without migrating (the server
migrated before starting them), so a database that is locked or refusing while they start does not stop them.
A worker that dies is replaced at once, one that cannot start is tried again with growing pauses, and every
command that could not run is answered with the translated apology. `down()` tells `/healthz` in a word.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from adapters.worker_pool import JobFailed, WorkerLost, WorkerPool
from labbot.config import Settings
from labbot.engine import LabBot, apology
from labbot.i18n import language_from_hint
from labbot.logs import configure_logging, logging_settings
from labbot.messages import Reply, Request
from labbot.observation import new_request_id

log = logging.getLogger(__name__)
P = TypeVar("P")
# How much lower than the server the worker processes run (0 = same priority, 19 = lowest).
WORKER_NICENESS = 10
# Threads beside the event loop when commands run in the server process (SQLite serialises writers anyway).
THREADS = 4
DOWN = "commands"


class CommandSettings(BaseModel):
    """`[commands]`: where commands run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # N > 0: in N worker processes below the acks' priority (README "Performance"). Workers are spawned, so
    # a program embedding labbot must guard its entry point with `if __name__ == "__main__":`.
    # 0: in threads of the server process (tests, small sites).
    processes: int = Field(default=2, ge=0, le=32)


def command_settings(settings: Settings) -> CommandSettings:
    """`[commands]`, or its defaults."""
    return settings.section("commands", CommandSettings) or CommandSettings()


@dataclass(frozen=True)
class Answer(Generic[P]):
    """A command's reply, and what the platform made of it where the command ran (off the event loop)."""

    reply: Reply
    presented: P


@runtime_checkable
class Shown(Protocol):
    """What a presenter returns when it may have shown the reply on the platform itself."""

    @property
    def shown(self) -> bool:
        """The platform shows the reply: only its receipt goes back to the server (`Reply.receipt`)."""


def keep_reply(reply: Reply) -> Reply:
    """For platforms that render in the server process."""
    return reply


class CommandRunner:
    """Runs core commands for every platform, in worker processes or in threads beside the event loop."""

    def __init__(self, bot: LabBot, settings: Settings, processes: int, *, wake: Callable[[], None]) -> None:
        self.bot = bot
        self.settings = settings
        self.processes = processes
        # Called in this process when a command queued messages: the delivery worker sends them.
        self.wake = wake
        self._threads: ThreadPoolExecutor | None = None
        self._workers: WorkerPool | None = None

    async def start(self) -> None:
        """Start the workers and wait until one answers (the first command should not pay for imports)."""
        if self.processes == 0:
            self._threads = ThreadPoolExecutor(THREADS, thread_name_prefix="labbot-command")
            return
        self._workers = WorkerPool(self.processes, _start_worker, self.settings)
        if not await self._workers.start():
            log.error("command workers could not start; trying again in the background")

    async def stop(self) -> None:
        """Wait for commands in progress, then release the workers."""
        if self._workers is not None:
            await self._workers.stop()
            self._workers = None
        if self._threads is not None:
            await asyncio.to_thread(self._threads.shutdown, wait=True)
            self._threads = None

    def down(self) -> str | None:
        """`"commands"` while no worker can run a command, else None."""
        if self.processes == 0 or (self._workers is not None and self._workers.ready):
            return None
        return DOWN

    async def run(self, request: Request, present: Callable[[Reply], P]) -> Answer[P]:
        """Run `request` and `present` its reply where it ran; a command that could not run gets the apology.

        `present` runs off the event loop, in the worker that ran the command: a platform can render the
        reply and answer through its deferred channel there (a picklable callable, such as a frozen
        dataclass), so that the server's event loop only verifies, acks and hands the command over.
        """
        try:
            if self._workers is not None:
                answer: Answer[P] = await self._workers.call(_answer, request, present)
            elif self._threads is not None:
                loop = asyncio.get_running_loop()
                answer = await loop.run_in_executor(self._threads, _answer, self.bot, request, present)
            else:
                raise WorkerLost("the command runner is not started")
        except (WorkerLost, JobFailed) as error:  # not run, or its reply could not be presented or sent back
            return await self._apology(request, present, str(error))
        except Exception as error:  # the same, in a thread
            log.exception("command could not be answered")
            return await self._apology(request, present, type(error).__name__)
        if answer.reply.queued and self._workers is not None:
            # (In a thread, the bot of this process already did.)
            await asyncio.to_thread(self.wake)
        return answer

    async def _apology(self, request: Request, present: Callable[[Reply], P], why: str) -> Answer[P]:
        reference = new_request_id()
        log.error("command not run (ref %s) for %s:%s: %s", reference, request.platform, request.user_id, why)
        reply = apology(language_from_hint(request.locale) or "fr", reference)
        # Off the event loop: presenting may answer the platform (a response_url POST).
        return Answer(reply, await asyncio.to_thread(present, reply))


def build_worker_bot(settings: Settings) -> LabBot:
    """The bot of a worker process (set by the bootstrap module; avoids an import cycle)."""
    from adapters.bootstrap import command_bot  # noqa: PLC0415 - the bootstrap imports this module

    return command_bot(settings)


def _start_worker(settings: Settings) -> LabBot:
    # A spawned process starts with no logging: its commands' lines must look like the server's ([logging]).
    configure_logging(logging_settings(settings), server=True)
    if hasattr(os, "nice"):  # POSIX; elsewhere the workers keep the server's priority
        os.nice(WORKER_NICENESS)
    return build_worker_bot(settings)


def _answer(bot: LabBot, request: Request, present: Callable[[Reply], P]) -> Answer[P]:
    reply = bot.handle(request)
    presented = present(reply)
    if isinstance(presented, Shown) and presented.shown:
        # Unpickling a whole reply in the server took CPU from the acks, for a text it no longer needs.
        return Answer(reply.receipt(), presented)
    return Answer(reply, presented)
