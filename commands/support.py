"""Support requests to SGMAP (`appui`): technical, methodological or promotion; moved and listed by SGMAP."""

from __future__ import annotations

import re
from typing import Annotated

from labbot.arguments import Arguments, Choices, LongText, Name, Ref, Region, option, term_of
from labbot.clock import PARIS
from labbot.context import CommandContext
from labbot.errors import Conflict, InvalidInput, NotFound
from labbot.i18n import DEFAULT_LANGUAGE, N_, _, format_day, use_locale
from labbot.messages import Action, Address, Reply, Table
from labbot.naming import person_named
from labbot.outbox.notify import enqueue_channel_notice
from labbot.policy import (
    project_or_refuse,
    require_oversight,
    require_support_handling,
    require_team,
)
from labbot.registry import CommandFamily
from labbot.states import Role
from labbot.storage import projects, questions, support_requests
from labbot.storage.models import Person, Project, SupportRequest
from labbot.support import SUPPORT_MOVES, SUPPORT_STATUSES, SUPPORT_TYPES, SupportStatus
from labbot.text import shorten
from labbot.vocabulary import REGIONS

family = CommandFamily("support")
LIST_LIMIT = 25
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_USAGE_NEW = 'appui 1 type:methodologique "Animer un atelier de design de services"'
_USAGE_MOVE = 'appui 3 statut:en-cours note:"Atelier le 20/06" responsable:@sgmap'


class SupportArgs(Arguments):
    ref: Ref = option(..., help=N_("a project (to ask), or a request's number (to move it)"))
    besoin: LongText = option("", aliases=("need",), help=N_("what the team needs, in quotes"))
    type: Annotated[str, term_of(SUPPORT_TYPES, N_("support type")), Choices(SUPPORT_TYPES)] | None = option(
        None, aliases=("kind",), help=N_("{choices}")
    )
    statut: Annotated[str, term_of(SUPPORT_MOVES, N_("support status")), Choices(SUPPORT_MOVES)] | None = option(
        None, aliases=("status",), help=N_("{choices}")
    )
    note: LongText | None = option(None, help=N_("a note for the team"))
    responsable: Name | None = option(None, aliases=("handler",), help=N_("who at SGMAP handles it, @name"))


@family.command(
    "appui",
    "support",
    arguments=SupportArgs,
    positionals=("ref", "besoin"),
    greedy=True,
    summary=N_("Ask SGMAP for support for your project; SGMAP moves the request (statut:, note:, responsable:)"),
    example=_USAGE_NEW,
    example_en='support 1 type:methodological "Run a service-design workshop"',
)
def support(ctx: CommandContext, args: SupportArgs) -> Reply:
    """`appui <ref> type:… "<besoin>"` opens a request; `appui <n> statut:…|note:…|responsable:…` moves one."""
    moving = args.statut is not None or args.note is not None or args.responsable is not None
    if args.type is not None and moving:
        raise InvalidInput(
            _("type: opens a request; statut:, note: and responsable: move one. Not both at once."),
            hint=_("Open: {new} — move: {move}").format(new=_USAGE_NEW, move=_USAGE_MOVE),
        )
    if args.type is not None:
        return _open(ctx, args.ref, args.type, args.besoin)
    if moving:
        return _move(ctx, args)
    raise InvalidInput(
        _("type: is missing (technique, methodologique or valorisation)."),
        hint=_("Open: {new} — move: {move}").format(new=_USAGE_NEW, move=_USAGE_MOVE),
        field="type",
    )


def _open(ctx: CommandContext, ref: str, kind: str, need: str) -> Reply:
    project = project_or_refuse(ctx.session, ref)
    require_team(ctx.session, ctx.person, project)
    if len(need) < 3:
        raise InvalidInput(_("besoin: say in a few words what the team needs, in quotes."), field="besoin")
    request = SupportRequest(
        project_id=project.id,
        requested_by_id=ctx.person.id,
        kind=kind,
        need=need,
        status=SupportStatus.OPEN,
        note="",
        created_at=ctx.now(),
        moved_at=ctx.now(),
    )
    ctx.session.add(request)
    ctx.session.flush()
    ctx.audit("support", request.id, "create", None, _snapshot(request))
    for admin in questions.admins(ctx.session):
        ctx.notify(admin, lambda: _new_request_notice(request, project, ctx.person))
    addresses = [Address(platform, "", channel) for platform, channel in ctx.settings.support.channel.items()]
    with use_locale(DEFAULT_LANGUAGE):  # a shared channel reads the default language, whoever asked
        notice = _new_request_notice(request, project, ctx.person)
    enqueue_channel_notice(ctx.session, addresses, notice, ctx.now())
    return Reply(
        text=_(
            "Support request {number} ({kind}) for #{project} is sent to SGMAP; the team will be told of each "
            "step."
        ).format(number=request.id, kind=SUPPORT_TYPES.label(kind), project=project.id)
    )


def _snapshot(request: SupportRequest) -> dict[str, object]:
    return {
        "project_id": request.project_id,
        "kind": request.kind,
        "status": request.status,
        "handler_id": request.handler_id,
        "note": request.note,
    }


def _new_request_notice(request: SupportRequest, project: Project, asker: Person) -> Reply:
    return Reply(
        title=_("Support request {number}: {kind}, #{project} {title} ({region})").format(
            number=request.id,
            kind=SUPPORT_TYPES.label(request.kind),
            project=project.id,
            title=project.title,
            region=REGIONS.label(project.region),
        ),
        text=request.need,
        notes=[
            _("From {name}. Take it: support {number} statut:en-cours responsable:@name").format(
                name=asker.display_name, number=request.id
            )
        ],
        actions=[Action(label=_("Support requests"), command="appuis")],
    )


def _move(ctx: CommandContext, args: SupportArgs) -> Reply:
    found = _NUMBER.match(args.ref)
    if found is None:
        raise InvalidInput(
            _("“{ref}” is not a request number.").format(ref=shorten(args.ref, 40)),
            hint=_("The numbers are shown by: support-requests"),
            field="ref",
        )
    if args.besoin:
        raise InvalidInput(
            _('A request\'s need is not changed; add a note: note:"…".'),
            hint=_("Example: {move}").format(move=_USAGE_MOVE),
        )
    request = support_requests.lock(ctx.session, int(found.group(1)))
    project = ctx.session.get(Project, request.project_id) if request else None
    if request is None or project is None:
        raise NotFound(
            _("No support request number {number}.").format(number=found.group(1)), hint=_("See: support-requests")
        )
    require_support_handling(ctx.person, project)
    if request.status == SupportStatus.CLOSED:
        raise Conflict(
            _("Support request {number} is closed.").format(number=request.id),
            hint=_("The team can open a new one: {new}").format(new=_USAGE_NEW),
        )
    handler = (
        person_named(ctx.session, ctx.request.platform, args.responsable, ctx.now(), known_only=True)
        if args.responsable
        else None
    )
    before = _snapshot(request)
    if args.statut is not None:
        request.status = args.statut
    if args.note is not None:
        request.note = args.note
    if handler is not None:
        request.handler_id = handler.id
    request.moved_at = ctx.now()
    ctx.audit("support", request.id, "update", before, _snapshot(request))
    handler_name = _handler_name(ctx, request)
    for _membership, member in projects.team(ctx.session, project.id):
        ctx.notify(member, lambda: _move_notice(request, project, handler_name))
    if handler is not None:
        ctx.notify(handler, lambda: _move_notice(request, project, handler_name))
    return Reply(
        text=_("Support request {number} is now “{status}”; the team of #{project} is told.").format(
            number=request.id, status=SUPPORT_STATUSES.label(request.status), project=project.id
        )
    )


def _handler_name(ctx: CommandContext, request: SupportRequest) -> str | None:
    handler = ctx.session.get(Person, request.handler_id) if request.handler_id else None
    return handler.display_name if handler else None


def _move_notice(request: SupportRequest, project: Project, handler: str | None) -> Reply:
    reply = Reply(
        title=_("Support request {number} for #{project}: {status}").format(
            number=request.id, project=project.id, status=SUPPORT_STATUSES.label(request.status)
        ),
        text=request.note,
    )
    reply.add_field(_("Type"), SUPPORT_TYPES.label(request.kind))
    reply.add_field(_("Need"), shorten(request.need, 300))
    if handler:
        reply.add_field(_("Handled by"), handler)
    return reply


class SupportFilter(Arguments):
    statut: Annotated[str, term_of(SUPPORT_STATUSES, N_("support status")), Choices(SUPPORT_STATUSES)] | None = (
        option(None, aliases=("status",), help=N_("{choices}; {ouvert} and {en_cours} by default"))
    )
    region: Region | None = option(None, help=N_("only this region (coordinators: their own)"))


@family.command(
    "appuis",
    "support-requests",
    arguments=SupportFilter,
    role=Role.COORDINATOR,
    writes=False,
    summary=N_("Support requests, the longest without a move first"),
    example="appuis statut:ouvert region:bretagne",
    example_en="support-requests status:open region:bretagne",
)
def list_requests(ctx: CommandContext, args: SupportFilter) -> Reply:
    """Requests of every region (administrators) or of the coordinator's region."""
    region = args.region
    if ctx.person.role != Role.ADMIN:
        region = region or ctx.person.region
        require_oversight(ctx.person, region or "")
    statuses = (args.statut,) if args.statut else (SupportStatus.OPEN, SupportStatus.IN_PROGRESS)
    rows = support_requests.listing(ctx.session, statuses=statuses, region=region, limit=LIST_LIMIT)
    title = _("Support requests") + (f" — {REGIONS.label(region)}" if region else "")
    if not rows:
        return Reply(title=title, text=_("No support request."))
    table = Table(
        columns=[
            "N°",
            _("Project"),
            _("Region"),
            _("Type"),
            _("Status"),
            _("Last move"),
            _("Handled by"),
            _("Need"),
        ],
        rows=[
            [
                str(r.id),
                f"#{p.id} {shorten(p.title, 25)}",
                REGIONS.label(p.region),
                SUPPORT_TYPES.label(r.kind),
                SUPPORT_STATUSES.label(r.status),
                format_day(r.moved_at.astimezone(PARIS).date()),
                name or "—",
                shorten(r.need, 40),
            ]
            for r, p, name in rows
        ],
        numeric=[0],
    )
    reply = Reply(title=title, table=table)
    reply.notes.append(_("Move one: {move}").format(move=_USAGE_MOVE))
    return reply
