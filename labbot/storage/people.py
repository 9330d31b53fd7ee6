"""Queries about people and their platform identities."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, lazyload

from labbot.states import Role
from labbot.storage.models import HourEntry, Identity, Membership, Person


def by_identity(session: Session, platform: str, external_id: str) -> Person | None:
    """The person behind a platform account."""
    return session.scalar(
        select(Person).join(Identity).where(Identity.platform == platform, Identity.external_id == external_id)
    )


# Built once: the requester is looked up on every command. Their accounts load only if a command reads them
# (most do not), instead of a second statement each time.
_REQUESTER = (
    select(Person)
    .join(Identity)
    .where(Identity.platform == bindparam("platform"), Identity.external_id == bindparam("external_id"))
    .options(lazyload(Person.identities))
)


def requester(session: Session, platform: str, external_id: str) -> Person | None:
    """The person behind the account a command comes from (`by_identity`, without loading their accounts)."""
    return session.scalar(_REQUESTER, {"platform": platform, "external_id": external_id})


def by_email(session: Session, email: str) -> Person | None:
    """The person with this e-mail (case-insensitive)."""
    return session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))


def by_name(session: Session, platform: str, name: str) -> Person | None:
    """A person known on `platform` by username or id, `alice` or `@alice`."""
    wanted = name.lstrip("@").lower()
    return session.scalar(
        select(Person)
        .join(Identity)
        .where(
            Identity.platform == platform,
            or_(func.lower(Identity.username) == wanted, func.lower(Identity.external_id) == wanted),
        )
        .limit(1)
    )


def create(
    session: Session, platform: str, external_id: str, *, display_name: str, email: str | None, now: datetime
) -> Person:
    """A new person with one identity."""
    person = Person(display_name=display_name or external_id, email=email, created_at=now)
    session.add(person)
    session.flush()
    link(session, person, platform, external_id, username=display_name or None)
    return person


def link(session: Session, person: Person, platform: str, external_id: str, *, username: str | None) -> None:
    """Attach a platform account to `person`."""
    session.add(Identity(person_id=person.id, platform=platform, external_id=external_id, username=username))
    session.flush()
    session.refresh(person, ["identities"])


def lock(session: Session, person_id: int) -> None:
    """Hold the person's row until the transaction ends, serialising their concurrent writes (PostgreSQL)."""
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


def get(session: Session, person_id: int) -> Person | None:
    """A person by id."""
    return session.get(Person, person_id)


def names(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Display names of several people at once."""
    if not person_ids:
        return {}
    rows = session.execute(select(Person.id, Person.display_name).where(Person.id.in_(person_ids)))
    return dict(rows.all())


def with_username(session: Session, platform: str, username: str) -> list[Person]:
    """Everyone whose account on `platform` has this username (case-insensitive)."""
    return list(
        session.scalars(
            select(Person)
            .join(Identity)
            .where(Identity.platform == platform, func.lower(Identity.username) == username.lower())
            .distinct()
            .order_by(Person.id)
        )
    )


def named(session: Session, platform: str, name: str) -> list[Person]:
    """Everyone called `name`: by display name on any platform, or by username on `platform`."""
    wanted = name.strip().lower()
    by_username = select(Identity.person_id).where(
        Identity.platform == platform, func.lower(Identity.username) == wanted
    )
    return list(
        session.scalars(
            select(Person)
            .where(or_(func.lower(Person.display_name) == wanted, Person.id.in_(by_username)))
            .order_by(Person.id)
        )
    )


def coordinators(session: Session, region: str | None = None) -> list[Person]:
    """Every coordinator with a region (of `region` only, when given)."""
    query = select(Person).where(Person.role == Role.COORDINATOR, Person.region.is_not(None))
    if region:
        query = query.where(Person.region == region)
    return list(session.scalars(query.order_by(Person.id)))


def idle_members(session: Session, week_start: date, week_end: date) -> list[Person]:
    """Team members who logged no hours in [week_start, week_end)."""
    logged = select(HourEntry.person_id).where(HourEntry.worked_on >= week_start, HourEntry.worked_on < week_end)
    return list(
        session.scalars(
            select(Person)
            .where(Person.id.in_(select(Membership.person_id)), Person.id.not_in(logged))
            .order_by(Person.id)
        )
    )
