"""Queries about filed dossier versions."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import DossierVersion
from labbot.storage.numbering import next_number
from labbot.storage.rows import rows


def new_number(session: Session, project_id: int) -> int:
    """The number the project's next filed version takes."""
    return next_number(session, DossierVersion.number, DossierVersion.project_id, project_id)


def get(session: Session, project_id: int, number: int) -> DossierVersion | None:
    """The project's filed version `number`."""
    return session.scalar(
        select(DossierVersion).where(DossierVersion.project_id == project_id, DossierVersion.number == number)
    )


# Built once: every project card runs it.
_LATEST_DIGEST = (
    select(DossierVersion.number, DossierVersion.content_digest)
    .where(DossierVersion.project_id == bindparam("project_id"))
    .order_by(DossierVersion.number.desc())
    .limit(1)
)


def latest_digest(session: Session, project_id: int) -> tuple[int, str] | None:
    """The number and content digest of the latest filed version (not its files), if any."""
    row = rows(session, _LATEST_DIGEST, {"project_id": project_id}).first()
    return (int(row[0]), str(row[1])) if row else None


def count(session: Session, project_id: int) -> int:
    """How many versions were filed."""
    return int(
        session.scalar(select(func.count(DossierVersion.id)).where(DossierVersion.project_id == project_id)) or 0
    )
