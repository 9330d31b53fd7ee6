"""Evaluation indicators as people read them: values with units, progress from baseline to target."""

from __future__ import annotations

from decimal import Decimal

from labbot.i18n import _, format_day, format_number, format_percent
from labbot.storage.models import Indicator, IndicatorMeasure


def value_text(value: str | None, unit: str) -> str:
    """A stored value in the reader's format, with its unit."""
    if value is None:
        return "—"
    shown = format_number(Decimal(value), digits=4)
    return f"{shown}\u00a0{unit}" if unit else shown


def progress(indicator: Indicator, latest: str | None) -> Decimal | None:
    """How far the latest value went from the baseline to the target (1 = reached), when all three exist."""
    if latest is None or indicator.baseline is None or indicator.target is None:
        return None
    start, goal = Decimal(indicator.baseline), Decimal(indicator.target)
    if goal == start:
        return None
    return (Decimal(latest) - start) / (goal - start)


def indicator_rows(entries: list[tuple[Indicator, IndicatorMeasure | None]]) -> list[list[str]]:
    """One row per indicator: number, name, baseline, latest value (date), target (due), progress."""
    rows = []
    for indicator, latest in entries:
        value = latest.value if latest else None
        done = progress(indicator, value)
        rows.append(
            [
                str(indicator.number),
                indicator.name,
                value_text(indicator.baseline, indicator.unit),
                value_text(value, indicator.unit) + (f" ({format_day(latest.measured_on)})" if latest else ""),
                value_text(indicator.target, indicator.unit)
                + (f" ({format_day(indicator.due_on)})" if indicator.due_on else ""),
                format_percent(done) if done is not None else "—",
            ]
        )
    return rows


def indicator_columns() -> list[str]:
    """The headings of `indicator_rows`."""
    return ["N°", _("Indicator"), _("Baseline"), _("Latest value"), _("Target"), _("Progress")]
