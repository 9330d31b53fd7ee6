"""APScheduler 3 in labbot's database: reminders on cron triggers, announcements on date triggers.

The job store is labbot's database (`apscheduler_jobs`), so schedules survive restarts. After downtime, a run
missed by less than its grace time fires once (coalesced); an older one is skipped and logged (and a missed
announcement is marked so). APScheduler 3 must not share a job store between schedulers: only the elected
replica runs one (see `labbot.scheduling.leadership`).
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from labbot.clock import PARIS
from labbot.scheduling import jobs
from labbot.scheduling.jobs import JobRuntime
from labbot.storage import announcements

log = logging.getLogger(__name__)
# APScheduler logs every run at INFO, the announcements' sync every few seconds: labbot logs its own jobs.
logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
JOBS_MODULE = "labbot.scheduling.jobs"
ANNOUNCEMENT_PREFIX = "announcement:"


class _Scheduler(BackgroundScheduler):  # type: ignore[misc]  # APScheduler 3 ships no type hints
    """APScheduler's background scheduler, minus one race: on shutdown it wakes its thread, which would
    process due jobs once more and, with the executors already shut, record a run that never happened."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None  # a run due now belongs to the next scheduler (this replica after restart, or another)
        result: float | None = super()._process_jobs()
        return result


class LabScheduler:
    """The reminders' and announcements' scheduler of one labbot deployment."""

    def __init__(self, runtime: JobRuntime, *, sync_seconds: float = 2.0) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.sync_seconds = sync_seconds
        self.scheduler = _Scheduler(
            jobstores={
                "default": SQLAlchemyJobStore(engine=runtime.database.engine, tablename="apscheduler_jobs"),
                "process": MemoryJobStore(),
            },
            executors={"default": ThreadPoolExecutor(max_workers=2)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.settings.scheduler.reminder_grace_minutes * 60,
            },
            timezone=PARIS,
        )
        self.scheduler.add_listener(self._missed, EVENT_JOB_MISSED)

    @property
    def running(self) -> bool:
        """Whether jobs are being run."""
        return bool(self.scheduler.running)

    def start(self) -> None:
        """Load the stored jobs, bring the reminder jobs in line with the config, then run."""
        jobs.install(self.runtime)
        self.scheduler.start(paused=True)
        self._ensure_reminder_jobs()
        self.sync_announcements()
        self.scheduler.add_job(
            self.sync_announcements,
            "interval",
            seconds=self.sync_seconds,
            id="announcements:sync",
            jobstore="process",
            replace_existing=True,
        )
        self.scheduler.resume()
        log.info("scheduler started")

    def stop(self) -> None:
        """Stop at once: running jobs finish, nothing new starts."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            log.info("scheduler stopped")

    def _ensure(
        self, job_id: str, func: str, trigger: CronTrigger | DateTrigger, args: list[object], grace: int
    ) -> None:
        # Replacing an unchanged job would recompute its next run from now and lose a run missed while down.
        existing = self.scheduler.get_job(job_id)
        if existing is not None and str(existing.trigger) == str(trigger):
            return
        self.scheduler.add_job(
            func, trigger, args=args, id=job_id, replace_existing=True, misfire_grace_time=grace
        )

    def _ensure_reminder_jobs(self) -> None:
        config = self.settings.reminders
        grace = self.settings.scheduler.reminder_grace_minutes * 60
        hours = {
            "events": config.hour,
            "deadlines": config.hour,
            "nudge": config.nudge_hour,
            "digest": config.digest_hour,
            "support": config.hour,
        }
        for kind, hour in hours.items():
            job_id = f"reminders:{kind}"
            if not config.enabled:
                if self.scheduler.get_job(job_id):
                    self.scheduler.remove_job(job_id)
                continue
            # Daily: each run checks whether today is the (holiday-shifted) day for its reminders.
            trigger = CronTrigger(hour=hour, minute=0, timezone=PARIS)
            self._ensure(job_id, f"{JOBS_MODULE}:run_reminders", trigger, [kind], grace)
        # The daily purge of `[retention]`: on the elected scheduler only, like the reminders.
        purge = CronTrigger(hour=self.settings.retention.hour, minute=30, timezone=PARIS)
        self._ensure("retention:daily", f"{JOBS_MODULE}:run_retention", purge, [], grace)

    def sync_announcements(self) -> None:
        """One date job per scheduled announcement (they are confirmed on any replica, in the database)."""
        grace = self.settings.scheduler.announcement_grace_minutes * 60
        with self.runtime.database.transaction() as session:
            wanted = {f"{ANNOUNCEMENT_PREFIX}{a.id}": a.due_at for a in announcements.scheduled(session)}
        for job in self.scheduler.get_jobs(jobstore="default"):
            if job.id.startswith(ANNOUNCEMENT_PREFIX) and job.id not in wanted:
                self.scheduler.remove_job(job.id)  # cancelled
        for job_id, due_at in wanted.items():
            trigger = DateTrigger(run_date=due_at, timezone=PARIS)
            number = int(job_id.removeprefix(ANNOUNCEMENT_PREFIX))
            self._ensure(job_id, f"{JOBS_MODULE}:release_announcement", trigger, [number], grace)

    def _missed(self, event: JobExecutionEvent) -> None:
        late: datetime = event.scheduled_run_time
        log.warning(
            "job %s missed its run of %s by more than its grace time: skipped", event.job_id, late.isoformat()
        )
        if event.job_id.startswith(ANNOUNCEMENT_PREFIX):
            jobs.mark_missed(int(event.job_id.removeprefix(ANNOUNCEMENT_PREFIX)))
