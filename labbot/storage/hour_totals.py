"""Totals of hours per project and month, and per project, kept in step with `hour_entries` inside the same flush.

A region's report would otherwise read every entry of the region (~55 000 at national scale, 60-90 ms on
PostgreSQL); the monthly totals give it ~10 rows per project, the project totals one. Every change to an entry
goes through the ORM, so a `before_flush` hook sees new, changed and deleted entries and adds their difference
with an atomic upsert (`INSERT … ON CONFLICT DO UPDATE SET minutes = minutes + excluded.minutes`), safe under
concurrent writers. Bulk loads that bypass the ORM call `rebuild`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, inspect, text
from sqlalchemy.orm import Session

from labbot.storage.models import HourEntry, HourMonthTotal, HourProjectTotal
from labbot.storage.upserts import AddingUpsert

_TABLE: Table = HourMonthTotal.__table__  # type: ignore[assignment]  # a Table for a mapped class
_PROJECT_TABLE: Table = HourProjectTotal.__table__  # type: ignore[assignment]
_TRACKED = ("project_id", "worked_on", "minutes", "rate_cents")
Changes = defaultdict[Any, list[int]]  # by (project, month), or by project


def _count(changes: Changes, values: dict[str, Any], sign: int) -> None:
    key = (values["project_id"], values["worked_on"].replace(day=1))
    changes[key][0] += sign * values["minutes"]
    changes[key][1] += sign * values["minutes"] * values["rate_cents"]


def _current(entry: HourEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in _TRACKED}


def _before_change(entry: HourEntry) -> dict[str, Any]:
    state = inspect(entry)
    values = {}
    for name in _TRACKED:
        history = state.attrs[name].history
        values[name] = (history.deleted or history.unchanged or [getattr(entry, name)])[0]
    return values


def keep_totals(session: Session, _flush_context: object, _instances: object) -> None:
    """`before_flush` hook: carry the flush's changes to hour entries over to the monthly totals."""
    changes: Changes = defaultdict(lambda: [0, 0])
    for entry in session.new:
        if isinstance(entry, HourEntry):
            _count(changes, _current(entry), +1)
    for entry in session.deleted:
        if isinstance(entry, HourEntry):
            _count(changes, _before_change(entry), -1)
    for entry in session.dirty:
        if isinstance(entry, HourEntry) and session.is_modified(entry):
            _count(changes, _before_change(entry), -1)
            _count(changes, _current(entry), +1)
    if not changes:
        return
    connection = session.connection()
    projects: Changes = defaultdict(lambda: [0, 0])
    for (project_id, month), (minutes, minute_rate) in sorted(changes.items()):
        if minutes or minute_rate:
            _ADD_TO_MONTH.add(
                connection,
                {"project_id": project_id, "month": month, "minutes": minutes, "minute_rate_cents": minute_rate},
            )
            projects[project_id][0] += minutes
            projects[project_id][1] += minute_rate
    for project_id, (minutes, minute_rate) in sorted(projects.items()):
        if minutes or minute_rate:
            _ADD_TO_PROJECT.add(
                connection, {"project_id": project_id, "minutes": minutes, "minute_rate_cents": minute_rate}
            )


# Every `heures` runs one of each.
_ADD_TO_MONTH = AddingUpsert(_TABLE, ("project_id", "month"), ("minutes", "minute_rate_cents"))
_ADD_TO_PROJECT = AddingUpsert(_PROJECT_TABLE, ("project_id",), ("minutes", "minute_rate_cents"))


def month_of(dialect: str, column: str) -> str:
    """SQL for the first day of the month of a date column, in `dialect`."""
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def rebuild(connection: Connection) -> None:
    """Recompute every total from the entries (after bulk loads that bypass the ORM)."""
    month = month_of(connection.dialect.name, "worked_on")
    connection.execute(text("DELETE FROM hour_month_totals"))
    connection.execute(
        text(
            "INSERT INTO hour_month_totals (project_id, month, minutes, minute_rate_cents) "  # noqa: S608
            f"SELECT project_id, {month}, SUM(minutes), SUM(minutes * rate_cents) "
            f"FROM hour_entries GROUP BY project_id, {month}"
        )
    )
    connection.execute(text("DELETE FROM hour_project_totals"))
    connection.execute(
        text(
            "INSERT INTO hour_project_totals (project_id, minutes, minute_rate_cents) "
            "SELECT project_id, SUM(minutes), SUM(minute_rate_cents) FROM hour_month_totals GROUP BY project_id"
        )
    )
