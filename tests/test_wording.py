"""French and English that read well: plurals, one duration format, hints as sentences of their own, valid
values listed, help for every verb, examples never in the past, English replies wholly English."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from labbot.clock import PARIS
from labbot.storage.models import Announcement
from tests.conftest import Conversation


def test_recipients_are_counted_with_plurals(lab: Conversation) -> None:
    preview = lab.ok("sgmap", 'annonce "Dépôt le 30/09" projet:1')
    assert "2 personnes, 0 canal" in preview  # French: 0 and 1 take the singular
    assert "0 canaux" not in preview.text
    lab.ok("alice", "inscription decouverte")
    assert "1 personne, 0 canal" in lab.ok("sgmap", 'annonce "Rappel" evenement:decouverte')
    english = lab.ok("sgmap", 'announce "Reminder" event:decouverte', lang="en")
    assert "1 person, 0 channels" in english
    confirmed = lab.ok("sgmap", "annonce confirmer 2")
    assert "1 personne et 0 canal" not in confirmed.text
    assert "1 personne, 0 canal" in confirmed


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("3 h 30", "3 h 30"), ("2 h", "2 h"), ("45 min", "45 min"), ("9h15", "9 h 15"), ("45min", "45 min")],
)
def test_durations_are_read_with_or_without_spaces_and_shown_one_way(
    lab: Conversation, typed: str, shown: str
) -> None:
    said = lab.ok("alice", f"heures 1 {typed} date:02/06/2016")
    assert f"Saisie 1 enregistrée : {shown} sur #1" in said
    assert shown in lab.ok("alice", "mesheures mois:2016-06")
    assert f"({shown})" in lab.ok("claire", "budget 1")
    report = lab.ok("claire", "rapport 1 par:agent")
    assert shown in report
    assert not any(unit in report.text for unit in (",2 h", ",5 h", "h30", "45min"))


def test_a_total_of_nine_hours_fifteen_is_never_nine_point_two(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 9h15 date:02/06/2016")
    for command in ("rapport 1 par:agent", "rapport 1 par:mois", "budget 1"):
        said = lab.ok("claire", command)
        assert "9 h 15" in said, command
        assert "9,2" not in said.text


def test_a_hint_and_the_example_are_separate_sentences(lab: Conversation) -> None:
    said = lab.say("alice", "projet 1 Bretagne")
    lines = said.text.splitlines()
    assert lines[0] == "Mot inattendu : « Bretagne »."
    assert lines[1] == '· Mettez entre guillemets les valeurs contenant des espaces : titre:"Lab Bretagne"'
    assert lines[2] == "· Exemple : projet 1"


@pytest.mark.parametrize(
    ("user", "command", "listed"),
    [
        ("claire", "rapport 1 par:semaine", "agent, mois, projet"),
        ("alice", "profil langue:de", "fr, en"),
        ("claire", "profil alice categorie:D", "A+, A, B, C"),
        ("alice", "rappels peutetre", "on, off"),
        ("alice", "supprimer abc", "de 1 à 2 147 483 647"),
        ("bruno", 'appui 1 type:juridique "Un avis"', "technique, methodologique, valorisation"),
        ("claire", "statut 1 termine", "en-preparation"),
        ("alice", "question", "texte : valeur manquante"),
    ],
)
def test_every_invalid_value_lists_the_valid_ones(lab: Conversation, user: str, command: str, listed: str) -> None:
    said = lab.say(user, command)
    assert not said.ok
    assert listed in said
    assert "valeur non valide" not in said.text
    assert "n'est pas valide" not in said.text
    assert "month" not in said.text  # French readers see the French values only


@pytest.mark.parametrize(
    ("user", "command", "listed", "french"),
    [
        ("claire", "report 1 by:week", "agent, month, project", "mois"),
        ("alice", "reminders maybe", "on, off", "peutetre"),
        # Vocabularies: the English words a reader types, not the stored French keys.
        ("bruno", 'support 1 type:legal "An opinion"', "technical, methodological, promotion", "methodologique"),
        ("claire", "forecast 1 painting 10", "time, contractor, equipment, other, delete", "prestataire"),
        ("claire", "status 1 completed", "Possible next statuses: in-preparation", "en-preparation"),
        ("sgmap", "grant alice boss", "agent, coordinator, admin", "coordinateur"),
        # A missing argument is named by the key an English reader types.
        ("alice", "ask", "text is missing", "texte"),
    ],
)
def test_english_invalid_values_list_the_english_ones(
    lab: Conversation, user: str, command: str, listed: str, french: str
) -> None:
    said = lab.say(user, command, lang="en")
    assert not said.ok
    assert listed in said
    assert french not in said.text


@pytest.mark.parametrize(
    ("user", "command", "french"),
    [
        ("alice", "faq", 'question "'),
        ("alice", "check 1", "verifier"),
        ("alice", "check 1", "deposer"),
        ("alice", "application 1", "dossier 1"),
        ("claire", "indicators 1", "indicateur 1"),
        ("claire", "forecast 1", "prevision 1"),
        ("claire", "cofunding 1", "cofinancement 1"),
        ("alice", "erase-my-data", "type: effacer-mes-donnees"),
        ("alice", "help report", "mois"),
        ("alice", "help decision", "retenu"),
        ("alice", "help erase-my-data", "confirmer"),
        ("sgmap", "support-requests", "appui"),
        ("alice", "help forecast", "supprimer"),
        ("alice", "help export", "inscrits"),
        ("claire", "export projects 1", "projets"),
        ("alice", "forecast 1 painting 10", "supprimer"),
    ],
)
def test_english_replies_of_newer_commands_name_english_verbs(
    lab: Conversation, user: str, command: str, french: str
) -> None:
    said = lab.say(user, command, lang="en")
    assert french not in said.text, said.text


@pytest.mark.parametrize("command", ['annonce ""', "annonce “ ”", 'annonce "   " a:tous'])
def test_an_empty_announcement_is_refused(lab: Conversation, command: str) -> None:
    said = lab.say("sgmap", command)
    assert not said.ok
    assert "texte" in said
    with lab.app.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Announcement)) == 0


def test_help_for_publier_and_share(lab: Conversation) -> None:
    said = lab.ok("alice", "aide publier")
    assert "publier <commande>" in said
    assert "publier projet 1" in said
    english = lab.ok("alice", "help share", lang="en")
    assert "share <command>" in english
    assert "share project 1" in english


def test_help_for_status_lists_the_statuses(lab: Conversation) -> None:
    said = lab.ok("alice", "aide statut")
    for status in ("idee", "en-preparation", "depose", "retenu", "non-retenu", "en-cours", "termine"):
        assert status in said


def test_examples_that_must_be_in_the_future_never_are_in_the_past(lab: Conversation) -> None:
    lab.clock.moment = datetime(2031, 3, 5, 10, 0, tzinfo=PARIS)
    for command in ("aide annonce", "aide evenement"):
        example = next(line for line in lab.ok("sgmap", command).text.splitlines() if line.startswith("Exemple"))
        assert "04/04/2031" in example, example  # thirty days ahead of the clock
    refused = lab.say("sgmap", 'annonce "x" quand:"01/01/2020 09:00"')
    assert "demain 09:30" in refused
    example = refused.text.split("Exemple : ", 1)[1]
    lab.ok("sgmap", example)  # the example given is one that is accepted


def test_english_help_uses_english_keys_and_verbs(lab: Conversation) -> None:
    said = lab.ok("alice", "help hours", lang="en")
    assert "hours <project> <duration> [date:…] [activity:…]" in said
    assert 'activity:"User workshop"' in said
    assert "aujourd'hui" not in said.text
    overview = lab.ok("alice", "help", lang="en")
    assert "“help <command>”" in overview
    assert "profile category:A" in overview
    assert "aide" not in overview.text


@pytest.mark.parametrize(
    ("user", "command", "french"),
    [
        ("claire", "budget 1", "statut <n>"),
        ("alice", "myhours", "corriger"),
        ("bruno", "hours 2 1h", "rejoindre"),
        ("alice", "frobnicate", "“aide”"),
        ("alice", 'announce "x"', "command role"),
        ("alice", "projects status:termine", "with: idee"),
        ("claire", "remove 1 @alice", "modifier 1"),
        ("alice", 'announce "x"', "“annonce”"),
    ],
)
def test_english_replies_carry_no_french_verbs(lab: Conversation, user: str, command: str, french: str) -> None:
    lab.ok("alice", 'idee "Lab Normandie" region:normandie services:"DREAL, DDTM"')
    lab.ok("alice", "heures 1 1h")
    said = lab.say(user, command, lang="en")
    assert french not in said.text, said.text


def test_choosing_english_is_answered_in_english(lab: Conversation) -> None:
    said = lab.ok("alice", "profil langue:en")
    assert "Language: English" in said
    assert "Langue" not in said.text
    back = lab.ok("alice", "profile language:fr")
    assert "Langue : français" in back
