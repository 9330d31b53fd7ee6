"""Queries behind the exports. Entries are streamed (`yield_per`): a region's 55 000 rows never sit in memory."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import CostLine, HourEntry, Membership, PartnerMeeting, Person, Project

STREAM_BATCH = 2000


def in_period(start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    """Conditions: entries worked in [start, end) (either bound may be open)."""
    conditions: list[ColumnElement[bool]] = []
    if start:
        conditions.append(HourEntry.worked_on >= start)
    if end:
        conditions.append(HourEntry.worked_on < end)
    return conditions


def hour_rows(
    session: Session, *conditions: ColumnElement[bool]
) -> Iterator[tuple[int, date, str, str, str, int, str, int, int, str]]:
    """Entries with their agent and project, by date: (n°, date, agent, service, category, project n°,
    project title, minutes, rate in cents, activity). Streamed in batches."""
    query = (
        select(
            HourEntry.id,
            HourEntry.worked_on,
            Person.display_name,
            Person.service,
            Person.category,
            Project.id,
            Project.title,
            HourEntry.minutes,
            HourEntry.rate_cents,
            HourEntry.activity,
        )
        .join(Person, Person.id == HourEntry.person_id)
        .join(Project, Project.id == HourEntry.project_id)
        .where(*conditions)
        .order_by(HourEntry.worked_on, HourEntry.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    for row in session.execute(query):
        number, day, name, service, category, project_id, title, minutes, rate, activity = row
        yield (number, day, name, service or "", category or "", project_id, title, minutes, rate, activity)


def time_by_month_and_rate(
    session: Session, project_id: int, start: date | None, end: date | None
) -> list[tuple[str, str, int, int]]:
    """A project's valued time per month, agent category and hourly rate: (2016-06, A, rate, minutes)."""
    year = extract("year", HourEntry.worked_on)
    month = extract("month", HourEntry.worked_on)
    category = func.coalesce(Person.category, "")
    query = (
        select(year, month, category, HourEntry.rate_cents, func.sum(HourEntry.minutes))
        .join(Person, Person.id == HourEntry.person_id)
        .where(HourEntry.project_id == project_id, *in_period(start, end))
        .group_by(year, month, category, HourEntry.rate_cents)
        .order_by(year, month, category, HourEntry.rate_cents)
    )
    return [
        (f"{int(y):04d}-{int(m):02d}", str(c), int(rate), int(minutes))
        for y, m, c, rate, minutes in session.execute(query)
    ]


def cost_lines(session: Session, project_id: int, start: date | None, end: date | None) -> Sequence[CostLine]:
    """A project's cost lines in [start, end), oldest first."""
    query = select(CostLine).where(CostLine.project_id == project_id)
    if start:
        query = query.where(CostLine.incurred_on >= start)
    if end:
        query = query.where(CostLine.incurred_on < end)
    return list(session.scalars(query.order_by(CostLine.incurred_on, CostLine.id)))


def daily_costs(session: Session, project_id: int) -> list[tuple[date, int]]:
    """A project's costs per day they were incurred, oldest first (for charts)."""
    query = (
        select(CostLine.incurred_on, func.sum(CostLine.amount_cents))
        .where(CostLine.project_id == project_id)
        .group_by(CostLine.incurred_on)
        .order_by(CostLine.incurred_on)
    )
    return [(day, int(cents)) for day, cents in session.execute(query)]


def daily_time(session: Session, project_id: int) -> list[tuple[date, int]]:
    """A project's Σ(minutes × rate) per day worked, oldest first (for charts)."""
    query = (
        select(HourEntry.worked_on, func.sum(HourEntry.minutes * HourEntry.rate_cents))
        .where(HourEntry.project_id == project_id)
        .group_by(HourEntry.worked_on)
        .order_by(HourEntry.worked_on)
    )
    return [(day, int(minute_rate)) for day, minute_rate in session.execute(query)]


def project_rows(session: Session, region: str | None) -> list[tuple[Project, str, int]]:
    """Projects (of a region, or all) with their lead's name and team size, by number."""
    team_size = select(func.count(Membership.id)).where(Membership.project_id == Project.id).scalar_subquery()
    query = (
        select(Project, Person.display_name, team_size)
        .outerjoin(Person, Person.id == Project.lead_id)
        .order_by(Project.id)
    )
    if region:
        query = query.where(Project.region == region)
    return [(project, name or "", int(size)) for project, name, size in session.execute(query)]


def partner_meetings(session: Session, project_id: int) -> list[tuple[PartnerMeeting, str]]:
    """Every meeting of a project with who logged it, oldest first."""
    query = (
        select(PartnerMeeting, Person.display_name)
        .outerjoin(Person, Person.id == PartnerMeeting.logged_by_id)
        .where(PartnerMeeting.project_id == project_id)
        .order_by(PartnerMeeting.held_on, PartnerMeeting.id)
    )
    return [(meeting, name or "") for meeting, name in session.execute(query)]
