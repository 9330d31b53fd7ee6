"""Every value a command accepts is declared once, as a term of a vocabulary with its English form beside it:
help, forms and refusals list the values from that declaration, in the reader's language."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic.fields import FieldInfo

from commands import FAMILIES
from commands.budget import REPORT_GROUPINGS
from labbot.arguments import field_choices, field_help
from labbot.forms import Forms
from labbot.i18n import _, use_locale
from labbot.registry import CommandRegistry
from labbot.vocabulary import CIVIL_SERVICE_CATEGORIES, PARTNER_CATEGORIES, Term
from tests.conftest import Conversation

REGISTRY = CommandRegistry(FAMILIES)
_PLACEHOLDER = re.compile(r"\{\w*\}")


def fields() -> Iterator[tuple[str, str, FieldInfo]]:
    for spec in REGISTRY.commands:
        for name, info in spec.arguments.model_fields.items():
            yield spec.name, name, info


def _literals(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return [annotation]
    return [found for argument in typing.get_args(annotation) for found in _literals(argument)]


def test_no_argument_takes_a_literal_of_its_own() -> None:
    # A Literal's values are written apart from their English forms and from the help: a vocabulary holds both
    # (a Literal type may stand behind one, as `Language` does behind the language names).
    literal = [
        f"{verb}.{name}" for verb, name, info in fields() if _literals(info.annotation) and not field_choices(info)
    ]
    assert not literal


def _words(term: Term) -> set[str]:
    return {term.key, term.english} - {""}


def test_no_help_writes_a_declared_value_by_hand() -> None:
    written = []
    for verb, name, info in fields():
        choices = field_choices(info)
        if choices is None or not info.description:
            continue
        for language in ("en", "fr"):
            with use_locale(language):
                text = _PLACEHOLDER.sub("", _(info.description))
            for term in choices.vocabulary:
                written += [
                    f"{verb}.{name} ({language}): {word}"
                    for word in _words(term)
                    if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
                ]
    assert not written


@pytest.mark.parametrize("language", ["fr", "en"])
def test_help_lists_every_declared_value_as_the_reader_types_it(language: str) -> None:
    listed = 0
    for verb, name, info in fields():
        choices = field_choices(info)
        if choices is None or "{choices}" not in (info.description or ""):
            continue
        with use_locale(language):  # type: ignore[arg-type]
            text = field_help(info)
            typed = [term.typed() for term in choices.vocabulary]
        assert "{" not in text, f"{verb}.{name}: {text}"
        assert all(word in text for word in typed), f"{verb}.{name}: {text}"
        other = "en" if language == "fr" else "fr"
        with use_locale(other):  # type: ignore[arg-type]
            foreign = {term.typed() for term in choices.vocabulary} - set(typed)
        assert not any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text) for w in foreign), f"{verb}: {text}"
        listed += 1
    assert listed >= 20  # rapport par:, depense type:, statut:, role:, profil langue:, appui type:…


def test_a_value_added_to_the_declaration_shows_in_help_and_refusals(
    lab: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "agent, mois ou projet" in lab.ok("claire", "aide rapport")
    assert "agent, month or project" in lab.ok("claire", "help report", lang="en")
    week = Term("semaine", "by week", english="week")
    monkeypatch.setattr(REPORT_GROUPINGS, "terms", (*REPORT_GROUPINGS.terms, week))
    assert "agent, mois, projet ou semaine" in lab.ok("claire", "aide rapport")
    assert "agent, month, project or week" in lab.ok("claire", "help report", lang="en")
    assert "agent, mois, projet, semaine" in lab.say("claire", "rapport 1 par:jour")
    assert "agent, month, project, week" in lab.say("claire", "report 1 by:day", lang="en")


def test_help_marks_the_default_value(lab: Conversation) -> None:
    assert "ouvertes (par défaut), repondues ou toutes" in lab.ok("sgmap", "aide questions")
    assert "open (default), answered or all" in lab.ok("sgmap", "help questions", lang="en")


def test_help_for_status_names_the_stages_as_the_reader_types_them(lab: Conversation) -> None:
    french = "idee → en-preparation → depose → retenu ou non-retenu ; retenu → en-cours → termine"
    assert french in lab.ok("alice", "aide statut")
    english = "idea → in-preparation → filed → selected or not-selected; selected → in-progress → completed"
    assert english in lab.ok("alice", "help status", lang="en")


def test_a_project_report_by_project_is_refused_naming_the_groupings_it_takes(lab: Conversation) -> None:
    said = lab.say("claire", "rapport 1 par:projet")
    assert not said.ok
    assert "par:projet s'applique à une région" in said
    assert "par:agent ou par:mois" in said
    english = lab.say("claire", "report 1 by:project", lang="en")
    assert "by:project is for a region; for one project use by:agent or by:month." in english


def test_form_help_lists_the_values_from_the_declaration() -> None:
    meeting = Forms(REGISTRY).get("reunion")
    assert meeting is not None
    category = meeting.field("categorie")
    assert category is not None
    with use_locale("fr"):
        assert category.help_text() == "operateur, collectivite, recherche, entreprise, association ou usagers"
    with use_locale("en"):
        assert category.help_text() == PARTNER_CATEGORIES.listed()
        assert "local-authority" in category.help_text()


def test_a_plus_is_a_category_of_its_own() -> None:
    assert CIVIL_SERVICE_CATEGORIES.find("a+") is CIVIL_SERVICE_CATEGORIES.get("A+")
    assert CIVIL_SERVICE_CATEGORIES.find("a") is CIVIL_SERVICE_CATEGORIES.get("A")
    assert CIVIL_SERVICE_CATEGORIES.find("A +") is CIVIL_SERVICE_CATEGORIES.get("A+")


def test_two_audiences_are_refused_naming_each_as_the_reader_types_it(lab: Conversation) -> None:
    said = lab.say("sgmap", 'annonce "Rappel" a:tous region:bretagne')
    assert not said.ok
    assert "Choisissez un seul public : a:tous, region:, evenement:, projet: ou canal:." in said
    english = lab.say("sgmap", 'announce "Reminder" to:all region:bretagne', lang="en")
    assert "Choose one audience: to:all, region:, event:, project: or channel:." in english
