"""Whether a project can be filed (`verifier`, `deposer`): the call's criteria, each met or not with what to
do, and warnings that do not block.

Criteria: at least two distinct State services among the team; the seven hallmarks; at least one partner of
the territory involved (a meeting or a co-funding); a funding plan above 0 and at most the cap; a lead.
Warnings: fewer than three partner categories, no co-funding, nobody with a digital or design competence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from labbot.config import BudgetSettings
from labbot.funding import FundingPlan, funding_plan
from labbot.hallmarks import Hallmark, hallmarks_of
from labbot.i18n import _, format_cents
from labbot.storage import funding, indicators, meetings, projects
from labbot.storage.models import Membership, Person, Project
from labbot.vocabulary import PARTNER_CATEGORIES

# Competences that bring digital or design skills to a team (the call insists on both).
DIGITAL_OR_DESIGN = frozenset({"designer", "developpeur", "statisticien"})


@dataclass(frozen=True)
class Criterion:
    """One filing criterion: what it asks, whether it is met, what the project has, and what to do."""

    label: str
    met: bool
    detail: str
    todo: str = ""


@dataclass(frozen=True)
class Readiness:
    """Every criterion and every warning."""

    criteria: list[Criterion]
    warnings: list[str]

    @property
    def passed(self) -> bool:
        """Whether the dossier may be filed."""
        return all(c.met for c in self.criteria)

    @property
    def failing(self) -> list[Criterion]:
        """The criteria not met."""
        return [c for c in self.criteria if not c.met]


def team_services(team: Sequence[tuple[Membership, Person]]) -> list[str]:
    """The distinct State services of the team's members (as first written; case and spaces ignored)."""
    seen: dict[str, str] = {}
    for membership, person in team:
        service = (membership.service or person.service or "").strip()
        if service:
            seen.setdefault(" ".join(service.casefold().split()), service)
    return list(seen.values())


def assess(
    project: Project,
    *,
    team: Sequence[tuple[Membership, Person]],
    marks: Sequence[Hallmark],
    partner_categories: set[str],
    partners_count: int,
    plan: FundingPlan,
) -> Readiness:
    """The readiness of a project from records already read."""
    number = project.id
    services = team_services(team)
    missing_marks = [m for m in marks if not m.met]
    covered = [t.display() for t in PARTNER_CATEGORIES if t.key in partner_categories]
    criteria = [
        Criterion(
            _("At least two State services carry it"),
            len(services) >= 2,
            ", ".join(services) or "—",
            _('an agent of another State service joins: join {number} service:"DDTM"').format(number=number),
        ),
        Criterion(
            _("The seven hallmarks are written"),
            not missing_marks,
            _("{met}/7").format(met=7 - len(missing_marks)),
            "; ".join(f"{m.label}: {m.todo}" for m in missing_marks),
        ),
        Criterion(
            _("At least one partner of the territory is involved"),
            partners_count > 0,
            _("{count}/6 categories: {covered}").format(count=len(covered), covered=", ".join(covered) or "—"),
            _('log a meeting or a co-funding: meeting {number} partenaire:"…" categorie:collectivite').format(
                number=number
            ),
        ),
        Criterion(
            _("A funding plan above 0 and at most the cap"),
            0 < plan.total_cents <= plan.cap_cents,
            _("{total} of {cap}").format(total=format_cents(plan.total_cents), cap=format_cents(plan.cap_cents)),
            _("forecast lines: forecast {number} temps categorie:A heures:300").format(number=number)
            if plan.total_cents <= 0
            else _("remove lines over the cap: forecast {number} delete <n>").format(number=number),
        ),
        Criterion(
            _("A lead is named"),
            project.lead_id is not None,
            "",
            _("name one: edit {number} porteur:@name").format(number=number),
        ),
    ]
    warnings = []
    if len(partner_categories) < 3:
        warnings.append(
            _("Fewer than three partner categories ({count}/6): the call values a wide partnership.").format(
                count=len(partner_categories)
            )
        )
    if plan.cofunding_cents == 0:
        warnings.append(
            _('No co-funding yet: cofunding {number} partenaire:"…" categorie:collectivite montant:…').format(
                number=number
            )
        )
    if not any(m.competence in DIGITAL_OR_DESIGN for m, _person in team):
        warnings.append(
            _("Nobody on the team brings a digital or design competence (designer, developer, statistician).")
        )
    return Readiness(criteria, warnings)


def readiness_of(session: Session, project: Project, rules: BudgetSettings) -> Readiness:
    """The readiness of `project`, read from the database."""
    team = projects.team(session, project.id)
    indicator_names = [i.name for i, _m in indicators.with_latest(session, project.id)]
    marks = hallmarks_of(project, [m.competence for m, _person in team], indicator_names)
    coverage = meetings.coverage(session, project.id)
    cofunders = funding.cofunding_categories(session, project.id)
    plan = funding_plan(session, project, rules)
    partners = sum(coverage.values()) + len(funding.cofundings(session, project.id))
    return assess(
        project,
        team=team,
        marks=marks,
        partner_categories=set(coverage) | cofunders,
        partners_count=partners,
        plan=plan,
    )
