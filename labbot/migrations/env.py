"""Alembic environment: runs on the connection labbot hands over, or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from labbot.storage.models import Base

target_metadata = Base.metadata
# Tables created by migrations but owned by a library: autogenerate must not propose dropping them.
LIBRARY_TABLES = {"apscheduler_jobs"}


def _include(obj: object, name: str | None, kind: str, reflected: bool, _compare_to: object) -> bool:
    table = getattr(obj, "table", None)
    owner = name if kind == "table" else getattr(table, "name", None)
    return not (reflected and owner in LIBRARY_TABLES)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite:///labbot.db")
    with engine.begin() as new_connection:
        _run(new_connection)
