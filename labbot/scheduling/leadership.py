"""Leader election on PostgreSQL: whoever holds a session advisory lock runs the scheduler and the worker.

The lock lives on a dedicated connection. The holder checks it every `check_seconds`; when the connection is
gone (the server restarted, the network dropped, an operator killed it) the lock is gone too, so the holder
steps down at once, and another replica, trying every `check_seconds`, takes over within seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
# Any constant shared by every replica; "labbot" in ASCII.
LOCK_KEY = 0x6C6162626F74


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq understands it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Leadership:
    """Campaigns for the lock in a thread; calls `on_elected` when won and `on_deposed` when lost."""

    def __init__(
        self,
        url: str,
        on_elected: Callable[[], None],
        on_deposed: Callable[[], None],
        *,
        check_seconds: float = 1.0,
        lock_key: int = LOCK_KEY,
    ) -> None:
        self.url = libpq_url(url)
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.check_seconds = check_seconds
        self.lock_key = lock_key
        self.connection: psycopg.Connection[tuple[object, ...]] | None = None
        self.is_leader = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def backend_pid(self) -> int | None:
        """The server process holding (or seeking) the lock, for operators and tests."""
        return self.connection.info.backend_pid if self.connection is not None else None

    def start(self) -> None:
        """Campaign in the background."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._campaign, name="leadership", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Step down (if leading) and release the lock."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _campaign(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.is_leader:
                    self._check_lock()
                else:
                    self._try_lock()
            except Exception as error:  # the connection is gone: so is the lock
                self._lost(error)
            self._stopping.wait(self.check_seconds)
        if self.is_leader:
            self._step_down()
        self._close()

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        if self.connection is None or self.connection.closed:
            # Keepalives make a silently dead network fail the next check instead of hanging on it.
            self.connection = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=5,
                keepalives=1,
                keepalives_idle=5,
                keepalives_interval=2,
                keepalives_count=2,
                application_name="labbot-leader",
            )
        return self.connection

    def _try_lock(self) -> None:
        row = self._connect().execute("SELECT pg_try_advisory_lock(%s)", (self.lock_key,)).fetchone()
        if row and row[0]:
            self.is_leader = True
            log.info("elected: this replica runs the scheduler and the delivery worker")
            self.on_elected()

    def _check_lock(self) -> None:
        row = (
            self._connect()
            .execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()"
            )
            .fetchone()
        )
        if not row or not row[0]:
            raise RuntimeError("advisory lock no longer held")

    def _lost(self, error: Exception) -> None:
        if self.is_leader:
            log.warning("leadership lost (%s): stopping the scheduler and the worker", error)
            self._step_down()
        else:
            log.info("cannot reach PostgreSQL for the leader election yet: %s", error)
        self._close()

    def _step_down(self) -> None:
        self.is_leader = False
        try:
            self.on_deposed()
        except Exception:
            log.exception("stepping down failed")

    def _close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)
            self.connection = None
