"""Queries about funding plans (forecast lines) and partners' co-funding."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import Cofunding, PlanLine
from labbot.storage.numbering import next_number
from labbot.storage.rows import rows


def new_line_number(session: Session, project_id: int) -> int:
    """The number the project's next plan line takes."""
    return next_number(session, PlanLine.number, PlanLine.project_id, project_id)


def new_cofunding_number(session: Session, project_id: int) -> int:
    """The number the project's next co-funding takes."""
    return next_number(session, Cofunding.number, Cofunding.project_id, project_id)


def line(session: Session, project_id: int, number: int) -> PlanLine | None:
    """The project's plan line `number`."""
    return session.scalar(select(PlanLine).where(PlanLine.project_id == project_id, PlanLine.number == number))


def lines(session: Session, project_id: int) -> Sequence[PlanLine]:
    """The plan's lines in order."""
    return list(
        session.scalars(select(PlanLine).where(PlanLine.project_id == project_id).order_by(PlanLine.number))
    )


# Built once: the budget card runs it.
_FORECAST = (
    select(PlanLine.kind, func.sum(PlanLine.amount_cents))
    .where(PlanLine.project_id == bindparam("project_id"))
    .group_by(PlanLine.kind)
)


def forecast_by_nature(session: Session, project_id: int) -> dict[str, int]:
    """Cents forecast per nature (temps, prestataire, materiel, autre), summed in SQL."""
    return {kind: int(cents) for kind, cents in rows(session, _FORECAST, {"project_id": project_id})}


def cofundings(session: Session, project_id: int) -> Sequence[Cofunding]:
    """The partners' co-funding in order."""
    return list(
        session.scalars(select(Cofunding).where(Cofunding.project_id == project_id).order_by(Cofunding.number))
    )


def cofunding_by_status(session: Session, project_id: int) -> dict[str, int]:
    """Cents of co-funding per status (envisage, confirme)."""
    rows = session.execute(
        select(Cofunding.status, func.sum(Cofunding.amount_cents))
        .where(Cofunding.project_id == project_id)
        .group_by(Cofunding.status)
    )
    return {status: int(cents) for status, cents in rows}


def cofunding_categories(session: Session, project_id: int) -> set[str]:
    """The partner categories that co-fund the project."""
    return set(session.scalars(select(Cofunding.category).where(Cofunding.project_id == project_id).distinct()))
