"""Fixtures: a labbot on SQLite and on PostgreSQL, talked to like a chat, under a controllable clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.bootstrap import Application, bootstrap
from adapters.console.adapter import ConsoleAdapter
from labbot.clock import PARIS, FixedClock
from labbot.config import Settings
from labbot.messages import Outcome
from labbot.ports import RecordingNotifier
from labbot.storage.database import Database
from labbot.storage.models import Base

pytest_plugins = [
    "tests.platforms.specs",
    "tests.platforms.slack_fixtures",
    "tests.platforms.mattermost_fixtures",
]

POSTGRES_ADMIN_URL = os.environ.get(
    "LABBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# CI must prove PostgreSQL works; a laptop without it skips those tests with a visible reason.
POSTGRES_REQUIRED = os.environ.get("CI", "").lower() == "true" or bool(os.environ.get("LABBOT_REQUIRE_POSTGRES"))
TEST_START = datetime(2016, 6, 10, 10, 0, tzinfo=PARIS)


def _space(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    # Fold the WAL into the file so that copying the file alone copies the schema.
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session, migrated once."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"labbot_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}: {error}"
        if POSTGRES_REQUIRED:
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    database.upgrade()
    database.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "labbot.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    _empty_postgres(url)


def _empty_postgres(url: str) -> None:
    """Delete every row and restart every sequence, as a fresh migrated database has them.

    DELETE rather than TRUNCATE: on tables of a few rows it takes ~40 ms against ~190 ms (TRUNCATE gives each
    table, index and sequence new files), and ~600 tests empty the database."""
    engine = create_engine(url)
    with engine.begin() as connection:
        # Children first, so that no foreign key sees its row go; APScheduler's job table is not in the models:
        # it holds jobs that name rows by id.
        connection.execute(text("DELETE FROM apscheduler_jobs"))
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        sequences = connection.execute(
            text("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences")
        ).scalars()
        connection.execute(text("; ".join(f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences.all())))
    engine.dispose()


@dataclass
class Said:
    """A rendered reply: its text (no-break spaces shown as spaces) and how it ended."""

    text: str
    outcome: Outcome

    @property
    def ok(self) -> bool:
        """Whether the command was carried out."""
        return self.outcome is Outcome.DONE

    def __contains__(self, fragment: str) -> bool:
        return _space(fragment) in self.text


class Conversation:
    """Talk to labbot through the console adapter, as several users."""

    def __init__(self, app: Application, clock: FixedClock, notifier: RecordingNotifier, files_dir: Path) -> None:
        self.app = app
        self.clock = clock
        self.notifier = notifier
        # Files that replies carry land here, one folder per test.
        self.files_dir = files_dir

    def say(self, user: str, command: str, *, lang: str | None = None) -> Said:
        """Run `command` as console user `user`."""
        text, outcome = ConsoleAdapter(self.app.bot, user, lang, files_dir=self.files_dir).say(command)
        return Said(_space(text), outcome)

    def saved_files(self, said: Said) -> list[Path]:
        """The files a reply carried, as the console saved them (each path is a line of its own)."""
        return [Path(line) for line in said.text.splitlines() if line.startswith(str(self.files_dir))]

    def ok(self, user: str, command: str, *, lang: str | None = None) -> Said:
        """Run `command` and fail the test unless it was carried out."""
        said = self.say(user, command, lang=lang)
        assert said.ok, f"{user}: {command}\n{said.text}"
        return said

    def sent_to(self, user: str) -> list[str]:
        """Texts of the notifications that reached console user `user`."""
        return [_space(reply.text) for address, reply in self.notifier.sent if address.user_id == user]


def make_settings(url: str, **overrides: object) -> Settings:
    """Default settings on `url`, with `sgmap` as console admin."""
    return Settings.model_validate({"database": {"url": url}, "roles": {"admins": ["console:sgmap"]}, **overrides})


@pytest.fixture
def bot(database_url: str, tmp_path: Path) -> Iterator[Conversation]:
    """A labbot with the call's events, the clock on 10/06/2016 10:00 in Paris."""
    clock = FixedClock(TEST_START)
    notifier = RecordingNotifier()
    app = bootstrap(make_settings(database_url), notifier=notifier, clock=clock)
    yield Conversation(app, clock, notifier, tmp_path / "files")
    app.database.dispose()


@pytest.fixture
def lab(bot: Conversation) -> Conversation:
    """A Bretagne project #1 by alice (DREAL) with bruno (DDTM) on the team; claire coordinates Bretagne."""
    bot.ok("claire", "aide")  # people exist once they have spoken (no account is made up from a name)
    bot.ok("sgmap", "role claire coordinateur region:bretagne")
    bot.ok("alice", 'profil service:"DREAL Bretagne"')
    bot.ok("bruno", 'profil service:"DDTM Finistère"')
    bot.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM" methodes:"design, open data"')
    bot.ok("bruno", "rejoindre 1 competence:developpeur")
    # Categories are set by the region's coordinators, never by oneself.
    bot.ok("claire", "profil alice categorie:A")
    bot.ok("claire", "profil bruno categorie:B")
    return bot
