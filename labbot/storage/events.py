"""Queries about events and signups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from labbot.config import EventSettings
from labbot.states import LIVE_SIGNUPS, SignupState
from labbot.storage.models import Event, Person, Signup
from labbot.storage.rows import rows

LIVE = LIVE_SIGNUPS


def sync_from_config(session: Session, configured: Iterable[EventSettings]) -> None:
    """Create or update the events the config lists (signups are kept); what an admin set from chat
    (`evenement`, listed in `set_in_chat`) wins over the file."""
    existing = {event.key: event for event in session.scalars(select(Event))}
    for item in configured:
        event = existing.get(item.key) or Event(key=item.key, set_in_chat=[])
        from_file = {
            "title": item.title,
            "place": item.place,
            "capacity": item.capacity,
            "tentative": item.tentative,
            "starts_at": item.starts_at(),
            "ends_at": item.ends_at(),
        }
        kept = set(event.set_in_chat or [])
        changed = {column: value for column, value in from_file.items() if column not in kept}
        if event.id is not None and any(invitation_differs(event, column, changed[column]) for column in changed):
            event.sequence += 1
        for column, value in changed.items():
            setattr(event, column, value)
        session.add(event)


# What an invitation (.ics) says; a change to any of these is a new SEQUENCE.
INVITATION_FIELDS = ("title", "starts_at", "ends_at", "place")


def invitation_differs(event: Event, column: str, value: object) -> bool:
    """Whether setting `column` to `value` changes what the event's invitation says."""
    if column not in INVITATION_FIELDS:
        return False
    # Times are aware (UTCDateTime): equal instants compare equal whatever their zone.
    return bool(getattr(event, column) != value)


def registrants(session: Session, event_id: int) -> Sequence[Person]:
    """The people holding a seat at the event."""
    return session.scalars(
        select(Person)
        .join(Signup, Signup.person_id == Person.id)
        .where(Signup.event_id == event_id, Signup.state == SignupState.REGISTERED)
        .order_by(Signup.id)
    ).all()


def dated(session: Session) -> Sequence[Event]:
    """The events that have a date."""
    return session.scalars(select(Event).where(Event.starts_at.is_not(None)).order_by(Event.id)).all()


def waiting_count(session: Session, event_id: int) -> int:
    """How many people are on the waiting list."""
    return int(
        session.scalar(
            select(func.count(Signup.id)).where(Signup.event_id == event_id, Signup.state == SignupState.WAITING)
        )
        or 0
    )


def find(session: Session, key: str) -> Event | None:
    """An event by key."""
    return session.scalar(select(Event).where(Event.key == key.strip().lower()))


class EventLine(NamedTuple):
    """An event as `evenements` lists it."""

    id: int
    key: str
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    capacity: int
    tentative: str


# Built once: `evenements` runs these on every view (its counts come from labbot.storage.signup_counts); the
# listing reads columns, not entities.
_ALL_EVENTS = select(
    Event.id, Event.key, Event.title, Event.starts_at, Event.ends_at, Event.place, Event.capacity, Event.tentative
).order_by(Event.id)
_LIVE_STATES = select(Signup.event_id, Signup.state).where(
    Signup.person_id == bindparam("person_id"), Signup.state.in_(LIVE)
)


def all_events(session: Session) -> list[EventLine]:
    """Every event, dated ones first in date order."""
    events = [EventLine(*row) for row in rows(session, _ALL_EVENTS)]
    return sorted(events, key=lambda e: (e.starts_at is None, e.starts_at or e.id))


def live_signup(session: Session, event_id: int, person_id: int) -> Signup | None:
    """The person's live signup (confirmed or waiting), if any."""
    return session.scalar(
        select(Signup).where(Signup.event_id == event_id, Signup.person_id == person_id, Signup.state.in_(LIVE))
    )


def states_of(session: Session, person_id: int) -> dict[int, str]:
    """The person's live state per event."""
    return dict(rows(session, _LIVE_STATES, {"person_id": person_id}).all())


def confirmed_count(session: Session, event_id: int) -> int:
    """Seats taken."""
    return int(
        session.scalar(
            select(func.count(Signup.id)).where(
                Signup.event_id == event_id, Signup.state == SignupState.REGISTERED
            )
        )
        or 0
    )


def lock_event(session: Session, event_id: int) -> Event:
    """The event row, locked on PostgreSQL so that two signups cannot take the last seat at once."""
    event = session.scalar(select(Event).where(Event.id == event_id).with_for_update())
    if event is None:
        raise LookupError(f"event {event_id} vanished")
    return event


def waiting_position(session: Session, signup: Signup) -> int:
    """1 for the first in the queue."""
    ahead = session.scalar(
        select(func.count(Signup.id)).where(
            Signup.event_id == signup.event_id, Signup.state == SignupState.WAITING, Signup.id < signup.id
        )
    )
    return int(ahead or 0) + 1


def first_waiting(session: Session, event_id: int) -> Signup | None:
    """The oldest waiting signup."""
    return session.scalar(
        select(Signup)
        .where(Signup.event_id == event_id, Signup.state == SignupState.WAITING)
        .order_by(Signup.id)
        .limit(1)
    )


def attendees(session: Session, event_id: int) -> Sequence[tuple[Signup, Person]]:
    """Live signups with their people, confirmed first, each in signup order."""
    rows = session.execute(
        select(Signup, Person)
        .join(Person, Person.id == Signup.person_id)
        .where(Signup.event_id == event_id, Signup.state.in_(LIVE))
        .order_by(Signup.state.desc(), Signup.id)
    )
    return [(signup, person) for signup, person in rows]
