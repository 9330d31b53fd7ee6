"""The statement of expenditure (état récapitulatif des dépenses) a coordinator sends the funder.

Valued time by month and agent category, cost lines with their dates and natures inside or outside the PIA
window, the PIA share and co-funding, the total against the cap, and a signature line. Its figures are
`budget_report`'s, so they match `budget <ref>` in the chat to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from labbot.budget import BudgetReport
from labbot.exports.tables import Cell, Column, Kind, Sheet, Total, TotalKind
from labbot.i18n import _, format_day
from labbot.storage import exports, funding, hours
from labbot.storage.models import CostLine, Project
from labbot.vocabulary import COST_TYPES, PLAN_NATURES, REGIONS


@dataclass(frozen=True)
class Statement:
    """Everything the statement shows, in exact integers, for any file format."""

    project: Project
    report: BudgetReport
    # (month, category, rate in cents, minutes) in the period.
    time_rows: list[tuple[str, str, int, int]]
    cost_lines: list[CostLine]
    start: date | None
    end: date | None  # included
    coordinator: str
    # The funding plan's forecast per nature (issue 12's `plan`), empty when there is none.
    forecast: dict[str, int]

    @property
    def period_time_cents(self) -> int:
        """The period's valued time, Σ(minutes × rate) / 60 rounded once."""
        return hours.value_of(sum(rate * minutes for _m, _c, rate, minutes in self.time_rows))

    @property
    def period_costs_cents(self) -> int:
        """The period's cost lines."""
        return sum(line.amount_cents for line in self.cost_lines)

    def in_window(self, day: date) -> bool | None:
        """Whether `day` is inside the PIA window (None while the project has not started)."""
        window = self.report.window
        return None if window is None else window.start <= day < window.end


def statement(
    session: Session,
    project: Project,
    report: BudgetReport,
    *,
    start: date | None,
    end: date | None,
    coordinator: str,
) -> Statement:
    """Gather the statement of `project` for [start, end] (whole life when both are None)."""
    stop = end + timedelta(days=1) if end else None
    return Statement(
        project,
        report,
        exports.time_by_month_and_rate(session, project.id, start, stop),
        list(exports.cost_lines(session, project.id, start, stop)),
        start,
        end,
        coordinator,
        funding.forecast_by_nature(session, project.id),
    )


def period_label(start: date | None, end: date | None) -> str:
    """`from 01/06/2016 to 30/06/2016`, or the whole life of the project."""
    if start and end:
        return _("from {start} to {end}").format(start=format_day(start), end=format_day(end))
    if start:
        return _("from {start}").format(start=format_day(start))
    if end:
        return _("until {end}").format(end=format_day(end))
    return _("since the start")


def window_label(report: BudgetReport) -> str:
    """The PIA window in words."""
    if report.window is None:
        return _("not open yet (the project is not under way)")
    return _("{start} to {end} (excluded)").format(
        start=format_day(report.window.start), end=format_day(report.window.end)
    )


def signature_line(item: Statement) -> str:
    """Where the coordinator signs."""
    return _("Certified accurate by the coordinator, {name}. Date and signature:").format(name=item.coordinator)


def heading(item: Statement) -> list[str]:
    """The statement's title lines."""
    project = item.project
    return [
        _("Statement of expenditure — #{number} {title}").format(number=project.id, title=project.title),
        _("Region: {region} — period: {period}").format(
            region=REGIONS.label(project.region), period=period_label(item.start, item.end)
        ),
        _("PIA window: {window}").format(window=window_label(item.report)),
    ]


def summary_rows(item: Statement) -> list[list[Cell]]:
    """Valued time and each cost nature in the period (summed by a formula under them)."""
    rows: list[list[Cell]] = [[_("Valued agent time"), item.period_time_cents]]
    by_kind: dict[str, int] = {}
    for line in item.cost_lines:
        by_kind[line.kind] = by_kind.get(line.kind, 0) + line.amount_cents
    rows.extend([COST_TYPES.label(kind), by_kind[kind]] for kind in COST_TYPES.codes() if kind in by_kind)
    return rows


def funding_rows(item: Statement) -> list[list[Cell]]:
    """The whole project against the cap and the PIA's rules (not limited to the period)."""
    report = item.report
    rows: list[list[Cell]] = [
        [_("Total of the project"), report.total_cents],
        [_("Cap"), report.cap_cents],
        [_("Beyond the cap (not funded)"), report.overrun_cents],
    ]
    if report.window is not None:
        rows += [
            [_("Eligible costs in the window"), report.window.eligible_cents],
            [_("PIA share"), report.window.pia_cents],
            [_("To be co-funded by the partners"), report.window.cofunding_cents],
            [_("Outside the window"), report.window.outside_cents],
        ]
    if item.project.award_cents is not None:
        # As `budget` shows it: what the PIA awarded, what its share of the window's costs uses of it.
        used = min(report.window.pia_cents if report.window else 0, item.project.award_cents)
        rows += [
            [_("PIA awarded"), item.project.award_cents],
            [_("PIA used"), used],
            [_("PIA remaining"), item.project.award_cents - used],
        ]
    actual = {"temps": report.time_cents, **report.costs_by_kind}
    for kind in PLAN_NATURES.codes():
        if kind in item.forecast:
            label = PLAN_NATURES.label(kind)
            rows += [
                [_("Planned — {nature}").format(nature=label), item.forecast[kind]],
                [_("Spent — {nature}").format(nature=label), actual.get(kind, 0)],
            ]
    return rows


def statement_sheets(item: Statement) -> list[Sheet]:
    """The statement as spreadsheet sheets: summary (signed), funding, valued time, cost lines."""
    amount = Column(_("Amount"), "montant_euros", Kind.CENTS, 16)
    summary = Sheet(
        _("Statement"),
        [Column(_("Item"), "poste", Kind.TEXT, 44), amount],
        summary_rows(item),
        Total(_("Total of the period"), {1: TotalKind.SUM}),
        heading=heading(item),
        footer=[signature_line(item)],
    )
    funding = Sheet(_("Cap and PIA"), [Column(_("Item"), "poste", Kind.TEXT, 44), amount], funding_rows(item))
    time_columns = [
        Column(_("Month"), "mois", Kind.TEXT, 10),
        Column(_("Category"), "categorie", Kind.TEXT, 10),
        Column(_("Hourly rate"), "taux_horaire_euros", Kind.CENTS, 12),
        Column(_("Duration"), "duree_minutes", Kind.MINUTES, 10),
        Column(_("Minutes"), "minutes", Kind.INTEGER, 10),
        Column(_("Value"), "valeur_euros", Kind.CENTS, 14),
    ]
    time_rows: list[list[Cell]] = [
        [month, category or "—", rate, minutes, minutes, hours.value_cents(minutes, rate)]
        for month, category, rate, minutes in item.time_rows
    ]
    time = Sheet(
        _("Valued time"),
        time_columns,
        time_rows,
        Total(
            _("Total"), {3: TotalKind.SUM, 4: TotalKind.SUM, 5: TotalKind.VALUE}, minutes_column=4, rate_column=2
        ),
    )
    cost_columns = [
        Column(_("Date"), "date", Kind.DATE, 12),
        Column(_("Nature"), "nature", Kind.TEXT, 16),
        Column(_("Label"), "libelle", Kind.TEXT, 40),
        Column(_("Amount"), "montant_euros", Kind.CENTS, 14),
        Column(_("PIA window"), "fenetre_pia", Kind.TEXT, 14),
    ]
    cost_rows: list[list[Cell]] = [
        [line.incurred_on, COST_TYPES.label(line.kind), line.label, line.amount_cents, _window_word(item, line)]
        for line in item.cost_lines
    ]
    costs = Sheet(_("Costs"), cost_columns, cost_rows, Total(_("Total"), {3: TotalKind.SUM}))
    return [summary, funding, time, costs]


def _window_word(item: Statement, line: CostLine) -> str:
    inside = item.in_window(line.incurred_on)
    return "—" if inside is None else _("inside") if inside else _("outside")
