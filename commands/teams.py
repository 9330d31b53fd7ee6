"""A project's team: its lead (handed over with `modifier <ref> porteur:@nom`), removing a member
(`retirer`), and who is told when the project changes."""

from __future__ import annotations

from commands.roles import find_user
from labbot.arguments import Name, OneProject, option
from labbot.context import CommandContext
from labbot.errors import Conflict, InvalidInput, NotFound
from labbot.i18n import N_, _
from labbot.messages import Reply
from labbot.policy import project_or_refuse, require_steering
from labbot.registry import CommandFamily
from labbot.storage import people, projects
from labbot.storage.models import Person, Project
from labbot.vocabulary import REGIONS

family = CommandFamily("teams")


def new_lead(ctx: CommandContext, project: Project, ref: str) -> Person:
    person = find_user(ctx, ref, known_only=True)
    if not projects.is_member(ctx.session, project.id, person.id):
        raise InvalidInput(
            _("porteur: {name} is not on the team of #{number}.").format(
                name=person.display_name, number=project.id
            ),
            hint=_("They join first: join {number}").format(number=project.id),
            field="porteur",
        )
    return person


def tell_about_edit(ctx: CommandContext, project: Project, fields: str, old_region: str) -> None:
    """The lead hears of the team's edits; both regions' coordinators hear of a move."""
    lead = people.get(ctx.session, project.lead_id) if project.lead_id else None
    if lead is not None and fields:
        ctx.notify(
            lead,
            lambda: Reply(
                text=_("{name} edited #{number} {title}: {fields}.").format(
                    name=ctx.person.display_name, number=project.id, title=project.title, fields=fields
                )
            ),
        )
    if project.region != old_region:
        for coordinator in people.coordinators(ctx.session, old_region) + people.coordinators(
            ctx.session, project.region
        ):
            ctx.notify(
                coordinator,
                lambda: Reply(
                    text=_("#{number} {title} moved from {old} to {new} ({name}).").format(
                        number=project.id,
                        title=project.title,
                        old=REGIONS.label(old_region),
                        new=REGIONS.label(project.region),
                        name=ctx.person.display_name,
                    )
                ),
            )


class RemoveMember(OneProject):
    utilisateur: Name = option(..., aliases=("user",), help=N_("the member to remove: @name"))


@family.command(
    "retirer",
    "remove",
    arguments=RemoveMember,
    positionals=("projet", "utilisateur"),
    summary=N_("Remove a member from a project's team (its lead, coordinators)"),
    example="retirer 1 @bruno",
    example_en="remove 1 @bruno",
)
def remove_member(ctx: CommandContext, args: RemoveMember) -> Reply:
    """Take someone off the team; their hours stay in the ledger."""
    project = project_or_refuse(ctx.session, args.projet)
    require_steering(ctx.person, project)
    person = find_user(ctx, args.utilisateur, known_only=True)
    member = projects.membership(ctx.session, project.id, person.id)
    if member is None:
        raise NotFound(
            _("{name} is not on the team of #{number}.").format(name=person.display_name, number=project.id)
        )
    if project.lead_id == person.id:
        raise Conflict(
            _("{name} leads #{number}; hand the lead over first.").format(
                name=person.display_name, number=project.id
            ),
            hint=_("Example: edit {number} lead:@name").format(number=project.id),
        )
    ctx.audit(
        "project", project.id, "remove_member", {"person_id": person.id, "competence": member.competence}, None
    )
    projects.remove_member(ctx.session, member)
    ctx.notify(
        person,
        lambda: Reply(
            text=_("{name} removed you from the team of #{number} {title}.").format(
                name=ctx.person.display_name, number=project.id, title=project.title
            )
        ),
    )
    return Reply(
        text=_("{name} is no longer on the team of #{number}.").format(name=person.display_name, number=project.id)
    )
