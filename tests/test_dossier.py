"""From idea to a filed, checked dossier and a PIA award: hallmarks, indicators, plan, check, files, decision.

The produced files are read back with independent readers: zip + XML for the .odt, pypdf for the PDF.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from tests.conftest import Conversation, _space
from tests.filing_steps import make_ready


@pytest.fixture
def ready(lab: Conversation) -> Conversation:
    """Project #1 in preparation with every filing criterion met (plan: 150 000 € of time + 40 000 €)."""
    make_ready(lab)
    return lab


def _odt_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - a file this test just made
    paragraphs = (e for e in root.iter() if e.tag.endswith(("}p", "}h")))
    return _space("\n".join("".join(element.itertext()) for element in paragraphs))


def _pdf_text(path: Path) -> str:
    return _space("\n".join(page.extract_text() for page in PdfReader(path).pages))


def _files(lab: Conversation, said: object) -> dict[str, Path]:
    paths = lab.saved_files(said)  # type: ignore[arg-type]
    return {path.suffix: path for path in paths}


# --- hallmarks on the card ------------------------------------------------------------------------------


def test_the_card_shows_what_each_hallmark_says_shortened_and_what_is_missing(lab: Conversation) -> None:
    long_objective = "Simplifier " + "les démarches des usagers " * 10
    lab.ok("alice", f'modifier 1 objectif:"{long_objective}" gouvernance:"Comité de pilotage"')
    card = lab.ok("bruno", "projet 1").text
    assert "✅ Un objectif : Simplifier les démarches" in card
    assert long_objective.strip() not in card  # shortened on the card
    assert "…" in card
    assert "✅ Une gouvernance structurée : Comité de pilotage" in card
    assert "✅ Une équipe aux compétences pluridisciplinaires : chef de projet, développeur (2 personnes)" in card
    assert '⬜ Un lieu ouvert : manquant — modifier 1 lieu:"…"' in card
    assert "⬜ Un dispositif d'évaluation : manquant — définissez-en un : indicateur 1" in card


def test_the_card_in_english_is_wholly_english(lab: Conversation) -> None:
    card = lab.ok("bruno", "project 1", lang="en").text
    assert "⬜ An open place: missing — " in card
    assert "✅ A multidisciplinary team: project manager, developer (2 people)" in card
    assert "manquant" not in card


# --- indicators ------------------------------------------------------------------------------------------


def test_indicators_record_values_and_show_progress(lab: Conversation) -> None:
    created = lab.ok("alice", 'indicateur 1 "Délai de traitement" unite:jours reference:45 cible:30')
    assert "Indicateur 1" in created
    lab.ok("bruno", "mesure 1 1 40 date:01/06/2016")
    latest = lab.ok("bruno", "mesure 1 1 36")
    assert "36 jours" in latest
    assert "60 %" in latest  # (45 − 36) / (45 − 30)
    listing = lab.ok("alice", "indicateurs 1").text
    assert "Délai de traitement" in listing
    assert "36 jours (10/06/2016)" in listing
    assert "60 %" in listing
    english = lab.ok("alice", "indicators 1", lang="en").text
    assert "Progress" in english
    assert "60%" in english


def test_a_measure_of_an_unknown_indicator_is_refused_and_nothing_is_written(lab: Conversation) -> None:
    lab.ok("alice", 'indicateur 1 "Délai de traitement" cible:30')
    unknown = lab.say("alice", "mesure 1 4 12")
    assert not unknown.ok
    assert "numero" in unknown
    assert "indicateurs 1" in unknown
    bad_value = lab.say("alice", "mesure 1 1 douze")
    assert not bad_value.ok
    assert "valeur" in bad_value
    assert "12,5" in bad_value
    future = lab.say("alice", "mesure 1 1 12 date:01/01/2030")
    assert not future.ok
    assert "date" in future
    assert "—" in lab.ok("alice", "indicateurs 1").text.splitlines()[-1]  # still no value
    outsider = lab.say("zoe", 'indicateur 1 "Autre"')
    assert not outsider.ok


# --- funding plan ------------------------------------------------------------------------------------------


def test_the_plan_values_time_at_the_configured_rate_and_splits_the_funding(lab: Conversation) -> None:
    lab.ok("alice", 'prevision 1 temps categorie:A heures:300 libelle:"Cheffe de projet"')  # 300 h × 50 €
    lab.ok("alice", 'prevision 1 materiel 4000 libelle:"Écrans"')
    lab.ok("alice", 'cofinancement 1 partenaire:"Rennes Métropole" categorie:collectivite montant:1000')
    plan = lab.ok("bruno", "plan 1").text
    assert "15 000,00 €" in plan
    assert "Total prévu : 19 000,00 € sur 500 000,00 €" in plan
    assert "PIA demandé (50 %) : 9 500,00 €" in plan
    assert "1 000,00 € (confirmé 0,00 €, envisagé 1 000,00 €)" in plan
    assert "Services de l'État (leur temps valorisé) : 8 500,00 €" in plan
    assert "⚠" not in plan  # 8 500 € ≤ 15 000 € of valued time: balanced
    english = lab.ok("bruno", "funding-plan 1", lang="en").text
    assert "PIA requested (50%): €9,500.00" in english
    removed = lab.ok("alice", "prevision 1 supprimer 2")
    assert "15 000,00 €" in removed


def test_the_pia_requested_never_passes_its_share_of_the_cap_and_the_plan_warns(lab: Conversation) -> None:
    lab.ok("alice", 'prevision 1 prestataire 300000 libelle:"Lot 1"')
    lab.ok("alice", 'prevision 1 prestataire 300000 libelle:"Lot 2"')
    plan = lab.ok("alice", "plan 1").text
    assert "PIA demandé (50 %) : 250 000,00 €" in plan
    assert "dépassent le plafond de 500 000,00 € de 100 000,00 €" in plan
    assert "Déséquilibré" in plan  # 350 000 € left to the State services, with no time forecast
    check = lab.ok("alice", "verifier 1").text
    assert "❌ Un plan de financement supérieur à 0 et au plus égal au plafond" in check


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("prevision 1 temps categorie:A heures:-3", "heures"),
        ("prevision 1 temps categorie:D heures:30", "categorie"),
        ("prevision 1 temps heures:30", "categorie"),
        ('prevision 1 prestataire 600000 libelle:"Trop"', "montant"),
        ("prevision 1 temps categorie:A heures:20000", "heures"),  # 1 000 000 € alone
        ('prevision 1 voyage 2000 libelle:"Train"', "nature"),
        ("prevision 1 prestataire 2000", "libelle"),
        ("prevision 1 supprimer 9", "9"),
        ('cofinancement 1 partenaire:"X" categorie:banque montant:100', "categorie"),
        ('cofinancement 1 partenaire:"X" categorie:entreprise montant:900000', "montant"),
        ('cofinancement 1 partenaire:"X" categorie:entreprise montant:100 statut:peut-etre', "statut"),
    ],
)
def test_bad_plan_input_names_the_field_and_writes_nothing(lab: Conversation, command: str, field: str) -> None:
    lab.ok("alice", 'prevision 1 materiel 1000 libelle:"Écrans"')
    refused = lab.say("alice", command)
    assert not refused.ok
    assert field in refused
    plan = lab.ok("alice", "plan 1").text
    assert "Total prévu : 1 000,00 €" in plan
    assert "0,00 € (confirmé 0,00 €, envisagé 0,00 €)" in plan


# --- readiness check ----------------------------------------------------------------------------------------


def test_verifier_lists_each_criterion_and_what_to_do(lab: Conversation) -> None:
    report = lab.ok("alice", "verifier 1").text
    assert "✅ Au moins deux services de l'État le portent — DREAL Bretagne, DDTM Finistère" in report
    assert "❌ Les sept caractéristiques sont rédigées — 2/7" in report
    assert 'modifier 1 objectif:"…"' in report
    assert "❌ Au moins un partenaire du territoire est associé" in report
    assert "reunion 1" in report
    assert "❌ Un plan de financement" in report
    assert "prevision 1 temps" in report
    assert "✅ Un porteur est désigné" in report
    assert "moins de trois catégories de partenaires" in report.lower()


def test_one_state_service_is_not_enough(bot: Conversation) -> None:
    bot.ok("alice", 'idee "Lab Solo" region:bretagne services:"DREAL"')
    report = bot.ok("alice", "verifier 1").text
    assert "❌ Au moins deux services de l'État le portent" in report
    assert "rejoindre 1 service:" in report
    assert "Personne dans l'équipe n'apporte de compétence numérique ou de design" in report


def test_a_ready_project_passes_with_warnings(ready: Conversation) -> None:
    report = ready.ok("bruno", "verifier 1").text
    assert "❌" not in report
    assert report.count("✅") == 5
    assert "deposer 1" in report
    english = ready.ok("bruno", "check 1", lang="en").text
    assert "✅ The seven hallmarks are written — 7/7" in english
    assert "Fewer than three partner categories (1/6)" in english


# --- the dossier files --------------------------------------------------------------------------------------


def test_the_dossier_is_a_draft_until_the_check_passes(lab: Conversation) -> None:
    said = lab.ok("alice", "dossier 1")
    assert "brouillon" in said.text.lower()
    files = _files(lab, said)
    assert set(files) == {".odt", ".pdf"}
    pdf = _pdf_text(files[".pdf"])
    odt = _odt_text(files[".odt"])
    assert "BROUILLON" in pdf
    assert "BROUILLON" in odt
    assert "Pas encore rédigé." in odt
    assert "Lab Bretagne" in pdf


def test_the_dossier_carries_every_record_in_both_files(ready: Conversation) -> None:
    for day in range(1, 4):
        ready.ok(
            "bruno", f'reunion 1 partenaire:"Université Rennes {day}" categorie:recherche date:0{day}/06/2016'
        )
    said = ready.ok("alice", "dossier 1")
    files = _files(ready, said)
    for text in (_pdf_text(files[".pdf"]), _odt_text(files[".odt"])):
        assert "BROUILLON" not in text
        for expected in (
            "Lab Bretagne",
            "Région : Bretagne",
            "Porteur : alice",
            "version de travail, non déposée",
            "DREAL Bretagne",
            "DDTM Finistère",
            "développeur",
            "Simplifier les démarches des usagers bretons",
            "Comité de pilotage trimestriel",
            "Délai de traitement",
            "Rennes Métropole",
            "Université Rennes 3",
            "Ville & Agglo",
            "Cheffe de projet",
            "150 000,00 €",
            "190 000,00 €",
            "95 000,00 €",
            "30 000,00 €",
            "Le préfet de région",
            "Le porteur du projet",
        ):
            assert expected in text, expected


def test_an_english_dossier_is_english(ready: Conversation) -> None:
    files = _files(ready, ready.ok("alice", "application 1", lang="en"))
    text = _pdf_text(files[".pdf"])
    assert "Funding plan" in text
    assert "€190,000.00" in text
    assert "Plan de financement" not in text


def test_an_outsider_gets_no_dossier(lab: Conversation) -> None:
    refused = lab.say("zoe", "dossier 1")
    assert not refused.ok
    assert not (lab.files_dir.exists() and any(lab.files_dir.iterdir()))


# --- filing --------------------------------------------------------------------------------------------------


def test_filing_is_refused_while_the_check_fails_and_nothing_is_written(lab: Conversation) -> None:
    lab.ok("alice", "statut 1 en-preparation")
    refused = lab.say("claire", "deposer 1 date:08/06/2016")
    assert not refused.ok
    assert "Les sept caractéristiques sont rédigées" in refused
    assert "verifier 1" in refused
    assert "en préparation" in lab.ok("alice", "projet 1").text
    assert not lab.say("alice", "dossier 1 version:1").ok


def test_filing_is_for_the_regions_coordinators(ready: Conversation) -> None:
    agent = ready.say("alice", "deposer 1")
    assert not agent.ok
    assert "coordinateur" in agent
    ready.ok("hugo", "aide")
    ready.ok("sgmap", "role hugo coordinateur region:occitanie")
    other = ready.say("hugo", "deposer 1")
    assert not other.ok
    assert "Bretagne" in other
    future = ready.say("claire", "deposer 1 date:01/01/2030")
    assert not future.ok
    assert "date" in future


def test_filing_freezes_a_version_that_comes_back_identical(ready: Conversation) -> None:
    filed = ready.ok("claire", 'deposer 1 date:08/06/2016 reference:"PREF-BZH-2016-12"')
    assert "version 1" in filed
    first = _files(ready, filed)
    assert any("déposé par le préfet" in text and "version 1" in text for text in ready.sent_to("bruno"))
    ready.ok("alice", 'modifier 1 lieu:"Un autre lieu"')
    ready.ok("alice", 'prevision 1 materiel 999 libelle:"Écran"')
    again = _files(ready, ready.ok("bruno", "dossier 1 version:1", lang="en"))
    assert again[".pdf"].read_bytes() == first[".pdf"].read_bytes()
    assert again[".odt"].read_bytes() == first[".odt"].read_bytes()
    frozen = _pdf_text(again[".pdf"])
    assert "Tiers-lieu de la préfecture" in frozen  # as filed, in French
    assert "version 1 — PREF-BZH-2016-12" in frozen
    assert "Un autre lieu" not in frozen
    assert "Modifié depuis le dépôt (version 1)" in ready.ok("alice", "projet 1").text
    assert "Changed since filing (version 1)" in ready.ok("alice", "project 1", lang="en").text
    missing = ready.say("alice", "dossier 1 version:2")
    assert not missing.ok
    assert "version" in missing


def test_an_unchanged_filed_project_says_so_on_its_card(ready: Conversation) -> None:
    ready.ok("claire", "deposer 1 date:08/06/2016")
    card = ready.ok("alice", "projet 1").text
    assert "Dossier déposé : version 1" in card
    assert "Modifié depuis le dépôt" not in card


# --- decision and award --------------------------------------------------------------------------------------


def test_a_decision_needs_a_filed_project_and_an_admin(ready: Conversation) -> None:
    early = ready.say("sgmap", "decision 1 retenu montant:50000 debut:01/07/2016")
    assert not early.ok
    assert "déposé" in early
    ready.ok("claire", "deposer 1 date:08/06/2016")
    coordinator = ready.say("claire", "decision 1 retenu montant:50000 debut:01/07/2016")
    assert not coordinator.ok
    too_much = ready.say("sgmap", "decision 1 retenu montant:100000 debut:01/07/2016")
    assert not too_much.ok
    assert "montant" in too_much
    assert "95 000,00 €" in too_much  # the PIA requested: half of 190 000 €
    no_start = ready.say("sgmap", "decision 1 retenu montant:50000")
    assert not no_start.ok
    assert "debut" in no_start
    no_reason = ready.say("sgmap", "decision 1 non-retenu")
    assert not no_reason.ok
    assert "motif" in no_reason
    assert "déposé par le préfet" in ready.ok("alice", "projet 1").text


def test_an_award_is_told_and_the_budget_shows_awarded_vs_used(ready: Conversation) -> None:
    ready.ok("claire", "deposer 1 date:08/06/2016")
    decided = ready.ok("sgmap", "decision 1 retenu montant:80000 debut:09/06/2016")
    assert "80 000,00 €" in decided
    assert any("80 000,00 €" in text for text in ready.sent_to("alice"))
    assert any("80 000,00 €" in text for text in ready.sent_to("claire"))
    ready.ok("alice", "heures 1 10h date:09/06/2016")  # 500 € in the window: PIA consumed 250 €
    ready.ok("claire", 'depense 1 4000 type:prestataire libelle:"Atelier" date:09/06/2016')
    budget = ready.ok("claire", "budget 1").text
    assert "PIA accordé : 80 000,00 € : consommé 2 250,00 €, reste 77 750,00 €" in budget
    assert "09/06/2016" in budget
    assert "09/12/2017" in budget  # 18 months from the start
    assert "Prévu et réalisé — prestataire : 4 000,00 € sur 40 000,00 € prévus" in budget


def test_the_pia_consumed_never_passes_the_award(ready: Conversation) -> None:
    ready.ok("claire", "deposer 1 date:08/06/2016")
    ready.ok("sgmap", "decision 1 retenu montant:1000 debut:09/06/2016")
    ready.ok("claire", 'depense 1 40000 type:prestataire libelle:"Agence" date:09/06/2016')
    budget = ready.ok("claire", "budget 1").text
    assert "PIA accordé : 1 000,00 € : consommé 1 000,00 €, reste 0,00 €" in budget


def test_statut_does_not_file_nor_decide(ready: Conversation) -> None:
    filed = ready.say("claire", "statut 1 depose date:08/06/2016")
    assert not filed.ok
    assert "deposer 1" in filed
    ready.ok("claire", "deposer 1 date:08/06/2016")
    decided = ready.say("claire", "statut 1 retenu")
    assert not decided.ok
    assert "decision 1" in decided
    assert not ready.say("sgmap", "decision 1 retenu montant:50000 debut:09/06/2016 date:01/06/2016").ok


def test_not_selected_is_told_with_its_reason(ready: Conversation) -> None:
    ready.ok("claire", "deposer 1 date:08/06/2016")
    ready.ok("sgmap", 'decision 1 non-retenu motif:"Partenariat trop étroit"')
    assert any("Partenariat trop étroit" in text for text in ready.sent_to("bruno"))
    assert "non retenu" in ready.ok("alice", "projet 1").text


def test_a_new_filing_freezes_the_next_version_and_keeps_the_first(ready: Conversation) -> None:
    first = _files(ready, ready.ok("claire", "deposer 1 date:08/06/2016"))
    ready.ok("alice", 'modifier 1 lieu:"Maison des services publics"')
    assert "Modifié depuis le dépôt (version 1)" in ready.ok("alice", "projet 1").text
    before = ready.say("claire", "deposer 1 date:01/06/2016")
    assert not before.ok
    assert "date" in before
    second = _files(ready, ready.ok("claire", "deposer 1 date:09/06/2016"))
    assert "Maison des services publics" in _pdf_text(second[".pdf"])
    assert "Dossier déposé : version 2" in ready.ok("alice", "projet 1").text
    again = _files(ready, ready.ok("alice", "dossier 1 version:1"))
    assert again[".pdf"].read_bytes() == first[".pdf"].read_bytes()
