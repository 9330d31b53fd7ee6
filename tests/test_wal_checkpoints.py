"""SQLite's WAL is copied into the database by the leader's checkpoints, not by the command that happens to
commit past SQLite's threshold (that command waited for the copy and its fsync)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from labbot.storage.database import WAL_AUTOCHECKPOINT_PAGES
from tests.conftest import Conversation


def _entries_in_the_database_file(path: str) -> int:
    """Hour entries in the database file itself: `immutable` reads it without its WAL."""
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(reader.execute("SELECT count(*) FROM hour_entries").fetchone()[0])
    finally:
        reader.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL has no WAL file of ours
def test_the_checkpoints_copy_the_wal_that_commits_leave(lab: Conversation) -> None:
    database = lab.app.database
    checkpoints = database.checkpoints
    assert checkpoints is not None
    path = str(make_url(database.url).database)
    checkpoints.run_once()  # what the fixture wrote
    with database.transaction() as session:
        assert session.scalar(text("PRAGMA wal_autocheckpoint")) == WAL_AUTOCHECKPOINT_PAGES
    for day in ("hier", "avant-hier"):
        lab.ok("alice", f"heures 1 2h date:{day}")
    assert _entries_in_the_database_file(path) == 0  # only in the WAL: no commit copied it
    assert checkpoints.run_once()
    assert _entries_in_the_database_file(path) == 2
    assert checkpoints.run_once()  # nothing new: nothing to do
    assert lab.say("alice", "mesheures").ok
