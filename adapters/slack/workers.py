"""Where core commands run: beside the event loop (threads), or in worker processes of lower priority.

Acks are what Slack times. In a thread, a command competes with the event loop for Python's GIL, so acks
slow down while commands run. In `processes` mode the commands run in worker processes started with a
higher nice value: the operating system gives the CPU to the acks first, and the commands take what is left
(answers still arrive within seconds; Slack keeps a response_url valid for 30 minutes).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from adapters.bootstrap import bootstrap
from adapters.slack.blocks import Rendered, render
from adapters.slack.messenger import messenger_from_settings
from labbot.config import Settings
from labbot.engine import LabBot
from labbot.logs import configure_logging, logging_settings
from labbot.messages import Reply, Request

# How much lower than the server the worker processes run (0 = same priority, 19 = lowest).
WORKER_NICENESS = 10

_worker_bot: LabBot | None = None


@dataclass(frozen=True)
class Answer:
    """A command's reply and its Block Kit rendering, made where the command ran (off the event loop)."""

    reply: Reply
    rendered: Rendered

    @classmethod
    def of(cls, reply: Reply) -> Answer:
        """Render `reply`."""
        return cls(reply, render(reply))


class CommandRunner(Protocol):
    """Runs one core command and returns its reply."""

    async def run(self, request: Request) -> Answer:
        """Run `request`."""
        ...

    async def start(self) -> None:
        """Get ready (start workers)."""
        ...

    def close(self) -> None:
        """Wait for commands in progress and release the workers."""
        ...


class ThreadRunner:
    """Commands in one thread beside the event loop, on the application's own bot (tests, small sites)."""

    def __init__(self, bot: LabBot) -> None:
        self.bot = bot
        self._executor: Executor = ThreadPoolExecutor(1, thread_name_prefix="labbot-slack")

    async def run(self, request: Request) -> Answer:
        return await asyncio.get_running_loop().run_in_executor(self._executor, _answer, self.bot, request)

    async def start(self) -> None:
        return None

    def close(self) -> None:
        self._executor.shutdown(wait=True)


class ProcessRunner:
    """Commands in `count` worker processes, each with its own bot bootstrapped from the same settings."""

    def __init__(self, settings: Settings, count: int, after_command: Callable[[], None]) -> None:
        self.settings = settings
        self.count = count
        # The workers only queue messages in the outbox; this process's delivery worker sends them.
        self.after_command = after_command
        self._executor: ProcessPoolExecutor | None = None

    async def start(self) -> None:
        """Start the workers and wait until one answers (the first command should not pay for imports)."""
        self._executor = ProcessPoolExecutor(
            self.count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.settings,),
        )
        await asyncio.get_running_loop().run_in_executor(self._executor, _ready)

    async def run(self, request: Request) -> Answer:
        if self._executor is None:
            raise RuntimeError("start() the command workers first")
        answer = await asyncio.get_running_loop().run_in_executor(self._executor, _handle, request)
        await asyncio.to_thread(self.after_command)
        return answer

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def _start_worker(settings: Settings) -> None:
    # A spawned process starts with no logging: its commands' lines must look like the server's ([logging]).
    configure_logging(logging_settings(settings), server=True)
    if hasattr(os, "nice"):  # POSIX; elsewhere the workers keep the server's priority
        os.nice(WORKER_NICENESS)
    messenger = messenger_from_settings(settings)
    application = bootstrap(settings, messengers={"slack": messenger} if messenger else None)
    # Deliveries belong to the one elected worker (in the server process), never to command workers.
    application.bot.after_commit = _leave_to_the_delivery_worker
    global _worker_bot  # noqa: PLW0603 - one bot per worker process, built once by the pool's initializer
    _worker_bot = application.bot


def _leave_to_the_delivery_worker() -> None:
    return None


def _ready() -> bool:
    return _worker_bot is not None


def _handle(request: Request) -> Answer:
    if _worker_bot is None:
        raise RuntimeError("worker not initialised")
    return _answer(_worker_bot, request)


def _answer(bot: LabBot, request: Request) -> Answer:
    return Answer.of(bot.handle(request))
