"""The core's forms (labbot/forms.py) as Slack modals, and a modal's state back as the form's answers.

A refusal is shown beside each field at fault (`response_action: errors`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

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

from labbot.arguments import FieldKind
from labbot.forms import Form, FormField
from labbot.i18n import _
from labbot.messages import Reply
from labbot.text import shorten

FORM_CALLBACK_PREFIX = "labbot:form:"
VALUE_ACTION = "value"
# Block Kit: checkboxes offer at most 10 options, static selects 100.
_MAX_CHECKBOXES, _MAX_OPTIONS = 10, 100


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


def answers(form: Form, values: Mapping[str, Mapping[str, Any]]) -> dict[str, str | list[str]]:
    """The form's answers in a submitted modal's state (block id → action id → element state)."""
    found: dict[str, str | list[str]] = {}
    for field in form.fields:
        value = submitted_value(values.get(field.name, {}).get(VALUE_ACTION, {}))
        if value:
            found[field.name] = value
    return found


def field_errors(form: Form, reply: Reply) -> dict[str, str]:
    """`response_action: errors` for a refusal: beside each field at fault, else beside the first field."""
    errors = {name: shorten(message, 300) for name, message in reply.field_errors.items() if form.field(name)}
    if errors:
        return errors
    return {form.fields[0].name: shorten(" ".join([reply.text, *reply.notes[:1]]), 300)}


def submitted_value(state: Mapping[str, Any]) -> str | list[str]:
    """The answer in one input's state, whatever its element type."""
    kind = state.get("type")
    if kind == "static_select":
        return str((state.get("selected_option") or {}).get("value") or "")
    if kind == "checkboxes":
        return [str(o["value"]) for o in state.get("selected_options") or []]
    if kind == "datepicker":
        return str(state.get("selected_date") or "")
    return str(state.get("value") or "").strip()


def _input(field: FormField, projects: Sequence[tuple[int, str]]) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=_(field.label)),
        element=_element(field, projects),
        hint=PlainTextObject(text=shorten(field.help_text(), 150)) if field.help else None,
        optional=not field.required,
    )


def _element(field: FormField, projects: Sequence[tuple[int, str]]) -> Any:
    placeholder = PlainTextObject(text=field.example) if field.example else None
    if field.kind is FieldKind.PROJECT and projects:
        options = [_option(str(number), f"#{number} {title}") for number, title in projects[:_MAX_OPTIONS]]
        return StaticSelectElement(action_id=VALUE_ACTION, options=options, initial_option=options[0])
    if field.kind in (FieldKind.CHOICE, FieldKind.CHOICES) and field.choices is not None:
        options = [_option(term.key, term.display()) for term in field.choices]
        if field.kind is FieldKind.CHOICES and len(options) <= _MAX_CHECKBOXES:
            return CheckboxesElement(action_id=VALUE_ACTION, options=options)
        if field.kind is FieldKind.CHOICE:
            return StaticSelectElement(action_id=VALUE_ACTION, options=options[:_MAX_OPTIONS])
    if field.kind is FieldKind.DATE:
        return DatePickerElement(action_id=VALUE_ACTION)
    return PlainTextInputElement(
        action_id=VALUE_ACTION, multiline=field.kind is FieldKind.LONG_TEXT, placeholder=placeholder
    )


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=shorten(label, 75)))
