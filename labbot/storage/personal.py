"""Everything labbot holds about one person (RGPD access), and the erasure of what need not be kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from labbot.storage import signup_counts
from labbot.storage.models import (
    AuditEntry,
    Delivery,
    Event,
    HourEntry,
    Identity,
    Membership,
    OutboxMessage,
    PartnerMeeting,
    Person,
    Project,
    Question,
    Signup,
)

# Audit entries whose subject is a person (their role, category, rate, erasure).
PERSON_ENTITIES = ("person",)


def hour_entries(session: Session, person_id: int) -> Sequence[tuple[HourEntry, str]]:
    """The person's hour entries with their project's title, by date."""
    query = (
        select(HourEntry, Project.title)
        .join(Project, Project.id == HourEntry.project_id)
        .where(HourEntry.person_id == person_id)
        .order_by(HourEntry.worked_on, HourEntry.id)
    )
    return [(entry, title) for entry, title in session.execute(query)]


def memberships(session: Session, person_id: int) -> Sequence[tuple[Membership, str]]:
    """The teams the person is on."""
    query = (
        select(Membership, Project.title)
        .join(Project, Project.id == Membership.project_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.id)
    )
    return [(member, title) for member, title in session.execute(query)]


def meetings_logged(session: Session, person_id: int) -> Sequence[PartnerMeeting]:
    """Partner meetings the person logged."""
    query = select(PartnerMeeting).where(PartnerMeeting.logged_by_id == person_id).order_by(PartnerMeeting.id)
    return list(session.scalars(query))


def signups(session: Session, person_id: int) -> Sequence[tuple[Signup, str]]:
    """The person's signups (cancelled ones too) with the event's title."""
    query = (
        select(Signup, Event.title)
        .join(Event, Event.id == Signup.event_id)
        .where(Signup.person_id == person_id)
        .order_by(Signup.id)
    )
    return [(signup, title) for signup, title in session.execute(query)]


def messages_received(session: Session, person_id: int) -> Sequence[tuple[Delivery, OutboxMessage]]:
    """Messages sent (or to be sent) to the person: announcements, reminders, notifications."""
    query = (
        select(Delivery, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == Delivery.message_id)
        .where(Delivery.person_id == person_id)
        .order_by(Delivery.id)
    )
    return [(delivery, message) for delivery, message in session.execute(query)]


def audit_entries(session: Session, person_id: int) -> Sequence[AuditEntry]:
    """Changes the person made, and changes made to them."""
    query = (
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.actor_id == person_id,
                (AuditEntry.entity.in_(PERSON_ENTITIES)) & (AuditEntry.entity_id == person_id),
            )
        )
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))


def questions(session: Session, person_id: int) -> Sequence[Question]:
    """Questions the person asked SGMAP."""
    return list(session.scalars(select(Question).where(Question.asker_id == person_id).order_by(Question.id)))


def erase(session: Session, person: Person, pseudonym: str) -> dict[str, Any]:
    """Remove the person's name, e-mail, accounts, signups, team places and free texts; keep their hours and
    costs (budgets were filed with them) under `pseudonym`, with their category and rate. Returns counts."""
    person_id = person.id
    signup_counts.without_person(session, person_id)  # the bulk delete below bypasses the ORM hook
    counts = {
        "accounts": len(person.identities),
        "signups": session.execute(delete(Signup).where(Signup.person_id == person_id)).rowcount,  # type: ignore[attr-defined]
        "teams": session.execute(delete(Membership).where(Membership.person_id == person_id)).rowcount,  # type: ignore[attr-defined]
        "activities": session.execute(
            update(HourEntry).where(HourEntry.person_id == person_id, HourEntry.activity != "").values(activity="")
        ).rowcount,  # type: ignore[attr-defined]
    }
    session.execute(delete(Identity).where(Identity.person_id == person_id))
    session.execute(update(Project).where(Project.lead_id == person_id).values(lead_id=None))
    session.execute(update(Question).where(Question.asker_id == person_id).values(text=""))
    # Messages not yet delivered are not sent; those delivered forget the address they went to.
    session.execute(
        update(Delivery)
        .where(Delivery.person_id == person_id, Delivery.state == "pending")
        .values(state="cancelled")
    )
    session.execute(
        update(Delivery).where(Delivery.person_id == person_id).values(user_id="", channel_id=None, reply=None)
    )
    session.expire(person, ["identities"])
    person.display_name = pseudonym
    person.email = None
    person.language = None
    person.service = None
    person.role = "agent"
    person.reminders_muted = True
    return counts
