"""Column queries run beside the ORM: a prebuilt statement's rows, read on the session's own connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

from sqlalchemy import Result
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TypedReturnsRows

_Columns = TypeVarTuple("_Columns")


def rows(
    session: Session, statement: TypedReturnsRows[*_Columns], parameters: Mapping[str, Any] | None = None
) -> Result[*_Columns]:
    """The rows of a statement that selects columns (no entities), in the session's transaction.

    Run on the session's connection, not through `session.execute`: the ORM's per-statement work (execution
    state, its result set-up) took as long as SQLite for these small reads. Pending changes are flushed
    first, as the ORM's autoflush would have.
    """
    session.flush()
    return session.connection().execute(statement, parameters)
