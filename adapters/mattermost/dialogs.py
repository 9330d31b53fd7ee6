"""The core's forms (labbot/forms.py) as Mattermost interactive dialogs, and a submission back as answers.

Mattermost refuses a dialog whose title or element label is over 24 bytes, or whose help text, placeholder or
default is over 150 (model.Dialog.IsValid): labels are short, the explanation goes to `help_text`, and
everything is cut to fit in bytes, not characters ("É" is two).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labbot.arguments import FieldKind
from labbot.forms import HELP_LIMIT, LABEL_LIMIT, Form, FormField
from labbot.i18n import _

# Placeholders for fields whose type says how to write them.
_PLACEHOLDERS = {FieldKind.DATE: "02/06/2016", FieldKind.PROJECT: "1"}


def dialog(form: Form, *, state: str) -> dict[str, Any]:
    """The `dialog` object of POST /actions/dialogs/open, in the current language."""
    return {
        "callback_id": form.verb,
        "title": fit(_(form.title), LABEL_LIMIT),
        "submit_label": _("Save"),
        "elements": [_element(field) for field in form.fields],
        "state": state,
        "notify_on_cancel": False,
    }


def answers(form: Form, submission: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """The form's answers in a dialog submission (empty ones left out, so defaults apply)."""
    found: dict[str, str | list[str]] = {}
    for field in form.fields:
        value = submission.get(field.name)
        text = "" if value is None else str(value).strip()
        if text:
            found[field.name] = text
    return found


def dialog_errors(form: Form, field_errors: Mapping[str, str], message: str) -> dict[str, Any]:
    """A refusal as Mattermost shows it: beside each element at fault, else above the fields."""
    errors = {name: text for name, text in field_errors.items() if form.field(name) is not None}
    return {"errors": errors} if errors else {"error": message}


def fit(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, with an ellipsis when cut."""
    if len(text.encode()) <= limit:
        return text
    cut = text
    while len((cut + "…").encode()) > limit:
        cut = cut[:-1]
    return cut.rstrip() + "…"


def _element(field: FormField) -> dict[str, Any]:
    element: dict[str, Any] = {
        "name": field.name,
        "display_name": fit(_(field.label), LABEL_LIMIT),
        "type": "textarea" if field.kind is FieldKind.LONG_TEXT else "text",
        "optional": not field.required,
    }
    help_text = field.help_text()
    if field.kind is FieldKind.CHOICE and field.choices is not None:
        element["type"] = "select"
        element["options"] = [{"text": term.display(), "value": term.key} for term in field.choices]
    elif field.kind is FieldKind.CHOICES and field.choices is not None:
        # Several terms typed, comma-separated (multiselect is not in every server): the reader's words as help.
        help_text = field.choices.choices()
    placeholder = field.example or _PLACEHOLDERS.get(field.kind, "")
    if placeholder:
        element["placeholder"] = fit(placeholder, HELP_LIMIT)
    if help_text:
        element["help_text"] = fit(help_text, HELP_LIMIT)
    return element
