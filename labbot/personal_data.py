"""A person's data as they may ask for it (RGPD, article 15): a JSON file for machines, a workbook for people."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from labbot.exports.tables import Cell, Column, Kind, Sheet, Workbook
from labbot.i18n import _
from labbot.storage import personal
from labbot.storage.models import Person


def pseudonym(person: Person) -> str:
    """What an erased person's hours and costs are attributed to: `agent n°123`."""
    return f"agent n°{person.id}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def personal_record(session: Session, person: Person) -> dict[str, Any]:
    """Everything labbot holds about `person`, section by section."""
    return {
        "profile": _row(
            person,
            (
                "id",
                "display_name",
                "email",
                "language",
                "role",
                "region",
                "service",
                "category",
                "hourly_rate_cents",
                "reminders_muted",
                "created_at",
            ),
        ),
        "accounts": [_row(i, ("platform", "external_id", "username")) for i in person.identities],
        "teams": [
            {"project_id": m.project_id, "project": title, **_row(m, ("competence", "service", "joined_at"))}
            for m, title in personal.memberships(session, person.id)
        ],
        "hours": [
            {
                "project": title,
                **_row(
                    e,
                    (
                        "id",
                        "project_id",
                        "worked_on",
                        "minutes",
                        "rate_cents",
                        "activity",
                        "created_at",
                        "updated_at",
                    ),
                ),
            }
            for e, title in personal.hour_entries(session, person.id)
        ],
        "meetings_logged": [
            _row(m, ("id", "project_id", "partner", "category", "held_on", "minutes", "notes", "created_at"))
            for m in personal.meetings_logged(session, person.id)
        ],
        "signups": [
            {"event": title, **_row(s, ("event_id", "project_id", "state", "created_at", "cancelled_at"))}
            for s, title in personal.signups(session, person.id)
        ],
        "messages_received": [
            {
                "kind": message.kind,
                **_row(d, ("platform", "state", "sent_at")),
                "queued_at": _plain(message.created_at),
            }
            for d, message in personal.messages_received(session, person.id)
        ],
        "questions": [
            _row(q, ("id", "text", "state", "answer", "created_at"))
            for q in personal.questions(session, person.id)
        ],
        "audit": [
            _row(a, ("at", "actor_id", "entity", "entity_id", "action", "before", "after"))
            for a in personal.audit_entries(session, person.id)
        ],
    }


def record_json(record: dict[str, Any]) -> bytes:
    """The record as indented UTF-8 JSON."""
    return json.dumps(record, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _titles() -> dict[str, str]:
    return {
        "profile": _("Profile"),
        "accounts": _("Accounts"),
        "teams": _("Teams"),
        "hours": _("Hours"),
        "meetings_logged": _("Meetings logged"),
        "signups": _("Signups"),
        "messages_received": _("Messages received"),
        "questions": _("Questions"),
        "audit": _("Audit trail"),
    }


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | date | datetime):
        return value if not isinstance(value, bool) else str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def record_sheets(record: dict[str, Any]) -> list[Sheet]:
    """One sheet per section; values as stored (ISO dates, cents, minutes), column names as in the JSON."""
    sheets = []
    for key, title in _titles().items():
        section = record[key]
        rows = [section] if isinstance(section, dict) else list(section)
        names = list(rows[0]) if rows else ["—"]
        columns = [Column(name, name, Kind.TEXT, 18) for name in names]
        body = [[_cell(row.get(name)) for name in names] for row in rows]
        sheets.append(Sheet(title, columns, body))
    return sheets


def record_workbook(record: dict[str, Any], metadata: list[tuple[str, str]]) -> Workbook:
    """The record as a workbook."""
    return Workbook(_("Your data in labbot"), record_sheets(record), metadata)
