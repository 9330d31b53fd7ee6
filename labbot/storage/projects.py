"""Queries about projects and their teams."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from slugify import slugify
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from labbot.storage.models import Membership, PartnerMeeting, Person, Project
from labbot.storage.rows import rows

_NUMBER = re.compile(r"^#?(\d{1,9})$")


# Built once: most commands name a project by number (`session.get` builds its statement at every call); no
# autoflush, as `session.get`.
_BY_NUMBER = select(Project).where(Project.id == bindparam("id")).execution_options(autoflush=False)


def find(session: Session, ref: str) -> Project | None:
    """A project by number (`3`, `#3`) or slug."""
    if found := _NUMBER.match(ref.strip()):
        return session.scalar(_BY_NUMBER, {"id": int(found.group(1))})
    return session.scalar(select(Project).where(Project.slug == slugify(ref)))


def unique_slug(session: Session, title: str) -> str:
    """A slug for `title` not used yet (`lab-bretagne`, then `lab-bretagne-2`…)."""
    base = slugify(title, max_length=70, word_boundary=True) or "projet"
    taken = set(session.scalars(select(Project.slug).where(Project.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def listing(
    session: Session, *, region: str | None, status: str | None, limit: int
) -> Sequence[tuple[Project, int]]:
    """Projects with their team size, newest first."""
    team_size = select(func.count(Membership.id)).where(Membership.project_id == Project.id).scalar_subquery()
    query = select(Project, team_size).order_by(Project.id.desc()).limit(limit)
    if region:
        query = query.where(Project.region == region)
    if status:
        query = query.where(Project.status == status)
    return [(project, int(size)) for project, size in session.execute(query)]


def count(session: Session, *, region: str | None, status: str | None) -> int:
    """How many projects match."""
    query = select(func.count(Project.id))
    if region:
        query = query.where(Project.region == region)
    if status:
        query = query.where(Project.status == status)
    return int(session.scalar(query) or 0)


# Built once: the project card runs these on every view.
_TEAM = (
    select(Membership, Person)
    .join(Person, Person.id == Membership.person_id)
    .where(Membership.project_id == bindparam("project_id"))
    .order_by(Membership.id)
)
# The card shows names and competences only: columns, not entities.
_TEAM_NAMES = (
    select(Person.id, Person.display_name, Membership.competence, Membership.service)
    .join(Person, Person.id == Membership.person_id)
    .where(Membership.project_id == bindparam("project_id"))
    .order_by(Membership.id)
)
_MEMBERSHIP = select(Membership).where(
    Membership.project_id == bindparam("project_id"), Membership.person_id == bindparam("person_id")
)
_IS_MEMBER = (
    select(Membership.id)
    .where(Membership.project_id == bindparam("project_id"), Membership.person_id == bindparam("person_id"))
    .limit(1)
)
_COVERED = select(PartnerMeeting.category).where(PartnerMeeting.project_id == bindparam("project_id")).distinct()


def team(session: Session, project_id: int) -> Sequence[tuple[Membership, Person]]:
    """The team, in joining order."""
    return [(membership, person) for membership, person in session.execute(_TEAM, {"project_id": project_id})]


class TeamMember(NamedTuple):
    """A team member as the project card shows them."""

    person_id: int
    display_name: str
    competence: str
    service: str | None


def team_names(session: Session, project_id: int) -> list[TeamMember]:
    """The team in joining order, as names and competences (`team` without entities)."""
    return [TeamMember(*row) for row in rows(session, _TEAM_NAMES, {"project_id": project_id})]


def membership(session: Session, project_id: int, person_id: int) -> Membership | None:
    """The person's place on the team, if any."""
    return session.scalar(_MEMBERSHIP, {"project_id": project_id, "person_id": person_id})


def is_member(session: Session, project_id: int, person_id: int) -> bool:
    """Whether the person is on the team (`membership` without loading it)."""
    return rows(session, _IS_MEMBER, {"project_id": project_id, "person_id": person_id}).first() is not None


def add_member(
    session: Session, project: Project, person: Person, *, competence: str, service: str | None, now: datetime
) -> Membership:
    """Put `person` on the team."""
    member = Membership(
        project_id=project.id, person_id=person.id, competence=competence, service=service, joined_at=now
    )
    session.add(member)
    session.flush()
    return member


def of_person(session: Session, person_id: int) -> Sequence[Project]:
    """The projects whose team includes the person."""
    return list(
        session.scalars(
            select(Project).join(Membership).where(Membership.person_id == person_id).order_by(Project.id)
        )
    )


def covered_categories(session: Session, project_id: int) -> set[str]:
    """The partner categories met at least once."""
    return set(rows(session, _COVERED, {"project_id": project_id}).scalars())


def remove_member(session: Session, member: Membership) -> None:
    """Take `member` off the team (their hours stay: time worked is a fact)."""
    session.delete(member)
    session.flush()
