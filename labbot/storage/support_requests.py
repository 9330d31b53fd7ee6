"""Queries about support requests (`appui`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from labbot.storage.models import Person, Project, SupportRequest

LIVE = ("ouvert", "en-cours")


def lock(session: Session, request_id: int) -> SupportRequest | None:
    """A request, its row held until the transaction ends (two moves at once: one after the other)."""
    return session.scalar(select(SupportRequest).where(SupportRequest.id == request_id).with_for_update())


def listing(
    session: Session, *, statuses: Sequence[str], region: str | None, limit: int
) -> list[tuple[SupportRequest, Project, str | None]]:
    """Requests in `statuses` (of `region`'s projects), with their project and handler's name, oldest move
    first."""
    handler = aliased(Person)
    query = (
        select(SupportRequest, Project, handler.display_name)
        .join(Project, Project.id == SupportRequest.project_id)
        .outerjoin(handler, handler.id == SupportRequest.handler_id)
        .where(SupportRequest.status.in_(statuses))
        .order_by(SupportRequest.moved_at, SupportRequest.id)
        .limit(limit)
    )
    if region:
        query = query.where(Project.region == region)
    return [(request, project, name) for request, project, name in session.execute(query)]


def stalled(session: Session, moved_before: datetime) -> list[tuple[SupportRequest, Project]]:
    """Open or in-progress requests whose last move is older than `moved_before`."""
    query = (
        select(SupportRequest, Project)
        .join(Project, Project.id == SupportRequest.project_id)
        .where(SupportRequest.status.in_(LIVE), SupportRequest.moved_at < moved_before)
        .order_by(SupportRequest.moved_at, SupportRequest.id)
    )
    return [(request, project) for request, project in session.execute(query)]
