"""Worker processes fed through one pipe each, read by the event loop itself.

`concurrent.futures.ProcessPoolExecutor` hands work over through a manager thread and a queue's feeder thread,
both woken at every command: under load they took the GIL from the event loop that acks (cProfile of the
server: ~4 ms in each submit's pipe write). Here the loop writes a job to an idle worker's pipe and a reader
callback on the same pipe (`loop.add_reader`) collects the answer: no thread, a few syscalls per command.

Each worker takes one job at a time; jobs wait in the parent's queue, so a pipe never holds more than one job
and a write never blocks. A worker that dies is seen at once (its pipe ends: EOF), its job fails with
`WorkerLost` and a new worker takes its place, after growing pauses while workers cannot even start. A worker
whose server died sees its pipe end too, and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)
READY = "ready"
# Pauses between attempts to start a worker that keeps dying before it is ready (an import, a full disk).
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 30.0


class WorkerLost(Exception):
    """The job's worker died, or could not start, before answering: the job may not have run."""


class JobFailed(Exception):
    """The job raised in the worker (its exception's type and text; the traceback is in the worker's log)."""


# A worker's setup, run once in the worker process; returns what every job receives (the worker's state).
Setup = Callable[[Any], Any]
# A job: a picklable module-level function called as `function(state, *arguments)` in the worker.
Job = Callable[..., Any]


@dataclass
class _Task:
    function: Job
    arguments: tuple[Any, ...]
    future: asyncio.Future[Any]


@dataclass
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess (spawn context)
    connection: Connection
    ready: bool = False
    task: _Task | None = None
    gone: bool = False


class WorkerPool:
    """`size` spawned worker processes, each set up once by `setup(setup_argument)`."""

    def __init__(self, size: int, setup: Setup, setup_argument: Any) -> None:
        self.size = size
        self._setup = setup
        self._setup_argument = setup_argument
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._queue: deque[_Task] = deque()
        self._restarts: set[asyncio.Task[None]] = set()
        self._ended: list[Any] = []  # lost workers' processes, reaped when they have exited
        self._pause = FIRST_PAUSE
        self._stopping = False
        self._first_ready: asyncio.Future[bool] | None = None

    @property
    def ready(self) -> bool:
        """Whether a worker can take a job now."""
        return any(worker.ready for worker in self._workers)

    async def start(self) -> bool:
        """Start the workers; wait until one is ready (True) or every one failed its first start (False)."""
        self._first_ready = asyncio.get_running_loop().create_future()
        for _ in range(self.size):
            self._spawn()
        return await self._first_ready

    async def call(self, function: Job, *arguments: Any) -> Any:
        """`function(state, *arguments)` in a worker; raises WorkerLost or JobFailed when it did not answer."""
        if self._stopping:
            raise WorkerLost("the workers are stopping")
        if not self._workers:  # none running or starting: the next start is a pause away
            raise WorkerLost("no command worker is running")
        task = _Task(function, arguments, asyncio.get_running_loop().create_future())
        self._queue.append(task)
        self._dispatch()
        return await task.future

    async def stop(self) -> None:
        """Let the jobs taken or waiting finish, then let the workers go."""
        self._stopping = True
        for restart in list(self._restarts):
            restart.cancel()
        pending = [task.future for task in self._queue] + [w.task.future for w in self._workers if w.task]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            self._forget(worker)
        processes = [worker.process for worker in self._workers] + self._ended
        self._workers.clear()
        await asyncio.to_thread(_join, processes)

    # ---- workers ---------------------------------------------------------------------------

    def _spawn(self) -> None:
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve, args=(theirs, self._setup, self._setup_argument), name="labbot-command", daemon=True
        )
        try:
            process.start()
        except OSError as error:  # no process to be had now (limits, memory): as a failed start
            log.error("could not start a command worker: %s", error)
            ours.close()
            theirs.close()
            self._unless_a_worker_is_left()
            self._restart_later()
            return
        theirs.close()  # the worker holds the only other end: its death ends the pipe
        worker = _Worker(process, ours)
        self._workers.append(worker)
        asyncio.get_running_loop().add_reader(ours.fileno(), self._readable, worker)

    def _readable(self, worker: _Worker) -> None:
        try:
            message = worker.connection.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return
        if message == READY:
            worker.ready = True
            self._pause = FIRST_PAUSE
            self._settle_start(True)
        else:
            task, worker.task = worker.task, None
            if task is not None and not task.future.done():
                ok, value = message
                if ok:
                    task.future.set_result(value)
                else:
                    task.future.set_exception(JobFailed(value))
        self._dispatch()

    def _dispatch(self) -> None:
        for worker in list(self._workers):
            if not self._queue:
                return
            if not worker.ready or worker.task is not None or worker.gone:
                continue
            task = self._queue.popleft()
            if task.future.done():  # its caller gave up (cancelled)
                continue
            try:
                worker.connection.send((task.function, task.arguments))
            except (OSError, ValueError):  # the worker is gone: the job never reached it
                self._queue.appendleft(task)
                self._lost(worker)
                continue
            except Exception as error:  # the job cannot be pickled: its caller learns why
                task.future.set_exception(JobFailed(f"{type(error).__name__}: {error}"))
                continue
            worker.task = task

    def _lost(self, worker: _Worker) -> None:
        """A worker's pipe ended: it died (or could not start). Its job fails; another worker takes its place."""
        if worker.gone:
            return
        was_ready = worker.ready
        self._forget(worker)
        self._workers.remove(worker)
        exit_code = worker.process.exitcode
        # `exitcode` reaps an exited process: those still exiting are joined at stop.
        self._ended = [process for process in [*self._ended, worker.process] if process.exitcode is None]
        if worker.task is not None and not worker.task.future.done():
            worker.task.future.set_exception(WorkerLost(f"its worker died (exit code {exit_code})"))
        if was_ready and not self._stopping:
            log.warning("a command worker died (exit code %s); starting another", exit_code)
            self._spawn()  # at once: the jobs waiting go to it
            return
        if not was_ready:
            log.error("a command worker could not start (exit code %s)", exit_code)
        self._unless_a_worker_is_left()
        if not self._stopping:
            self._restart_later()

    def _unless_a_worker_is_left(self) -> None:
        """With no worker running or starting, nobody will take the waiting jobs soon (or ever, when stopping):
        they are answered now rather than left waiting."""
        if self._workers:
            return
        self._settle_start(False)
        while self._queue:
            task = self._queue.popleft()
            if not task.future.done():
                task.future.set_exception(WorkerLost("no command worker could start"))

    def _restart_later(self) -> None:
        """Another worker after a pause that doubles at each failed start (0.5 s to 30 s)."""
        log.info("next command worker start in %.1f s", self._pause)
        restart = asyncio.get_running_loop().create_task(self._restart(self._pause))
        self._pause = min(self._pause * 2, LONGEST_PAUSE)
        self._restarts.add(restart)
        restart.add_done_callback(self._restarts.discard)

    async def _restart(self, pause: float) -> None:
        await asyncio.sleep(pause)
        if not self._stopping:
            self._spawn()

    def _forget(self, worker: _Worker) -> None:
        if worker.gone:
            return
        worker.gone = True
        worker.ready = False
        with contextlib.suppress(ValueError, OSError):  # already closed
            asyncio.get_running_loop().remove_reader(worker.connection.fileno())
        worker.connection.close()

    def _settle_start(self, ready: bool) -> None:
        if self._first_ready is not None and not self._first_ready.done():
            self._first_ready.set_result(ready)


def _join(processes: list[Any]) -> None:
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


def _serve(connection: Connection, setup: Setup, setup_argument: Any) -> None:
    """A worker's life: set up once, say so, then run jobs until the pipe ends or says stop."""
    state = setup(setup_argument)
    connection.send(READY)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):  # the server is gone
            return
        if job is None:
            return
        function, arguments = job
        try:
            outcome: tuple[bool, Any] = (True, function(state, *arguments))
        except Exception as error:  # the server answers with an apology; the cause stays in this log
            log.exception("command job failed")
            outcome = (False, f"{type(error).__name__}: {error}")
        try:
            connection.send(outcome)
        except (OSError, ValueError):
            return
        except Exception as error:  # an answer that cannot be pickled
            connection.send((False, f"{type(error).__name__}: {error}"))
