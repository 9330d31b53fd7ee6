"""The start-up shortcut (`Database.upgrade` skips Alembic when the schema is at SCHEMA_HEAD) is only safe while
SCHEMA_HEAD names Alembic's one head: a new migration must move it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from labbot.storage.database import SCHEMA_HEAD, Database, alembic_config


def test_schema_head_is_alembics_only_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert heads == [SCHEMA_HEAD]


def test_a_database_behind_the_head_is_still_upgraded(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'labbot.db'}")
    previous = ScriptDirectory.from_config(alembic_config(database.url)).get_revision(SCHEMA_HEAD).down_revision
    assert isinstance(previous, str)
    with database.engine.begin() as connection:
        config = alembic_config(database.url)
        config.attributes["connection"] = connection
        command.upgrade(config, previous)
    database.upgrade()  # one migration behind: Alembic runs the last one
    with database.engine.begin() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == SCHEMA_HEAD
    database.upgrade()  # at the head: nothing to do, and nothing fails
    database.dispose()
