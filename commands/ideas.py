"""Project ideas: register, list, show, join, edit, and move through the call's lifecycle."""

from __future__ import annotations

from datetime import date

from commands.filing import filing_change_note, hallmarks_text, redirect_filing_steps
from commands.teams import new_lead, tell_about_edit
from labbot.arguments import (
    Arguments,
    Competence,
    Day,
    LongText,
    Methods,
    Name,
    OneProject,
    Region,
    Status,
    TextList,
    Title,
    option,
)
from labbot.context import CommandContext
from labbot.errors import Conflict, Forbidden, InvalidInput
from labbot.i18n import N_, _, format_day
from labbot.lifecycle import DATED_STATUSES, STATUSES, TEAM_TRANSITIONS, allowed_next
from labbot.messages import Action, Reply, Table
from labbot.policy import (
    oversees,
    project_or_refuse,
    require_region_move,
    require_steering,
    require_team_or_oversight,
)
from labbot.registry import CommandFamily
from labbot.states import CLOSED_STATUSES, ProjectStatus
from labbot.storage import people, projects
from labbot.storage.models import Project
from labbot.text import shorten
from labbot.vocabulary import COMPETENCES, METHODS, PARTNER_CATEGORIES, REGIONS, method_notes

family = CommandFamily("ideas")

LIST_LIMIT = 25


class NewIdea(Arguments):
    titre: Title = option(
        ..., aliases=("title",), help=N_("the project's title"), label=N_("Title"), example="Lab Bretagne"
    )
    region: Region = option(..., help=N_("one of the 18 regions"), label=N_("Region"))
    services: TextList = option(
        ...,
        help=N_("the State services or directions carrying it, comma-separated"),
        label=N_("State services"),
        example="DREAL, DDTM",
    )
    resume: LongText = option("", aliases=("summary",), help=N_("a short summary"), label=N_("Summary"))
    methodes: Methods = option(
        [], aliases=("methods",), help=N_("intended methods, comma-separated"), label=N_("Methods")
    )
    partenaires: LongText = option(
        "", aliases=("partners",), help=N_("planned partners"), label=N_("Planned partners")
    )
    competence: Competence = option(
        "chef-de-projet", help=N_("what you bring to the team"), label=N_("What you bring")
    )


@family.command(
    "idee",
    "idea",
    arguments=NewIdea,
    positionals=("titre",),
    greedy=True,
    form=N_("New idea"),
    summary=N_("Register a project idea"),
    example='idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM" methodes:"design, open data"',
    example_en='idea "Lab Bretagne" region:bretagne services:"DREAL, DDTM" methods:"design, open data"',
)
def new_idea(ctx: CommandContext, args: NewIdea) -> Reply:
    """Create the project at the idea stage, with its author on the team."""
    if not args.services:
        raise InvalidInput(_("services is missing."))
    project = Project(
        slug=projects.unique_slug(ctx.session, args.titre),
        title=args.titre,
        region=args.region,
        services=args.services,
        summary=args.resume,
        methods=args.methodes,
        planned_partners=args.partenaires,
        status=ProjectStatus.IDEA,
        created_by_id=ctx.person.id,
        created_at=ctx.now(),
        lead_id=ctx.person.id,
    )
    ctx.session.add(project)
    ctx.session.flush()
    projects.add_member(
        ctx.session,
        project,
        ctx.person,
        competence=args.competence,
        service=ctx.person.service or args.services[0],
        now=ctx.now(),
    )
    ctx.audit("project", project.id, "create", None, {"title": project.title, "region": project.region})
    reply = project_card(ctx, project)
    reply.text = _("Idea #{number} registered. Colleagues join it with: join {number}").format(number=project.id)
    reply.notes.extend(method_notes(args.methodes))
    return reply


class ProjectFilter(Arguments):
    region: Region | None = option(None, help=N_("only this region"))
    statut: Status | None = option(
        None,
        aliases=("status",),
        help=N_("only this status: {choices}"),
    )


@family.command(
    "projets",
    "projects",
    arguments=ProjectFilter,
    writes=False,
    summary=N_("List projects, by region or status"),
    example="projets region:bretagne statut:idee",
    example_en="projects region:bretagne status:idea",
)
def list_projects(ctx: CommandContext, args: ProjectFilter) -> Reply:
    """A table of the newest matching projects."""
    rows = projects.listing(ctx.session, region=args.region, status=args.statut, limit=LIST_LIMIT)
    if not rows:
        return Reply(text=_("No project matches. Register one with: idea"))
    total = projects.count(ctx.session, region=args.region, status=args.statut)
    table = Table(
        columns=["#", _("Title"), _("Region"), _("Status"), _("Team")],
        rows=[
            [str(p.id), shorten(p.title, 50), REGIONS.label(p.region), STATUSES.label(p.status), str(size)]
            for p, size in rows
        ],
        numeric=[0, 4],
    )
    reply = Reply(title=_("Projects"), table=table)
    if total > len(rows):
        reply.notes.append(
            _("{shown} newest of {total}; narrow with region: or statut:.").format(shown=len(rows), total=total)
        )
    return reply


@family.command(
    "projet",
    "project",
    arguments=OneProject,
    positionals=("projet",),
    writes=False,
    summary=N_("Show a project's card"),
    example="projet 1",
    example_en="project 1",
)
def show_project(ctx: CommandContext, args: OneProject) -> Reply:
    """The public card of one project."""
    return project_card(ctx, project_or_refuse(ctx.session, args.projet))


class Join(OneProject):
    competence: Competence = option("autre", help=N_("what you bring"))
    service: Name | None = option(None, help=N_("your State service, if not the one in your profile"))


@family.command(
    "rejoindre",
    "join",
    arguments=Join,
    positionals=("projet",),
    summary=N_("Join a project's team"),
    example="rejoindre 1 competence:designer service:DDTM",
    example_en="join 1 competence:designer service:DDTM",
)
def join(ctx: CommandContext, args: Join) -> Reply:
    """Add the requester to the team; tell the team's first member."""
    project = project_or_refuse(ctx.session, args.projet)
    if projects.is_member(ctx.session, project.id, ctx.person.id):
        raise Conflict(_("You are already on the team of #{number}.").format(number=project.id))
    if project.status in CLOSED_STATUSES:
        raise Conflict(
            _("#{number} is closed ({status}).").format(number=project.id, status=STATUSES.label(project.status))
        )
    service = args.service or ctx.person.service
    projects.add_member(
        ctx.session, project, ctx.person, competence=args.competence, service=service, now=ctx.now()
    )
    team = projects.team(ctx.session, project.id)
    for _membership, member in team[:1]:
        ctx.notify(
            member,
            lambda: Reply(
                text=_("{name} joined #{number} {title} as {competence}.").format(
                    name=ctx.person.display_name,
                    number=project.id,
                    title=project.title,
                    competence=COMPETENCES.label(args.competence),
                )
            ),
        )
    reply = project_card(ctx, project)
    reply.text = _("Welcome to the team of #{number}.").format(number=project.id)
    if not service:
        reply.notes.append(_('Tell us your State service so the team\'s diversity shows: profile service:"DREAL"'))
    return reply


class EditProject(OneProject):
    titre: Title | None = option(None, aliases=("title",))
    region: Region | None = option(None)
    services: TextList | None = option(None)
    resume: LongText | None = option(None, aliases=("summary",))
    methodes: Methods | None = option(None, aliases=("methods",))
    partenaires: LongText | None = option(None, aliases=("partners",))
    objectif: LongText | None = option(None, aliases=("objective",), help=N_("hallmark: the objective"))
    indicateurs: LongText | None = option(
        None, aliases=("indicators",), help=N_("hallmark: evaluation indicators")
    )
    lieu: LongText | None = option(None, aliases=("place",), help=N_("hallmark: the open place"))
    gouvernance: LongText | None = option(None, aliases=("governance",), help=N_("hallmark: the governance"))
    projets: LongText | None = option(None, aliases=("portfolio",), help=N_("hallmark: the projects it will run"))
    porteur: Name | None = option(None, aliases=("lead",), help=N_("hand the lead over to a team member: @name"))


_EDITABLE = {
    "titre": "title",
    "region": "region",
    "services": "services",
    "resume": "summary",
    "methodes": "methods",
    "partenaires": "planned_partners",
    "objectif": "objective",
    "indicateurs": "indicators",
    "lieu": "place",
    "gouvernance": "governance",
    "projets": "portfolio",
}


@family.command(
    "modifier",
    "edit",
    arguments=EditProject,
    positionals=("projet",),
    summary=N_("Edit a project, including the lab's seven hallmarks"),
    example='modifier 1 objectif:"Simplifier les démarches" indicateurs:"délais de traitement"',
    example_en='edit 1 objectif:"Simplify procedures" indicateurs:"processing times"',
)
def edit(ctx: CommandContext, args: EditProject) -> Reply:
    """Change the given fields: the team writes the description and hallmarks (the lead is told), the region
    belongs to the coordinators, the lead to the lead and the coordinators."""
    project = project_or_refuse(ctx.session, args.projet)
    changes = {column: getattr(args, key) for key, column in _EDITABLE.items() if getattr(args, key) is not None}
    if not changes and args.porteur is None:
        raise InvalidInput(_('Nothing to change: give at least one key, such as objectif:"…".'))
    if "region" in changes:
        require_region_move(ctx.person, project)
    if args.porteur is not None:
        require_steering(ctx.person, project)
        changes["lead_id"] = new_lead(ctx, project, args.porteur).id
    require_team_or_oversight(ctx.session, ctx.person, project)
    before = {column: getattr(project, column) for column in changes}
    old_region = project.region
    for column, value in changes.items():
        setattr(project, column, value)
    ctx.audit("project", project.id, "update", before, changes)
    fields = ", ".join(key for key, column in _EDITABLE.items() if column in before)
    tell_about_edit(ctx, project, fields, old_region)
    reply = project_card(ctx, project)
    reply.text = _("#{number} updated.").format(number=project.id)
    reply.notes.extend(method_notes(args.methodes or []))
    return reply


class StatusChange(OneProject):
    statut: Status = option(
        ...,
        aliases=("status",),
        help=N_(
            "the next stage: {idee} → {en_preparation} → {depose} → {retenu} or {non_retenu}; "
            "{retenu} → {en_cours} → {termine}"
        ),
    )
    date: Day | None = option(None, help=N_("the date of the step (filing, start…); today by default"))


@family.command(
    "statut",
    "status",
    arguments=StatusChange,
    positionals=("projet", "statut"),
    summary=N_("Move a project to its next stage"),
    example="statut 1 en-preparation — statut 1 en-cours date:02/01/2017",
    example_en="status 1 in-preparation — status 1 in-progress date:02/01/2017",
)
def change_status(ctx: CommandContext, args: StatusChange) -> Reply:
    """Apply one lifecycle transition, with its date."""
    project = project_or_refuse(ctx.session, args.projet)
    before = project.status
    if args.statut not in allowed_next(before):
        choices = ", ".join(STATUSES.typed(s) for s in allowed_next(before)) or _("none, this is a final stage")
        raise Conflict(
            _("#{number} is “{current}”; it cannot become “{wanted}”.").format(
                number=project.id, current=STATUSES.label(before), wanted=STATUSES.label(args.statut)
            ),
            hint=_("Possible next statuses: {choices}.").format(choices=choices),
        )
    redirect_filing_steps(project, args.statut)
    if (before, args.statut) in TEAM_TRANSITIONS:
        require_steering(ctx.person, project)
    elif not oversees(ctx.person, project.region):
        raise Forbidden(
            _("Filing, selection, start and completion are recorded by the coordinators of {region}.").format(
                region=REGIONS.label(project.region)
            )
        )
    when = args.date or ctx.today()
    if column := DATED_STATUSES.get(args.statut):
        if column in ("filed_on", "decided_on") and when > ctx.today():
            raise InvalidInput(
                _("date: {when} is in the future; a filing or a decision is recorded once made.").format(
                    when=format_day(when)
                ),
                field="date",
            )
        _check_order(project, column, when)
        setattr(project, column, when)
    project.status = args.statut
    ctx.audit(
        "project", project.id, "status", {"status": before}, {"status": args.statut, "date": when.isoformat()}
    )
    reply = project_card(ctx, project)
    reply.text = _("#{number} is now “{status}”.").format(number=project.id, status=STATUSES.label(args.statut))
    return reply


def _check_order(project: Project, column: str, when: date) -> None:
    earlier = [d for d in (project.filed_on, project.decided_on, project.started_on) if d]
    if column != "filed_on" and earlier and when < max(earlier):
        raise InvalidInput(
            _("date: {when} is before the project's previous step ({previous}).").format(
                when=format_day(when), previous=format_day(max(earlier))
            )
        )


def project_card(ctx: CommandContext, project: Project) -> Reply:
    """The public card: who, what, how far, and what the call still expects."""
    team = projects.team_names(ctx.session, project.id)
    reply = Reply(title=f"#{project.id} {project.title}", text=project.summary)
    reply.add_field(_("Region"), REGIONS.label(project.region))
    reply.add_field(_("Lead"), _lead_name(ctx, project, team))
    reply.add_field(_("Status"), _status_line(project))
    reply.add_field(_("State services"), ", ".join(project.services))
    if project.methods:
        reply.add_field(_("Methods"), ", ".join(METHODS.label(m) for m in project.methods))
    if project.planned_partners:
        reply.add_field(_("Planned partners"), project.planned_partners)
    reply.add_field(
        _("Team"),
        "\n".join(
            f"{m.display_name} — {COMPETENCES.label(m.competence)}" + (f" ({m.service})" if m.service else "")
            for m in team
        )
        or "—",
    )
    covered = projects.covered_categories(ctx.session, project.id)
    reply.add_field(_("Partner categories met"), f"{len(covered)}/{len(PARTNER_CATEGORIES.terms)}")
    reply.add_field(_("Lab hallmarks"), hallmarks_text(ctx, project, team))
    services = {m.service.strip().lower() for m in team if m.service}
    if len(services) < 2:
        reply.notes.append(_("⚠ The team comes from fewer than two State services; the call wants several."))
    if not projects.is_member(ctx.session, project.id, ctx.person.id) and project.status not in CLOSED_STATUSES:
        reply.actions.append(Action(label=_("Join"), command=f"rejoindre {project.id}", style="primary"))
    if changed := filing_change_note(ctx, project):
        reply.notes.append(changed)
    reply.notes.append(_("Slug: {slug}").format(slug=project.slug))
    return reply


def _lead_name(ctx: CommandContext, project: Project, team: list[projects.TeamMember]) -> str:
    if not project.lead_id:
        return "—"
    # The lead is most often on the team, whose names are already read.
    if named := next((m.display_name for m in team if m.person_id == project.lead_id), None):
        return named
    lead = people.get(ctx.session, project.lead_id)
    return lead.display_name if lead else "—"


def _status_line(project: Project) -> str:
    line = STATUSES.label(project.status)
    dates = [
        (_("filed"), project.filed_on),
        (_("decided"), project.decided_on),
        (_("started"), project.started_on),
        (_("ended"), project.ended_on),
    ]
    shown = [f"{label} {format_day(day)}" for label, day in dates if day]
    return line + (f" ({', '.join(shown)})" if shown else "")
