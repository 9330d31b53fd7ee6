"""Queries about partner meetings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import PartnerMeeting
from labbot.storage.rows import rows

# Built once: `partenaires` runs both on every view.
_LATEST = (
    select(
        PartnerMeeting.held_on,
        PartnerMeeting.partner,
        PartnerMeeting.category,
        PartnerMeeting.minutes,
        PartnerMeeting.notes,
    )
    .where(PartnerMeeting.project_id == bindparam("project_id"))
    .order_by(PartnerMeeting.held_on.desc(), PartnerMeeting.id.desc())
    .limit(bindparam("limit"))
)
_COVERAGE = (
    select(PartnerMeeting.category, func.count(PartnerMeeting.id))
    .where(PartnerMeeting.project_id == bindparam("project_id"))
    .group_by(PartnerMeeting.category)
)


class LatestMeeting(NamedTuple):
    """A partner meeting as `partenaires` lists it."""

    held_on: date
    partner: str
    category: str
    minutes: int | None
    notes: str


def of_project(session: Session, project_id: int, limit: int = 30) -> list[LatestMeeting]:
    """The latest meetings of a project."""
    return [LatestMeeting(*row) for row in rows(session, _LATEST, {"project_id": project_id, "limit": limit})]


def coverage(session: Session, project_id: int) -> dict[str, int]:
    """Meetings per partner category."""
    return {category: int(number) for category, number in rows(session, _COVERAGE, {"project_id": project_id})}


def all_of_project(session: Session, project_id: int) -> Sequence[PartnerMeeting]:
    """Every meeting of a project, by category then date (for the dossier)."""
    return list(
        session.scalars(
            select(PartnerMeeting)
            .where(PartnerMeeting.project_id == project_id)
            .order_by(PartnerMeeting.category, PartnerMeeting.held_on, PartnerMeeting.id)
        )
    )
