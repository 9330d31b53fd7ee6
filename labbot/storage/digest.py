"""The coordinators' weekly digest of a region, in one query: per project, hours of the week and in total,
the exact Σ(minutes × rate) and the cost lines, so its figures are `budget`'s to the cent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labbot.storage.models import CostLine, HourEntry, HourMonthTotal, Project


@dataclass(frozen=True)
class DigestRow:
    """One project of the digest."""

    project_id: int
    title: str
    week_minutes: int
    minutes: int
    minute_rate: int
    costs_cents: int


def region_digest(session: Session, region: str, week_start: date, week_end: date) -> list[DigestRow]:
    """Every project of `region`, by number, with its totals and its minutes in [week_start, week_end)."""
    totals = (
        select(
            HourMonthTotal.project_id,
            func.sum(HourMonthTotal.minutes).label("minutes"),
            func.sum(HourMonthTotal.minute_rate_cents).label("minute_rate"),
        )
        .group_by(HourMonthTotal.project_id)
        .subquery()
    )
    week = (
        select(HourEntry.project_id, func.sum(HourEntry.minutes).label("minutes"))
        .where(HourEntry.worked_on >= week_start, HourEntry.worked_on < week_end)
        .group_by(HourEntry.project_id)
        .subquery()
    )
    spent = (
        select(CostLine.project_id, func.sum(CostLine.amount_cents).label("cents"))
        .group_by(CostLine.project_id)
        .subquery()
    )
    query = (
        select(
            Project.id,
            Project.title,
            func.coalesce(week.c.minutes, 0),
            func.coalesce(totals.c.minutes, 0),
            func.coalesce(totals.c.minute_rate, 0),
            func.coalesce(spent.c.cents, 0),
        )
        .outerjoin(totals, totals.c.project_id == Project.id)
        .outerjoin(week, week.c.project_id == Project.id)
        .outerjoin(spent, spent.c.project_id == Project.id)
        .where(Project.region == region)
        .order_by(Project.id)
    )
    return [
        DigestRow(int(pid), title, int(week_minutes), int(minutes), int(rate), int(cents))
        for pid, title, week_minutes, minutes, rate, cents in session.execute(query)
    ]
