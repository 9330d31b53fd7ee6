"""Forms declared once, in the core: a command's form is derived from its argument model.

Each field is one argument: its name, a short label (at most 24 bytes in every language, the shortest limit
of the platforms: Mattermost's dialog labels), a kind, its choices, its help and whether it is required.
Adapters render forms (a Slack modal, a Mattermost dialog, console prompts) and hand the answers back as
`Request.arguments`: the engine validates them with the same model and answers with an error per field.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic.fields import FieldInfo

from labbot.arguments import Arguments, FieldKind, field_choices, field_label, field_markers, render_help
from labbot.registry import CommandRegistry, CommandSpec
from labbot.vocabulary import Vocabulary

# Mattermost refuses a dialog whose title or element label is longer (model.DialogTitleMaxLength,
# DialogElementDisplayNameMaxLength), and its help texts over 150 bytes; Slack's modal titles stop at 24
# characters too.
LABEL_LIMIT = 24
HELP_LIMIT = 150


@dataclass(frozen=True)
class FormField:
    """One question of a form: the argument it fills."""

    name: str
    label: str  # a message id, translated when rendered
    kind: FieldKind
    required: bool
    help: str = ""  # a message id
    choices: Vocabulary | None = None
    example: str = ""
    default: Any = None

    def help_text(self) -> str:
        """The help in the reader's language, its values listed from the declaration (empty when none)."""
        return render_help(self.help, self.choices, self.default) if self.help else ""


@dataclass(frozen=True)
class Form:
    """The form of one command."""

    verb: str
    alias: str
    title: str  # a message id
    fields: tuple[FormField, ...]

    def field(self, name: str | None) -> FormField | None:
        """The field filling argument `name`, if this form has one."""
        return next((f for f in self.fields if f.name == name), None)


def form_of(spec: CommandSpec) -> Form | None:
    """The form of `spec`, derived from its argument model, or None for commands declared without one."""
    if not spec.form:
        return None
    model: type[Arguments] = spec.arguments
    fields = tuple(_field(name, info) for name, info in model.model_fields.items())
    return Form(spec.name, spec.alias, spec.form, fields)


class Forms:
    """Every form of a registry, found by French verb or English alias."""

    def __init__(self, registry: CommandRegistry) -> None:
        self.all = [form for spec in registry.commands if (form := form_of(spec)) is not None]
        self._by_verb = {verb: form for form in self.all for verb in (form.verb, form.alias)}

    def get(self, verb: str) -> Form | None:
        """The form of `verb` (French or English), or None."""
        return self._by_verb.get(verb.lower())

    def for_bare_verb(self, text: str) -> Form | None:
        """The form to open when a command is a form's verb alone (`/lab idee`), else None."""
        words = text.split()
        if words and words[0].lower() in ("/lab", "lab"):
            words = words[1:]
        return self.get(words[0]) if len(words) == 1 else None


def _field(name: str, info: FieldInfo) -> FormField:
    choices = field_choices(info)
    kinds = [m for m in field_markers(info) if isinstance(m, FieldKind)]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if isinstance(extra.get("kind"), str):
        kind = FieldKind(str(extra["kind"]))
    elif choices is not None:
        kind = FieldKind.CHOICES if choices.many else FieldKind.CHOICE
    elif kinds:
        kind = kinds[0]
    elif date in _types(info.annotation):
        kind = FieldKind.DATE
    else:
        kind = FieldKind.TEXT
    return FormField(
        name=name,
        label=field_label(name, info),
        kind=kind,
        required=info.is_required(),
        help=info.description or "",
        choices=choices.vocabulary if choices else None,
        example=str(extra.get("example") or ""),
        default=None if info.is_required() else info.default,
    )


def _types(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is typing.Annotated:
        return _types(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return {t for argument in typing.get_args(annotation) for t in _types(argument)}
    return {annotation}
