"""Modals for the commands people should not have to type: a new idea, hours, a partner meeting.

A form is declared once (its fields are the core command's arguments), opened as a modal, and its submission
becomes the same command line a person would type, so the core checks it as usual. A refusal naming an
argument is shown beside that field (`response_action: errors`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from labbot.i18n import N_, _
from labbot.messages import Reply
from labbot.text import shorten
from labbot.vocabulary import METHODS, PARTNER_CATEGORIES, REGIONS, Vocabulary

FORM_CALLBACK_PREFIX = "labbot:form:"
VALUE_ACTION = "value"
Kind = Literal["text", "long", "select", "checks", "date", "project"]


@dataclass(frozen=True)
class FormField:
    """One input of a form; `name` is the core argument and the block id."""

    name: str
    label: str
    kind: Kind = "text"
    optional: bool = False
    placeholder: str = ""
    vocabulary: Vocabulary | None = None


@dataclass(frozen=True)
class Form:
    """A modal that submits one core command."""

    verb: str
    title: str
    fields: tuple[FormField, ...]


IDEA = Form(
    "idee",
    N_("New idea"),
    (
        FormField("titre", N_("Title"), placeholder="Lab Bretagne"),
        FormField("region", N_("Region"), "select", vocabulary=REGIONS),
        FormField("services", N_("State services, comma-separated"), placeholder="DREAL, DDTM"),
        FormField("resume", N_("Summary"), "long", optional=True),
        FormField("methodes", N_("Methods"), "checks", optional=True, vocabulary=METHODS),
        FormField("partenaires", N_("Planned partners"), optional=True),
    ),
)
HOURS = Form(
    "heures",
    N_("Log hours"),
    (
        FormField("projet", N_("Project"), "project", placeholder="1"),
        FormField("duree", N_("Duration"), placeholder="3h30"),
        FormField("date", N_("Date"), "date", optional=True),
        FormField("activite", N_("Activity"), optional=True, placeholder=N_("User workshop")),
    ),
)
MEETING = Form(
    "reunion",
    N_("Partner meeting"),
    (
        FormField("projet", N_("Project"), "project", placeholder="1"),
        FormField("partenaire", N_("Partner"), placeholder="Pôle emploi Bretagne"),
        FormField("categorie", N_("Partner category"), "select", vocabulary=PARTNER_CATEGORIES),
        FormField("date", N_("Date"), "date", optional=True),
        FormField("duree", N_("Duration"), optional=True, placeholder="1h30"),
        FormField("notes", N_("Notes"), "long", optional=True),
    ),
)
FORMS = {form.verb: form for form in (IDEA, HOURS, MEETING)}
# The verbs, French and English, that open a form when typed alone.
FORM_VERBS = {"idee": IDEA, "idea": IDEA, "heures": HOURS, "hours": HOURS, "reunion": MEETING, "meeting": MEETING}


def form_view(form: Form, projects: Sequence[tuple[int, str]], *, channel_id: str | None) -> View:
    """The modal, in the current language; project fields list `projects` (the person's own)."""
    return View(
        type="modal",
        callback_id=FORM_CALLBACK_PREFIX + form.verb,
        title=PlainTextObject(text=shorten(_(form.title), 24)),
        submit=PlainTextObject(text=_("Save")),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=json.dumps({"channel": channel_id}),
        blocks=[_input(field, projects) for field in form.fields],
    )


def result_view(title: str, blocks: list[Block]) -> View:
    """What replaces the form once the command is done."""
    return View(
        type="modal",
        title=PlainTextObject(text=shorten(title, 24)),
        close=PlainTextObject(text=_("Close")),
        blocks=blocks[:100],
    )


def command_line(form: Form, values: Mapping[str, Mapping[str, Any]]) -> str:
    """The command a submission stands for, e.g. `heures projet:1 duree:"3h30"`."""
    parts = [form.verb]
    for field in form.fields:
        value = submitted_value(values.get(field.name, {}).get(VALUE_ACTION, {}))
        if value:
            parts.append(f"{field.name}:{quote(value)}")
    return " ".join(parts)


def field_errors(form: Form, reply: Reply) -> dict[str, str]:
    """`response_action: errors` for a refusal: beside the field at fault, else beside the first field."""
    name = reply.invalid_field if reply.invalid_field in {f.name for f in form.fields} else form.fields[0].name
    message = " ".join([reply.text, *reply.notes[:1]])
    return {name: shorten(message, 300)}


def submitted_value(state: Mapping[str, Any]) -> str:
    """The text of one input's state, whatever its element type."""
    kind = state.get("type")
    if kind == "static_select":
        return str((state.get("selected_option") or {}).get("value") or "")
    if kind == "checkboxes":
        return ", ".join(str(o["value"]) for o in state.get("selected_options") or [])
    if kind == "datepicker":
        return str(state.get("selected_date") or "")
    return str(state.get("value") or "").strip()


def quote(value: str) -> str:
    """Quote a value for the core's tokenizer with a pair of quotes the value does not contain."""
    for opening, closing in (('"', '"'), ("«", "»"), ("“", "”")):
        if closing not in value:
            return f"{opening}{value}{closing}"
    return '"' + value.replace('"', "''") + '"'


def _input(field: FormField, projects: Sequence[tuple[int, str]]) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=_(field.label)),
        element=_element(field, projects),
        optional=field.optional,
    )


def _element(field: FormField, projects: Sequence[tuple[int, str]]) -> Any:
    placeholder = PlainTextObject(text=_(field.placeholder)) if field.placeholder else None
    if field.kind == "project" and projects:
        options = [_option(str(number), f"#{number} {title}") for number, title in projects[:100]]
        return StaticSelectElement(action_id=VALUE_ACTION, options=options, initial_option=options[0])
    if field.kind in ("select", "checks") and field.vocabulary is not None:
        options = [_option(term.key, term.display()) for term in field.vocabulary]
        if field.kind == "checks":
            return CheckboxesElement(action_id=VALUE_ACTION, options=options[:10])
        return StaticSelectElement(action_id=VALUE_ACTION, options=options[:100], placeholder=placeholder)
    if field.kind == "date":
        return DatePickerElement(action_id=VALUE_ACTION)
    return PlainTextInputElement(action_id=VALUE_ACTION, multiline=field.kind == "long", placeholder=placeholder)


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=shorten(label, 75)))
