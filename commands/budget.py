"""Budget: valued time plus cost lines against the cap, the PIA share, and coordinators' reports."""

from __future__ import annotations

from typing import Annotated

from commands.charts import CHART_VIEWS, ChartView, budget_chart, region_hours_chart
from labbot.arguments import (
    Amount,
    Arguments,
    Choices,
    CostType,
    Day,
    OneProject,
    Ref,
    Region,
    ShortText,
    option,
    term_of,
    typed_key,
)
from labbot.budget import BudgetReport, budget_report
from labbot.budget_watch import crossing_note, tell_crossing
from labbot.context import CommandContext
from labbot.errors import Conflict, Forbidden, InvalidInput
from labbot.i18n import N_, _, format_cents, format_day, format_hours_total, format_percent, or_list
from labbot.messages import Reply, Table
from labbot.policy import project_or_refuse, require_open, require_oversight
from labbot.registry import CommandFamily
from labbot.states import Role
from labbot.storage import costs, funding, hours
from labbot.storage.hours import HoursTotal
from labbot.storage.models import CostLine, Project
from labbot.text import shorten
from labbot.vocabulary import COST_TYPES, PLAN_NATURES, REGIONS, Term, Vocabulary

family = CommandFamily("budget")


class BudgetArgs(OneProject):
    vue: ChartView | None = option(None, aliases=("view",), help=N_("{choices}: the spending drawn over time"))


@family.command(
    "budget",
    "budget-report",
    arguments=BudgetArgs,
    positionals=("projet", "vue"),
    role=Role.COORDINATOR,
    writes=False,
    summary=N_("A project's budget: valued time, costs, cap, PIA share"),
    example="budget 1",
    example_en="budget 1",
)
def show_budget(ctx: CommandContext, args: BudgetArgs) -> Reply:
    """The budget breakdown and the PIA window."""
    project = project_or_refuse(ctx.session, args.projet)
    require_oversight(ctx.person, project.region)
    report = budget_report(ctx.session, project, ctx.settings.budget)
    if args.vue:
        return budget_chart(ctx, project, report)
    reply = Reply(title=_("Budget of #{number} {title}").format(number=project.id, title=project.title))
    reply.add_field(
        _("Valued agent time"),
        f"{format_cents(report.time_cents)} ({format_hours_total(report.time_minutes)})",
    )
    for kind in COST_TYPES.codes():
        if kind in report.costs_by_kind:
            reply.add_field(COST_TYPES.label(kind), format_cents(report.costs_by_kind[kind]))
    reply.add_field(
        _("Total"),
        _("{total} of {cap} ({ratio})").format(
            total=format_cents(report.total_cents),
            cap=format_cents(report.cap_cents),
            ratio=format_percent(report.used_ratio),
        ),
    )
    if report.overrun_cents:
        reply.add_field(
            _("Beyond the cap"), _("overrun of {amount}").format(amount=format_cents(report.overrun_cents))
        )
    _pia_fields(ctx, reply, report)
    _award_fields(ctx, reply, project, report)
    if report.near_cap:
        reply.notes.append(crossing_note(report))
    lines = costs.lines(ctx.session, project.id, limit=10)
    if lines:
        reply.table = Table(
            columns=[_("Date"), _("Type"), _("Label"), _("Amount")],
            rows=[
                [
                    format_day(c.incurred_on),
                    COST_TYPES.label(c.kind),
                    shorten(c.label, 40),
                    format_cents(c.amount_cents),
                ]
                for c in lines
            ],
            numeric=[3],
        )
    return reply


def _pia_fields(ctx: CommandContext, reply: Reply, report: BudgetReport) -> None:
    window = report.window
    share = format_percent(ctx.settings.budget.pia_share)
    if window is None:
        reply.notes.append(
            _(
                "The PIA window ({months} months) opens when the project is “en-cours”: status <n> en-cours date:…"
            ).format(months=ctx.settings.budget.pia_window_months)
        )
        return
    reply.add_field(
        _("PIA window"),
        _("{start} to {end} (excluded)").format(start=format_day(window.start), end=format_day(window.end)),
    )
    reply.add_field(_("Eligible costs in the window"), format_cents(window.eligible_cents))
    reply.add_field(_("PIA share ({share})").format(share=share), format_cents(window.pia_cents))
    reply.add_field(_("To be co-funded by the partners"), format_cents(window.cofunding_cents))
    reply.add_field(_("Outside the window"), format_cents(window.outside_cents))
    if window.end_clamped:
        reply.notes.append(
            _(
                "The window ends {months} months after its start, on the same day; when that month is shorter, on "
                "its last day ({start} → {end})."
            ).format(
                months=ctx.settings.budget.pia_window_months,
                start=format_day(window.start),
                end=format_day(window.end),
            )
        )


def _award_fields(ctx: CommandContext, reply: Reply, project: Project, report: BudgetReport) -> None:
    """Awarded vs used once the PIA decided, and the plan vs what was actually spent, by nature."""
    if project.award_cents is not None:
        consumed = min(report.window.pia_cents if report.window else 0, project.award_cents)
        reply.add_field(
            _("PIA awarded"),
            _("{awarded}: used {used}, remaining {remaining}").format(
                awarded=format_cents(project.award_cents),
                used=format_cents(consumed),
                remaining=format_cents(project.award_cents - consumed),
            ),
        )
    forecast = funding.forecast_by_nature(ctx.session, project.id)
    if not forecast:
        return
    actual = {"temps": report.time_cents, **report.costs_by_kind}
    for kind in PLAN_NATURES.codes():
        if kind in forecast or actual.get(kind):
            reply.add_field(
                _("Plan vs actual — {nature}").format(nature=PLAN_NATURES.label(kind)),
                _("{actual} of {planned} planned").format(
                    actual=format_cents(actual.get(kind, 0)), planned=format_cents(forecast.get(kind, 0))
                ),
            )


class NewCost(OneProject):
    montant: Amount = option(..., aliases=("amount",), help=N_('euros: 12345,50 or "12 345,50 €"'))
    type: CostType = option(..., help=N_("{choices}"))
    libelle: ShortText = option(..., aliases=("label",), help=N_("what it pays for"))
    date: Day | None = option(None, help=N_("when it was incurred (not in the future); today by default"))


@family.command(
    "depense",
    "cost",
    arguments=NewCost,
    positionals=("projet", "montant"),
    role=Role.COORDINATOR,
    summary=N_("Add a cost line to a project's budget"),
    example='depense 1 "12 000" type:prestataire libelle:"Agence de design" date:01/09/2016',
    example_en='cost 1 12000 type:contractor libelle:"Design agency" date:01/09/2016',
)
def add_cost(ctx: CommandContext, args: NewCost) -> Reply:
    """Record a cost; refuse one that would pass the cap, saying by how much."""
    project = project_or_refuse(ctx.session, args.projet)
    require_oversight(ctx.person, project.region)
    require_open(ctx.person, project)
    if not args.libelle:
        raise InvalidInput(_("libelle is missing."))
    day = args.date or ctx.today()
    if day > ctx.today():
        raise InvalidInput(
            _("date: {day} is in the future; add costs once incurred.").format(day=format_day(day)), field="date"
        )
    report = budget_report(ctx.session, project, ctx.settings.budget)
    excess = report.total_cents + args.montant - report.cap_cents
    if excess > 0:
        raise Conflict(
            _("This cost would pass the cap of {cap} by {excess}.").format(
                cap=format_cents(report.cap_cents), excess=format_cents(excess)
            ),
            hint=_("The cap covers valued agent time and costs together: budget {number}").format(
                number=project.id
            ),
        )
    line = CostLine(
        project_id=project.id,
        kind=args.type,
        label=args.libelle,
        amount_cents=args.montant,
        incurred_on=day,
        created_by_id=ctx.person.id,
        created_at=ctx.now(),
    )
    ctx.session.add(line)
    ctx.session.flush()
    ctx.audit(
        "cost",
        line.id,
        "create",
        None,
        {"project_id": project.id, "kind": line.kind, "amount_cents": line.amount_cents, "label": line.label},
    )
    after = budget_report(ctx.session, project, ctx.settings.budget)
    reply = Reply(
        text=_("Cost of {amount} added to #{number}. Budget: {total} of {cap} ({ratio}).").format(
            amount=format_cents(line.amount_cents),
            number=project.id,
            total=format_cents(after.total_cents),
            cap=format_cents(after.cap_cents),
            ratio=format_percent(after.used_ratio),
        )
    )
    if note := tell_crossing(ctx, project, report.level, after):
        reply.notes.append(note)
    elif after.near_cap:
        reply.notes.append(crossing_note(after))
    return reply


# How `rapport` sums hours: a project's by agent (its default) or month, a region's by project (its default),
# agent or month.
REPORT_GROUPINGS = Vocabulary(
    Term("agent", N_("by agent")),
    Term("mois", N_("by month"), english="month"),
    Term("projet", N_("by project"), english="project"),
)
Grouping = Annotated[str, term_of(REPORT_GROUPINGS, N_("grouping")), Choices(REPORT_GROUPINGS)]
_PROJECT_SUMS = {"agent": hours.project_by_agent, "mois": hours.project_by_month}


class HoursReport(Arguments):
    projet: Ref | None = option(None, aliases=("project",), help=N_("a project; else the region's projects"))
    par: Grouping | None = option(None, aliases=("by",), help=N_("{choices}"))
    region: Region | None = option(None, help=N_("for admins: the region (else your own)"))
    vue: ChartView | None = option(None, aliases=("view",), help=N_("{choices}: a region's projects drawn"))


@family.command(
    "rapport",
    "report",
    arguments=HoursReport,
    positionals=("projet", "vue"),
    role=Role.COORDINATOR,
    writes=False,
    summary=N_("Hours and valued time, by agent, month or project"),
    example="rapport 1 par:mois",
    example_en="report 1 par:month",
)
def report(ctx: CommandContext, args: HoursReport) -> Reply:
    """A compact table of hours and value for a project, or for a region's projects."""
    grouping = args.par
    chart = args.vue is not None
    if args.projet and CHART_VIEWS.find(args.projet) is not None and not chart:
        # `rapport region:bretagne graphique`: the only word is the view, not a project.
        args, chart = args.model_copy(update={"projet": None}), True
    if args.projet and chart:
        raise InvalidInput(
            _("The chart of report is for a region's projects."),
            hint=_("For one project: budget-report {number} chart").format(number=args.projet),
            field="vue",
        )
    if args.projet:
        project = project_or_refuse(ctx.session, args.projet)
        require_oversight(ctx.person, project.region)
        title = _("Hours of #{number} {title}").format(number=project.id, title=project.title)
        grouping = grouping or "agent"
        if grouping not in _PROJECT_SUMS:
            by = typed_key(HoursReport, "par")
            raise Forbidden(
                _("{value} is for a region; for one project use {choices}.").format(
                    value=f"{by}:{REPORT_GROUPINGS.typed(grouping)}",
                    choices=or_list(f"{by}:{REPORT_GROUPINGS.typed(key)}" for key in _PROJECT_SUMS),
                )
            )
        # A project's two reports are prebuilt statements.
        summed_of_project = _PROJECT_SUMS[grouping]
        return _hours_table(title, grouping, summed_of_project(ctx.session, project.id))
    region = args.region or ctx.person.region
    if region is None:
        raise InvalidInput(_("region is missing."), hint=_("Example: report region:bretagne by:project"))
    require_oversight(ctx.person, region)
    title = _("Hours in {region}").format(region=REGIONS.label(region))
    grouping = grouping or "projet"
    if chart:
        return region_hours_chart(title, f"heures-{region}", hours.region_by_project(ctx.session, region))
    if grouping != "agent":
        # A region's totals come from the monthly totals table: ~10 rows per project, not every entry.
        summed = {"mois": hours.region_by_month, "projet": hours.region_by_project}[grouping]
        return _hours_table(title, grouping, summed(ctx.session, region))
    # What is left: a region's hours by agent.
    return _hours_table(title, grouping, hours.by_agent(ctx.session, hours.in_region(region)))


def _hours_table(title: str, grouping: str, rows: list[HoursTotal]) -> Reply:
    if not rows:
        return Reply(title=title, text=_("No hours logged yet."))
    heading = {"agent": _("Agent"), "mois": _("Month"), "projet": _("Project")}[grouping]
    table = Table(
        columns=[heading, _("Hours"), _("Valued time")],
        rows=[[shorten(r.label, 40), format_hours_total(r.minutes), format_cents(r.value_cents)] for r in rows],
        numeric=[1, 2],
    )
    # Rounded once, from the exact sums: the total agrees with `budget` to the cent, not with Σ of rounded rows.
    total_minutes, total_cents = sum(r.minutes for r in rows), hours.value_of(sum(r.minute_rate for r in rows))
    table.rows.append([_("Total"), format_hours_total(total_minutes), format_cents(total_cents)])
    return Reply(title=title, table=table)
