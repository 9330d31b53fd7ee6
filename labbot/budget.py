"""The budget rules of the call: a cap, and the PIA's share of the costs of the first months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from labbot.config import BudgetSettings
from labbot.storage import costs, hours
from labbot.storage.models import Project


@dataclass(frozen=True)
class PiaWindow:
    """The months the PIA funds, from the start of the project (`en-cours`)."""

    start: date
    end: date  # exclusive
    eligible_cents: int
    pia_cents: int
    cofunding_cents: int
    outside_cents: int


@dataclass(frozen=True)
class BudgetReport:
    """Valued agent time plus cost lines, against the cap, with the PIA share."""

    time_minutes: int
    time_cents: int
    costs_by_kind: dict[str, int]
    cap_cents: int
    warn_ratio: Decimal
    window: PiaWindow | None

    @property
    def costs_cents(self) -> int:
        """All cost lines."""
        return sum(self.costs_by_kind.values())

    @property
    def total_cents(self) -> int:
        """Time and costs."""
        return self.time_cents + self.costs_cents

    @property
    def used_ratio(self) -> Decimal:
        """The share of the cap used."""
        return Decimal(self.total_cents) / Decimal(self.cap_cents)

    @property
    def near_cap(self) -> bool:
        """Whether the warning threshold is reached."""
        return self.used_ratio >= self.warn_ratio


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's end)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def budget_report(session: Session, project: Project, rules: BudgetSettings) -> BudgetReport:
    """The project's budget; the PIA window opens on the `en-cours` start date."""
    time = hours.total(session, *hours.for_project(project.id))
    by_kind = costs.totals_by_kind(session, project.id)
    window = None
    if project.started_on:
        start, end = project.started_on, add_months(project.started_on, rules.pia_window_months)
        in_window = hours.total(session, *hours.for_project(project.id, start, end)).value_cents + sum(
            costs.totals_by_kind(session, project.id, start, end).values()
        )
        pia = int((Decimal(in_window) * rules.pia_share).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        window = PiaWindow(
            start, end, in_window, pia, in_window - pia, time.value_cents + sum(by_kind.values()) - in_window
        )
    return BudgetReport(time.minutes, time.value_cents, by_kind, rules.cap_cents, rules.warn_ratio, window)
