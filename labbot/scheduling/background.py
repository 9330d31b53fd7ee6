"""What runs beside the chat adapters: the scheduler and the delivery worker, on the elected replica only."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from labbot.clock import Clock
from labbot.config import Settings
from labbot.observation import SILENT, Observer
from labbot.outbox.worker import DeliveryWorker
from labbot.scheduling.audience import Reach
from labbot.scheduling.jobs import JobRuntime
from labbot.scheduling.leadership import Campaign, FileLeadership, Leadership
from labbot.storage.database import Database

if TYPE_CHECKING:
    from labbot.scheduling.scheduler import LabScheduler

log = logging.getLogger(__name__)


class BackgroundWork:
    """Scheduler + delivery worker, run only while this process holds the leader lock: an advisory lock on
    PostgreSQL (several replicas), a file lock beside an SQLite database (processes of one machine)."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        worker: DeliveryWorker,
        clock: Clock,
        reach: Reach,
        *,
        observer: Observer = SILENT,
    ) -> None:
        self.database = database
        self.worker = worker
        runtime = JobRuntime(database, settings, clock, reach, worker.wake, observer)
        self.runtime = runtime
        self.scheduler: LabScheduler | None = None
        self._lock = threading.Lock()
        self.leadership = _campaign(database, settings.scheduler.leader_check_seconds, self._lead, self._follow)

    @property
    def leading(self) -> bool:
        """Whether this process runs the scheduler and the worker now."""
        return self.scheduler is not None and self.scheduler.running

    def start(self) -> None:
        """Campaign for leadership (lead at once on an in-memory database)."""
        if self.leadership is not None:
            self.leadership.start()
        else:
            self._lead()

    def stop(self) -> None:
        """Stop everything and give up leadership."""
        if self.leadership is not None:
            self.leadership.stop()
        self._follow()
        self.worker.close()

    def _lead(self) -> None:
        with self._lock:
            if self.scheduler is not None:
                return
            # Imported here: APScheduler serves the leading process only, never a one-shot `labbot say`.
            from labbot.scheduling.scheduler import LabScheduler  # noqa: PLC0415

            if self.database.checkpoints is not None:  # first: once `leading`, they run
                self.database.checkpoints.start()
            self.worker.start()
            self.scheduler = LabScheduler(self.runtime)
            self.scheduler.start()

    def _follow(self) -> None:
        with self._lock:
            if self.scheduler is None:
                return
            self.scheduler.stop()
            self.scheduler = None
            self.worker.stop()
            if self.database.checkpoints is not None:
                self.database.checkpoints.stop()


def _campaign(
    database: Database, check_seconds: float, lead: Callable[[], None], follow: Callable[[], None]
) -> Campaign | None:
    if database.dialect == "postgresql":
        return Leadership(database.url, lead, follow, check_seconds=check_seconds)
    path = make_url(database.url).database
    if path and path != ":memory:" and os.name == "posix":
        return FileLeadership(f"{path}.leader", lead, follow, check_seconds=check_seconds)
    return None
