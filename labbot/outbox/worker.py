"""The delivery worker: sends due deliveries, records outcomes, retries with backoff, reports to senders.

Crash safety: a delivery is marked `sending` (committed) before the platform is called, and `sent` with the
platform's message id after. A delivery found `sending` was interrupted at an unknown point, so the worker asks
the platform whether a message carrying its marker exists before sending again: each recipient gets exactly
one message whatever the moment of the crash.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from labbot.clock import Clock
from labbot.config import OutboxSettings
from labbot.messages import Address, Reply
from labbot.observation import SILENT, Observer
from labbot.outbox.pacing import Pacer
from labbot.outbox.reports import send_reports
from labbot.ports import DeliveryFailed, Messenger
from labbot.states import DeliveryState
from labbot.storage import outbox
from labbot.storage.database import Database
from labbot.storage.models import Delivery

log = logging.getLogger(__name__)
BATCH_SIZE = 500


@dataclass(frozen=True)
class _Job:
    """What one send needs, read out of the session that found it."""

    id: int
    address: Address
    marker: str
    maybe_sent: bool
    attempts: int
    reply: dict[str, Any]
    attachment_name: str | None
    attachment: bytes | None

    @property
    def target(self) -> str:
        return self.address.channel_id or self.address.user_id

    @property
    def key(self) -> tuple[str, str]:
        return (self.address.platform, self.target)


class DeliveryWorker:
    """Delivers the outbox through the platforms' messengers; one runs per deployment (the leader)."""

    def __init__(
        self,
        database: Database,
        messengers: Mapping[str, Messenger],
        settings: OutboxSettings,
        clock: Clock,
        *,
        fallback: Callable[[str], Messenger | None] = lambda _platform: None,
        pacer: Pacer | None = None,
        observer: Observer = SILENT,
    ) -> None:
        self.database = database
        self.messengers = dict(messengers)
        self.fallback = fallback
        self.settings = settings
        self.clock = clock
        self.pacer = pacer or Pacer(settings.limits, safety_margin=settings.safety_margin)
        self.observer = observer
        self._pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="outbox")
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._paused: dict[tuple[str, str], datetime] = {}

    # ---- one pass ---------------------------------------------------------------------------

    def run_once(self) -> int:
        """Handle every delivery due now (one batch); return how many were handled."""
        now = self.clock.now()
        self._paused = {key: until for key, until in self._paused.items() if until > now}
        # A channel waiting out a retry keeps its later messages behind the one being retried.
        jobs = [job for job in self._claim() if self._paused.get(job.key, now) <= now]
        by_target: dict[tuple[str, str], list[_Job]] = {}
        for job in jobs:
            by_target.setdefault(job.key, []).append(job)
        self._deliver_groups(list(by_target.values()))
        self.report()
        return len(jobs)

    def _deliver_groups(self, groups: list[list[_Job]]) -> None:
        """Different channels go concurrently; one channel's messages go in order, one after the other."""
        if len(groups) <= 1:
            for group in groups:
                self._deliver_in_order(group)
            return
        futures = [self._pool.submit(self._deliver_in_order, group) for group in groups]
        # Every send of this pass ends before the next claim, even when one raises: no delivery runs twice at once.
        wait(futures)
        for future in futures:
            future.result()

    def run_until_idle(self) -> None:
        """Deliver until nothing is due (the console, and tests)."""
        while self.run_once() and not self._stopping.is_set():
            pass

    def report(self) -> None:
        """Queue the final report of every broadcast whose deliveries are all settled."""
        with self.database.transaction() as session:
            send_reports(session, self.clock.now())

    def _claim(self) -> list[_Job]:
        with self.database.transaction() as session:
            deliveries = outbox.due(session, self.clock.now(), BATCH_SIZE)
            parts = outbox.message_parts(session, {d.message_id for d in deliveries})
            return [_job(d, parts[d.message_id]) for d in deliveries]

    def _deliver_in_order(self, jobs: list[_Job]) -> None:
        for job in jobs:
            if self._stopping.is_set() or not self._deliver(job):
                return  # the rest of this channel waits for the next pass, keeping their order

    # ---- one delivery -----------------------------------------------------------------------

    def _deliver(self, job: _Job) -> bool:
        """Send one delivery; False when the channel must pause (a retry is scheduled)."""
        messenger = self.messengers.get(job.address.platform) or self.fallback(job.address.platform)
        if messenger is None:
            self._record(outbox.mark_failed, job.id, f"platform {job.address.platform} is not connected")
            return True
        if job.maybe_sent and (settled := self._look_for_earlier_send(job, messenger)) is not None:
            return settled
        try:
            self._record(outbox.mark_sending, job.id)
            self.pacer.wait(job.address.platform, job.target)
            platform_id = _send(messenger, job)
        except DeliveryFailed as failure:
            return self._failed(job, failure)
        except Exception as error:  # a bug or an unexpected client error: retried like a transient failure
            log.exception("delivery %d to %s raised", job.id, job.address)
            return self._failed(job, DeliveryFailed(f"{type(error).__name__}: {error}", permanent=False))
        self._record(outbox.mark_sent, job.id, platform_id, self.clock.now())
        self.observer.delivery_done(job.address.platform, DeliveryState.SENT)
        return True

    def _look_for_earlier_send(self, job: _Job, messenger: Messenger) -> bool | None:
        """An interrupted delivery: True when its message is on the platform (recorded now), False when that
        cannot be known yet (retried later), None when it is not there (send it)."""
        try:
            found = messenger.find_marked(job.address, job.marker)
        except DeliveryFailed as failure:
            return self._failed(job, failure, unresolved=True)
        except Exception as error:  # the lookup itself broke: still unknown whether it was sent
            log.exception("looking for delivery %d at %s raised", job.id, job.address)
            return self._failed(job, DeliveryFailed(repr(error), permanent=False), unresolved=True)
        if found is None:
            return None
        self._record(outbox.mark_sent, job.id, found, self.clock.now())
        self.observer.delivery_done(job.address.platform, DeliveryState.SENT)
        return True

    def _failed(self, job: _Job, failure: DeliveryFailed, *, unresolved: bool = False) -> bool:
        # A 429 is the platform's "later", not a failed try: during a big broadcast it may come many times, and
        # counting it would give up on deliveries that nothing is wrong with.
        attempts = job.attempts if failure.retry_after is not None else job.attempts + 1
        if failure.permanent or attempts >= self.settings.max_attempts:
            log.warning("delivery %d to %s failed for good: %s", job.id, job.address, failure.reason)
            self._record(outbox.mark_failed, job.id, failure.reason)
            self.observer.delivery_done(job.address.platform, DeliveryState.FAILED)
            return True
        if failure.retry_after is not None:
            delay = failure.retry_after
            self.pacer.hold(job.address.platform, job.target, delay)
        else:
            # Exponential backoff with jitter, so retries of many deliveries do not come back all at once.
            ceiling = min(self.settings.backoff_max_seconds, self.settings.backoff_seconds * 2 ** (attempts - 1))
            delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security
        at = self.clock.now() + timedelta(seconds=delay)
        self._paused[job.key] = at
        # A 429 means the message was refused; any other failure may have happened after the post landed.
        maybe_sent = unresolved or failure.retry_after is None
        self._record(outbox.reschedule, job.id, at, failure.reason, maybe_sent=maybe_sent, attempts=attempts)
        log.info("delivery %d to %s retried in %.1fs: %s", job.id, job.address, delay, failure.reason)
        self.observer.delivery_done(
            job.address.platform, "rate_limited" if failure.retry_after is not None else "retried"
        )
        return False

    def _record(self, change: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        with self.database.transaction() as session:
            change(session, *args, **kwargs)

    # ---- in the background ------------------------------------------------------------------

    def start(self) -> None:
        """Deliver in a background thread until `stop()`."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="outbox-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """New deliveries were queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the sends in flight; the rest stays queued for whoever delivers next."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        """Stop and release the threads."""
        self.stop()
        self._pool.shutdown(wait=True)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = self.run_once()
            except Exception:
                log.exception("outbox pass failed; retrying after a pause")
                handled = 0
            if not handled:
                self._wake.wait(self.settings.poll_seconds)
                self._wake.clear()


def _job(delivery: Delivery, parts: tuple[dict[str, Any], str | None, bytes | None]) -> _Job:
    reply, attachment_name, attachment = parts
    return _Job(
        id=delivery.id,
        address=Address(delivery.platform, delivery.user_id, delivery.channel_id),
        marker=delivery.marker,
        maybe_sent=delivery.state == DeliveryState.SENDING,
        attempts=delivery.attempts,
        reply=delivery.reply or reply,
        attachment_name=attachment_name,
        attachment=attachment,
    )


def _send(messenger: Messenger, job: _Job) -> str:
    reply = Reply.model_validate(job.reply)
    if job.attachment_name is not None and job.attachment is not None:
        return messenger.send_file(
            target=job.address,
            filename=job.attachment_name,
            content=job.attachment,
            comment=reply,
            marker=job.marker,
        )
    if job.address.channel_id:
        return messenger.send_to_channel(job.address.channel_id, reply, marker=job.marker)
    return messenger.send_direct(job.address.user_id, reply, marker=job.marker)
