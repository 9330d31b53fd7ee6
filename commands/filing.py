"""From a prepared project to a filed dossier and a decision: `verifier`, `dossier`, `deposer`, `decision`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from labbot.arguments import Amount, Choices, Day, EntryNumber, LongText, OneProject, ShortText, option, term_of
from labbot.context import CommandContext
from labbot.dossier import Edition, content_digest, dossier_files, gather
from labbot.errors import Conflict, InvalidInput, NotFound
from labbot.funding import funding_plan
from labbot.hallmarks import hallmarks_of
from labbot.i18n import N_, Language, _, format_cents, format_day, use_locale
from labbot.lifecycle import DECISIONS, STATUSES
from labbot.messages import Attachment, Reply
from labbot.policy import (
    project_or_refuse,
    require_filing,
    require_team_or_oversight,
)
from labbot.readiness import Readiness, readiness_of
from labbot.registry import CommandFamily
from labbot.states import ProjectStatus, Role
from labbot.storage import filings, indicators, people, projects
from labbot.storage.models import DossierVersion, Project
from labbot.text import shorten

family = CommandFamily("filing")

ODT = "application/vnd.oasis.opendocument.text"
PDF = "application/pdf"
# The card shows this much of each hallmark's text; the dossier shows all of it.
CARD_EXCERPT = 70
# A dossier is filed with the prefect in French, whoever records it.
FILING_LANGUAGE: Language = "fr"


def hallmarks_text(ctx: CommandContext, project: Project, team: Sequence[projects.TeamMember]) -> str:
    """The card's hallmark lines: what each says, shortened, or what is missing and how to write it."""
    marks = hallmarks_of(project, [m.competence for m in team], indicators.names(ctx.session, project.id))
    lines = []
    for mark in marks:
        if mark.met:
            excerpt = shorten(" ".join(mark.content.split()), CARD_EXCERPT)
            lines.append("✅ " + _("{hallmark}: {content}").format(hallmark=mark.label, content=excerpt))
        else:
            lines.append("⬜ " + _("{hallmark}: missing — {todo}").format(hallmark=mark.label, todo=mark.todo))
    return "\n".join(lines)


def filing_change_note(ctx: CommandContext, project: Project) -> str | None:
    """ "Changed since filing (version n)" when the records no longer say what the filed dossier says."""
    latest = filings.latest_digest(ctx.session, project.id)
    if latest is None:
        return None
    number, digest = latest
    if content_digest(gather(ctx.session, project, ctx.settings.budget)) == digest:
        return _("Filed dossier: version {n} (application {number} version:{n}).").format(
            n=number, number=project.id
        )
    return _("Changed since filing (version {n}).").format(n=number)


def redirect_filing_steps(project: Project, status: str) -> None:
    """Filing and the decision have commands of their own (`deposer` checks and freezes the dossier,
    `decision` records the award): `statut` does not take those steps."""
    if status == ProjectStatus.FILED:
        raise Conflict(
            _("Filing goes through file: it checks the dossier and freezes the version filed."),
            hint=f"deposer {project.id} date:…",
        )
    if status in (ProjectStatus.SELECTED, ProjectStatus.NOT_SELECTED):
        raise Conflict(
            _("The PIA decision goes through decision, with the award or the reason."),
            hint=f'decision {project.id} retenu montant:… debut:… — decision {project.id} non-retenu motif:"…"',
        )


def readiness_lines(readiness: Readiness) -> list[str]:
    """✅/❌ per criterion, with what to do under each ❌."""
    lines = []
    for criterion in readiness.criteria:
        detail = f" — {criterion.detail}" if criterion.detail else ""
        lines.append(("✅ " if criterion.met else "❌ ") + criterion.label + detail)
        if not criterion.met:
            lines.append("    → " + criterion.todo)
    return lines


@family.command(
    "verifier",
    "check",
    arguments=OneProject,
    positionals=("projet",),
    writes=False,
    summary=N_("Check whether a project can be filed: each criterion, and what to do"),
    example="verifier 1",
    example_en="check 1",
)
def check(ctx: CommandContext, args: OneProject) -> Reply:
    """Every filing criterion with ✅/❌, what to do for each ❌, and the warnings."""
    project = project_or_refuse(ctx.session, args.projet)
    readiness = readiness_of(ctx.session, project, ctx.settings.budget)
    reply = Reply(title=_("Readiness of #{number} {title}").format(number=project.id, title=project.title))
    reply.text = "\n".join(readiness_lines(readiness))
    reply.notes.extend("⚠ " + warning for warning in readiness.warnings)
    if readiness.passed:
        reply.notes.append(
            _("Ready to be filed: a coordinator of the region records it with: file {number}").format(
                number=project.id
            )
        )
    else:
        reply.notes.append(
            _("The dossier can be printed at any time, marked as a draft: application {number}").format(
                number=project.id
            )
        )
    return reply


class DossierRequest(OneProject):
    version: EntryNumber | None = option(None, help=N_("a filed version's number; the working dossier by default"))


@family.command(
    "dossier",
    "application",
    arguments=DossierRequest,
    positionals=("projet",),
    writes=False,
    summary=N_("The application dossier as OpenDocument text (.odt) and PDF"),
    example="dossier 1 — dossier 1 version:1",
    example_en="application 1 — application 1 version:1",
)
def dossier(ctx: CommandContext, args: DossierRequest) -> Reply:
    """The working dossier (a draft until the check passes), or a filed version exactly as filed."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    if args.version is not None:
        return _filed_version(ctx, project, args.version)
    record = gather(ctx.session, project, ctx.settings.budget)
    edition = Edition(printed_on=ctx.today())
    odt, pdf = dossier_files(record, edition, ctx.now())
    reply = Reply(
        title=_("Dossier of #{number} {title}").format(number=project.id, title=project.title),
        files=_attachments(project, odt, pdf, None),
    )
    if edition.draft(record):
        failing = ", ".join(c.label for c in record.readiness.failing)
        reply.text = _("Marked as a draft: not met yet: {criteria}.").format(criteria=failing)
        reply.notes.append(_("What to do: check {number}").format(number=project.id))
    else:
        reply.text = _("The check passes: the dossier can be filed (file {number}).").format(number=project.id)
    return reply


def _filed_version(ctx: CommandContext, project: Project, number: int) -> Reply:
    version = filings.get(ctx.session, project.id, number)
    if version is None:
        count = filings.count(ctx.session, project.id)
        raise NotFound(
            _("version: #{number} has no filed version {n}.").format(number=project.id, n=number),
            hint=_("Filed versions: 1 to {count}.").format(count=count)
            if count
            else _("Nothing filed yet; the working dossier: application {number}").format(number=project.id),
        )
    return Reply(
        title=_("Dossier of #{number} {title}, version {n}").format(
            number=project.id, title=project.title, n=version.number
        ),
        text=_("As filed on {day}, identical to the files filed.").format(day=format_day(version.filed_on)),
        files=_attachments(project, version.odt, version.pdf, version.number),
    )


def _attachments(project: Project, odt: bytes, pdf: bytes, version: int | None) -> list[Attachment]:
    stem = f"dossier-{project.slug}" + (f"-v{version}" if version is not None else "")
    description = _("Application dossier of #{number} {title}").format(number=project.id, title=project.title)
    return [
        Attachment(filename=f"{stem}.odt", content=odt, media_type=ODT, description=description),
        Attachment(filename=f"{stem}.pdf", content=pdf, media_type=PDF, description=description),
    ]


class Filing(OneProject):
    date: Day | None = option(None, help=N_("the day the prefect filed it; today by default"))
    reference: ShortText = option("", help=N_("the filing's reference, if any"))


@family.command(
    "deposer",
    "file",
    arguments=Filing,
    positionals=("projet",),
    role=Role.COORDINATOR,
    summary=N_("Record the prefect's filing of a dossier that passes the check; freezes a numbered version"),
    example='deposer 1 date:15/09/2016 reference:"PREF-BZH-2016-12"',
    example_en='file 1 date:15/09/2016 reference:"PREF-BZH-2016-12"',
)
def file_dossier(ctx: CommandContext, args: Filing) -> Reply:
    """Refuse while the check fails; else freeze the dossier as version n, mark it filed, tell the team."""
    project = project_or_refuse(ctx.session, args.projet)
    require_filing(ctx.person, project)
    if len(args.reference) > 120:
        raise InvalidInput(_("reference is too long (at most {limit} characters).").format(limit=120))
    if project.status not in (ProjectStatus.PREPARING, ProjectStatus.FILED):
        raise Conflict(
            _(
                "#{number} is “{status}”: only a project in preparation (or filed, for a new version) is filed."
            ).format(number=project.id, status=STATUSES.label(project.status)),
            hint=_("statut {number} en-preparation").format(number=project.id)
            if project.status == ProjectStatus.IDEA
            else None,
        )
    when = args.date or ctx.today()
    _check_filing_day(ctx, project, when)
    record = gather(ctx.session, project, ctx.settings.budget)
    if not record.readiness.passed:
        raise Conflict(
            _("#{number} cannot be filed yet: {criteria}.").format(
                number=project.id, criteria="; ".join(c.label for c in record.readiness.failing)
            ),
            hint=_("Each criterion and what to do: check {number}").format(number=project.id),
        )
    number = filings.new_number(ctx.session, project.id)
    before = {"status": project.status, "filed_on": project.filed_on.isoformat() if project.filed_on else None}
    project.status, project.filed_on = ProjectStatus.FILED, when
    edition = Edition(printed_on=when, version=number, reference=args.reference)
    with use_locale(FILING_LANGUAGE):
        odt, pdf = dossier_files(record, edition, ctx.now())
    version = DossierVersion(
        project_id=project.id,
        number=number,
        filed_on=when,
        reference=args.reference,
        content_digest=content_digest(record),
        odt=odt,
        pdf=pdf,
        filed_by_id=ctx.person.id,
        created_at=ctx.now(),
    )
    ctx.session.add(version)
    ctx.session.flush()
    ctx.audit("project", project.id, "status", before, {"status": project.status, "filed_on": when.isoformat()})
    ctx.audit("dossier", version.id, "file", None, {"project_id": project.id, "version": number})
    for _membership, member in projects.team(ctx.session, project.id):
        ctx.notify(
            member,
            lambda: Reply(
                text=_("#{number} {title} was filed by the prefect on {day} (version {n}).").format(
                    number=project.id, title=project.title, day=format_day(when), n=number
                ),
                notes=[
                    _("The dossier as filed: application {number} version:{n}").format(number=project.id, n=number)
                ],
            ),
        )
    return Reply(
        text=_("#{number} filed on {day}: version {n} of the dossier is frozen.").format(
            number=project.id, day=format_day(when), n=number
        ),
        notes=[_("The same files again: application {number} version:{n}").format(number=project.id, n=number)],
        files=_attachments(project, odt, pdf, number),
    )


def _check_filing_day(ctx: CommandContext, project: Project, when: date) -> None:
    _check_recorded_day(ctx, when)
    if project.filed_on and when < project.filed_on:
        raise InvalidInput(
            _("date: {when} is before the previous filing ({previous}).").format(
                when=format_day(when), previous=format_day(project.filed_on)
            ),
            field="date",
        )


def _check_recorded_day(ctx: CommandContext, when: date) -> None:
    """Filings and decisions are recorded once made: never on a day still ahead."""
    if when > ctx.today():
        raise InvalidInput(
            _("date: {when} is in the future; a filing or a decision is recorded once made.").format(
                when=format_day(when)
            ),
            field="date",
        )


class Decision(OneProject):
    resultat: Annotated[str, term_of(DECISIONS, N_("decision")), Choices(DECISIONS)] = option(
        ..., aliases=("outcome",), help=N_("{choices}")
    )
    montant: Amount | None = option(None, aliases=("amount",), help=N_("the PIA amount awarded, in euros"))
    debut: Day | None = option(None, aliases=("start",), help=N_("the start of the PIA window"))
    motif: LongText = option("", aliases=("reason",), help=N_("why it was not selected"))
    date: Day | None = option(None, help=N_("the day of the decision; today by default"))


@family.command(
    "decision",
    "decision",
    arguments=Decision,
    positionals=("projet", "resultat"),
    role=Role.ADMIN,
    summary=N_("Record the PIA decision on a filed project: the award and its start, or why not"),
    example='decision 1 retenu montant:150000 debut:01/01/2017 — decision 1 non-retenu motif:"Hors critères"',
    example_en=(
        'decision 1 selected montant:150000 debut:01/01/2017 — decision 1 not-selected motif:"Out of scope"'
    ),
)
def decide(ctx: CommandContext, args: Decision) -> Reply:
    """Selected with an award (at most the PIA requested and the PIA's share of the cap), or not, with why."""
    project = project_or_refuse(ctx.session, args.projet)
    if project.status != ProjectStatus.FILED:
        raise Conflict(
            _("#{number} is “{status}”: a decision is recorded on a filed project only.").format(
                number=project.id, status=STATUSES.label(project.status)
            ),
            hint=_("It is filed first: file {number}").format(number=project.id),
        )
    decided = args.date or ctx.today()
    _check_decision_day(ctx, project, decided)
    selected = args.resultat == ProjectStatus.SELECTED
    before = {"status": project.status, "award_cents": project.award_cents}
    if selected:
        _award(ctx, project, args)
    else:
        if not args.motif.strip():
            raise InvalidInput(
                _("motif is missing."),
                field="motif",
            )
        project.status, project.decision_reason = ProjectStatus.NOT_SELECTED, args.motif
    project.decided_on = decided
    after = {"status": project.status, "award_cents": project.award_cents}
    if project.award_starts_on:
        after["award_starts_on"] = project.award_starts_on.isoformat()
    ctx.audit("project", project.id, "decision", before, after)
    _tell_decision(ctx, project)
    return Reply(text=_decision_text(project))


def _check_decision_day(ctx: CommandContext, project: Project, when: date) -> None:
    _check_recorded_day(ctx, when)
    if project.filed_on and when < project.filed_on:
        raise InvalidInput(
            _("date: {when} is before the filing ({filed}).").format(
                when=format_day(when), filed=format_day(project.filed_on)
            ),
            field="date",
        )


def _award(ctx: CommandContext, project: Project, args: Decision) -> None:
    if args.montant is None or args.debut is None:
        missing = "montant" if args.montant is None else "debut"
        raise InvalidInput(_("{field} is missing.").format(field=missing), field=missing)
    plan = funding_plan(ctx.session, project, ctx.settings.budget)
    ceiling = min(plan.pia_requested_cents, plan.pia_ceiling_cents)
    if args.montant > ceiling:
        raise InvalidInput(
            _(
                "montant: {amount} is more than the PIA requested ({requested}; at most {ceiling} a project)."
            ).format(
                amount=format_cents(args.montant),
                requested=format_cents(plan.pia_requested_cents),
                ceiling=format_cents(plan.pia_ceiling_cents),
            ),
            hint=_("The plan: funding-plan {number}").format(number=project.id),
            field="montant",
        )
    if project.filed_on and args.debut < project.filed_on:
        raise InvalidInput(
            _("debut: {when} is before the filing ({filed}).").format(
                when=format_day(args.debut), filed=format_day(project.filed_on)
            ),
            field="debut",
        )
    project.status = ProjectStatus.SELECTED
    project.award_cents, project.award_starts_on = args.montant, args.debut


def _decision_text(project: Project) -> str:
    if project.status == ProjectStatus.SELECTED and project.award_cents is not None and project.award_starts_on:
        return _("#{number} {title} is selected: {amount} from the PIA, window from {start}.").format(
            number=project.id,
            title=project.title,
            amount=format_cents(project.award_cents),
            start=format_day(project.award_starts_on),
        )
    return _("#{number} {title} is not selected: {reason}").format(
        number=project.id, title=project.title, reason=project.decision_reason
    )


def _tell_decision(ctx: CommandContext, project: Project) -> None:
    told: set[int] = set()
    audience = [person for _m, person in projects.team(ctx.session, project.id)]
    audience += people.coordinators(ctx.session, project.region)
    for person in audience:
        if person.id in told:
            continue
        told.add(person.id)
        ctx.notify(person, lambda: Reply(text=_decision_text(project)))
