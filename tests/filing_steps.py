"""Steps that take project #1 of the `lab` fixture to a dossier that passes `verifier`: filing (`deposer`) and
the decision (`decision`) check it, so every test that files a project goes through them."""

from __future__ import annotations

from tests.conftest import Conversation

READY = [
    (
        "alice",
        'modifier 1 objectif:"Simplifier les démarches des usagers bretons en partant de leurs besoins réels" '
        'lieu:"Tiers-lieu de la préfecture" gouvernance:"Comité de pilotage trimestriel" '
        'projets:"Guichet unique des aides agricoles"',
    ),
    ("alice", 'indicateur 1 "Délai de traitement" unite:jours reference:45 cible:30 echeance:31/12/2017'),
    ("bruno", 'reunion 1 partenaire:"Rennes Métropole" categorie:collectivite date:03/06/2016 duree:1h30'),
    ("alice", 'prevision 1 temps categorie:A heures:3000 libelle:"Cheffe de projet"'),
    ("alice", 'prevision 1 prestataire 40000 libelle:"Agence de design"'),
    ("alice", 'cofinancement 1 partenaire:"Ville & Agglo" categorie:collectivite montant:30000 statut:confirme'),
]


def make_ready(lab: Conversation, *, from_idea: bool = True) -> None:
    """Project #1 in preparation with every filing criterion met (plan: 150 000 € of time + 40 000 €)."""
    if from_idea:
        lab.ok("alice", "statut 1 en-preparation")
    for user, command in READY:
        lab.ok(user, command)


def file_and_start(lab: Conversation, *, filed: str, decided: str, start: str, from_idea: bool = True) -> None:
    """Ready, filed on `filed`, selected on `decided` with 50 000 € from `start`, then under way from `start`."""
    make_ready(lab, from_idea=from_idea)
    lab.ok("claire", f"deposer 1 date:{filed}")
    lab.ok("sgmap", f"decision 1 retenu montant:50000 debut:{start} date:{decided}")
    lab.ok("claire", f"statut 1 en-cours date:{start}")
