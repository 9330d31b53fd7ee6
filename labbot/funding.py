"""A project's funding plan (forecast) and what the call makes of it.

- The forecast is the sum of the plan's lines: agents' valued time (hours × the category's rate, rounded once
  per line) and costs by nature. It must be above 0 and at most the cap (`[budget] cap`).
- The PIA requested is `pia_share` of the total, rounded half up once, and never more than `pia_share × cap`.
- Partners' co-funding (envisaged and confirmed) comes next; what remains falls to the State services, who
  bring it as their agents' valued time. The plan is unbalanced when that remainder is negative (PIA and
  co-funding pass the total) or more than the time they forecast.
- The award (`decision`) is at most the PIA requested and at most `pia_share × cap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from labbot.budget import pia_share_of
from labbot.config import BudgetSettings
from labbot.i18n import _, format_cents, format_hours_total, format_percent
from labbot.storage import funding
from labbot.storage.models import PlanLine, Project
from labbot.vocabulary import PLAN_NATURES

TIME = "temps"


@dataclass(frozen=True)
class FundingPlan:
    """The forecast by nature and how it is funded."""

    by_nature: dict[str, int]
    cap_cents: int
    pia_ceiling_cents: int
    pia_requested_cents: int
    cofunding_confirmed_cents: int
    cofunding_envisaged_cents: int

    @property
    def total_cents(self) -> int:
        """Everything forecast."""
        return sum(self.by_nature.values())

    @property
    def time_cents(self) -> int:
        """Agents' valued time forecast."""
        return self.by_nature.get(TIME, 0)

    @property
    def cofunding_cents(self) -> int:
        """Partners' co-funding, envisaged and confirmed."""
        return self.cofunding_confirmed_cents + self.cofunding_envisaged_cents

    @property
    def state_cents(self) -> int:
        """What remains for the State services once the PIA and the partners have paid their part."""
        return self.total_cents - self.pia_requested_cents - self.cofunding_cents

    @property
    def over_cap_cents(self) -> int:
        """How much the forecast passes the cap."""
        return max(self.total_cents - self.cap_cents, 0)

    @property
    def state_beyond_time_cents(self) -> int:
        """How much the State services' part passes the time they forecast (0 when covered)."""
        return max(self.state_cents - self.time_cents, 0)


def pia_requested(total_cents: int, rules: BudgetSettings) -> int:
    """The PIA's share of a forecast, at most the share of the cap."""
    return min(pia_share_of(total_cents, rules.pia_share), pia_ceiling(rules))


def pia_ceiling(rules: BudgetSettings) -> int:
    """The most the PIA gives one project: its share of the cap."""
    return pia_share_of(rules.cap_cents, rules.pia_share)


def funding_plan(session: Session, project: Project, rules: BudgetSettings) -> FundingPlan:
    """The project's plan, from its forecast lines and co-funding."""
    by_nature = funding.forecast_by_nature(session, project.id)
    cofunding = funding.cofunding_by_status(session, project.id)
    return FundingPlan(
        by_nature=by_nature,
        cap_cents=rules.cap_cents,
        pia_ceiling_cents=pia_ceiling(rules),
        pia_requested_cents=pia_requested(sum(by_nature.values()), rules),
        cofunding_confirmed_cents=cofunding.get("confirme", 0),
        cofunding_envisaged_cents=cofunding.get("envisage", 0),
    )


def plan_warnings(plan: FundingPlan) -> list[str]:
    """What is wrong with a plan: over the cap, or unbalanced."""
    warnings = []
    if plan.over_cap_cents:
        warnings.append(
            _("⚠ The forecast passes the cap of {cap} by {excess}.").format(
                cap=format_cents(plan.cap_cents), excess=format_cents(plan.over_cap_cents)
            )
        )
    if plan.state_cents < 0:
        warnings.append(
            _("⚠ Unbalanced: the PIA and the partners would pay {excess} more than the forecast.").format(
                excess=format_cents(-plan.state_cents)
            )
        )
    elif plan.state_beyond_time_cents:
        warnings.append(
            _(
                "⚠ Unbalanced: the State services' part ({part}) passes their valued time ({time}) by {excess}; "
                "add co-funding or forecast more time."
            ).format(
                part=format_cents(plan.state_cents),
                time=format_cents(plan.time_cents),
                excess=format_cents(plan.state_beyond_time_cents),
            )
        )
    return warnings


def plan_summary(plan: FundingPlan, share_label: str) -> list[tuple[str, str]]:
    """The plan's figures as label/value pairs: forecast by nature, total, PIA, co-funding, State part."""
    pairs = [
        (PLAN_NATURES.label(kind), format_cents(plan.by_nature[kind]))
        for kind in PLAN_NATURES.codes()
        if kind in plan.by_nature
    ]
    pairs += [
        (
            _("Total forecast"),
            _("{total} of {cap} ({ratio})").format(
                total=format_cents(plan.total_cents),
                cap=format_cents(plan.cap_cents),
                ratio=format_percent(Decimal(plan.total_cents) / plan.cap_cents),
            ),
        ),
        (_("PIA requested ({share})").format(share=share_label), format_cents(plan.pia_requested_cents)),
        (
            _("Partners' co-funding"),
            _("{total} (confirmed {confirmed}, envisaged {envisaged})").format(
                total=format_cents(plan.cofunding_cents),
                confirmed=format_cents(plan.cofunding_confirmed_cents),
                envisaged=format_cents(plan.cofunding_envisaged_cents),
            ),
        ),
        (_("State services (their valued time)"), format_cents(plan.state_cents)),
    ]
    return pairs


def line_rows(lines: list[PlanLine]) -> list[list[str]]:
    """One row per plan line: number, nature, label, detail (hours × category), amount."""
    return [
        [
            str(line.number),
            PLAN_NATURES.label(line.kind),
            line.label,
            f"{format_hours_total(line.minutes)} × {line.category}" if line.minutes is not None else "",
            format_cents(line.amount_cents),
        ]
        for line in lines
    ]


def line_columns() -> list[str]:
    """The headings of `line_rows`."""
    return ["N°", _("Nature"), _("Label"), _("Detail"), _("Amount")]
