"""The funding plan (forecast): lines of valued time and costs, partners' co-funding, and the plan itself."""

from __future__ import annotations

from typing import Annotated

from labbot.arguments import (
    Amount,
    Choices,
    CivilCategory,
    CofundingStatus,
    Name,
    OneProject,
    PartnerCategory,
    PlanHours,
    ShortText,
    option,
)
from labbot.context import CommandContext
from labbot.errors import InvalidInput, NotFound
from labbot.funding import TIME, funding_plan, line_columns, line_rows, plan_summary, plan_warnings
from labbot.i18n import N_, _, format_cents, format_percent
from labbot.messages import Reply, Table
from labbot.parsing import parse_amount
from labbot.policy import project_or_refuse, require_team_or_oversight
from labbot.registry import CommandFamily
from labbot.storage import funding, hours
from labbot.storage.models import Cofunding, PlanLine, Project
from labbot.text import shorten
from labbot.vocabulary import COFUNDING_STATUSES, PARTNER_CATEGORIES, PLAN_NATURES, Term, Vocabulary

family = CommandFamily("funding")

_DELETE = "supprimer"
# What `prevision` takes after the project: a nature to forecast, or the word that removes a line.
FORECAST_NATURES = Vocabulary(*PLAN_NATURES.terms, Term(_DELETE, N_("delete a line"), english="delete"))


class Forecast(OneProject):
    # Checked by the command, once it knows the person may change the plan.
    nature: Annotated[ShortText, Choices(FORECAST_NATURES)] = option(
        ..., help=N_("{choices}; {supprimer} to remove a line")
    )
    montant: ShortText | None = option(
        None, aliases=("amount",), help=N_("euros for a cost; the line's number after delete")
    )
    categorie: CivilCategory | None = option(None, aliases=("category",), help=N_("for time: {choices}"))
    heures: PlanHours | None = option(None, aliases=("hours",), help=N_("for time: hours forecast, e.g. 300"))
    libelle: ShortText = option("", aliases=("label",), help=N_("what it is for"))


@family.command(
    "prevision",
    "forecast",
    arguments=Forecast,
    positionals=("projet", "nature", "montant"),
    summary=N_("Add or remove a line of a project's funding plan"),
    example='prevision 1 temps categorie:A heures:300 libelle:"Chef de projet" — '
    'prevision 1 prestataire 20000 libelle:"Agence de design" — prevision 1 supprimer 2',
    example_en='forecast 1 time categorie:A heures:300 libelle:"Project lead" — '
    'forecast 1 contractor 20000 libelle:"Design agency" — forecast 1 delete 2',
)
def forecast(ctx: CommandContext, args: Forecast) -> Reply:
    """One forecast line: time valued at the category's configured rate, or a cost; or remove one."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    term = FORECAST_NATURES.find(args.nature)
    if term is None:
        raise InvalidInput(
            _("nature: “{value}” is not a kind of forecast.").format(value=shorten(args.nature, 40)),
            hint=_("Choose one of: {choices}.").format(choices=FORECAST_NATURES.choices()),
            field="nature",
        )
    if term.key == _DELETE:
        return _delete_line(ctx, project, args.montant)
    cap = ctx.settings.budget.cap_cents
    line = PlanLine(
        project_id=project.id, kind=term.key, label=args.libelle, created_by_id=ctx.person.id, created_at=ctx.now()
    )
    if term.key == TIME:
        if args.categorie is None or args.heures is None:
            missing = "categorie" if args.categorie is None else "heures"
            raise InvalidInput(_("{field} is missing.").format(field=missing), field=missing)
        line.category, line.minutes = args.categorie, args.heures
        line.rate_cents = ctx.settings.valuation.rate_cents(args.categorie)
        line.amount_cents = hours.value_cents(args.heures, line.rate_cents)
        field = "heures"
    else:
        if not args.montant:
            raise InvalidInput(_("montant is missing."), field="montant")
        if not args.libelle:
            raise InvalidInput(_("libelle is missing."), field="libelle")
        try:
            line.amount_cents = parse_amount(args.montant)
        except InvalidInput as error:
            raise InvalidInput(f"montant: {error.message}", hint=error.hint, field="montant") from None
        field = "montant"
    if line.amount_cents > cap:
        raise InvalidInput(
            _("{field}: {amount} alone passes the cap of {cap}.").format(
                field=field, amount=format_cents(line.amount_cents), cap=format_cents(cap)
            ),
            hint=_("The cap covers the whole plan: funding-plan {number}").format(number=project.id),
            field=field,
        )
    line.number = funding.new_line_number(ctx.session, project.id)
    ctx.session.add(line)
    ctx.session.flush()
    ctx.audit("plan_line", line.id, "create", None, _line_snapshot(line))
    plan = funding_plan(ctx.session, project, ctx.settings.budget)
    reply = Reply(
        text=_("Line {n} added to the plan of #{number}: {amount}. Forecast: {total} of {cap}.").format(
            n=line.number,
            number=project.id,
            amount=format_cents(line.amount_cents),
            total=format_cents(plan.total_cents),
            cap=format_cents(plan.cap_cents),
        )
    )
    reply.notes.extend(plan_warnings(plan))
    return reply


def _line_snapshot(line: PlanLine) -> dict[str, object]:
    return {
        "project_id": line.project_id,
        "number": line.number,
        "kind": line.kind,
        "category": line.category,
        "minutes": line.minutes,
        "amount_cents": line.amount_cents,
        "label": line.label,
    }


def _delete_line(ctx: CommandContext, project: Project, number_text: str | None) -> Reply:
    hint = _("The plan and its line numbers: funding-plan {number}").format(number=project.id)
    if not number_text or not number_text.strip().lstrip("#").isdigit():
        raise InvalidInput(_("montant: give the number of the line to remove."), hint=hint, field="montant")
    number = int(number_text.strip().lstrip("#"))
    line = funding.line(ctx.session, project.id, number) if number <= 999_999 else None
    if line is None:
        raise NotFound(_("The plan of #{number} has no line {n}.").format(number=project.id, n=number), hint=hint)
    ctx.audit("plan_line", line.id, "delete", _line_snapshot(line), None)
    ctx.session.delete(line)
    ctx.session.flush()
    plan = funding_plan(ctx.session, project, ctx.settings.budget)
    return Reply(
        text=_("Line {n} removed from the plan of #{number}. Forecast: {total}.").format(
            n=number, number=project.id, total=format_cents(plan.total_cents)
        )
    )


class NewCofunding(OneProject):
    partenaire: Name = option(..., aliases=("partner",), help=N_("the partner's name"))
    categorie: PartnerCategory = option(
        ...,
        aliases=("category",),
        help=N_("{choices}"),
    )
    montant: Amount = option(..., aliases=("amount",), help=N_('euros: 12345,50 or "12 345,50 €"'))
    statut: CofundingStatus = option("envisage", aliases=("status",), help=N_("{choices}"))


@family.command(
    "cofinancement",
    "cofunding",
    arguments=NewCofunding,
    positionals=("projet",),
    summary=N_("Record a partner's co-funding of a project"),
    example='cofinancement 1 partenaire:"Rennes Métropole" categorie:collectivite montant:30000 statut:confirme',
    example_en='cofunding 1 partenaire:"Rennes Métropole" categorie:local-authority montant:30000 '
    "statut:confirmed",
)
def cofund(ctx: CommandContext, args: NewCofunding) -> Reply:
    """Record an envisaged or confirmed co-funding."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    cap = ctx.settings.budget.cap_cents
    if args.montant > cap:
        raise InvalidInput(
            _("montant: {amount} passes the cap of {cap}.").format(
                amount=format_cents(args.montant), cap=format_cents(cap)
            ),
            field="montant",
        )
    entry = Cofunding(
        project_id=project.id,
        number=funding.new_cofunding_number(ctx.session, project.id),
        partner=args.partenaire,
        category=args.categorie,
        amount_cents=args.montant,
        status=args.statut,
        created_by_id=ctx.person.id,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    ctx.session.flush()
    ctx.audit(
        "cofunding",
        entry.id,
        "create",
        None,
        {
            "project_id": project.id,
            "partner": entry.partner,
            "amount_cents": entry.amount_cents,
            "status": entry.status,
        },
    )
    plan = funding_plan(ctx.session, project, ctx.settings.budget)
    reply = Reply(
        text=_("Co-funding by {partner} ({category}): {amount}, {status}. Partners' co-funding: {total}.").format(
            partner=entry.partner,
            category=PARTNER_CATEGORIES.label(entry.category),
            amount=format_cents(entry.amount_cents),
            status=COFUNDING_STATUSES.label(entry.status),
            total=format_cents(plan.cofunding_cents),
        )
    )
    reply.notes.extend(plan_warnings(plan))
    return reply


@family.command(
    "plan",
    "funding-plan",
    arguments=OneProject,
    positionals=("projet",),
    writes=False,
    summary=N_("A project's funding plan: forecast, PIA requested, co-funding, State services' part"),
    example="plan 1",
    example_en="funding-plan 1",
)
def show_plan(ctx: CommandContext, args: OneProject) -> Reply:
    """The forecast by nature against the cap, and who pays what."""
    project = project_or_refuse(ctx.session, args.projet)
    require_team_or_oversight(ctx.session, ctx.person, project)
    plan = funding_plan(ctx.session, project, ctx.settings.budget)
    reply = Reply(title=_("Funding plan of #{number} {title}").format(number=project.id, title=project.title))
    for label, value in plan_summary(plan, format_percent(ctx.settings.budget.pia_share)):
        reply.add_field(label, value)
    lines = list(funding.lines(ctx.session, project.id))
    if lines:
        rows = [[r[0], r[1], shorten(r[2], 40), r[3], r[4]] for r in line_rows(lines)]
        reply.table = Table(columns=line_columns(), rows=rows, numeric=[0, 4])
    else:
        reply.text = _("No forecast yet: forecast {number} temps categorie:A heures:300").format(number=project.id)
    reply.notes.extend(plan_warnings(plan))
    return reply
