"""`budget <ref> graphique`, `rapport region:<r> graphique`: the chat's figures drawn, with a text alternative.

The commands themselves are declared where their tables are (commands/budget.py); this module draws.
"""

from __future__ import annotations

from typing import Annotated

from labbot.arguments import Choices, term_of
from labbot.budget import BudgetReport
from labbot.context import CommandContext
from labbot.evaluation import progress, value_text
from labbot.exports.files import file_name
from labbot.i18n import N_, _, format_cents, format_day, format_hours_total, format_percent, ngettext
from labbot.messages import Attachment, Reply
from labbot.storage import exports, funding
from labbot.storage.hours import HoursTotal, value_of
from labbot.storage.models import Indicator, IndicatorMeasure, Project
from labbot.text import shorten
from labbot.vocabulary import Term, Vocabulary

# The views a command may draw instead of its table (`budget 1 graphique`).
CHART_VIEWS = Vocabulary(Term("graphique", N_("chart"), ("graph",), english="chart"))
# A region's chart shows the projects with the most hours; the rest are summed in the text.
MAX_BARS = 25


ChartView = Annotated[str, term_of(CHART_VIEWS, N_("view of this command")), Choices(CHART_VIEWS)]


def _png(name: str, content: bytes, description: str) -> Attachment:
    return Attachment(
        filename=file_name(name, extension="png"), content=content, media_type="image/png", description=description
    )


def budget_chart(ctx: CommandContext, project: Project, report: BudgetReport) -> Reply:
    """The project's cumulative spending (valued time and costs stacked), the cap, the plan, the award, the
    PIA window shaded; the same figures in words for screen readers."""
    # matplotlib is imported when a chart is drawn: it would add ~60 MiB to every process otherwise.
    from labbot.exports.charts import SpendingSeries, spending_chart  # noqa: PLC0415

    forecast = funding.forecast_by_nature(ctx.session, project.id)
    window = (report.window.start, report.window.end) if report.window else None
    series = SpendingSeries(
        title=_("Cumulative spending of #{number} {title}").format(
            number=project.id, title=shorten(project.title, 50)
        ),
        time_by_day=exports.daily_time(ctx.session, project.id),
        costs_by_day=exports.daily_costs(ctx.session, project.id),
        cap_cents=report.cap_cents,
        window=window,
        plan_cents=sum(forecast.values()) or None,
        award_cents=project.award_cents,
        until=min(ctx.today(), window[1]) if window else ctx.today(),
    )
    words = [
        _(
            "Cumulative spending of #{number} {title}: {total} ({time} of valued agent time, {costs} of costs), "
            "{ratio} of the cap of {cap}."
        ).format(
            number=project.id,
            title=project.title,
            total=format_cents(report.total_cents),
            time=format_cents(report.time_cents),
            costs=format_cents(report.costs_cents),
            ratio=format_percent(report.used_ratio),
            cap=format_cents(report.cap_cents),
        )
    ]
    if window:
        words.append(
            _("PIA window from {start} to {end} (shaded).").format(
                start=format_day(window[0]), end=format_day(window[1])
            )
        )
    if series.plan_cents:
        words.append(_("Plan: {amount} (dashed line).").format(amount=format_cents(series.plan_cents)))
    if project.award_cents is not None:
        words.append(_("PIA awarded: {amount} (dotted line).").format(amount=format_cents(project.award_cents)))
    text = " ".join(words)
    content = spending_chart(series)
    reply = Reply(title=series.title, text=text)
    reply.files.append(_png(f"budget-{project.id}-{project.slug}", content, text))
    return reply


def region_hours_chart(title: str, name: str, rows: list[HoursTotal]) -> Reply:
    """Hours and valued time per project of a region, as bars; the leaders and the total in words."""
    from labbot.exports.charts import ProjectBar, region_chart  # noqa: PLC0415 - see budget_chart

    if not rows:
        return Reply(title=title, text=_("No hours logged yet."))
    bars = [ProjectBar(r.label, r.minutes, r.value_cents) for r in rows[:MAX_BARS]]
    total_minutes = sum(r.minutes for r in rows)
    # Rounded once from the exact sums, as `rapport` does: the same total to the cent.
    total_cents = value_of(sum(r.minute_rate for r in rows))
    leaders = "; ".join(
        f"{r.label}: {format_hours_total(r.minutes)}, {format_cents(r.value_cents)}" for r in rows[:5]
    )
    text = ngettext(
        "{title}: {count} project, {hours} and {value} in all. Most hours: {leaders}.",
        "{title}: {count} projects, {hours} and {value} in all. Most hours: {leaders}.",
        len(rows),
    ).format(
        title=title,
        count=len(rows),
        hours=format_hours_total(total_minutes),
        value=format_cents(total_cents),
        leaders=leaders,
    )
    if len(rows) > MAX_BARS:
        text += " " + _("The chart shows the {shown} projects with the most hours.").format(shown=MAX_BARS)
    reply = Reply(title=title, text=text)
    reply.files.append(_png(name, region_chart(title, bars), text))
    return reply


def indicators_chart_reply(
    title: str, name: str, entries: list[tuple[Indicator, IndicatorMeasure | None]]
) -> Reply:
    """Each indicator against its target; every value, baseline and target also in words."""
    from labbot.exports.charts import IndicatorBar, indicators_chart  # noqa: PLC0415 - see budget_chart

    bars, words = [], []
    for indicator, latest in entries:
        value = latest.value if latest else None
        done = progress(indicator, value)
        bars.append(IndicatorBar(indicator.name, done))
        words.append(
            _("{name}: {value} (baseline {baseline}, target {target}) — {progress}").format(
                name=indicator.name,
                value=value_text(value, indicator.unit),
                baseline=value_text(indicator.baseline, indicator.unit),
                target=value_text(indicator.target, indicator.unit),
                progress=format_percent(done) if done is not None else "—",
            )
        )
    text = "; ".join(words) + "."
    reply = Reply(title=title, text=text)
    reply.files.append(_png(name, indicators_chart(title, bars), text))
    return reply
