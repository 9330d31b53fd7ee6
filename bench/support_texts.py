"""French texts for the benchmark's FAQ and project summaries: varied enough that full-text search has real
work (common words in many rows, rare words in few), deterministic from a seed of their own so the rest of the
data set does not change."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

SEED = 1516
CREATED_AT = datetime(2016, 6, 1, 8, 0, tzinfo=UTC)
TOPICS = (
    "dépôt du dossier auprès du préfet de région",
    "plafond du budget et part financée par le PIA",
    "frais de prestataires éligibles",
    "indicateurs d'évaluation du laboratoire",
    "lieu ouvert aux usagers et aux partenaires",
    "gouvernance associant les services de l'État",
    "recrutement d'un designer de services",
    "ateliers de co-construction avec les usagers",
    "ouverture des données publiques du service",
    "développement agile d'un prototype numérique",
    "économie comportementale et courriers aux allocataires",
    "partenariat avec une université ou un laboratoire de recherche",
    "convention avec une collectivité territoriale",
    "participation citoyenne et consultation en ligne",
    "valorisation du projet lors des événements du SGMAP",
    "soutien méthodologique pour élaborer le projet",
    "calendrier de la session découverte et du project camp",
    "valorisation du temps des agents dans le budget",
    "expérimentation et passage à l'échelle nationale",
    "accompagnement par une start-up d'État",
)
OPENINGS = (
    "Comment préparer",
    "Qui contacter pour",
    "Quelles sont les règles concernant",
    "Peut-on financer",
    "Quel calendrier pour",
    "Existe-t-il un modèle pour",
    "Quelles pièces fournir sur",
    "Comment justifier",
)
# Answers are built from slots, so that each word appears in about a tenth of the entries, as in a real FAQ.
SUBJECTS = (
    "La cellule d'appui du SGMAP",
    "Le coordinateur régional",
    "Le préfet de région",
    "Le comité de sélection",
    "L'équipe projet",
    "Le secrétariat général",
    "Le correspondant PIA",
    "La direction du budget",
    "Le réseau des laboratoires",
    "Le référent innovation",
)
VERBS = (
    "relit",
    "valide",
    "accompagne",
    "finance",
    "examine",
    "publie",
    "complète",
    "transmet",
    "précise",
    "organise",
)
OBJECTS = (
    "les dossiers de candidature",
    "les dépenses de prestataires",
    "les indicateurs d'impact",
    "les conventions de partenariat",
    "les ateliers avec les usagers",
    "le budget prévisionnel",
    "les jeux de données ouverts",
    "le calendrier des événements",
    "les fiches de poste",
    "les prototypes numériques",
)
COMPLEMENTS = (
    "avant le dépôt auprès du préfet.",
    "dans la limite de 500 000 € par projet.",
    "lors de la session découverte.",
    "au fil de l'expérimentation.",
    "avec les collectivités partenaires.",
    "selon le cahier des charges de l'appel.",
    "pendant les dix-huit premiers mois.",
    "en lien avec les opérateurs publics.",
    "pour chaque région concernée.",
    "à la demande des porteurs de projet.",
)
PROJECT_THEMES = (
    "accueil des usagers en préfecture",
    "délivrance des titres et des permis",
    "accompagnement des demandeurs d'emploi",
    "prévention des expulsions locatives",
    "contrôle des exploitations agricoles",
    "instruction des subventions aux associations",
    "insertion des jeunes décrocheurs",
    "mobilité en zone rurale",
    "rénovation énergétique des logements",
    "accès aux droits des allocataires",
    "prévention des risques naturels",
    "simplification des démarches des entreprises",
)


def faq_rows(count: int, asker_id: int, admin_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """`count` answered questions and their FAQ entries: (questions rows, faq_entries rows)."""
    chooser = random.Random(SEED)
    questions, entries = [], []
    for number in range(1, count + 1):
        topic = chooser.choice(TOPICS)
        other = chooser.choice(TOPICS)
        question = f"{chooser.choice(OPENINGS)} la question du {topic} ? Et pour le {other} ?"
        answer = " ".join(
            " ".join(chooser.choice(slot) for slot in (SUBJECTS, VERBS, OBJECTS, COMPLEMENTS)) for _ in range(2)
        )
        questions.append((number, asker_id, None, question, "repondue", answer, admin_id, CREATED_AT, CREATED_AT))
        entries.append((number, f"{topic.capitalize()} ({number})", question, answer, admin_id, CREATED_AT, None))
    return questions, entries


def project_summary(project_id: int) -> str:
    """A project's summary, built from two themes and a method."""
    chooser = random.Random(SEED * 100_003 + project_id)
    first, second = chooser.sample(PROJECT_THEMES, 2)
    return (
        f"Laboratoire consacré à l'{first} et à la {second}, avec des ateliers d'usagers "
        f"et des agents de plusieurs services."
    )


# What people search the FAQ for, in turn: one to three words, with or without accents.
FAQ_QUERIES = (
    "evaluation",
    "dépôt dossier",
    "budget plafond",
    "prestataires",
    "usagers lieu",
    "designer",
    "prototype numerique",
    "conventions collectivites",
    "calendrier session decouverte",
    "données ouvertes",
    "université recherche",
    "valorisation",
)
LAB_QUERIES = (
    "usagers accueil",
    "emploi",
    "subvention associations",
    "mobilite rurale",
    "renovation energetique",
    "",
)
