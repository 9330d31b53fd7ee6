"""The application dossier: everything the records say about a project, written as .odt and PDF.

`gather` reads the records once; `write_dossier` writes them into any `Document` (the same calls make both
files); `content_digest` fingerprints what the dossier says (not when it was printed), so a card can tell
that a project changed since its dossier was filed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from labbot.config import BudgetSettings
from labbot.documents import Document, Signature
from labbot.evaluation import indicator_columns, indicator_rows
from labbot.funding import FundingPlan, funding_plan, line_columns, line_rows, plan_summary, plan_warnings
from labbot.hallmarks import Hallmark, hallmarks_of
from labbot.i18n import _, current_language, format_cents, format_day, format_duration, format_percent
from labbot.lifecycle import STATUSES
from labbot.readiness import Readiness, assess, team_services
from labbot.storage import funding, indicators, meetings, people, projects
from labbot.storage.models import (
    Cofunding,
    Indicator,
    IndicatorMeasure,
    Membership,
    PartnerMeeting,
    Person,
    PlanLine,
    Project,
)
from labbot.vocabulary import COFUNDING_STATUSES, COMPETENCES, PARTNER_CATEGORIES, REGIONS


@dataclass(frozen=True)
class DossierRecord:
    """What the records say about one project, read once."""

    project: Project
    lead: Person | None
    team: list[tuple[Membership, Person]]
    indicators: list[tuple[Indicator, IndicatorMeasure | None]]
    meetings: list[PartnerMeeting]
    cofundings: list[Cofunding]
    lines: list[PlanLine]
    plan: FundingPlan
    marks: list[Hallmark]
    readiness: Readiness
    pia_share: Decimal


def gather(session: Session, project: Project, rules: BudgetSettings) -> DossierRecord:
    """Read everything the dossier shows (a handful of queries, whatever the project's size)."""
    team = list(projects.team(session, project.id))
    entries = list(indicators.with_latest(session, project.id))
    met = list(meetings.all_of_project(session, project.id))
    cofunders = list(funding.cofundings(session, project.id))
    plan = funding_plan(session, project, rules)
    marks = hallmarks_of(project, [m.competence for m, _person in team], [i.name for i, _m in entries])
    readiness = assess(
        project,
        team=team,
        marks=marks,
        partner_categories={m.category for m in met} | {c.category for c in cofunders},
        partners_count=len(met) + len(cofunders),
        plan=plan,
    )
    lead = people.get(session, project.lead_id) if project.lead_id else None
    return DossierRecord(
        project,
        lead,
        team,
        entries,
        met,
        cofunders,
        list(funding.lines(session, project.id)),
        plan,
        marks,
        readiness,
        rules.pia_share,
    )


def content_digest(record: DossierRecord) -> str:
    """A fingerprint of what the dossier says: same records, same digest, in any language, on any day."""
    project = record.project
    facts = {
        "project": [
            project.title,
            project.region,
            project.summary,
            project.services,
            project.methods,
            project.objective,
            project.indicators,
            project.place,
            project.governance,
            project.portfolio,
            project.lead_id,
        ],
        "team": [[p.id, p.display_name, m.competence, m.service] for m, p in record.team],
        "indicators": [
            [i.number, i.name, i.unit, i.baseline, i.target, str(i.due_on), m.value if m else None]
            for i, m in record.indicators
        ],
        "meetings": [[m.partner, m.category, str(m.held_on), m.minutes, m.notes] for m in record.meetings],
        "cofundings": [[c.partner, c.category, c.amount_cents, c.status] for c in record.cofundings],
        "lines": [[x.number, x.kind, x.label, x.category, x.minutes, x.amount_cents] for x in record.lines],
    }
    canonical = json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Edition:
    """Which dossier is printed: the working one (a draft until the check passes) or a filed version."""

    printed_on: date
    version: int | None = None
    reference: str = ""

    def draft(self, record: DossierRecord) -> bool:
        """A working dossier that does not pass the check is a draft; a filed one never is."""
        return self.version is None and not record.readiness.passed


def dossier_files(record: DossierRecord, edition: Edition, created: datetime) -> tuple[bytes, bytes]:
    """The dossier as (.odt, .pdf), in the current language; `created` fixes the files' metadata."""
    project = record.project
    title = _("Application dossier — {title}").format(title=project.title)
    draft = _("DRAFT") if edition.draft(record) else None
    # Imported here: the writers' libraries are heavy, and only a dossier needs them.
    from labbot.documents.odt import OdtDocument  # noqa: PLC0415
    from labbot.documents.pdf import PdfDocument  # noqa: PLC0415

    lead = record.lead.display_name if record.lead else ""
    made: list[bytes] = []
    for kind in (OdtDocument, PdfDocument):
        document = kind(title=title, author=lead, created=created, draft_label=draft, language=current_language())
        write_dossier(document, record, edition)
        made.append(document.to_bytes())
        # The first document's tree is dropped before the second is built (and fpdf2 imported), so the
        # second reuses its memory instead of adding to the process's peak.
        del document
    return made[0], made[1]


def write_dossier(document: Document, record: DossierRecord, edition: Edition) -> None:
    """Write the whole dossier into `document`."""
    _cover(document, record, edition)
    _team(document, record)
    _hallmarks(document, record)
    _indicators(document, record)
    _partners(document, record)
    _plan(document, record)
    _check(document, record)
    _signatures(document, record)


def _cover(document: Document, record: DossierRecord, edition: Edition) -> None:
    project = record.project
    if edition.version is None:
        version = _("working version, not filed")
    else:
        version = _("version {n}").format(n=edition.version)
        if edition.reference:
            version += f" — {edition.reference}"
    document.cover(
        project.title,
        [
            _("Region: {region}").format(region=REGIONS.label(project.region)),
            _("Lead: {name}").format(name=record.lead.display_name if record.lead else "—"),
            _("Date: {day}").format(day=format_day(edition.printed_on)),
            _("Version: {version}").format(version=version),
            _("Status: {status}").format(status=STATUSES.label(project.status)),
        ],
        subtitle=_("Territorial innovation lab — application dossier"),
    )
    if project.summary:
        document.heading(_("Summary"))
        document.paragraph(project.summary)


def _team(document: Document, record: DossierRecord) -> None:
    document.heading(_("The State services carrying it and the team"))
    services = team_services(record.team)
    declared = [s for s in record.project.services if s.casefold() not in {x.casefold() for x in services}]
    document.paragraph(_("State services of the team: {services}.").format(services=", ".join(services) or "—"))
    if declared:
        document.paragraph(_("Also named at registration: {services}.").format(services=", ".join(declared)))
    rows = [
        [person.display_name, COMPETENCES.label(m.competence), m.service or person.service or "—"]
        for m, person in record.team
    ]
    document.table([_("Name"), _("Competence"), _("State service")], rows, widths=[2, 2, 2])


def _hallmarks(document: Document, record: DossierRecord) -> None:
    document.heading(_("The seven hallmarks of the lab"))
    for index, mark in enumerate(record.marks, start=1):
        document.heading(f"{index}. {mark.label}", level=2)
        document.paragraph(mark.content if mark.content.strip() else _("Not written yet."))


def _indicators(document: Document, record: DossierRecord) -> None:
    document.heading(_("Evaluation indicators"))
    if not record.indicators:
        document.paragraph(_("No indicator defined yet."))
        return
    document.table(
        indicator_columns(),
        indicator_rows(record.indicators),
        widths=[0.5, 3, 1.4, 1.8, 1.8, 1],
        numeric=[0, 2, 3, 4, 5],
    )


def _partners(document: Document, record: DossierRecord) -> None:
    document.heading(_("Partners of the territory"))
    met: dict[str, int] = {}
    for meeting in record.meetings:
        met[meeting.category] = met.get(meeting.category, 0) + 1
    funded: dict[str, int] = {}
    for entry in record.cofundings:
        funded[entry.category] = funded.get(entry.category, 0) + entry.amount_cents
    document.table(
        [_("Category"), _("Meetings"), _("Co-funding")],
        [
            [
                ("✅ " if term.key in met or term.key in funded else "❌ ") + term.display(),
                str(met.get(term.key, 0)),
                format_cents(funded.get(term.key, 0)),
            ]
            for term in PARTNER_CATEGORIES
        ],
        widths=[4, 1, 1.5],
        numeric=[1, 2],
    )
    if record.meetings:
        document.heading(_("Meetings"), level=2)
        document.table(
            [_("Category"), _("Date"), _("Partner"), _("Duration"), _("Notes")],
            [
                [
                    PARTNER_CATEGORIES.label(m.category).split(" (")[0],
                    format_day(m.held_on),
                    m.partner,
                    format_duration(m.minutes) if m.minutes else "—",
                    m.notes,
                ]
                for m in record.meetings
            ],
            widths=[2, 1.1, 2, 0.8, 3],
            numeric=[3],
        )
    if record.cofundings:
        document.heading(_("Co-funding"), level=2)
        document.table(
            [_("Partner"), _("Category"), _("Status"), _("Amount")],
            [
                [
                    c.partner,
                    PARTNER_CATEGORIES.label(c.category).split(" (")[0],
                    COFUNDING_STATUSES.label(c.status),
                    format_cents(c.amount_cents),
                ]
                for c in record.cofundings
            ],
            widths=[2.5, 2.5, 1, 1.3],
            numeric=[3],
            total=[_("Total"), "", "", format_cents(record.plan.cofunding_cents)],
        )


def _plan(document: Document, record: DossierRecord) -> None:
    plan = record.plan
    document.heading(_("Funding plan"))
    if record.lines:
        document.table(
            line_columns(),
            line_rows(record.lines),
            widths=[0.5, 1.6, 3, 1.4, 1.4],
            numeric=[0, 4],
            total=[_("Total"), "", "", "", format_cents(plan.total_cents)],
        )
    else:
        document.paragraph(_("No forecast yet."))
    document.fields(plan_summary(plan, format_percent(record.pia_share)))
    warnings = plan_warnings(plan)
    if warnings:
        document.bullets(warnings)


def _check(document: Document, record: DossierRecord) -> None:
    document.heading(_("Readiness check"))
    rows = [
        [("✅ " if c.met else "❌ ") + c.label, c.detail, "" if c.met else c.todo]
        for c in record.readiness.criteria
    ]
    document.table([_("Criterion"), _("Now"), _("To do")], rows, widths=[2.2, 2, 3])
    if record.readiness.warnings:
        document.bullets(["⚠ " + w for w in record.readiness.warnings])


def _signatures(document: Document, record: DossierRecord) -> None:
    document.heading(_("Signatures"))
    document.signatures(
        [
            Signature(_("The project's lead"), record.lead.display_name if record.lead else ""),
            Signature(_("The regional prefect"), REGIONS.label(record.project.region)),
        ],
        date_label=_("Date"),
        place_label=_("Place"),
    )
