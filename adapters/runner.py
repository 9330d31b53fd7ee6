"""One command runner for every platform: commands off the event loop, and never an unanswered command.

Acks are what platforms time. A command run in a thread competes with the event loop for Python's GIL, so
with `[commands] processes` > 0 commands run in worker processes started with a higher nice value: the
operating system gives the CPU to the acks first. Workers are built once from the settings, without
migrating (the server migrated before starting them), so a database that is locked or refusing while they
start does not stop them. A worker that dies takes its pool with it (Python's process pools break whole):
the pool is replaced, in the background and with growing pauses while it cannot start, and every command
that could not run is answered with the translated apology. `down()` tells `/healthz` in a word.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

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
# How long a thread may keep the GIL while another waits for it (Python's default: 5 ms). With workers, the
# pool's own threads (the manager that hands commands over and collects replies, the queue's feeder) wake at
# every command: each write the event loop makes to a pipe or a socket let them take the GIL, and under
# load the loop then waited up to the whole interval to get it back before its next ack (cProfile of the
# server: ~4 ms in every submit's pipe write, ~2 ms in every socket send). A short interval bounds that wait.
SWITCH_INTERVAL_S = 0.0005
# Pauses between attempts to start a pool that keeps breaking (a worker that cannot import, a full disk).
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 30.0
DOWN = "commands"

_worker_bot: LabBot | None = None


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
        self._executor: Executor | None = None
        self._ready = processes == 0
        self._pause = FIRST_PAUSE
        self._watchers: set[asyncio.Task[None]] = set()
        self._stopped = False
        self._switch_interval: float | None = None  # the interpreter's, given back at stop

    async def start(self) -> None:
        """Start the workers and wait until one answers (the first command should not pay for imports)."""
        if self.processes == 0:
            self._executor = ThreadPoolExecutor(THREADS, thread_name_prefix="labbot-command")
            return
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL_S))
        executor = self._new_pool()
        self._executor = executor
        try:
            await asyncio.wrap_future(executor.submit(_ready))
            self._ready = True
        except BrokenProcessPool:
            log.error("command workers could not start; trying again in the background")
            self._replace(executor)

    async def stop(self) -> None:
        """Wait for commands in progress, then release the workers."""
        self._stopped = True
        for watcher in list(self._watchers):
            watcher.cancel()
        if self._executor is not None:
            await asyncio.to_thread(self._executor.shutdown, wait=True)
            self._executor = None
        if self._switch_interval is not None:
            # Process-wide: a process that goes on after the server (a test session) must not keep paying for it.
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def down(self) -> str | None:
        """`"commands"` while no worker can run a command, else None."""
        return None if self._ready else DOWN

    async def run(self, request: Request, present: Callable[[Reply], P]) -> Answer[P]:
        """Run `request` and `present` its reply where it ran; a command that could not run gets the apology.

        `present` runs off the event loop, in the worker that ran the command: a platform can render the
        reply and answer through its deferred channel there (a picklable callable, such as a frozen
        dataclass), so that the server's event loop only verifies, acks and submits.
        """
        for attempt in (1, 2):
            executor = self._executor
            try:
                if executor is None:
                    raise RuntimeError("the command runner is not started")
                future = self._submit(executor, request, present)
            except BrokenProcessPool:
                # Refused before it ran: the pool broke earlier. Once more on its replacement.
                self._replace(executor)
                if attempt == 1:
                    continue
                return await self._apology(request, present, "no command worker could take it")
            except RuntimeError as error:  # stopped, or never started
                return await self._apology(request, present, str(error))
            try:
                answer = await asyncio.wrap_future(future)
            except BrokenProcessPool:
                self._replace(executor)
                return await self._apology(request, present, "its command worker died")
            except Exception as error:  # a reply that could not be presented or sent back
                log.exception("command could not be answered")
                return await self._apology(request, present, type(error).__name__)
            if answer.reply.queued and self.processes:
                # (In a thread, the bot of this process already did.)
                await asyncio.to_thread(self.wake)
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _submit(
        self, executor: Executor, request: Request, present: Callable[[Reply], P]
    ) -> concurrent.futures.Future[Answer[P]]:
        if self.processes == 0:
            return executor.submit(_answer, self.bot, request, present)
        return executor.submit(_handle, request, present)

    async def _apology(self, request: Request, present: Callable[[Reply], P], why: str) -> Answer[P]:
        reference = new_request_id()
        log.error("command not run (ref %s) for %s:%s: %s", reference, request.platform, request.user_id, why)
        reply = apology(language_from_hint(request.locale) or "fr", reference)
        # Off the event loop: presenting may answer the platform (a response_url POST).
        return Answer(reply, await asyncio.to_thread(present, reply))

    # ---- the pool ----------------------------------------------------------------------------

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.settings,),
        )

    def _replace(self, broken: Executor | None) -> None:
        """Swap a broken pool for a new one (once, however many commands noticed), and watch it start."""
        if self._stopped or broken is None or broken is not self._executor:
            return
        self._ready = False
        broken.shutdown(wait=False, cancel_futures=True)
        executor = self._new_pool()
        self._executor = executor
        log.warning("command workers replaced")
        watcher = asyncio.get_running_loop().create_task(self._until_ready(executor))
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)

    async def _until_ready(self, executor: ProcessPoolExecutor) -> None:
        try:
            await asyncio.wrap_future(executor.submit(_ready))
        except BrokenProcessPool:
            log.error("command workers could not start; next attempt in %.1f s", self._pause)
            await asyncio.sleep(self._pause)
            self._pause = min(self._pause * 2, LONGEST_PAUSE)
            self._replace(executor)
            return
        if executor is self._executor:
            self._ready = True
            self._pause = FIRST_PAUSE


def build_worker_bot(settings: Settings) -> LabBot:
    """The bot of a worker process (set by the bootstrap module; avoids an import cycle)."""
    from adapters.bootstrap import command_bot  # noqa: PLC0415 - the bootstrap imports this module

    return command_bot(settings)


def _start_worker(settings: Settings) -> None:
    # A spawned process starts with no logging: its commands' lines must look like the server's ([logging]).
    configure_logging(logging_settings(settings), server=True)
    if hasattr(os, "nice"):  # POSIX; elsewhere the workers keep the server's priority
        os.nice(WORKER_NICENESS)
    global _worker_bot  # noqa: PLW0603 - one bot per worker process, built once by the pool's initializer
    _worker_bot = build_worker_bot(settings)


def _ready() -> bool:
    return _worker_bot is not None


def _handle(request: Request, present: Callable[[Reply], P]) -> Answer[P]:
    if _worker_bot is None:
        raise RuntimeError("worker not initialised")
    return _answer(_worker_bot, request, present)


def _answer(bot: LabBot, request: Request, present: Callable[[Reply], P]) -> Answer[P]:
    reply = bot.handle(request)
    return Answer(reply, present(reply))
