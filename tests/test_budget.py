"""Budget and reports: valued time plus costs, the 500 000 € cap, the PIA window, coordinators' tables."""

from __future__ import annotations

import pytest

from tests.conftest import Conversation
from tests.filing_steps import file_and_start


@pytest.fixture
def running(lab: Conversation) -> Conversation:
    """Project #1 under way since 02/01/2017, with hours before and inside the PIA window."""
    lab.ok("alice", "heures 1 4h date:02/06/2016")  # before the window: 200 €
    lab.clock.advance(days=400)
    file_and_start(lab, filed="15/09/2016", decided="15/11/2016", start="02/01/2017")
    lab.ok("alice", "heures 1 10h date:03/01/2017")  # in the window: 500 €
    lab.ok("bruno", "heures 1 2h date:04/01/2017")  # in the window: 70 €
    return lab


def test_only_the_regions_coordinators_and_admins_see_the_budget(running: Conversation) -> None:
    agent = running.say("alice", "budget 1")
    assert not agent.ok
    assert "coordinateur" in agent.text.lower()
    running.ok("hugo", "aide")  # known once they have spoken
    running.ok("sgmap", "role hugo coordinateur region:occitanie")
    other = running.say("hugo", "budget 1")
    assert not other.ok
    assert "Occitanie" in other
    assert running.say("sgmap", "budget 1").ok


def test_budget_shows_time_costs_cap_and_pia_share(running: Conversation) -> None:
    running.ok("claire", 'depense 1 "12 000" type:prestataire libelle:"Agence de design" date:15/01/2017')
    running.ok("claire", "depense 1 1500,50 type:materiel libelle:Mobilier date:20/12/2016")
    said = running.ok("claire", "budget 1")
    assert "770,00 €" in said  # 16 h of valued time
    assert "12 000,00 €" in said
    assert "1 500,50 €" in said
    assert "14 270,50 €" in said  # total
    assert "500 000,00 €" in said
    assert "02/01/2017" in said
    assert "02/07/2018" in said  # 18 months later
    assert "12 570,00 €" in said  # eligible: 500 + 70 + 12 000
    assert "6 285,00 €" in said  # PIA 50 % (and the partners' co-funding)
    assert "1 700,50 €" in said  # outside the window: 200 € of hours + 1 500,50 € of equipment


def test_a_cost_that_passes_the_cap_is_refused_by_how_much(running: Conversation) -> None:
    running.ok("claire", 'depense 1 "399 000" type:prestataire libelle:"Prestations"')
    warned = running.ok("claire", 'depense 1 "1 000" type:autre libelle:"Divers"')
    assert "80" in warned.text
    refused = running.say("claire", 'depense 1 "100 000" type:prestataire libelle:"Trop"')
    assert not refused.ok
    assert "770,00 €" in refused  # 400 770 + 100 000 − 500 000
    assert "Trop" not in running.ok("claire", "budget 1").text


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ('depense 1 douze type:autre libelle:"x"', "montant"),
        ('depense 1 -5 type:autre libelle:"x"', "montant"),
        ('depense 1 12,345 type:autre libelle:"x"', "montant"),
        ('depense 1 100 type:voyage libelle:"x"', "type"),
        ("depense 1 100 type:autre", "libelle"),
    ],
)
def test_bad_cost_lines_name_the_field(running: Conversation, command: str, field: str) -> None:
    said = running.say("claire", command)
    assert not said.ok
    assert field in said
    assert "Exemple" in said


def test_reports_by_agent_month_and_region(running: Conversation) -> None:
    by_agent = running.ok("claire", "rapport 1")
    assert "alice" in by_agent
    assert "14 h" in by_agent
    assert "700,00 €" in by_agent
    by_month = running.ok("claire", "rapport 1 par:mois")
    assert "2016-06" in by_month
    assert "2017-01" in by_month
    region = running.ok("claire", "rapport")
    assert "Lab Bretagne" in region
    assert "770,00 €" in region
    assert not running.say("alice", "rapport 1").ok
