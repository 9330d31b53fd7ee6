"""Charts as PNG, drawn with matplotlib's Agg backend (no display, no system package), labels in the reader's
language and numbers formatted as in the chat. Each chart comes with a text alternative for screen readers.

The object API (`Figure` + `FigureCanvasAgg`) is used rather than pyplot: no global state, so two commands
drawing at once in two threads do not share a figure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from labbot.i18n import _, babel_locale, format_number
from labbot.storage.hours import value_of

# 800 × 480 px: readable when a chat shows it small, sharp when opened.
SIZE_INCHES = (8.0, 4.8)
DPI = 100
TIME_COLOUR, COSTS_COLOUR, CAP_COLOUR, PLAN_COLOUR, AWARD_COLOUR = (
    "#2b6cb0",
    "#dd8452",
    "#c53030",
    "#555",
    "#2f855a",
)


@dataclass(frozen=True)
class SpendingSeries:
    """A project's spending over time, exact: Σ(minutes × rate) and cost cents per day."""

    title: str
    time_by_day: Sequence[tuple[date, int]]  # Σ(minutes × rate) that day
    costs_by_day: Sequence[tuple[date, int]]  # cents that day
    cap_cents: int
    window: tuple[date, date] | None
    plan_cents: int | None = None
    award_cents: int | None = None
    # The curve runs flat to this day (today, or the window's end once it is past).
    until: date | None = None


def _euros_axis(value: float, _position: object) -> str:
    return format_number(Decimal(round(value)), digits=0) + " €"


def _month_axis(value: float, _position: object) -> str:
    # Days are placed by their ordinal (1 = 01/01/0001), so the axis reads back as dates without a time zone.
    return format_date(date.fromordinal(max(int(value), 1)), format="MMM yyyy", locale=babel_locale())


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)  # attaches the Agg canvas: no display, no pyplot
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def cumulative(series: SpendingSeries) -> tuple[list[date], list[int], list[int]]:
    """Days, cumulative valued time (rounded once at each day) and cumulative costs, in cents."""
    days = sorted({day for day, _v in series.time_by_day} | {day for day, _v in series.costs_by_day})
    time_of, costs_of = dict(series.time_by_day), dict(series.costs_by_day)
    time_total = costs_total = 0
    times, costs = [], []
    for day in days:
        time_total += time_of.get(day, 0)
        costs_total += costs_of.get(day, 0)
        times.append(value_of(time_total))
        costs.append(costs_total)
    return days, times, costs


def spending_chart(series: SpendingSeries) -> bytes:
    """Cumulative spending, valued time and costs stacked, against the cap (and the plan and the award)."""
    days, times, costs = cumulative(series)
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    if days:
        # One more day so the last step shows; steps, because spending jumps on the day it happens.
        last = max(days[-1] + timedelta(days=1), series.until or days[-1])
        x = [day.toordinal() for day in [*days, last]]
        time_euros = [t / 100 for t in [*times, times[-1]]]
        cost_euros = [c / 100 for c in [*costs, costs[-1]]]
        axes.stackplot(
            x,
            time_euros,
            cost_euros,
            labels=[_("Valued agent time"), _("Costs")],
            colors=[TIME_COLOUR, COSTS_COLOUR],
            step="post",
            alpha=0.85,
        )
    if series.window is not None:
        start, end = series.window
        axes.axvspan(start.toordinal(), end.toordinal(), color="#a0aec0", alpha=0.2, label=_("PIA window"))
    axes.axhline(series.cap_cents / 100, color=CAP_COLOUR, linewidth=2, label=_("Cap"))
    if series.plan_cents:
        axes.axhline(series.plan_cents / 100, color=PLAN_COLOUR, linestyle="--", label=_("Plan"))
    if series.award_cents is not None:
        axes.axhline(
            series.award_cents / 100, color=AWARD_COLOUR, linestyle=":", linewidth=2, label=_("PIA awarded")
        )
    axes.set_title(series.title, fontsize=13)
    axes.yaxis.set_major_formatter(FuncFormatter(_euros_axis))
    axes.xaxis.set_major_formatter(FuncFormatter(_month_axis))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="best", fontsize=9)
    figure.autofmt_xdate()
    return _png(figure)


@dataclass(frozen=True)
class ProjectBar:
    """One project's hours and valued time, for a region's chart."""

    label: str
    minutes: int
    value_cents: int


def region_chart(title: str, bars: Sequence[ProjectBar]) -> bytes:
    """Hours and valued time per project, side by side, most hours on top."""
    shown = list(bars)[::-1]
    figure = Figure(figsize=(SIZE_INCHES[0], max(SIZE_INCHES[1], 1.2 + 0.32 * len(shown))), dpi=DPI)
    figure.set_layout_engine("constrained")
    hours_axes, value_axes = figure.subplots(1, 2, sharey=True)
    labels = [bar.label if len(bar.label) <= 32 else bar.label[:31] + "…" for bar in shown]
    hours_axes.barh(labels, [bar.minutes / 60 for bar in shown], color=TIME_COLOUR)
    value_axes.barh(labels, [bar.value_cents / 100 for bar in shown], color=COSTS_COLOUR)
    hours_axes.set_title(_("Hours"), fontsize=11)
    value_axes.set_title(_("Valued time"), fontsize=11)
    hours_axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(Decimal(round(v)), digits=0)))
    value_axes.xaxis.set_major_formatter(FuncFormatter(_euros_axis))
    for axes in (hours_axes, value_axes):
        axes.grid(axis="x", alpha=0.3)
        axes.tick_params(axis="y", labelsize=8)
        axes.tick_params(axis="x", labelsize=8, rotation=30)
    figure.suptitle(title, fontsize=13)
    return _png(figure)


@dataclass(frozen=True)
class IndicatorBar:
    """One indicator's progress from its baseline (0 %) to its target (100 %), None when not measurable."""

    label: str
    progress: Decimal | None


def indicators_chart(title: str, bars: Sequence[IndicatorBar]) -> bytes:
    """Each indicator's progress towards its target, as a percentage of the way from the baseline."""
    shown = list(bars)[::-1]
    figure = Figure(figsize=(SIZE_INCHES[0], max(SIZE_INCHES[1], 1.4 + 0.4 * len(shown))), dpi=DPI)
    figure.set_layout_engine("constrained")
    axes = figure.add_subplot()
    labels = [bar.label if len(bar.label) <= 40 else bar.label[:39] + "…" for bar in shown]
    values = [float(bar.progress * 100) if bar.progress is not None else 0.0 for bar in shown]
    colours = [AWARD_COLOUR if v >= 100 else TIME_COLOUR for v in values]
    axes.barh(labels, values, color=colours)
    axes.axvline(100, color=CAP_COLOUR, linewidth=2, label=_("Target"))
    axes.axvline(0, color=PLAN_COLOUR, linewidth=1)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(Decimal(round(v)), digits=0) + " %"))
    axes.set_xlabel(_("Progress from the baseline to the target"))
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="lower right", fontsize=9)
    axes.set_title(title, fontsize=13)
    return _png(figure)
