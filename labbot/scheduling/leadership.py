"""Leader election: whoever holds the lock runs the scheduler and the delivery worker.

PostgreSQL: a session advisory lock on a dedicated connection. The holder checks it every `check_seconds`;
when the connection is gone (the server restarted, the network dropped, an operator killed it) the lock is gone
too, so the holder steps down at once, and another replica, trying every `check_seconds`, takes over within
seconds. SQLite: a lock on a file beside the database, for the processes of one machine.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)
# Any constant shared by every replica; "labbot" in ASCII.
LOCK_KEY = 0x6C6162626F74


def leader_identity() -> str:
    """Who leads, as `labbot doctor` shows it: host, process and since when (fits PostgreSQL's 63 bytes)."""
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{socket.gethostname()[:24]} pid {os.getpid()} since {since}"


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq understands it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Campaign(ABC):
    """Campaigns for a lock in a thread; calls `on_elected` when won and `on_deposed` when lost."""

    def __init__(
        self, on_elected: Callable[[], None], on_deposed: Callable[[], None], check_seconds: float
    ) -> None:
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.check_seconds = check_seconds
        self.is_leader = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @abstractmethod
    def _try_lock(self) -> None:
        """Take the lock if it is free; call `_won` when taken."""

    @abstractmethod
    def _check_lock(self) -> None:
        """As the leader: make sure the lock is still held; call `_lost` when it is not."""

    @abstractmethod
    def _close(self) -> None:
        """Release the lock and its connection or file."""

    def _won(self) -> None:
        self.is_leader = True
        log.info("elected: this process runs the scheduler and the delivery worker")
        self.on_elected()

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

    def _lost(self, error: Exception) -> None:
        if self.is_leader:
            log.warning("leadership lost (%s): stopping the scheduler and the worker", error)
            self._step_down()
        else:
            log.info("cannot campaign for leadership yet: %s", error)
        self._close()

    def _step_down(self) -> None:
        self.is_leader = False
        try:
            self.on_deposed()
        except Exception:
            log.exception("stepping down failed")


class Leadership(Campaign):
    """PostgreSQL: a session advisory lock on a dedicated connection."""

    def __init__(
        self,
        url: str,
        on_elected: Callable[[], None],
        on_deposed: Callable[[], None],
        *,
        check_seconds: float = 1.0,
        lock_key: int = LOCK_KEY,
    ) -> None:
        super().__init__(on_elected, on_deposed, check_seconds)
        self.url = libpq_url(url)
        self.lock_key = lock_key
        self.connection: psycopg.Connection[tuple[object, ...]] | None = None

    @property
    def backend_pid(self) -> int | None:
        """The server process holding (or seeking) the lock, for operators and tests."""
        return self.connection.info.backend_pid if self.connection is not None else None

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        import psycopg  # noqa: PLC0415 - PostgreSQL only: a SQLite process need not load the driver (~9 MiB)

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
        connection = self._connect()
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self.lock_key,)).fetchone()
        if row and row[0]:
            # Shown in pg_stat_activity beside the lock: how `labbot doctor` tells operators who leads.
            connection.execute("SELECT set_config('application_name', %s, false)", (leader_identity(),))
            self._won()

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

    def _close(self) -> None:
        if self.connection is not None:
            try:
                # The server drops a closed session's locks only once its backend has exited, a moment later;
                # unlocking first makes stepping down visible at once (to a replica, to `labbot doctor`).
                if not self.connection.closed:
                    self.connection.execute("SELECT pg_advisory_unlock_all()")
            except Exception:
                log.debug("unlocking before closing failed", exc_info=True)
            try:
                self.connection.close()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)
            self.connection = None


class FileLeadership(Campaign):
    """SQLite: an exclusive lock on a file beside the database, so that two processes on one file (a console
    beside `labbot run`) never both schedule; the kernel releases it when the holder dies."""

    def __init__(
        self,
        path: str,
        on_elected: Callable[[], None],
        on_deposed: Callable[[], None],
        *,
        check_seconds: float = 1.0,
    ) -> None:
        super().__init__(on_elected, on_deposed, check_seconds)
        self.path = path
        self._file: IO[bytes] | None = None

    def _try_lock(self) -> None:
        import fcntl  # noqa: PLC0415 - POSIX only; other systems run one process without this lock

        handle = open(self.path, "ab")  # noqa: SIM115 - held open for as long as the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()  # another process leads
            return
        self._file = handle
        # Read by `labbot doctor`: who holds the lock.
        handle.truncate(0)
        handle.write(leader_identity().encode())
        handle.flush()
        self._won()

    def _check_lock(self) -> None:
        """A lock on an open file cannot be taken away."""

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()  # releases the lock
            self._file = None


def current_leader(url: str) -> str | None:
    """Who holds the leader lock of the database at `url` (host, pid, since when), or None when nobody does.

    Raises when that cannot be known (the database is unreachable).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5) as connection:
            # A bigint advisory key is kept as two 32-bit halves. pg_locks shows the whole server's locks: the
            # leader of another database on the same server (another deployment, a parallel test) is not ours.
            row = connection.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                (LOCK_KEY >> 32, LOCK_KEY & 0xFFFFFFFF),
            ).fetchone()
        return str(row[0]) if row else None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return _file_leader(f"{parsed.database}.leader")


def _file_leader(path: str) -> str | None:
    import fcntl  # noqa: PLC0415 - POSIX only, like FileLeadership

    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().decode(errors="replace") or "a process that has not said who it is"
        fcntl.flock(handle, fcntl.LOCK_UN)  # nobody held it: release at once, so a replica can take it
    return None
