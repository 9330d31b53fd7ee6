"""Queries about evaluation indicators and their measures."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from labbot.storage.models import Indicator, IndicatorMeasure
from labbot.storage.numbering import next_number
from labbot.storage.rows import rows


def new_number(session: Session, project_id: int) -> int:
    """The number the project's next indicator takes."""
    return next_number(session, Indicator.number, Indicator.project_id, project_id)


def get(session: Session, project_id: int, number: int) -> Indicator | None:
    """The project's indicator `number`."""
    return session.scalar(select(Indicator).where(Indicator.project_id == project_id, Indicator.number == number))


def _latest_measures() -> Select[Indicator, IndicatorMeasure]:
    later = aliased(IndicatorMeasure)
    newer_exists = (
        select(later.id)
        .where(
            later.indicator_id == IndicatorMeasure.indicator_id,
            (later.measured_on > IndicatorMeasure.measured_on)
            | ((later.measured_on == IndicatorMeasure.measured_on) & (later.id > IndicatorMeasure.id)),
        )
        .exists()
    )
    return (
        select(Indicator, IndicatorMeasure)
        .outerjoin(IndicatorMeasure, (IndicatorMeasure.indicator_id == Indicator.id) & ~newer_exists)
        .where(Indicator.project_id == bindparam("project_id"))
        .order_by(Indicator.number)
    )


# Built once (every project card runs it): building it took longer than SQLite takes to run it.
_WITH_LATEST = _latest_measures()


def with_latest(session: Session, project_id: int) -> Sequence[tuple[Indicator, IndicatorMeasure | None]]:
    """The project's indicators in order, each with its latest measure (by date, then by entry)."""
    rows = session.execute(_WITH_LATEST, {"project_id": project_id})
    return [(indicator, measure) for indicator, measure in rows]


_NAMES = select(Indicator.name).where(Indicator.project_id == bindparam("project_id")).order_by(Indicator.number)


def names(session: Session, project_id: int) -> list[str]:
    """The project's indicators' names in order (what the card's hallmarks show, without their measures)."""
    return list(rows(session, _NAMES, {"project_id": project_id}).scalars())


def count(session: Session, project_id: int) -> int:
    """How many indicators the project defines."""
    return int(session.scalar(select(func.count(Indicator.id)).where(Indicator.project_id == project_id)) or 0)
