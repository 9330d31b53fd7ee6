"""What runs beside the chat adapters: the scheduler and the delivery worker, on the elected replica only."""

from __future__ import annotations

import logging
import threading

from labbot.clock import Clock
from labbot.config import Settings
from labbot.outbox.worker import DeliveryWorker
from labbot.scheduling.audience import Reach
from labbot.scheduling.jobs import JobRuntime
from labbot.scheduling.leadership import Leadership
from labbot.scheduling.scheduler import LabScheduler
from labbot.storage.database import Database

log = logging.getLogger(__name__)


class BackgroundWork:
    """Scheduler + delivery worker. On PostgreSQL they run only while this replica holds the leader lock;
    on SQLite (one process) they simply run."""

    def __init__(
        self, database: Database, settings: Settings, worker: DeliveryWorker, clock: Clock, reach: Reach
    ) -> None:
        self.database = database
        self.worker = worker
        runtime = JobRuntime(database, settings, clock, reach, worker.wake)
        self.runtime = runtime
        self.scheduler: LabScheduler | None = None
        self._lock = threading.Lock()
        self.leadership: Leadership | None = None
        if database.dialect == "postgresql":
            self.leadership = Leadership(
                database.url,
                self._lead,
                self._follow,
                check_seconds=settings.scheduler.leader_check_seconds,
            )

    @property
    def leading(self) -> bool:
        """Whether this process runs the scheduler and the worker now."""
        return self.scheduler is not None and self.scheduler.running

    def start(self) -> None:
        """Campaign for leadership (PostgreSQL), or lead at once (SQLite)."""
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
