"""Queries about agents' hours. Sums happen in SQL; value = Σ(minutes × rate) / 60, in cents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import ColumnElement, Date, Row, Select, bindparam, extract, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import HourEntry, HourMonthTotal, HourProjectTotal, Person, Project
from labbot.storage.rows import rows


class HoursTotal(NamedTuple):
    """A group's total time and value (a named tuple: a region's report makes one per project, and a frozen
    dataclass took three times as long to build)."""

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


class LoggedHours(NamedTuple):
    """One hour entry as `mesheures` lists it, with its project's title."""

    id: int
    worked_on: date
    minutes: int
    rate_cents: int
    activity: str
    title: str


# Built once (`mesheures` runs these on every view), bound to a person and a period when run; columns, not
# entities: a listing needs no ORM object.
_IN_PERIOD = (
    HourEntry.person_id == bindparam("person_id"),
    HourEntry.worked_on >= bindparam("start", type_=Date),
    HourEntry.worked_on < bindparam("end", type_=Date),
)
_MONTH_ENTRIES = (
    select(
        HourEntry.id,
        HourEntry.worked_on,
        HourEntry.minutes,
        HourEntry.rate_cents,
        HourEntry.activity,
        Project.title,
    )
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
_PERSON_TOTAL = select(_MINUTES, _MINUTE_RATE).where(*_IN_PERIOD)
# A project's totals (`budget`, `rapport`): all its time, or a period of it.
_OF_PROJECT = HourEntry.project_id == bindparam("project_id")
_PROJECT_TOTAL = select(_MINUTES, _MINUTE_RATE).where(_OF_PROJECT)
_PROJECT_TOTAL_IN = _PROJECT_TOTAL.where(
    HourEntry.worked_on >= bindparam("start", type_=Date), HourEntry.worked_on < bindparam("end", type_=Date)
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


def month_entries(session: Session, person_id: int, start: date, end: date) -> list[LoggedHours]:
    """The person's entries in [start, end), with the project's title, by date."""
    found = rows(session, _MONTH_ENTRIES, {"person_id": person_id, "start": start, "end": end})
    return [LoggedHours(*row) for row in found]


def daily_minutes(session: Session, person_id: int, start: date, end: date) -> list[tuple[date, int]]:
    """Minutes per day in [start, end)."""
    found = rows(session, _DAILY_MINUTES, {"person_id": person_id, "start": start, "end": end})
    return [(day, int(minutes)) for day, minutes in found]


def _total(session: Session, statement: Select[int, int], parameters: dict[str, object]) -> HoursTotal:
    minutes, minute_rate = rows(session, statement, parameters).one()
    return HoursTotal("", int(minutes), _value(minute_rate), minute_rate=int(minute_rate))


def person_total(session: Session, person_id: int, start: date, end: date) -> HoursTotal:
    """Minutes and value of a person's entries in [start, end)."""
    return _total(session, _PERSON_TOTAL, {"person_id": person_id, "start": start, "end": end})


def project_total(session: Session, project_id: int, period: tuple[date, date] | None = None) -> HoursTotal:
    """Minutes and value of a project's entries: all of them, or those in the period [start, end)."""
    if period is None:
        return _total(session, _PROJECT_TOTAL, {"project_id": project_id})
    start, end = period
    return _total(session, _PROJECT_TOTAL_IN, {"project_id": project_id, "start": start, "end": end})


def for_project(project_id: int, start: date | None = None, end: date | None = None) -> list[ColumnElement[bool]]:
    """Conditions: a project's entries, optionally in [start, end)."""
    conditions = [HourEntry.project_id == project_id]
    if start:
        conditions.append(HourEntry.worked_on >= start)
    if end:
        conditions.append(HourEntry.worked_on < end)
    return conditions


def _agents_query() -> Select[int, str, int, int]:
    return (
        select(Person.id, Person.display_name, _MINUTES, _MINUTE_RATE)
        .join(HourEntry, HourEntry.person_id == Person.id)
        .join(Project, Project.id == HourEntry.project_id)
        .group_by(Person.id, Person.display_name)
        .order_by(_MINUTES.desc())
    )


_YEAR = extract("year", HourEntry.worked_on)
_MONTH = extract("month", HourEntry.worked_on)


def _months_query() -> Select[int, int, int, int]:
    return (
        select(_YEAR, _MONTH, _MINUTES, _MINUTE_RATE)
        .join(Project, Project.id == HourEntry.project_id)
        .group_by(_YEAR, _MONTH)
        .order_by(_YEAR, _MONTH)
    )


# Built once: a project's report (`rapport 12 par:agent|mois`) is read often.
_PROJECT_BY_AGENT = _agents_query().where(_OF_PROJECT)
_PROJECT_BY_MONTH = _months_query().where(_OF_PROJECT)


def _agent_totals(found: Iterable[Row[int, str, int, int]]) -> list[HoursTotal]:
    return [HoursTotal(name, int(m), _value(r), str(pid), int(r)) for pid, name, m, r in found]


def _month_totals(found: Iterable[Row[int, int, int, int]]) -> list[HoursTotal]:
    return [
        HoursTotal(
            f"{int(y):04d}-{int(m):02d}", int(minutes), _value(rate), f"{int(y):04d}-{int(m):02d}", int(rate)
        )
        for y, m, minutes, rate in found
    ]


def by_agent(session: Session, *conditions: ColumnElement[bool]) -> list[HoursTotal]:
    """Totals per agent, most hours first."""
    return _agent_totals(session.execute(_agents_query().where(*conditions)))


def by_month(session: Session, *conditions: ColumnElement[bool]) -> list[HoursTotal]:
    """Totals per calendar month, oldest first (label `2016-06`)."""
    return _month_totals(session.execute(_months_query().where(*conditions)))


def project_by_agent(session: Session, project_id: int) -> list[HoursTotal]:
    """A project's totals per agent, most hours first (`by_agent` of its entries)."""
    return _agent_totals(rows(session, _PROJECT_BY_AGENT, {"project_id": project_id}))


def project_by_month(session: Session, project_id: int) -> list[HoursTotal]:
    """A project's totals per calendar month, oldest first (`by_month` of its entries)."""
    return _month_totals(rows(session, _PROJECT_BY_MONTH, {"project_id": project_id}))


def in_region(region: str) -> ColumnElement[bool]:
    """Condition: entries of the region's projects (queries above join Project)."""
    return Project.region == region


_TOTAL_MINUTES = func.coalesce(func.sum(HourMonthTotal.minutes), 0)
_TOTAL_MINUTE_RATE = func.coalesce(func.sum(HourMonthTotal.minute_rate_cents), 0)


# Built once: the region reports are read often. By project: one kept total per project (ties in project order,
# as the monthly sums came); by month: the monthly totals of the region's projects.
_REGION_BY_PROJECT = (
    select(Project.id, Project.title, HourProjectTotal.minutes, HourProjectTotal.minute_rate_cents)
    .join(HourProjectTotal, HourProjectTotal.project_id == Project.id)
    .where(Project.region == bindparam("region"), HourProjectTotal.minutes > 0)
    .order_by(HourProjectTotal.minutes.desc(), Project.id)
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
    """A region's totals per project, most hours first, read from the project totals."""
    return [
        HoursTotal(f"#{pid} {title}", int(m), _value(r), str(pid), int(r))
        for pid, title, m, r in rows(session, _REGION_BY_PROJECT, {"region": region})
    ]


def region_by_month(session: Session, region: str) -> list[HoursTotal]:
    """A region's totals per calendar month, oldest first, read from the monthly totals."""
    return [
        HoursTotal(f"{month:%Y-%m}", int(minutes), _value(rate), f"{month:%Y-%m}", int(rate))
        for month, minutes, rate in rows(session, _REGION_BY_MONTH, {"region": region})
    ]
