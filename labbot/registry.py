"""Commands declared once: verb, English alias, typed arguments, role, help and example.

Help, usage lines and "did you mean" are all generated from these declarations.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from slugify import slugify

from labbot.arguments import Arguments, field_aliases
from labbot.i18n import Language
from labbot.states import ROLE_RANK, Role

if TYPE_CHECKING:
    from labbot.context import CommandContext
    from labbot.messages import Reply


ArgsT = TypeVar("ArgsT", bound=Arguments)
# A `key:` in an example (not a time such as 09:30, nor a link).
_KEY = re.compile(r"(?<![\w/-])([a-zà-ÿ_]+):(?!//)")
Handler = Callable[["CommandContext", Any], "Reply"]


class NoArguments(Arguments):
    """For commands that take none."""


@dataclass(frozen=True)
class CommandSpec:
    """One command as users see it."""

    name: str
    alias: str
    handler: Handler
    arguments: type[Arguments]
    positionals: tuple[str, ...]
    role: str
    summary: str
    example: str
    example_en: str
    family: str
    greedy: bool = False
    # Retries of these are harmless (reads); only writes need the idempotency record.
    writes: bool = True
    # The title of its form (a message id, at most 24 bytes translated); empty: no form (labbot/forms.py).
    form: str = ""
    # A command that mostly reads (a search) and writes only in some uses: whether the words after the verb
    # write. A read keeps the idempotency record's statements off its path.
    writes_when: Callable[[Sequence[str]], bool] | None = None

    def writes_with(self, words: Sequence[str] | None) -> bool:
        """Whether this use writes (`words`: the words after the verb; None for a form's answers)."""
        if not self.writes or self.writes_when is None or words is None:
            return self.writes
        return self.writes_when(words)

    def verb(self, language: Language) -> str:
        """The verb in `language`."""
        return self.alias if language == "en" else self.name

    def example_in(self, language: Language, today: date) -> str:
        """The example in `language`, its keys as that language types them; `{soon}` is a day a month ahead,
        so an example that must be in the future never is in the past."""
        example = self.example_en if language == "en" else self.example
        example = example.replace("{soon}", (today + timedelta(days=30)).strftime("%d/%m/%Y"))
        if language != "en":
            return example
        english = {name: aliases[0] for name, aliases in self._aliases().items() if aliases}
        return _KEY.sub(lambda found: english.get(found.group(1), found.group(1)) + ":", example)

    def key(self, name: str, language: Language) -> str:
        """How a field's key is typed in `language` (English: its first English alias, if any)."""
        aliases = self._aliases().get(name, [])
        return aliases[0] if language == "en" and aliases else name

    def _aliases(self) -> dict[str, list[str]]:
        return {name: field_aliases(info) for name, info in self.arguments.model_fields.items()}

    def usage(self, language: Language) -> str:
        """`heures <projet> <duree> [date:…] [activite:…]`, or in English `hours <project> <duration> …`."""
        parts = [self.verb(language)]
        fields = self.arguments.model_fields
        for name in self.positionals:
            key = self.key(name, language)
            parts.append(f"<{key}>" if fields[name].is_required() else f"[<{key}>]")
        for name, info in fields.items():
            if name not in self.positionals:
                key = self.key(name, language)
                parts.append(f"{key}:…" if info.is_required() else f"[{key}:…]")
        return " ".join(parts)


@dataclass
class CommandFamily:
    """The commands of one module (ideas, events, hours…), declared with `@family.command(...)`."""

    name: str
    commands: list[CommandSpec] = field(default_factory=list)

    def command(
        self,
        name: str,
        alias: str,
        *,
        summary: str,
        example: str,
        example_en: str,
        arguments: type[Arguments] = NoArguments,
        positionals: tuple[str, ...] = (),
        role: str = Role.AGENT,
        greedy: bool = False,
        writes: bool = True,
        form: str = "",
        writes_when: Callable[[Sequence[str]], bool] | None = None,
    ) -> Callable[[Callable[[CommandContext, ArgsT], Reply]], Callable[[CommandContext, ArgsT], Reply]]:
        """Register the decorated function as the handler of `name` / `alias`."""

        def register(
            handler: Callable[[CommandContext, ArgsT], Reply],
        ) -> Callable[[CommandContext, ArgsT], Reply]:
            self.commands.append(
                CommandSpec(
                    name,
                    alias,
                    handler,
                    arguments,
                    positionals,
                    role,
                    summary,
                    example,
                    example_en,
                    self.name,
                    greedy,
                    writes,
                    form,
                    writes_when,
                )
            )
            return handler

        return register


class CommandRegistry:
    """Every command, looked up by French verb or English alias (case and accents ignored)."""

    def __init__(self, families: Iterable[CommandFamily]) -> None:
        self.commands: list[CommandSpec] = []
        self._by_verb: dict[str, CommandSpec] = {}
        for family in families:
            for spec in family.commands:
                for verb in (spec.name, spec.alias):
                    key = slugify(verb)
                    if key in self._by_verb and self._by_verb[key] is not spec:
                        raise ValueError(f"verb {verb!r} is declared twice")
                    self._by_verb[key] = spec
                self.commands.append(spec)

    def find(self, verb: str) -> CommandSpec | None:
        """The command `verb` names, or None."""
        return self._by_verb.get(slugify(verb))

    def allowed(self, role: str) -> list[CommandSpec]:
        """The commands someone with `role` may run."""
        return [spec for spec in self.commands if ROLE_RANK[role] >= ROLE_RANK[spec.role]]

    def closest(self, verb: str, role: str) -> list[str]:
        """Verbs close to a mistyped `verb`, among those `role` may run."""
        verbs = [v for spec in self.allowed(role) for v in (spec.name, spec.alias)]
        return difflib.get_close_matches(slugify(verb), verbs, n=2, cutoff=0.6)
