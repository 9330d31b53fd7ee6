"""Queries about cost lines (contractor, equipment, other)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import CostLine
from labbot.storage.rows import rows

# Built once: the budget card runs these.
_TOTALS = (
    select(CostLine.kind, func.sum(CostLine.amount_cents))
    .where(CostLine.project_id == bindparam("project_id"))
    .group_by(CostLine.kind)
)
_TOTALS_IN = _TOTALS.where(
    CostLine.incurred_on >= bindparam("start", type_=Date), CostLine.incurred_on < bindparam("end", type_=Date)
)
_LATEST = (
    select(CostLine.incurred_on, CostLine.kind, CostLine.label, CostLine.amount_cents)
    .where(CostLine.project_id == bindparam("project_id"))
    .order_by(CostLine.incurred_on.desc(), CostLine.id.desc())
    .limit(bindparam("limit"))
)


def totals_by_kind(session: Session, project_id: int, period: tuple[date, date] | None = None) -> dict[str, int]:
    """Cents per cost type: all the project's costs, or those incurred in the period [start, end)."""
    if period is None:
        found = rows(session, _TOTALS, {"project_id": project_id})
    else:
        start, end = period
        found = rows(session, _TOTALS_IN, {"project_id": project_id, "start": start, "end": end})
    return {kind: int(cents) for kind, cents in found}


class LatestCost(NamedTuple):
    """A cost line as the budget card lists it."""

    incurred_on: date
    kind: str
    label: str
    amount_cents: int


def lines(session: Session, project_id: int, limit: int = 20) -> list[LatestCost]:
    """The latest cost lines."""
    return [LatestCost(*row) for row in rows(session, _LATEST, {"project_id": project_id, "limit": limit})]
