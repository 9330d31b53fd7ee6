"""Project ideas end to end through the console: register, list, card, join, edit, lifecycle."""

from __future__ import annotations

from tests.conftest import Conversation
from tests.filing_steps import file_and_start


def test_register_an_idea_shows_its_card_and_warns_about_a_single_service(bot: Conversation) -> None:
    said = bot.ok(
        "alice", 'idee "Lab Bretagne" region:Bretagne services:"DREAL, DDTM" methodes:"design, open data"'
    )
    assert "Idée n° 1 enregistrée" in said or "#1" in said.text
    assert "Lab Bretagne" in said
    assert "Bretagne" in said
    assert "design de services" in said
    assert "moins de deux services" in said


def test_a_second_agent_from_another_service_clears_the_warning(lab: Conversation) -> None:
    card = lab.ok("alice", "projet 1")
    assert "bruno" in card
    assert "moins de deux services" not in card
    assert lab.sent_to("alice") == [] or any("bruno" in text for text in lab.sent_to("alice"))


def test_joining_twice_is_refused_and_writes_nothing(lab: Conversation) -> None:
    said = lab.say("bruno", "rejoindre 1")
    assert not said.ok
    assert "déjà" in said


def test_unknown_region_names_the_field_and_shows_an_example(bot: Conversation) -> None:
    said = bot.say("alice", 'idee "Lab Paris" region:paris services:"DRIEA"')
    assert not said.ok
    assert "region" in said
    assert "Exemple" in said
    assert 'idee "Lab Bretagne"' in said
    assert "Aucun projet" in bot.say("alice", "projets").text


def test_missing_services_is_refused(bot: Conversation) -> None:
    said = bot.say("alice", 'idee "Lab sans services" region:bretagne')
    assert not said.ok
    assert "services" in said


def test_old_region_names_of_2016_are_understood(bot: Conversation) -> None:
    said = bot.ok("alice", 'idee "LabACAL" region:"Alsace-Champagne-Ardenne-Lorraine" services:"DREAL, DIRECCTE"')
    assert "Grand Est" in said


def test_list_and_filter_projects(lab: Conversation) -> None:
    lab.ok("hugo", 'idee "LabOc" region:occitanie services:"DRAAF, DIRECCTE"')
    listing = lab.ok("alice", "projets")
    assert "Lab Bretagne" in listing
    assert "LabOc" in listing
    only = lab.ok("alice", "projects region:occitanie")
    assert "LabOc" in only
    assert "Lab Bretagne" not in only
    assert "LabOc" not in lab.ok("alice", "projets statut:en-preparation").text


def test_project_by_slug_and_hash_number(lab: Conversation) -> None:
    assert "Lab Bretagne" in lab.ok("bruno", "projet lab-bretagne")
    assert "Lab Bretagne" in lab.ok("bruno", "projet #1")
    missing = lab.say("bruno", "projet 42")
    assert not missing.ok
    assert "42" in missing


def test_hallmarks_fill_in_as_the_team_edits(lab: Conversation) -> None:
    before = lab.ok("alice", "projet 1").text
    assert before.count("⬜") >= 4
    lab.ok(
        "bruno",
        'modifier 1 objectif:"Simplifier" indicateurs:"délais" lieu:"Tiers-lieu" '
        'gouvernance:"Comité" projets:"Guichet"',
    )
    assert "⬜ Un dispositif d'évaluation" in lab.ok("alice", "projet 1").text  # an indicator is still missing
    lab.ok("bruno", 'indicateur 1 "Délai de traitement"')
    after = lab.ok("alice", "projet 1").text
    assert after.count("⬜") == 0
    assert "✅ Un lieu ouvert : Tiers-lieu" in after
    outsider = lab.say("zoe", 'modifier 1 objectif:"Autre chose"')
    assert not outsider.ok


def test_lifecycle_follows_the_call_and_records_dates(lab: Conversation) -> None:
    lab.ok("alice", "statut 1 en-preparation")
    refused = lab.say("alice", "deposer 1 date:15/06/2016")
    assert not refused.ok
    assert "coordinat" in refused.text.lower()
    skip = lab.say("claire", "statut 1 en-cours")
    assert not skip.ok
    assert "depose" in skip
    lab.clock.advance(days=200)
    file_and_start(lab, filed="15/09/2016", decided="15/11/2016", start="02/01/2017", from_idea=False)
    card = lab.ok("claire", "projet 1")
    assert "02/01/2017" in card
    assert "15/09/2016" in card


def test_english_aliases_and_replies(lab: Conversation) -> None:
    lab.ok("dave", "profile langue:en")
    said = lab.ok("dave", "project 1")
    assert "Brittany" in said
    assert "Team" in said
