"""Inputs that once crashed the database (out-of-range numbers, NUL bytes, lone surrogates) are refused, on
SQLite and PostgreSQL, and nothing is written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from labbot.messages import Outcome, Request
from labbot.storage.models import HourEntry, Person, Project
from tests.conftest import Conversation


def _count(bot: Conversation, model: type[object]) -> int:
    with bot.app.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    "command",
    [
        "supprimer 9999999999",
        "supprimer 2147483648",
        "corriger 3000000000 duree:2h",
        "corriger numero:99999999999999 duree:2h",
        "supprimer 0",
        "supprimer -1",
        "supprimer abc",
    ],
)
def test_entry_numbers_out_of_range_are_refused_naming_the_range(lab: Conversation, command: str) -> None:
    lab.ok("alice", "heures 1 2h")
    said = lab.say("alice", command)
    assert said.outcome is Outcome.REFUSED, said.text
    assert "numero" in said.text
    assert "de 1 à 2 147 483 647" in said.text
    assert "Exemple" in said.text
    assert _count(lab, HourEntry) == 1


def test_the_largest_entry_number_is_looked_up_and_not_found(lab: Conversation) -> None:
    said = lab.say("alice", "supprimer 2147483647")
    assert said.outcome is Outcome.REFUSED
    assert "2147483647" in said.text


def test_an_amount_too_large_to_store_is_refused(lab: Conversation) -> None:
    said = lab.say("claire", 'depense 1 "10 000 000" type:autre libelle:"Salle"')
    assert said.outcome is Outcome.REFUSED
    assert "trop élevé (au plus 9 999 999,99 €)" in said.text


@pytest.mark.parametrize(
    "command",
    [
        'idee "Lab\x00 Bretagne" region:bretagne services:"DREAL, DDTM"',
        'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM" resume:"a\x00b"',
        "heures 1 2h activite:\x00",
        'idee "Lab \ud800 Bretagne" region:bretagne services:"DREAL, DDTM"',
        "heures 1 2h activite:\udfff",
    ],
)
def test_nul_bytes_and_lone_surrogates_are_refused_and_nothing_written(lab: Conversation, command: str) -> None:
    said = lab.say("alice", command)
    assert said.outcome is Outcome.REFUSED, said.text
    assert "caractère" in said.text
    assert not any(character in said.text for character in ("\x00", "\ud800", "\udfff"))
    assert (_count(lab, Project), _count(lab, HourEntry)) == (1, 0)


def test_a_lone_surrogate_from_a_json_payload_is_refused_in_english(lab: Conversation) -> None:
    # What a platform's JSON body may carry: `\ud83d` alone is valid JSON and a lone surrogate in Python.
    payload = json.loads('{"user_id": "u1", "text": "idee \\"Lab \\ud83d\\" region:bretagne services:A"}')
    reply = lab.app.bot.handle(
        Request(platform="mattermost", user_id=payload["user_id"], text=payload["text"], locale="en")
    )
    assert reply.outcome is Outcome.REFUSED
    assert "character that cannot be kept" in reply.text
    assert (_count(lab, Project), _count(lab, Person)) == (1, 4)


def test_a_nul_byte_in_a_display_name_is_refused_before_anyone_is_created(lab: Conversation) -> None:
    reply = lab.app.bot.handle(Request(platform="mattermost", user_id="u2", text="aide", display_name="Zo\x00é"))
    assert reply.outcome is Outcome.REFUSED
    assert _count(lab, Person) == 4


def test_a_nul_byte_in_a_form_answer_is_refused_and_nothing_written(lab: Conversation) -> None:
    answers = {"projet": "1", "duree": "2h", "activite": "Atelier\x00"}
    reply = lab.app.bot.handle(Request(platform="console", user_id="alice", text="heures", arguments=answers))
    assert reply.outcome is Outcome.REFUSED
    assert "cannot be kept" in reply.text or "ne peut pas être conservé" in reply.text
    assert _count(lab, HourEntry) == 0
    fine = lab.app.bot.handle(
        Request(platform="console", user_id="alice", text="heures", arguments={**answers, "activite": "Atelier"})
    )
    assert fine.outcome is Outcome.DONE
