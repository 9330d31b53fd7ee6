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
ANSWERS = (
    "Le cahier des charges précise ce point ; la cellule d'appui du SGMAP relit les projets avant le dépôt.",
    "Les dépenses sont éligibles dans la limite de 500 000 € par projet, dont la moitié financée par le PIA.",
    "Les coordinateurs régionaux centralisent les dossiers et les transmettent au préfet de région.",
    "Un échange de pratiques avec les laboratoires d'autres régions est organisé lors de la session découverte.",
    "Les indicateurs doivent mesurer l'effet pour les usagers, pas seulement l'activité du laboratoire.",
    "Le temps des agents est valorisé au coût chargé de leur catégorie, sans être financé par le PIA.",
    "Un lieu physique, même partagé, est attendu : tiers-lieu, locaux d'un opérateur ou d'une collectivité.",
    "Les méthodes citées dans l'appel sont indicatives : design de services, open data, datasciences…",
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
        answer = " ".join(chooser.sample(ANSWERS, 3))
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
