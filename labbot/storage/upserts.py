"""Totals kept in step with their rows: an upsert that adds to the stored values, built once per dialect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


class AddingUpsert:
    """`INSERT … ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c` for each added column `c` of `table`:
    atomic, so concurrent writers never lose each other's additions. Built once per dialect (building and
    compiling it at every flush cost more than running it)."""

    def __init__(self, table: Table, keys: tuple[str, ...], added: tuple[str, ...]) -> None:
        self._statements = {
            dialect: _build(insert, table, keys, added)
            for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
        }

    def add(self, connection: Connection, values: Mapping[str, Any]) -> None:
        """Add `values` (the keys' values and the amounts to add, by column) to their row, made if missing."""
        parameters = {f"add_{column}": value for column, value in values.items()}
        connection.execute(self._statements[connection.dialect.name], parameters)


def _build(insert: Any, table: Table, keys: tuple[str, ...], added: tuple[str, ...]) -> Insert:
    # Parameters named apart from the columns: SQLAlchemy keeps the columns' own names for itself.
    statement = insert(table).values(**{column: bindparam(f"add_{column}") for column in (*keys, *added)})
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(keys),
        set_={column: table.c[column] + statement.excluded[column] for column in added},
    )
