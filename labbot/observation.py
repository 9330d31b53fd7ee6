"""What the core tells operators about its work: a port for metrics, and the context of log lines.

The core does not know Prometheus: the engine, the delivery worker and the scheduler report to an `Observer`
given at construction (`labbot.metrics` implements it with prometheus_client; `SILENT` drops everything).
Each command also gets a request id, kept in a context variable while it runs so that every log line it
causes carries it, and reused as the reference of the apology a user sees when it fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class CommandRecord:
    """How one command went: no user, no text, only what operators count."""

    platform: str
    family: str  # the command's module (hours, ideas…), "unknown" for a verb labbot does not know
    outcome: str  # done, refused, failed
    seconds: float


class Observer(Protocol):
    """Receives what operators measure."""

    def command_done(self, record: CommandRecord) -> None:
        """A command ended."""
        ...

    def delivery_done(self, platform: str, outcome: str) -> None:
        """A delivery attempt ended: `sent`, `failed` (for good), `retried` or `rate_limited` (a 429)."""
        ...

    def reminders_ran(self, kind: str, at: datetime) -> None:
        """A reminder job of `kind` ran at `at`."""
        ...


class SilentObserver:
    """Measures nothing (metrics off)."""

    def command_done(self, record: CommandRecord) -> None:
        return None

    def delivery_done(self, platform: str, outcome: str) -> None:
        return None

    def reminders_ran(self, kind: str, at: datetime) -> None:
        return None


SILENT: Observer = SilentObserver()


@dataclass(frozen=True)
class LogContext:
    """What log lines of the current command carry besides their message."""

    request_id: str | None = None
    platform: str | None = None
    family: str | None = None


_context: ContextVar[LogContext] = ContextVar("labbot_log_context", default=LogContext())  # noqa: B039


def new_request_id() -> str:
    """A short id that a user can read out: it names the command in the logs and in the apology."""
    return uuid.uuid4().hex[:12]


def log_context() -> LogContext:
    """The context of the command running in this thread or task (empty outside one)."""
    return _context.get()


@contextmanager
def command_context(request_id: str, platform: str) -> Iterator[None]:
    """Log lines emitted inside carry `request_id` and `platform`."""
    token = _context.set(LogContext(request_id=request_id, platform=platform))
    try:
        yield
    finally:
        _context.reset(token)


def set_family(family: str) -> None:
    """The command is known now: later log lines carry its family."""
    _context.set(replace(_context.get(), family=family))
