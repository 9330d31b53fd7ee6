"""Exports that are lists: projects, a project's partner meetings, an event's attendees and waiting list."""

from __future__ import annotations

from collections.abc import Sequence

from labbot.exports.tables import Cell, Column, Kind, Sheet
from labbot.i18n import _
from labbot.lifecycle import STATUSES
from labbot.states import SignupState
from labbot.storage.models import PartnerMeeting, Person, Project, Signup
from labbot.vocabulary import PARTNER_CATEGORIES, REGIONS


def projects_sheet(rows: Sequence[tuple[Project, str, int]]) -> Sheet:
    """The projects' public card: number, title, region, status, dates, lead and team size."""
    columns = [
        Column("#", "numero", Kind.INTEGER, 6),
        Column(_("Title"), "titre", Kind.TEXT, 40),
        Column(_("Region"), "region", Kind.TEXT, 22),
        Column(_("Status"), "statut", Kind.TEXT, 18),
        Column(_("Filed"), "depose_le", Kind.DATE, 12),
        Column(_("Decided"), "decide_le", Kind.DATE, 12),
        Column(_("Started"), "demarre_le", Kind.DATE, 12),
        Column(_("Ended"), "termine_le", Kind.DATE, 12),
        Column(_("Lead"), "porteur", Kind.TEXT, 24),
        Column(_("Team"), "equipe", Kind.INTEGER, 8),
    ]
    body: list[list[Cell]] = [
        [
            p.id,
            p.title,
            REGIONS.label(p.region),
            STATUSES.label(p.status),
            p.filed_on,
            p.decided_on,
            p.started_on,
            p.ended_on,
            lead,
            size,
        ]
        for p, lead, size in rows
    ]
    return Sheet(_("Projects"), columns, body)


def meetings_sheet(rows: Sequence[tuple[PartnerMeeting, str]]) -> Sheet:
    """A project's partner meetings, oldest first."""
    columns = [
        Column(_("Date"), "date", Kind.DATE, 12),
        Column(_("Partner"), "partenaire", Kind.TEXT, 30),
        Column(_("Category"), "categorie", Kind.TEXT, 22),
        Column(_("Duration"), "duree_minutes", Kind.MINUTES, 10),
        Column(_("Logged by"), "saisi_par", Kind.TEXT, 22),
        Column(_("Notes"), "notes", Kind.TEXT, 50),
    ]
    body: list[list[Cell]] = [
        [m.held_on, m.partner, PARTNER_CATEGORIES.label(m.category), m.minutes, by, m.notes] for m, by in rows
    ]
    return Sheet(_("Partners"), columns, body)


def attendee_columns() -> list[Column]:
    """Who comes: name, service, region, project, state (with the place in the queue), signed up when."""
    return [
        Column(_("Name"), "nom", Kind.TEXT, 26),
        Column(_("Service"), "service", Kind.TEXT, 26),
        Column(_("Region"), "region", Kind.TEXT, 20),
        Column(_("Project"), "projet", Kind.TEXT, 8),
        Column(_("State"), "etat", Kind.TEXT, 16),
        Column(_("Signed up"), "inscrit_le", Kind.MOMENT, 17),
    ]


def attendee_rows(rows: Sequence[tuple[Signup, Person]]) -> list[list[Cell]]:
    """Registered people, then the waiting list in order."""
    body: list[list[Cell]] = []
    position = 0
    for signup, person in rows:
        position += signup.state == SignupState.WAITING
        state = _("registered") if signup.state == SignupState.REGISTERED else _("waiting #{n}").format(n=position)
        body.append(
            [
                person.display_name,
                person.service or "",
                REGIONS.label(person.region) if person.region else "",
                f"#{signup.project_id}" if signup.project_id else "",
                state,
                signup.created_at,
            ]
        )
    return body


def attendees_sheet(rows: Sequence[tuple[Signup, Person]]) -> Sheet:
    """The attendees sheet."""
    return Sheet(_("Attendees"), attendee_columns(), attendee_rows(rows))
