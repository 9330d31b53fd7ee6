"""Who may see and change what: every permission rule of labbot, in one place, named after what it protects.

The roles (agent, coordinator, admin) are global; a project adds two standings of its own: its **lead** (who
registered it, or whom they handed over to) and its **team**. Every refusal says why and whom to ask.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from labbot.errors import Conflict, Forbidden, NotFound
from labbot.i18n import _
from labbot.lifecycle import STATUSES
from labbot.states import CLOSED_STATUSES, Role
from labbot.storage import projects
from labbot.storage.models import LabChannel, Person, Project
from labbot.vocabulary import REGIONS


def oversees(person: Person, region: str | None) -> bool:
    """Admins oversee every region; a coordinator oversees their own."""
    return person.role == Role.ADMIN or (
        person.role == Role.COORDINATOR and region is not None and person.region == region
    )


def leads(person: Person, project: Project) -> bool:
    """Whether `person` is the project's lead."""
    return project.lead_id == person.id


def require_oversight(person: Person, region: str) -> None:
    """Protects a region's figures (budgets, reports, attendees): its coordinators and admins only."""
    if oversees(person, region):
        return
    if person.role == Role.COORDINATOR:
        raise Forbidden(
            _("You coordinate {mine}; this concerns {other}.").format(
                mine=REGIONS.label(person.region or "") if person.region else _("no region yet"),
                other=REGIONS.label(region),
            )
        )
    raise Forbidden(
        _("Only the coordinators of {region} and SGMAP administrators can see this.").format(
            region=REGIONS.label(region)
        )
    )


def require_event_lists(person: Person) -> None:
    """Protects who comes to an event (names, services): coordinators and admins, as `inscrits`."""
    if person.role in (Role.COORDINATOR, Role.ADMIN):
        return
    raise Forbidden(_("Only coordinators and SGMAP administrators can see who is signed up."))


def require_team_or_oversight(session: Session, person: Person, project: Project) -> None:
    """Protects a project's shared record (description, hallmarks, meetings): its team and coordinators."""
    if oversees(person, project.region) or projects.is_member(session, project.id, person.id):
        return
    raise Forbidden(
        _("Only the team of #{number} and the coordinators of {region} can do this.").format(
            number=project.id, region=REGIONS.label(project.region)
        ),
        hint=_("Join the team first: join {number}").format(number=project.id),
    )


def require_steering(person: Person, project: Project) -> None:
    """Protects a project's course (its status, its lead, who leaves the team): the lead and coordinators."""
    if leads(person, project) or oversees(person, project.region):
        return
    raise Forbidden(
        _("Only the lead of #{number} and the coordinators of {region} can do this.").format(
            number=project.id, region=REGIONS.label(project.region)
        ),
        hint=_("Ask the project's lead (shown on: projet {number}).").format(number=project.id),
    )


def require_region_move(person: Person, project: Project) -> None:
    """Protects which coordinators see a project: only they (of its current region) and admins move it."""
    if oversees(person, project.region):
        return
    raise Forbidden(
        _(
            "Only the coordinators of {region} and SGMAP administrators can move #{number} to another region."
        ).format(region=REGIONS.label(project.region), number=project.id)
    )


def require_filing(person: Person, project: Project) -> None:
    """Protects a project's filing (`deposer`, for the prefect): the coordinators of its region and admins."""
    if oversees(person, project.region):
        return
    raise Forbidden(
        _(
            "The prefect's filing of #{number} is recorded by the coordinators of {region} and administrators."
        ).format(number=project.id, region=REGIONS.label(project.region))
    )


def require_valuation_change(session: Session, actor: Person, target: Person) -> None:
    """Protects the value of hours (a person's category and rate): coordinators of that person's region and
    admins, and never for oneself."""
    if actor.id == target.id:
        raise Forbidden(
            _("Nobody sets their own category or hourly rate."),
            hint=_("Ask a coordinator of your region or an SGMAP administrator."),
        )
    if actor.role == Role.ADMIN or in_region_of(session, actor, target):
        return
    raise Forbidden(
        _("Categories and hourly rates are set by the coordinators of the person’s region and by administrators.")
    )


def in_region_of(session: Session, coordinator: Person, person: Person) -> bool:
    """Whether `person` belongs to the region `coordinator` coordinates (by role or by a project's team)."""
    if coordinator.role != Role.COORDINATOR or not coordinator.region:
        return False
    if person.region == coordinator.region:
        return True
    return any(p.region == coordinator.region for p in projects.of_person(session, person.id))


def require_profile_view(session: Session, actor: Person, target: Person) -> None:
    """Protects people's profiles: oneself, coordinators of their region, admins."""
    if actor.id == target.id or actor.role == Role.ADMIN or in_region_of(session, actor, target):
        return
    raise Forbidden(_("You can see the profiles of the people on your region's projects only."))


def require_channel_subscription(
    session: Session, person: Person, existing: LabChannel | None, region: str | None, project: Project | None
) -> None:
    """Protects whom a channel's announcements reach: a region's channel is its coordinators' (and admins'),
    a project's channel its lead's and coordinators'; one subscribed by someone else is changed only by them,
    its region's coordinators or an admin."""
    if existing is not None and existing.added_by_id not in (None, person.id):
        current_region = existing.region or _project_region(session, existing.project_id)
        if not oversees(person, current_region):
            raise Forbidden(
                _(
                    "This channel was subscribed by someone else; only they, the coordinators of its region or an "
                    "administrator can change it."
                )
            )
    if region is not None:
        require_oversight(person, region)
    elif project is not None:
        if not (leads(person, project) or oversees(person, project.region)):
            raise Forbidden(
                _(
                    "Only the lead of #{number} and the coordinators of {region} can subscribe a channel to it."
                ).format(number=project.id, region=REGIONS.label(project.region))
            )
    elif (existing is None or existing.added_by_id != person.id) and person.role != Role.ADMIN:
        raise Forbidden(_("Only administrators can change this channel."))


def _project_region(session: Session, project_id: int | None) -> str | None:
    project = session.get(Project, project_id) if project_id is not None else None
    return project.region if project else None


def require_open(person: Person, project: Project, *, correcting: bool = False) -> None:
    """Protects closed projects' ledgers: no new hours, costs or meetings once `non-retenu` or `termine`;
    coordinators may still correct past entries."""
    if project.status not in CLOSED_STATUSES:
        return
    if correcting and oversees(person, project.region):
        return
    raise Conflict(
        _("#{number} is closed ({status}): it takes no new hours, costs or meetings.").format(
            number=project.id, status=STATUSES.label(project.status)
        ),
        hint=_("A coordinator of {region} can still correct past entries.").format(
            region=REGIONS.label(project.region)
        ),
    )


def project_or_refuse(session: Session, ref: str) -> Project:
    """The project `ref` names, or a NotFound that shows how to find one."""
    project = projects.find(session, ref)
    if project is None:
        raise NotFound(
            _("No project “{ref}”.").format(ref=ref),
            hint=_("See the projects and their numbers with: projects"),
        )
    return project


def require_faq_editing(person: Person) -> None:
    """Protects what the FAQ says to everyone: SGMAP's administrators publish, edit and withdraw entries."""
    if person.role != Role.ADMIN:
        raise Forbidden(_("Only SGMAP administrators can publish, edit or withdraw FAQ entries."))


def require_team(session: Session, person: Person, project: Project) -> None:
    """Protects who speaks for a project to SGMAP (support requests): its team."""
    if projects.is_member(session, project.id, person.id):
        return
    raise Forbidden(
        _("Only the team of #{number} can ask for support for it.").format(number=project.id),
        hint=_("Join the team first: join {number}").format(number=project.id),
    )


def require_support_handling(person: Person, project: Project) -> None:
    """Protects how a support request moves: SGMAP's administrators and the coordinators of its region."""
    if oversees(person, project.region):
        return
    raise Forbidden(
        _("Only SGMAP administrators and the coordinators of {region} can move this request.").format(
            region=REGIONS.label(project.region)
        )
    )
