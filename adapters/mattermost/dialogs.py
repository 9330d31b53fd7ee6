"""Interactive dialogs for the commands with many fields: a new idea, hours, a partner meeting.

A dialog's elements are named after the command's options, so a submission becomes an ordinary command line
and a refusal naming an option is shown beside the matching element.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labbot.i18n import N_, _
from labbot.vocabulary import PARTNER_CATEGORIES, REGIONS, Vocabulary


@dataclass(frozen=True)
class Element:
    """One dialog field, named after the command option it fills."""

    name: str
    label: str
    kind: str = "text"  # text, textarea or select
    placeholder: str = ""
    optional: bool = False
    choices: Vocabulary | None = None
    max_length: int | None = None

    def as_dialog(self) -> dict[str, Any]:
        """The element in Mattermost's dialog format, labels in the current language."""
        element: dict[str, Any] = {
            "name": self.name,
            "display_name": _(self.label),
            "type": self.kind,
            "optional": self.optional,
        }
        if self.placeholder:
            element["placeholder"] = self.placeholder
        if self.max_length:
            element["max_length"] = self.max_length
        if self.choices is not None:
            element["options"] = [{"text": term.display(), "value": term.key} for term in self.choices]
        return element


@dataclass(frozen=True)
class Form:
    """The dialog of one command: its verb, title and fields."""

    verb: str
    title: str
    submit: str
    elements: tuple[Element, ...]

    def dialog(self, *, state: str) -> dict[str, Any]:
        """The `dialog` object of POST /actions/dialogs/open."""
        return {
            "callback_id": self.verb,
            "title": _(self.title),
            "submit_label": _(self.submit),
            "elements": [element.as_dialog() for element in self.elements],
            "state": state,
            "notify_on_cancel": False,
        }

    def command_line(self, submission: Mapping[str, Any]) -> str:
        """The command these answers make, e.g. `heures projet:1 duree:"3h30"`."""
        parts = [self.verb]
        for element in self.elements:
            value = submission.get(element.name)
            text = "" if value is None else str(value).strip()
            if text:
                parts.append(f"{element.name}:{quoted(text)}")
        return " ".join(parts)

    def element_named(self, name: str | None) -> str | None:
        """The element filled by option `name` (as a refusal names it), if this form has one."""
        return next((e.name for e in self.elements if e.name == name), None)


def quoted(value: str) -> str:
    """`value` in quotes the command parser reads, choosing a pair the value does not contain."""
    value = " ".join(value.split())  # a command is one line
    for opening, closing in (('"', '"'), ("“", "”"), ("«", "»")):
        if opening not in value and closing not in value:
            return f"{opening}{value}{closing}"
    return '"' + value.replace('"', "”") + '"'


_PROJECT = Element("projet", N_("Project (number or slug)"), placeholder="1")
_DATE = Element("date", N_("Date (today if empty)"), placeholder="02/06/2016", optional=True)

FORMS: dict[str, Form] = {
    form.verb: form
    for form in (
        Form(
            "idee",
            N_("New project idea"),
            N_("Register"),
            (
                Element("titre", N_("Title"), placeholder="Lab Bretagne", max_length=200),
                Element("region", N_("Region"), kind="select", choices=REGIONS),
                Element("services", N_("State services, comma-separated"), placeholder="DREAL, DDTM"),
                Element("resume", N_("Summary"), kind="textarea", optional=True),
                Element(
                    "methodes", N_("Methods, comma-separated"), placeholder="design, open data", optional=True
                ),
                Element("partenaires", N_("Planned partners"), kind="textarea", optional=True),
            ),
        ),
        Form(
            "heures",
            N_("Log hours"),
            N_("Log"),
            (
                _PROJECT,
                Element("duree", N_("Duration"), placeholder="3h30"),
                _DATE,
                Element("activite", N_("Activity"), placeholder="Atelier usagers", optional=True),
            ),
        ),
        Form(
            "reunion",
            N_("Partner meeting"),
            N_("Log"),
            (
                _PROJECT,
                Element("partenaire", N_("Partner"), placeholder="Pôle emploi Bretagne"),
                Element("categorie", N_("Partner category"), kind="select", choices=PARTNER_CATEGORIES),
                _DATE,
                Element("duree", N_("Duration"), placeholder="1h30", optional=True),
                Element("notes", N_("Notes"), kind="textarea", optional=True),
            ),
        ),
    )
}
# The English verbs open the same forms.
ENGLISH_VERBS = {"idea": "idee", "hours": "heures", "meeting": "reunion"}


def form_for_bare_verb(text: str) -> Form | None:
    """The form to open when the command is a form's verb alone (`/lab idee`), else None."""
    words = text.split()
    if words and words[0].lower() in ("/lab", "lab"):
        words = words[1:]
    if len(words) != 1:
        return None
    verb = words[0].lower()
    return FORMS.get(ENGLISH_VERBS.get(verb, verb))
