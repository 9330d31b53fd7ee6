"""The statement of expenditure and the sign-in sheet as PDF, on the shared writer (labbot.documents.pdf)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from labbot.documents.pdf import PdfDocument, Signature
from labbot.exports.statement import Statement, funding_rows, heading, summary_rows
from labbot.exports.tables import Cell
from labbot.i18n import _, format_cents, format_day, format_duration, format_moment
from labbot.states import SignupState
from labbot.storage import hours
from labbot.storage.models import Event, Person, Signup
from labbot.vocabulary import COST_TYPES


def statement_pdf(item: Statement, *, author: str, created: datetime) -> bytes:
    """The statement: summary of the period with its total, the project against the cap and the PIA, valued
    time by month and category, cost lines inside or outside the PIA window, then the coordinator's signature."""
    title, *lines = heading(item)
    document = PdfDocument(title=title, author=author, created=created)
    document.heading(title)
    for line in lines:
        document.paragraph(line)
    summary = summary_rows(item)
    document.table(
        [_("Item"), _("Amount")],
        _money_rows(summary),
        widths=[3, 1.2],
        numeric=[1],
        total=[_("Total of the period"), format_cents(item.period_time_cents + item.period_costs_cents)],
    )
    document.heading(_("Cap and PIA"), level=2)
    document.table(
        [_("Item"), _("Amount")],
        _money_rows(funding_rows(item)),
        widths=[3, 1.2],
        numeric=[1],
    )
    document.heading(_("Valued time"), level=2)
    document.table(
        [_("Month"), _("Category"), _("Hourly rate"), _("Duration"), _("Value")],
        [
            [month, category or "—", format_cents(rate), format_duration(minutes), format_value(minutes, rate)]
            for month, category, rate, minutes in item.time_rows
        ],
        numeric=[2, 3, 4],
        total=[
            _("Total"),
            "",
            "",
            format_duration(sum(minutes for *_group, minutes in item.time_rows)),
            format_cents(item.period_time_cents),
        ],
    )
    document.heading(_("Costs"), level=2)
    document.table(
        [_("Date"), _("Nature"), _("Label"), _("Amount"), _("PIA window")],
        [
            [
                format_day(line.incurred_on),
                COST_TYPES.label(line.kind),
                line.label,
                format_cents(line.amount_cents),
                _window(item, line.incurred_on),
            ]
            for line in item.cost_lines
        ],
        widths=[1, 1.2, 3, 1.2, 1],
        numeric=[3],
        total=[_("Total"), "", "", format_cents(item.period_costs_cents), ""],
    )
    document.paragraph(_("Certified accurate by the coordinator, {name}.").format(name=item.coordinator))
    document.signatures(
        [Signature(_("The coordinator"), item.coordinator)], date_label=_("Date"), place_label=_("Place")
    )
    return document.to_bytes()


def format_value(minutes: int, rate: int) -> str:
    """One group's value, rounded to the cent."""
    return format_cents(hours.value_cents(minutes, rate))


def _money_rows(rows: Sequence[Sequence[Cell]]) -> list[list[str]]:
    return [[str(row[0]), format_cents(row[1]) if isinstance(row[1], int) else ""] for row in rows]


def _window(item: Statement, day: date) -> str:
    inside = item.in_window(day)
    return "—" if inside is None else _("inside") if inside else _("outside")


def signin_pdf(event: Event, when: str, rows: Sequence[tuple[Signup, Person]], *, created: datetime) -> bytes:
    """The sign-in sheet (feuille d'émargement): one line per registered person with room to sign, then the
    waiting list in order, for those who come when a seat frees."""
    title = _("Sign-in sheet — {event}").format(event=event.title)
    document = PdfDocument(title=title, created=created)
    document.heading(title)
    document.paragraph(_("{when}, {place}").format(when=when, place=event.place or _("place to be set")))
    columns = [_("N°"), _("Name"), _("Service"), _("Project"), _("Signature")]
    widths = [0.5, 2.2, 2.2, 0.8, 2.3]
    registered = [(s, p) for s, p in rows if s.state == SignupState.REGISTERED]
    waiting = [(s, p) for s, p in rows if s.state == SignupState.WAITING]
    document.table(columns, _lines(registered), widths=widths, numeric=[0])
    if waiting:
        document.heading(_("Waiting list"), level=2)
        document.table(columns, _lines(waiting), widths=widths, numeric=[0])
    document.paragraph(_("Printed on {moment}.").format(moment=format_moment(created)))
    return document.to_bytes()


def _lines(rows: Sequence[tuple[Signup, Person]]) -> list[list[str]]:
    return [
        [
            str(number),
            person.display_name,
            person.service or "",
            f"#{s.project_id}" if s.project_id else "",
            "\n\n",
        ]
        for number, (s, person) in enumerate(rows, start=1)
    ]
