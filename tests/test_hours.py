"""Agents' hours end to end: log, list with totals, correct, delete, valuation, and every bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from labbot.storage.models import AuditEntry, HourEntry
from tests.conftest import Conversation


def hour_rows(bot: Conversation) -> int:
    with bot.app.database.transaction() as session:
        return int(session.scalar(select(func.count(HourEntry.id))) or 0)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("3h30", "3 h 30"),
        ("3 h 30", "3 h 30"),
        ("3h", "3 h"),
        ("2 h", "2 h"),
        ("3,5h", "3 h 30"),
        ("3.5", "3 h 30"),
        ("90min", "1 h 30"),
        ("45 min", "45 min"),
        ("1:30", "1 h 30"),
    ],
)
def test_every_duration_form_is_understood(lab: Conversation, typed: str, shown: str) -> None:
    said = lab.ok("alice", f"heures 1 {typed} date:02/06/2016")
    assert shown in said
    assert "02/06/2016" in said


def test_hours_are_valued_at_the_category_rate(lab: Conversation) -> None:
    said = lab.ok("alice", "heures 1 3h30 date:hier")  # category A: 50 €/h in the defaults
    assert "175,00 €" in said
    assert "09/06/2016" in said
    assert "52,50 €" in lab.ok("bruno", "heures 1 1h30")  # category B: 35 €/h, today by default


def test_a_rate_set_by_a_coordinator_overrides_the_category(lab: Conversation) -> None:
    refused = lab.say("alice", "profil taux:90")
    assert not refused.ok
    lab.ok("claire", "profil alice taux:60")
    assert "60,00 €" in lab.ok("alice", "heures 1 1h")


def test_my_hours_lists_entries_with_week_and_month_totals(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 3h30 date:01/06/2016")
    lab.ok("alice", 'heures 1 2h date:08/06/2016 activite:"Atelier usagers"')
    lab.ok("alice", "heures 1 1h date:today")
    said = lab.ok("alice", "mesheures")
    assert "Atelier usagers" in said
    assert "Semaine 22" in said  # 1 June 2016 is in ISO week 22
    assert "Semaine 23" in said
    assert "6 h 30" in said  # one way to show durations, totals included (never "6,5 h")
    assert "325,00 €" in said
    assert "Atelier" not in lab.ok("alice", "mesheures mois:2016-05").text


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("heures 1 3x", "duree"),
        ("heures 1 0h", "duree"),
        ("heures 1 -2h", "duree"),
        ("heures 1 25h", "duree"),
        ("heures 1 2h date:31/02/2016", "date"),
        ("heures 1 2h date:demain", "date"),
        ("heures 1 2h date:2016-13-01", "date"),
        ("heures 1", "duree"),
        ("heures 1 2h couleur:bleu", "couleur"),
        (f"heures 1 2h activite:{'x' * 201}", "activite"),
    ],
)
def test_bad_input_names_the_field_shows_an_example_and_writes_nothing(
    lab: Conversation, command: str, field: str
) -> None:
    said = lab.say("alice", command)
    assert not said.ok
    assert field in said
    assert "Exemple : heures 1 3h30" in said
    assert hour_rows(lab) == 0


def test_a_day_cannot_hold_more_than_24_hours(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 20h date:02/06/2016")
    said = lab.say("alice", "heures 1 5h date:02/06/2016")
    assert not said.ok
    assert "24" in said
    assert hour_rows(lab) == 1


def test_future_dates_and_outsiders_are_refused(lab: Conversation) -> None:
    assert not lab.say("alice", "heures 1 2h date:11/06/2016").ok
    outsider = lab.say("zoe", "heures 1 2h")
    assert not outsider.ok
    assert "rejoindre 1" in outsider
    assert not lab.say("alice", "heures 9 2h").ok
    assert hour_rows(lab) == 0


def test_correct_and_delete_own_entries_with_an_audit_trail(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 3h date:02/06/2016")
    assert not lab.say("bruno", "corriger 1 duree:1h").ok
    assert not lab.say("bruno", "supprimer 1").ok
    assert "2 h 30" in lab.ok("alice", "corriger 1 duree:2h30")
    assert not lab.say("alice", "corriger 1").ok
    lab.ok("alice", "supprimer 1")
    assert hour_rows(lab) == 0
    with lab.app.database.transaction() as session:
        trail = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "hours").order_by(AuditEntry.id)
        ).all()
        assert [entry.action for entry in trail] == ["create", "update", "delete"]
        assert trail[1].before is not None
        assert trail[1].before["minutes"] == 180
        assert trail[1].after is not None
        assert trail[1].after["minutes"] == 150


def test_english_speakers_get_english_replies(lab: Conversation) -> None:
    said = lab.say("alice", "hours 1 3x", lang="en")
    assert "is not a duration" in said
    assert "Example: hours 1 3h30" in said
