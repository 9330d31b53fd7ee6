"""The core's forms (labbot/forms.py) as console prompts: one question per field, and again for a wrong one."""

from __future__ import annotations

from collections.abc import Callable

from adapters.console.adapter import ConsoleAdapter
from labbot.arguments import FieldKind
from labbot.forms import Form, FormField
from labbot.i18n import _, language_from_hint, use_locale
from labbot.messages import Outcome

Ask = Callable[[str], str]
# After this many refusals the form gives up (the last reply is shown).
ROUNDS = 3


def fill_in(adapter: ConsoleAdapter, form: Form, ask: Ask = input) -> tuple[str, Outcome]:
    """Ask every field of `form`, run it, and ask again only the fields a refusal names."""
    language = language_from_hint(adapter.language) or "fr"
    fields = list(form.fields)
    answers: dict[str, str | list[str]] = {}
    text, outcome = "", Outcome.REFUSED
    for _round in range(ROUNDS):
        with use_locale(language):
            print(_(form.title))  # noqa: T201
            for field in fields:
                answer = ask(_question(field)).strip()
                if answer:
                    answers[field.name] = answer
                else:
                    answers.pop(field.name, None)
        reply = adapter.answer(form.verb, answers)
        text, outcome = adapter.shown(reply), reply.outcome
        wrong = [field for field in form.fields if field.name in reply.field_errors]
        if outcome is not Outcome.REFUSED or not wrong:
            return text, outcome
        print(text)  # noqa: T201
        fields = wrong
    return text, outcome


def _question(field: FormField) -> str:
    """`Région (une des 18 régions) [bretagne, corse, …] : ` — optional fields say so."""
    parts = [_(field.label)]
    if field.help:
        parts.append(f"({field.help_text()})")
    if field.choices is not None and field.kind in (FieldKind.CHOICE, FieldKind.CHOICES):
        parts.append(f"[{field.choices.choices()}]")
    elif field.example:
        parts.append(_("e.g. {example}").format(example=field.example))
    if not field.required:
        parts.append(_("(optional)"))
    return " ".join(parts) + _(": ")
