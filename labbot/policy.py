"""Who may see and change what. Every refusal says why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labbot.errors import Forbidden, NotFound
from labbot.i18n import _
from labbot.storage import projects
from labbot.storage.models import Person, Project
from labbot.vocabulary import REGIONS


def oversees(person: Person, region: str) -> bool:
    """Admins oversee every region; a coordinator oversees their own."""
    return person.role == "admin" or (person.role == "coordinateur" and person.region == region)


def require_oversight(person: Person, region: str) -> None:
    """Refuse unless `person` oversees `region`."""
    if oversees(person, region):
        return
    if person.role == "coordinateur":
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


def require_team_or_oversight(session: Session, person: Person, project: Project) -> None:
    """Refuse unless `person` is on the team or oversees the project's region."""
    if oversees(person, project.region) or projects.membership(session, project.id, person.id):
        return
    raise Forbidden(
        _("Only the team of #{number} and the coordinators of {region} can do this.").format(
            number=project.id, region=REGIONS.label(project.region)
        ),
        hint=_("Join the team first: rejoindre {number}").format(number=project.id),
    )


def project_or_refuse(session: Session, ref: str) -> Project:
    """The project `ref` names, or a NotFound that shows how to find one."""
    project = projects.find(session, ref)
    if project is None:
        raise NotFound(
            _("No project “{ref}”.").format(ref=ref),
            hint=_("See the projects and their numbers with: projets"),
        )
    return project
