"""Telling people when a budget crosses the warning threshold or the cap.

The author of the change reads it in their reply; the region's coordinators get one message per crossing,
queued in the command's own transaction (the outbox), so it is sent once the change is kept, and never if
it is not.
"""

from __future__ import annotations

from labbot.budget import BudgetLevel, BudgetReport
from labbot.context import CommandContext
from labbot.i18n import _, format_cents, format_percent
from labbot.messages import Reply
from labbot.storage import people
from labbot.storage.models import Project


def crossing_note(report: BudgetReport) -> str:
    """What the budget's level means, for the author of the change."""
    if report.level is BudgetLevel.OVER:
        return _("⚠ The budget passes the cap of {cap}: overrun of {overrun}, not funded.").format(
            cap=format_cents(report.cap_cents), overrun=format_cents(report.overrun_cents)
        )
    return _("⚠ The budget has reached {ratio} of the cap.").format(ratio=format_percent(report.used_ratio))


def tell_crossing(ctx: CommandContext, project: Project, before: BudgetLevel, after: BudgetReport) -> str | None:
    """When `after` is a level above `before`, notify the region's coordinators and return the author's note."""
    if after.level <= before:
        return None
    for coordinator in people.coordinators(ctx.session, project.region):
        ctx.notify(
            coordinator,
            lambda: Reply(
                title=_("Budget of #{number} {title}").format(number=project.id, title=project.title),
                text=crossing_note(after),
                notes=[_("Details: budget {number}").format(number=project.id)],
            ),
        )
    return crossing_note(after)
