"""The budget rules of the call: one cap over the whole budget, and the PIA's share of the first months.

- The cap (`[budget] cap`, 500 000 €) covers valued agent time **and** cost lines. A cost line that would pass
  it is refused; an hour entry is recorded anyway (time worked is a fact), and what passes the cap is an
  overrun: shown, never funded.
- The PIA window opens on the start the decision set (`decision <ref> retenu … debut:`), else on the
  `en-cours` date, and lasts `pia_window_months` (18); it ends on the same day of
  the month, or on the month's last day when that day does not exist (31/08/2016 → 28/02/2018). The window's
  end is excluded.
- The PIA share is `pia_share` (50 %) of the funded costs inside the window, rounded half up to the cent,
  once; so it is never more than `pia_share × cap`.
- Valued time is Σ(minutes × rate) / 60 over the entries, rounded half up to the cent once per total.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum

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
    # Whether the end fell on a shorter month and moved to its last day (31/08 → 28/02).
    end_clamped: bool = False


class BudgetLevel(IntEnum):
    """How far a budget has gone: each step up is a crossing the coordinators are told of."""

    UNDER = 0
    WARNED = 1  # at or past `warn_ratio` of the cap
    OVER = 2  # past the cap: an overrun


@dataclass(frozen=True)
class BudgetReport:
    """Valued agent time plus cost lines, against the cap, with the PIA share."""

    time_minutes: int
    time_cents: int
    costs_by_kind: dict[str, int]
    cap_cents: int
    warn_ratio: Decimal
    window: PiaWindow | None
    time_minute_rate: int = 0

    def with_hours(self, minutes: int, minute_rate: int) -> BudgetReport:
        """This budget with more (or fewer) hours, without the PIA window (for levels and notes)."""
        total_rate = self.time_minute_rate + minute_rate
        return replace(
            self,
            time_minutes=self.time_minutes + minutes,
            time_cents=hours.value_of(total_rate),
            time_minute_rate=total_rate,
            window=None,
        )

    @property
    def costs_cents(self) -> int:
        """All cost lines."""
        return sum(self.costs_by_kind.values())

    @property
    def total_cents(self) -> int:
        """Time and costs."""
        return self.time_cents + self.costs_cents

    @property
    def funded_cents(self) -> int:
        """What the cap lets count: the total, at most the cap."""
        return min(self.total_cents, self.cap_cents)

    @property
    def overrun_cents(self) -> int:
        """What passes the cap (valued time beyond it): shown, not funded."""
        return max(self.total_cents - self.cap_cents, 0)

    @property
    def used_ratio(self) -> Decimal:
        """The share of the cap used."""
        return Decimal(self.total_cents) / Decimal(self.cap_cents)

    @property
    def near_cap(self) -> bool:
        """Whether the warning threshold is reached."""
        return self.used_ratio >= self.warn_ratio

    @property
    def level(self) -> BudgetLevel:
        """Under the warning threshold, past it, or past the cap."""
        return level_of(self.total_cents, self.cap_cents, self.warn_ratio)


def level_of(total_cents: int, cap_cents: int, warn_ratio: Decimal) -> BudgetLevel:
    """The level of a budget whose total is `total_cents`."""
    if total_cents > cap_cents:
        return BudgetLevel.OVER
    if Decimal(total_cents) >= warn_ratio * cap_cents:
        return BudgetLevel.WARNED
    return BudgetLevel.UNDER


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def pia_share_of(eligible_cents: int, share: Decimal) -> int:
    """The PIA's part of `eligible_cents`, rounded half up to the cent."""
    return int((Decimal(eligible_cents) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def budget_report(session: Session, project: Project, rules: BudgetSettings) -> BudgetReport:
    """The project's budget; the PIA window opens on the awarded start, else on the `en-cours` date."""
    time = hours.project_total(session, project.id)
    by_kind = costs.totals_by_kind(session, project.id)
    report = BudgetReport(
        time.minutes, time.value_cents, by_kind, rules.cap_cents, rules.warn_ratio, None, time.minute_rate
    )
    start = project.award_starts_on or project.started_on
    if not start:
        return report
    end = add_months(start, rules.pia_window_months)
    period = (start, end)
    in_window = hours.project_total(session, project.id, period).value_cents + sum(
        costs.totals_by_kind(session, project.id, period).values()
    )
    # Only what the cap lets count is funded: the window's eligible costs stop at the cap too.
    eligible = min(in_window, report.funded_cents)
    pia = pia_share_of(eligible, rules.pia_share)
    window = PiaWindow(
        start, end, eligible, pia, eligible - pia, report.funded_cents - eligible, end_clamped=end.day != start.day
    )
    return replace(report, window=window)
