"""Fresh benchmark databases: a SQLite file, or a PostgreSQL database created on the test server."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL = os.environ.get(
    "LABBOT_BENCH_POSTGRES_URL",
    os.environ.get("LABBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
DIALECTS = ("sqlite", "postgresql")


def fresh_url(dialect: str, name: str, workdir: Path) -> str:
    """An empty database called `name` (any previous one is dropped) and its URL."""
    if dialect == "sqlite":
        path = workdir / f"{name}.db"
        for leftover in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
            leftover.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop(dialect: str, url: str) -> None:
    """Remove a benchmark database."""
    if dialect == "sqlite":
        path = Path(make_url(url).database or "")
        for leftover in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
            leftover.unlink(missing_ok=True)
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()
