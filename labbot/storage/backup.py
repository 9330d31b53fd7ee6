"""`labbot db backup PATH`: a consistent copy of an SQLite database while labbot keeps running."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from labbot.config import ConfigError

# Pages copied per step: small steps let commands write between them instead of waiting for the whole copy.
PAGES_PER_STEP = 1024


def backup_database(url: str, target: Path) -> Path:
    """Copy the SQLite database at `url` to `target` with SQLite's online backup API; return the path.

    PostgreSQL has its own tool for this, which labbot does not replace: the error says how to use it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise ConfigError(
            "labbot db backup copies SQLite databases only. On PostgreSQL, use pg_dump, e.g. "
            f"`pg_dump --format=custom --file=labbot.dump {parsed.database or 'labbot'}` "
            "(restore with pg_restore --clean --dbname=…); see README, Exploitation › Backups."
        )
    source = parsed.database
    if not source or source == ":memory:":
        raise ConfigError("The database is in memory: there is nothing on disk to back up.")
    if not Path(source).exists():
        raise ConfigError(f"No database at {source}: check [database] url or LABBOT_DATABASE_URL.")
    if target.exists():
        raise ConfigError(f"{target} already exists: choose a new file name (a backup never overwrites one).")
    # Read-only: a backup must never create or change the database it copies.
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as origin,
        closing(sqlite3.connect(target)) as copy,
    ):
        origin.backup(copy, pages=PAGES_PER_STEP)
    return target
