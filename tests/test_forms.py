"""Forms declared once in the core: derived from the argument models, rendered for each platform within its
limits, and answered with structured arguments checked by the same model, with an error per field."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from adapters.console.adapter import ConsoleAdapter
from adapters.console.prompts import fill_in
from adapters.mattermost.dialogs import dialog
from adapters.slack.forms import form_view
from commands import FAMILIES
from labbot.arguments import FieldKind
from labbot.forms import Form, Forms
from labbot.i18n import use_locale
from labbot.messages import Outcome
from labbot.registry import CommandRegistry
from labbot.storage.models import Base, HourEntry, Project
from tests.conftest import Conversation

FORMS = Forms(CommandRegistry(FAMILIES))


def rows(bot: Conversation, model: type[Base]) -> int:
    with bot.app.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_forms_come_from_the_argument_models() -> None:
    idea = FORMS.get("idea")
    assert idea is not None
    assert idea.verb == "idee"
    kinds = {field.name: (field.kind, field.required) for field in idea.fields}
    assert kinds["titre"] == (FieldKind.TEXT, True)
    assert kinds["region"] == (FieldKind.CHOICE, True)
    assert kinds["methodes"] == (FieldKind.CHOICES, False)
    assert kinds["resume"] == (FieldKind.LONG_TEXT, False)
    hours = FORMS.get("heures")
    assert hours is not None
    assert [(f.name, f.kind) for f in hours.fields][:3] == [
        ("projet", FieldKind.PROJECT),
        ("duree", FieldKind.TEXT),
        ("date", FieldKind.DATE),
    ]
    assert sorted(form.verb for form in FORMS.all) == ["heures", "idee", "reunion"]


def mattermost_dialog_problems(opened: dict[str, Any]) -> list[str]:
    """Mattermost's own checks of a dialog (server/public/model/integration_action.go, Dialog.IsValid and
    DialogElement.IsValid); Go's len() counts bytes."""
    problems = []
    title = opened["title"]
    if not title or len(title.encode()) > 24:
        problems.append(f"title {title!r}")
    names = [element["name"] for element in opened["elements"]]
    if len(names) != len(set(names)):
        problems.append("duplicate element names")
    for element in opened["elements"]:
        label, kind = element["display_name"], element["type"]
        if not label or len(label.encode()) > 24:
            problems.append(f"display_name {label!r} ({len(label.encode())} bytes)")
        if not element["name"] or len(element["name"].encode()) > 300:
            problems.append(f"name {element['name']!r}")
        if len(element.get("help_text", "").encode()) > 150:
            problems.append(f"help_text of {element['name']}")
        limit = {"text": 150, "textarea": 3000, "select": 3000}.get(kind)
        if limit is None:
            problems.append(f"type {kind!r}")
            continue
        for key in ("default", "placeholder"):
            if len(element.get(key, "").encode()) > limit:
                problems.append(f"{key} of {element['name']}")
        if kind == "select":
            values = {option["value"] for option in element.get("options", [])}
            if not values or element.get("default", "") not in {"", *values}:
                problems.append(f"options of {element['name']}")
    return problems


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("form", FORMS.all, ids=lambda form: form.verb)
def test_every_dialog_is_within_the_mattermost_servers_limits(form: Form, language: str) -> None:
    with use_locale(language):
        opened = dialog(form, state="nonce.signature")
    assert mattermost_dialog_problems(opened) == []
    # The explanation that did not fit in a label is in help_text.
    helped = {element["name"] for element in opened["elements"] if element.get("help_text")}
    assert {"services", "categorie"} & {f.name for f in form.fields} <= helped


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("form", FORMS.all, ids=lambda form: form.verb)
def test_every_modal_is_valid_block_kit(form: Form, language: str) -> None:
    with use_locale(language):
        view = form_view(form, [(1, "Lab " + "très long titre & <autre> " * 8)], channel_id="C1")
    View(**view.to_dict()).validate_json()  # slack_sdk's own checks of the modal


def test_structured_answers_are_checked_by_the_model_with_an_error_per_field(bot: Conversation) -> None:
    alice = ConsoleAdapter(bot.app.bot, "alice")
    refused = alice.answer("idee", {"titre": "Lab « Océan »", "region": "atlantide", "methodes": ["design"]})
    assert refused.outcome is Outcome.REFUSED
    assert set(refused.field_errors) == {"region", "services"}
    assert "bretagne" in refused.field_errors["region"]  # the valid values are listed
    assert rows(bot, Project) == 0
    done = alice.answer(
        "idee", {"titre": "Lab « Océan »", "region": "bretagne", "services": "DREAL, DDTM", "methodes": ["design"]}
    )
    assert done.outcome is Outcome.DONE
    assert done.wrote
    assert done.title == "#1 Lab « Océan »"  # quotes reach the model as typed: no command line in between


def test_the_console_asks_again_only_the_field_a_refusal_names(bot: Conversation) -> None:
    bot.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    hours = FORMS.get("heures")
    assert hours is not None
    answers = iter(["1", "trois heures", "", "Atelier", "3h30"])
    questions: list[str] = []

    def ask(question: str) -> str:
        questions.append(question)
        return next(answers)

    text, outcome = fill_in(ConsoleAdapter(bot.app.bot, "alice"), hours, ask)
    assert outcome is Outcome.DONE
    assert questions[0].startswith("Projet")
    assert questions[-1].startswith("Durée")  # only the duration was asked again
    assert len(questions) == 5
    assert rows(bot, HourEntry) == 1
    assert "3\u202fh\u202f30" in text  # durations are written with narrow no-break spaces
