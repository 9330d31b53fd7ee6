"""The interactive console: a prompt that shows who you are, with line history."""

from __future__ import annotations

import contextlib
from pathlib import Path

from adapters.console.adapter import ConsoleAdapter
from adapters.console.prompts import fill_in
from labbot.engine import LabBot
from labbot.forms import Forms

try:  # readline gives history and line editing where the platform has it
    import readline
except ImportError:  # pragma: no cover - Windows
    readline = None  # type: ignore[assignment]

BANNER = """labbot — laboratoires d'innovation territoriale (console)
Tapez « aide » pour les commandes, « :as <utilisateur> » pour changer d'utilisateur, « :q » pour quitter.
Type "help" for the commands, ":as <user>" to switch user, ":q" to quit."""


def run_repl(bot: LabBot, user: str, language: str | None, *, history: Path, files_dir: Path) -> None:
    """Read commands until end of input; `:as NAME` switches user."""
    if readline is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
    print(BANNER)  # noqa: T201
    adapter = ConsoleAdapter(bot, user, language, files_dir=files_dir)
    forms = Forms(bot.registry)
    while True:
        try:
            line = input(f"{adapter.user}@labbot> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()  # noqa: T201
            break
        if line in (":q", ":quit", "exit", "quit"):
            break
        if line.startswith(":as "):
            adapter.user = line[4:].strip() or adapter.user
            continue
        form = forms.for_bare_verb(line)
        if form is not None:  # a form's verb alone: its questions, one by one
            text, _outcome = fill_in(adapter, form)
            print(text)  # noqa: T201
        elif line:
            text, _outcome = adapter.say(line)
            print(text)  # noqa: T201
    if readline is not None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)
