"""What scheduled jobs run. APScheduler stores only a reference to these functions and ids as arguments;
the content lives in labbot's tables, and the running process provides the database and settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from labbot.clock import Clock, today_in_paris
from labbot.config import Settings
from labbot.observation import SILENT, Observer
from labbot.retention import purge_expired
from labbot.scheduling import reminders, support_reminders
from labbot.scheduling.audience import Reach, release
from labbot.storage import announcements
from labbot.storage.database import Database

log = logging.getLogger(__name__)


@dataclass
class JobRuntime:
    """The process's tools, given to jobs (one scheduler runs per process)."""

    database: Database
    settings: Settings
    clock: Clock
    reach: Reach
    queued: Callable[[], None] = field(default=lambda: None)  # wakes the delivery worker
    observer: Observer = SILENT


_runtime: JobRuntime | None = None


def install(runtime: JobRuntime | None) -> None:
    """Give jobs the running process's tools (None when the scheduler stops)."""
    global _runtime  # noqa: PLW0603 - APScheduler calls module-level functions; this is their context
    _runtime = runtime


def _current() -> JobRuntime:
    if _runtime is None:
        raise RuntimeError("no scheduler runtime installed")
    return _runtime


def release_announcement(announcement_id: int) -> None:
    """Queue a confirmed announcement for delivery (idempotent: released once, whatever fires)."""
    runtime = _current()
    with runtime.database.transaction() as session:
        announcement = announcements.lock(session, announcement_id)
        if announcement is None or announcement.state != "planifiee":
            log.info("announcement %s is not scheduled any more: nothing to release", announcement_id)
            return
        release(session, announcement, runtime.reach, runtime.clock.now())
    runtime.queued()


def run_reminders(kind: str) -> None:
    """Queue the reminders of `kind` that are due today."""
    runtime = _current()
    produce = {
        "events": reminders.event_reminders,
        "nudge": reminders.timesheet_nudges,
        "deadlines": reminders.deadline_reminders,
        "digest": reminders.coordinator_digests,
        "support": support_reminders.stalled_support_reminders,
    }[kind]
    with runtime.database.transaction() as session:
        queued = produce(
            session, runtime.settings, runtime.reach, today_in_paris(runtime.clock), runtime.clock.now()
        )
    log.info("reminders %s: %d message(s) queued", kind, queued)
    runtime.observer.reminders_ran(kind, runtime.clock.now())
    if queued:
        runtime.queued()


def run_retention() -> None:
    """The daily purge of what `[retention]` does not keep."""
    runtime = _current()
    purge_expired(runtime.database, runtime.settings.retention, runtime.clock.now())


def mark_missed(announcement_id: int) -> None:
    """An announcement whose time passed beyond the grace period while labbot was down: not sent, recorded."""
    runtime = _current()
    with runtime.database.transaction() as session:
        announcement = announcements.lock(session, announcement_id)
        if announcement is not None and announcement.state == "planifiee":
            announcement.state = "manquee"
