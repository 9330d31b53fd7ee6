"""Queries about agents' hours. Sums happen in SQL; value = Σ(minutes × rate) / 60, in cents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Date, bindparam, extract, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import HourEntry, HourMonthTotal, Person, Project


@dataclass(frozen=True)
class HoursTotal:
    """A group's total time and value."""

    label: str
    minutes: int
    value_cents: int
    key: str = ""
    # Σ(minutes × rate), exact: totals of several groups are rounded once, from these, never from rows.
    minute_rate: int = 0


def _value(minute_rate_sum: int | None) -> int:
    # Round half up to the cent once, on the group's sum, so totals add up the same way everywhere.
    return (int(minute_rate_sum or 0) * 2 + 60) // 120


def value_of(minute_rate_sum: int) -> int:
    """The value in cents of an exact Σ(minutes × rate), rounded half up once."""
    return _value(minute_rate_sum)


def value_cents(minutes: int, rate_cents: int) -> int:
    """The value of `minutes` at `rate_cents` per hour, rounded to the cent."""
    return _value(minutes * rate_cents)


_MINUTES = func.coalesce(func.sum(HourEntry.minutes), 0)
_MINUTE_RATE = func.coalesce(func.sum(HourEntry.minutes * HourEntry.rate_cents), 0)


# Built once (`mesheures` runs both on every view), bound to a person and a period when run.
_IN_PERIOD = (
    HourEntry.person_id == bindparam("person_id"),
    HourEntry.worked_on >= bindparam("start", type_=Date),
    HourEntry.worked_on < bindparam("end", type_=Date),
)
_MONTH_ENTRIES = (
    select(HourEntry, Project.title)
    .join(Project, Project.id == HourEntry.project_id)
    .where(*_IN_PERIOD)
    .order_by(HourEntry.worked_on, HourEntry.id)
)
_DAILY_MINUTES = (
    select(HourEntry.worked_on, _MINUTES)
    .where(*_IN_PERIOD)
    .group_by(HourEntry.worked_on)
    .order_by(HourEntry.worked_on)
)


def minutes_on_day(session: Session, person_id: int, day: date, *, excluding: int | None = None) -> int:
    """The person's minutes already logged on `day`, on every project."""
    query = select(_MINUTES).where(HourEntry.person_id == person_id, HourEntry.worked_on == day)
    if excluding is not None:
        query = query.where(HourEntry.id != excluding)
    return int(session.scalar(query) or 0)


def get(session: Session, entry_id: int) -> HourEntry | None:
    """One entry by number."""
    return session.get(HourEntry, entry_id)


def month_entries(session: Session, person_id: int, start: date, end: date) -> Sequence[tuple[HourEntry, str]]:
    """The person's entries in [start, end), with the project's title, by date."""
    rows = session.execute(_MONTH_ENTRIES, {"person_id": person_id, "start": start, "end": end})
    return [(entry, title) for entry, title in rows]


def daily_minutes(session: Session, person_id: int, start: date, end: date) -> list[tuple[date, int]]:
    """Minutes per day in [start, end)."""
    rows = session.execute(_DAILY_MINUTES, {"person_id": person_id, "start": start, "end": end})
    return [(day, int(minutes)) for day, minutes in rows]


def total(session: Session, *conditions: ColumnElement[bool]) -> HoursTotal:
    """Minutes and value of the entries matching `conditions`."""
    minutes, minute_rate = session.execute(select(_MINUTES, _MINUTE_RATE).where(*conditions)).one()
    return HoursTotal("", int(minutes), _value(minute_rate), minute_rate=int(minute_rate))


def for_project(project_id: int, start: date | None = None, end: date | None = None) -> list[ColumnElement[bool]]:
    """Conditions: a project's entries, optionally in [start, end)."""
    conditions = [HourEntry.project_id == project_id]
    if start:
        conditions.append(HourEntry.worked_on >= start)
    if end:
        conditions.append(HourEntry.worked_on < end)
    return conditions


def for_person(person_id: int, start: date, end: date) -> list[ColumnElement[bool]]:
    """Conditions: a person's entries in [start, end)."""
    return [HourEntry.person_id == person_id, HourEntry.worked_on >= start, HourEntry.worked_on < end]


def by_agent(session: Session, *conditions: ColumnElement[bool]) -> list[HoursTotal]:
    """Totals per agent, most hours first."""
    query = (
        select(Person.id, Person.display_name, _MINUTES, _MINUTE_RATE)
        .join(HourEntry, HourEntry.person_id == Person.id)
        .join(Project, Project.id == HourEntry.project_id)
        .where(*conditions)
        .group_by(Person.id, Person.display_name)
        .order_by(_MINUTES.desc())
    )
    return [HoursTotal(name, int(m), _value(r), str(pid), int(r)) for pid, name, m, r in session.execute(query)]


def by_month(session: Session, *conditions: ColumnElement[bool]) -> list[HoursTotal]:
    """Totals per calendar month, oldest first (label `2016-06`)."""
    year = extract("year", HourEntry.worked_on)
    month = extract("month", HourEntry.worked_on)
    query = (
        select(year, month, _MINUTES, _MINUTE_RATE)
        .join(Project, Project.id == HourEntry.project_id)
        .where(*conditions)
        .group_by(year, month)
        .order_by(year, month)
    )
    return [
        HoursTotal(
            f"{int(y):04d}-{int(m):02d}", int(minutes), _value(rate), f"{int(y):04d}-{int(m):02d}", int(rate)
        )
        for y, m, minutes, rate in session.execute(query)
    ]


def by_project(session: Session, *conditions: ColumnElement[bool]) -> list[HoursTotal]:
    """Totals per project, most hours first (label `#3 Title`)."""
    query = (
        select(Project.id, Project.title, _MINUTES, _MINUTE_RATE)
        .join(HourEntry, HourEntry.project_id == Project.id)
        .where(*conditions)
        .group_by(Project.id, Project.title)
        .order_by(_MINUTES.desc())
    )
    return [
        HoursTotal(f"#{pid} {title}", int(m), _value(r), str(pid), int(r))
        for pid, title, m, r in session.execute(query)
    ]


def in_region(region: str) -> ColumnElement[bool]:
    """Condition: entries of the region's projects (queries above join Project)."""
    return Project.region == region


_TOTAL_MINUTES = func.coalesce(func.sum(HourMonthTotal.minutes), 0)
_TOTAL_MINUTE_RATE = func.coalesce(func.sum(HourMonthTotal.minute_rate_cents), 0)


# Built once: the region reports are read often.
_REGION_BY_PROJECT = (
    select(Project.id, Project.title, _TOTAL_MINUTES, _TOTAL_MINUTE_RATE)
    .join(HourMonthTotal, HourMonthTotal.project_id == Project.id)
    .where(Project.region == bindparam("region"))
    .group_by(Project.id, Project.title)
    .having(_TOTAL_MINUTES > 0)
    .order_by(_TOTAL_MINUTES.desc())
)
_REGION_BY_MONTH = (
    select(HourMonthTotal.month, _TOTAL_MINUTES, _TOTAL_MINUTE_RATE)
    .join(Project, Project.id == HourMonthTotal.project_id)
    .where(Project.region == bindparam("region"))
    .group_by(HourMonthTotal.month)
    .having(_TOTAL_MINUTES > 0)
    .order_by(HourMonthTotal.month)
)


def region_by_project(session: Session, region: str) -> list[HoursTotal]:
    """A region's totals per project, most hours first, read from the monthly totals."""
    return [
        HoursTotal(f"#{pid} {title}", int(m), _value(r), str(pid), int(r))
        for pid, title, m, r in session.execute(_REGION_BY_PROJECT, {"region": region})
    ]


def region_by_month(session: Session, region: str) -> list[HoursTotal]:
    """A region's totals per calendar month, oldest first, read from the monthly totals."""
    return [
        HoursTotal(f"{month:%Y-%m}", int(minutes), _value(rate), f"{month:%Y-%m}", int(rate))
        for month, minutes, rate in session.execute(_REGION_BY_MONTH, {"region": region})
    ]
