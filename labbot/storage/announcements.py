"""Queries about announcements, lab channels and who an announcement reaches."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from labbot.states import SignupState
from labbot.storage.models import Announcement, Event, LabChannel, Membership, Person, Project, Signup


def get(session: Session, announcement_id: int) -> Announcement | None:
    """An announcement by number."""
    return session.get(Announcement, announcement_id)


def lock(session: Session, announcement_id: int) -> Announcement | None:
    """An announcement, locked (PostgreSQL) so that a confirm, a cancel and a release never interleave."""
    return session.scalar(select(Announcement).where(Announcement.id == announcement_id).with_for_update())


def recent(session: Session, limit: int = 20) -> Sequence[Announcement]:
    """The latest announcements, newest first."""
    return session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit)).all()


def scheduled(session: Session) -> Sequence[Announcement]:
    """Confirmed announcements not released yet."""
    return session.scalars(select(Announcement).where(Announcement.state == "planifiee")).all()


def people_of(session: Session, audience: str, value: str) -> Sequence[Person]:
    """The people an audience names (an event's registrants, a project's team, a region's agents)."""
    query = select(Person).where(Person.id.in_(_person_ids(audience, value)))
    return session.scalars(query.order_by(Person.id)).all()


def _person_ids(audience: str, value: str) -> Select[int]:
    if audience == "tous":
        return select(Person.id)
    if audience == "evenement":
        return (
            select(Signup.person_id)
            .join(Event, Event.id == Signup.event_id)
            .where(Event.key == value, Signup.state == SignupState.REGISTERED)
        )
    if audience == "projet":
        return select(Membership.person_id).where(Membership.project_id == int(value))
    if audience == "region":
        team = (
            select(Membership.person_id)
            .join(Project, Project.id == Membership.project_id)
            .where(Project.region == value)
        )
        return select(Person.id).where(or_(Person.region == value, Person.id.in_(team)))
    return select(Person.id).where(Person.id.is_(None))  # a channel: nobody in person


def channels_of(session: Session, audience: str, value: str) -> Sequence[LabChannel]:
    """The registered lab channels an audience names."""
    query = select(LabChannel)
    if audience == "region":
        in_region = select(Project.id).where(Project.region == value)
        query = query.where(or_(LabChannel.region == value, LabChannel.project_id.in_(in_region)))
    elif audience == "projet":
        query = query.where(LabChannel.project_id == int(value))
    elif audience == "canal":
        query = query.where(or_(LabChannel.name == value.lstrip("#~"), LabChannel.channel_id == value))
    elif audience != "tous":
        return []
    return session.scalars(query.order_by(LabChannel.id)).all()


def channel(session: Session, platform: str, channel_id: str) -> LabChannel | None:
    """A registered channel."""
    return session.scalar(
        select(LabChannel).where(LabChannel.platform == platform, LabChannel.channel_id == channel_id)
    )
