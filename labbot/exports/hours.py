"""The hours export: every entry, then a summary per month and per agent (totals as formulas)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from labbot.exports.tables import Cell, Column, Kind, Sheet, Total, TotalKind
from labbot.i18n import _
from labbot.storage import exports, hours
from labbot.storage.hours import HoursTotal


def entry_columns() -> list[Column]:
    """The entries sheet's columns; minutes and the rate in euros let the total be Σ(minutes × rate) / 60."""
    return [
        Column(_("N°"), "numero", Kind.INTEGER, 8),
        Column(_("Date"), "date", Kind.DATE, 12),
        Column(_("Agent"), "agent", Kind.TEXT, 24),
        Column(_("Service"), "service", Kind.TEXT, 24),
        Column(_("Category"), "categorie", Kind.TEXT, 10),
        Column(_("Project n°"), "projet", Kind.INTEGER, 10),
        Column(_("Project"), "projet_titre", Kind.TEXT, 30),
        Column(_("Duration"), "duree_minutes", Kind.MINUTES, 10),
        Column(_("Minutes"), "minutes", Kind.INTEGER, 9),
        Column(_("Hourly rate"), "taux_horaire_euros", Kind.CENTS, 12),
        Column(_("Value"), "valeur_euros", Kind.CENTS, 12),
        Column(_("Activity"), "activite", Kind.TEXT, 40),
    ]


def entry_rows(session: Session, conditions: Sequence[ColumnElement[bool]]) -> Iterator[list[Cell]]:
    """The entries, streamed; each row's value is rounded to the cent on its own, as `mesheures` shows it."""
    for number, day, name, service, category, project_id, title, minutes, rate, activity in exports.hour_rows(
        session, *conditions
    ):
        value = hours.value_cents(minutes, rate)
        yield [number, day, name, service, category, project_id, title, minutes, minutes, rate, value, activity]


def entries_sheet(session: Session, conditions: Sequence[ColumnElement[bool]]) -> Sheet:
    """Every entry, with a total row: durations summed, value Σ(minutes × rate) / 60 rounded once."""
    return Sheet(
        _("Hours"),
        entry_columns(),
        entry_rows(session, conditions),
        Total(
            _("Total"),
            {7: TotalKind.SUM, 8: TotalKind.SUM, 10: TotalKind.VALUE},
            minutes_column=8,
            rate_column=9,
        ),
    )


def _summary(name: str, heading: str, rows: list[HoursTotal]) -> Sheet:
    columns = [
        Column(heading, "groupe", Kind.TEXT, 30),
        Column(_("Duration"), "duree_minutes", Kind.MINUTES, 12),
        Column(_("Minutes × hourly rate"), "minutes_fois_taux_euros", Kind.CENTS, 18),
        Column(_("Valued time"), "valeur_euros", Kind.CENTS, 14),
    ]
    body: list[list[Cell]] = [[r.label, r.minutes, r.minute_rate, r.value_cents] for r in rows]
    # Σ(minutes × rate) is exact: its total / 60, rounded once, is the chat's total (not Σ of rounded rows).
    return Sheet(
        name, columns, body, Total(_("Total"), {1: TotalKind.SUM, 3: TotalKind.PRODUCTS}, products_column=2)
    )


def summary_sheets(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[Sheet]:
    """Per month and per agent, from SQL sums."""
    return [
        _summary(_("By month"), _("Month"), hours.by_month(session, *conditions)),
        _summary(_("By agent"), _("Agent"), hours.by_agent(session, *conditions)),
    ]


def period_conditions(start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    """Entries between `start` and `end`, both included."""
    return exports.in_period(start, end + timedelta(days=1) if end else None)
