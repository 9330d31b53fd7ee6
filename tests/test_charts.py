"""Charts: PNG files read back with Pillow (size, mode), their text alternative against the chat's figures."""

from __future__ import annotations

from PIL import Image

from tests.conftest import Conversation
from tests.filing_steps import file_and_start


def test_budget_chart_is_a_png_with_the_figures_in_words(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 4h date:02/06/2016")
    lab.clock.advance(days=400)
    file_and_start(lab, filed="15/09/2016", decided="15/11/2016", start="02/01/2017")
    lab.ok("claire", 'depense 1 "12 000" type:prestataire libelle:"Agence de design" date:15/01/2017')
    chat = lab.ok("claire", "budget 1")
    said = lab.ok("claire", "budget 1 graphique")
    [path] = lab.saved_files(said)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (800, 480)
    for figure in ("12 200,00 €", "500 000,00 €", "50 000,00 €"):  # total, cap, award
        assert figure in said
        assert figure in chat
    assert "Période PIA du 02/01/2017 au 02/07/2018" in said
    assert "Plan de financement" in said


def test_region_chart_in_english_and_its_total_matches_rapport(lab: Conversation) -> None:
    lab.ok("alice", "heures 1 4h date:02/06/2016")
    for day in ("06/06/2016", "07/06/2016", "08/06/2016"):
        lab.ok("bruno", f"heures 1 1min date:{day}")
    table = lab.ok("claire", "rapport region:bretagne")
    said = lab.ok("claire", "report region:bretagne chart", lang="en")
    assert "1 project," in said
    assert "€201.75" in said  # rounded once: 200 € + 3 minutes at 35 €/h
    assert "201,75 €" in table
    [path] = lab.saved_files(said)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width == 800


def test_chart_refusals(lab: Conversation) -> None:
    assert "budget 1 graphique" in lab.say("claire", "rapport 1 graphique")
    refused = lab.say("claire", "budget 1 camembert")
    assert not refused.ok
    assert "graphique" in refused
    assert not lab.say("alice", "budget 1 graphique").ok


def test_indicators_chart_against_their_targets(lab: Conversation) -> None:
    lab.ok("alice", 'indicateur 1 "Délai de traitement" unite:jours reference:45 cible:30 echeance:31/12/2017')
    said = lab.ok("alice", "indicateurs 1 graphique")
    assert "Délai de traitement" in said
    assert "référence 45 jours, cible 30 jours" in said
    [path] = lab.saved_files(said)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width == 800
