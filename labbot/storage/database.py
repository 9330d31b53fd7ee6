"""The database: engine, one transaction per command, and schema upgrades through Alembic."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from labbot.storage import hour_totals, search_index, signup_counts

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# The newest migration (tests/test_schema_head.py holds it to Alembic's head). A database already there is not
# handed to Alembic at start, so a one-shot `labbot say` does not import it (~11 MiB, and its script scan).
SCHEMA_HEAD = "0012_hour_project_totals"
log = logging.getLogger(__name__)
# A commit that finds the WAL this long (in 4 KiB pages) copies it into the database itself: a safety net only,
# should no WalCheckpoints run (SQLite's default, 1 000 pages, put that copy in one command out of ~100).
WAL_AUTOCHECKPOINT_PAGES = 10_000


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while a command writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()
    # Let SQLAlchemy's "begin" event open transactions itself (pysqlite's implicit BEGIN is DEFERRED).
    dbapi_connection.isolation_level = None


# Whether the transaction being opened in this context only reads (Database.transaction(write=False)).
_READING: ContextVar[bool] = ContextVar("labbot_reading", default=False)


def _begin(connection: Any) -> None:
    # A DEFERRED transaction that reads, then writes after another writer committed, fails at once with
    # SQLITE_BUSY (WAL snapshot): concurrent commands would error out. A write therefore begins IMMEDIATE: it
    # takes the write lock up front, so commands queue on busy_timeout instead, and checks such as "24 h per
    # day" read what they write against. A read begins DEFERRED, beside the writers on its WAL snapshot: it
    # no longer queues for a lock it does not need. `query_only` makes sure it writes nothing (a read whose
    # requester must be written, a first contact, runs again as a write: Database.refused_write).
    # Sent to the driver directly: every command begins so, and SQLAlchemy's statement machinery (events,
    # result set-up) cost more than SQLite's BEGIN itself.
    reading = _READING.get()
    driver = connection.connection.driver_connection
    state = connection.connection.info  # kept with the pooled connection: set only when it changes
    if state.get("query_only", False) != reading:  # first: query_only refuses even BEGIN IMMEDIATE
        driver.execute(f"PRAGMA query_only={int(reading)}")
        state["query_only"] = reading
    driver.execute("BEGIN" if reading else "BEGIN IMMEDIATE")


class WalCheckpoints:
    """Copies a SQLite database's WAL back into it from a background thread, off the commands' path.

    SQLite does it in the commit that finds the WAL past its threshold, and that command waited for the copy
    and its fsync: 20–30 ms, `heures`' p99 at national scale. The elected leader runs this instead (a PASSIVE
    checkpoint, which never waits for readers or writers), once a second after the WAL changed.
    """

    def __init__(self, engine: Engine, wal_path: str, *, interval_seconds: float = 1.0) -> None:
        self._engine = engine
        self._wal_path = wal_path
        self._interval = interval_seconds
        self._seen: tuple[int, int] | None = None  # the WAL's size and time when all of it was copied
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Check the WAL every interval until stopped."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._loop, name="sqlite-checkpoints", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread (a checkpoint under way ends first)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    @property
    def running(self) -> bool:
        """Whether the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> bool:
        """Copy what the WAL holds into the database if it changed; whether all of it was copied."""
        try:
            stat = os.stat(self._wal_path)
        except FileNotFoundError:
            return True
        mark = (stat.st_size, stat.st_mtime_ns)
        if mark == self._seen:
            return True
        connection = self._engine.raw_connection()  # outside any transaction: no "begin" event
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            busy, frames, copied = cursor.fetchone() or (1, 0, 0)  # the pragma answers one row
            cursor.close()
        finally:
            connection.close()
        done = not busy and copied == frames
        self._seen = mark if done else None  # readers held some frames: again next time
        return done

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.run_once()
            except Exception:  # a full disk, a locked file: commits still copy past the safety net
                log.exception("WAL checkpoint failed; trying again in %s s", self._interval)


class Database:
    """One database, reached through a pooled engine."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        # A SQLite file cannot drop a connection: no ping (a statement) before each command there.
        ping = make_url(self.url).get_backend_name() != "sqlite"
        self.engine: Engine = create_engine(self.url, echo=echo, pool_pre_ping=ping)
        # Run by the elected leader (labbot/scheduling/background.py) on a SQLite file.
        self.checkpoints: WalCheckpoints | None = None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _tune_sqlite)
            event.listen(self.engine, "begin", _begin)
            path = make_url(self.url).database
            if path and path != ":memory:":
                self.checkpoints = WalCheckpoints(self.engine, f"{path}-wal")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", hour_totals.keep_totals)
        event.listen(self._sessions, "before_flush", signup_counts.keep_counts)
        event.listen(self._sessions, "after_flush", search_index.keep_in_step)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session committed when the block ends normally, rolled back on any exception.

        `write=False` for a read: on SQLite it runs beside writers instead of waiting for the write lock, and
        any write in it is refused (`refused_write`); PostgreSQL runs both alike."""
        reading = _READING.set(not write)
        try:
            with self._sessions.begin() as session:
                yield session
        finally:
            _READING.reset(reading)

    @staticmethod
    def refused_write(error: OperationalError) -> bool:
        """Whether `error` is a write refused in a read transaction (SQLite's query_only)."""
        return getattr(error.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY

    def upgrade(self) -> None:
        """Bring the schema to the latest migration (an empty database gets every table)."""
        with self.engine.begin() as connection:
            if _schema_revision(connection) == SCHEMA_HEAD:
                return
            from alembic import command  # noqa: PLC0415 - only when there is something to migrate

            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        """Stop the checkpoints, close pooled connections."""
        if self.checkpoints is not None:
            self.checkpoints.stop()
        self.engine.dispose()


def _schema_revision(connection: Connection) -> str | None:
    """The database's single Alembic revision, or None (no schema yet, or several heads)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(revisions[0]) if len(revisions) == 1 else None


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic configuration pointing at labbot's migrations, for `url`."""
    from alembic.config import Config as AlembicConfig  # noqa: PLC0415

    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("labbot") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
