"""`export`: what one may read in the chat, as a file (xlsx, ods, csv, pdf), under the same permission rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

from commands.events import when
from labbot.arguments import Arguments, Choices, Day, Ref, Region, option, term_of
from labbot.budget import budget_report
from labbot.context import CommandContext
from labbot.errors import InvalidInput, NotFound
from labbot.exports import hours as hours_export
from labbot.exports import lists, statement
from labbot.exports.files import MEDIA_TYPES, FileFormat, export_metadata, file_name, spreadsheet
from labbot.exports.pdf_files import signin_pdf, statement_pdf
from labbot.exports.statement import period_label
from labbot.exports.tables import MAX_ODS_ROWS, TooManyRows, Workbook
from labbot.i18n import N_, _, format_day
from labbot.messages import Attachment, Reply
from labbot.policy import project_or_refuse, require_event_lists, require_oversight, require_team_or_oversight
from labbot.registry import CommandFamily
from labbot.storage import events, exports, hours
from labbot.storage.models import Event, Project
from labbot.text import shorten
from labbot.vocabulary import REGIONS, Term, Vocabulary

family = CommandFamily("exports")

# What may be exported, and the formats each offers (the first is the default).
EXPORTS = Vocabulary(
    Term("heures", N_("hours"), english="hours"),
    Term("budget", N_("statement of expenditure")),
    Term("inscrits", N_("attendees"), english="attendees"),
    Term("partenaires", N_("partners"), english="partners"),
    Term("projets", N_("projects"), english="projects"),
)
# The formats, written alike in both languages.
FILE_FORMATS = Vocabulary(*(Term(file_format.value, file_format.value) for file_format in FileFormat))
SPREADSHEETS = (FileFormat.XLSX, FileFormat.ODS, FileFormat.CSV)
FORMATS: dict[str, tuple[FileFormat, ...]] = {
    "heures": SPREADSHEETS,
    "budget": (FileFormat.PDF, FileFormat.XLSX, FileFormat.ODS),
    "inscrits": (*SPREADSHEETS, FileFormat.PDF),
    "partenaires": SPREADSHEETS,
    "projets": SPREADSHEETS,
}


def _format(value: Any) -> FileFormat:
    try:
        return FileFormat(str(value).strip().lower().lstrip("."))
    except ValueError:
        raise InvalidInput(
            _("“{value}” is not a file format labbot makes.").format(value=shorten(str(value), 20)),
            hint=_("Choose one of: {choices}.").format(choices=FILE_FORMATS.choices()),
        ) from None


class ExportArgs(Arguments):
    quoi: Annotated[str, term_of(EXPORTS, N_("kind of export")), Choices(EXPORTS)] = option(
        ..., aliases=("what",), help=N_("{choices}")
    )
    portee: Ref | None = option(None, aliases=("scope",), help=N_("a project, or an event's key for attendees"))
    region: Region | None = option(None, help=N_("for hours and projects: a region"))
    format: Annotated[FileFormat, BeforeValidator(_format), Choices(FILE_FORMATS)] | None = option(
        None, help=N_("{choices}; {pdf} for budget (its default) and attendees only; else {xlsx} by default")
    )
    du: Day | None = option(None, aliases=("from",), help=N_("first day included"))
    au: Day | None = option(None, aliases=("to",), help=N_("last day included"))


@family.command(
    "export",
    "export",
    arguments=ExportArgs,
    positionals=("quoi", "portee"),
    writes=False,
    summary=N_("Export hours, a budget statement, attendees, partners or projects as a file"),
    example="export heures region:bretagne du:01/01/2016 au:30/06/2016",
    example_en="export hours region:bretagne format:csv",
)
def export(ctx: CommandContext, args: ExportArgs) -> Reply:
    """Build the file; refuse what the person could not read in the chat."""
    if args.du and args.au and args.du > args.au:
        raise InvalidInput(
            _("au: {end} is before du: {start}.").format(end=format_day(args.au), start=format_day(args.du)),
            field="au",
        )
    offered = FORMATS[args.quoi]
    file_format = args.format or offered[0]
    if file_format not in offered:
        raise InvalidInput(
            _("export {what} is not offered as {format}.").format(what=args.quoi, format=file_format.value),
            hint=_("Choose one of: {choices}.").format(choices=", ".join(f.value for f in offered)),
            field="format",
        )
    if file_format is FileFormat.PDF:
        attachment = _PDF_BUILDERS[args.quoi](ctx, args)
    else:
        book, name = _BUILDERS[args.quoi](ctx, args)
        attachment = _spreadsheet(book, file_format, name)
    reply = Reply(text=_("Here is {what}: {file}.").format(what=attachment.description, file=attachment.filename))
    reply.files.append(attachment)
    return reply


def _spreadsheet(book: Workbook, file_format: FileFormat, name: str) -> Attachment:
    try:
        return spreadsheet(book, file_format, name)
    except TooManyRows:
        raise InvalidInput(
            _("More than {limit} rows: too many for an ods file.").format(limit=MAX_ODS_ROWS),
            hint=_("Ask for xlsx or csv, or narrow the period with du: and au:."),
            field="format",
        ) from None


def _filters(args: ExportArgs) -> list[tuple[str, str]]:
    filters = [(_("Period"), period_label(args.du, args.au))]
    if args.region:
        filters.append((_("Region"), REGIONS.label(args.region)))
    return filters


def _book(ctx: CommandContext, args: ExportArgs, title: str, sheets: list[Any], scope: str) -> Workbook:
    filters = [(_("Scope"), scope), *_filters(args)]
    return Workbook(title, sheets, export_metadata(title, ctx.person.display_name, ctx.now(), filters))


def _project(ctx: CommandContext, args: ExportArgs) -> Project:
    if not args.portee:
        raise InvalidInput(_("Say which project: export {what} <number>.").format(what=args.quoi), field="portee")
    return project_or_refuse(ctx.session, args.portee)


def _hours(ctx: CommandContext, args: ExportArgs) -> tuple[Workbook, str]:
    period = hours_export.period_conditions(args.du, args.au)
    if args.portee:
        project = project_or_refuse(ctx.session, args.portee)
        require_oversight(ctx.person, project.region)
        conditions = [*hours.for_project(project.id), *period]
        scope, name = f"#{project.id} {project.title}", f"heures-{project.id}-{project.slug}"
    else:
        region = args.region or ctx.person.region
        if region is None:
            raise InvalidInput(
                _("Say which project or region: export hours 1, or export hours region:bretagne."),
                field="region",
            )
        require_oversight(ctx.person, region)
        conditions = [hours.in_region(region), *period]
        scope, name = REGIONS.label(region), f"heures-{region}"
    title = _("Hours — {scope}").format(scope=scope)
    sheets = [
        hours_export.entries_sheet(ctx.session, conditions),
        *hours_export.summary_sheets(ctx.session, conditions),
    ]
    return _book(ctx, args, title, sheets, scope), f"{name}-{ctx.today().isoformat()}"


def budget_statement(
    ctx: CommandContext, project: Project, start: date | None, end: date | None
) -> statement.Statement:
    """The statement of `project`, after the same check as `budget <ref>`."""
    require_oversight(ctx.person, project.region)
    report = budget_report(ctx.session, project, ctx.settings.budget)
    return statement.statement(
        ctx.session, project, report, start=start, end=end, coordinator=ctx.person.display_name
    )


def _budget_pdf(ctx: CommandContext, args: ExportArgs) -> Attachment:
    project = _project(ctx, args)
    item = budget_statement(ctx, project, args.du, args.au)
    title = statement.heading(item)[0]
    content = statement_pdf(item, author=ctx.person.display_name, created=ctx.now())
    name = f"etat-depenses-{project.id}-{project.slug}-{ctx.today().isoformat()}"
    return Attachment(
        filename=file_name(name, extension="pdf"),
        content=content,
        media_type=MEDIA_TYPES[FileFormat.PDF],
        description=title,
    )


def _attendees_pdf(ctx: CommandContext, args: ExportArgs) -> Attachment:
    event = _event(ctx, args)
    content = signin_pdf(event, when(event), events.attendees(ctx.session, event.id), created=ctx.now())
    return Attachment(
        filename=file_name(f"emargement-{event.key}", extension="pdf"),
        content=content,
        media_type=MEDIA_TYPES[FileFormat.PDF],
        description=_("Sign-in sheet — {event}").format(event=event.title),
    )


def _budget(ctx: CommandContext, args: ExportArgs) -> tuple[Workbook, str]:
    project = _project(ctx, args)
    item = budget_statement(ctx, project, args.du, args.au)
    title = statement.heading(item)[0]
    book = _book(ctx, args, title, statement.statement_sheets(item), f"#{project.id} {project.title}")
    return book, f"etat-depenses-{project.id}-{project.slug}-{ctx.today().isoformat()}"


def _event(ctx: CommandContext, args: ExportArgs) -> Event:
    require_event_lists(ctx.person)
    event = events.find(ctx.session, args.portee or "")
    if event is None:
        keys = ", ".join(e.key for e in events.all_events(ctx.session))
        raise NotFound(
            _("No event “{key}”.").format(key=shorten(args.portee or "", 40)),
            hint=_("Events: {keys}.").format(keys=keys),
        )
    return event


def _attendees(ctx: CommandContext, args: ExportArgs) -> tuple[Workbook, str]:
    event = _event(ctx, args)
    title = _("Attendees — {event}").format(event=event.title)
    sheet = lists.attendees_sheet(events.attendees(ctx.session, event.id))
    return _book(ctx, args, title, [sheet], event.title), f"inscrits-{event.key}-{ctx.today().isoformat()}"


def _partners(ctx: CommandContext, args: ExportArgs) -> tuple[Workbook, str]:
    project = _project(ctx, args)
    require_team_or_oversight(ctx.session, ctx.person, project)
    title = _("Partner meetings — #{number} {title}").format(number=project.id, title=project.title)
    sheet = lists.meetings_sheet(exports.partner_meetings(ctx.session, project.id))
    book = _book(ctx, args, title, [sheet], f"#{project.id} {project.title}")
    return book, f"partenaires-{project.id}-{project.slug}-{ctx.today().isoformat()}"


def _projects(ctx: CommandContext, args: ExportArgs) -> tuple[Workbook, str]:
    if args.portee:
        raise InvalidInput(_("export projects takes no project; filter with region:."), field="portee")
    scope = REGIONS.label(args.region) if args.region else _("all regions")
    title = _("Projects — {scope}").format(scope=scope)
    sheet = lists.projects_sheet(exports.project_rows(ctx.session, args.region))
    return _book(ctx, args, title, [sheet], scope), f"projets-{args.region or 'france'}-{ctx.today().isoformat()}"


_BUILDERS: dict[str, Callable[[CommandContext, ExportArgs], tuple[Workbook, str]]] = {
    "heures": _hours,
    "budget": _budget,
    "inscrits": _attendees,
    "partenaires": _partners,
    "projets": _projects,
}
_PDF_BUILDERS: dict[str, Callable[[CommandContext, ExportArgs], Attachment]] = {
    "budget": _budget_pdf,
    "inscrits": _attendees_pdf,
}
