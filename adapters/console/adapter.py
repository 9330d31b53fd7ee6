"""Run commands as a console user and print the replies; deliver notifications as printed lines."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from adapters.console.render import render_text
from labbot.engine import LabBot
from labbot.messages import Address, Attachment, Outcome, Reply, Request
from labbot.ports import DeliveryFailed


class ConsoleNotifier:
    """Prints messages meant for other people, as a chat would show them to them."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def send_direct(self, address: Address, reply: Reply) -> None:
        text = render_text(reply).replace("\n", "\n  ")
        where = f"#{address.channel_id}" if address.channel_id else address.user_id
        try:
            # Flushed: a message that cannot reach the reader is not counted as delivered.
            print(f"\n✉ {address.platform}:{where}\n  {text}", file=self.out, flush=True)
        except BrokenPipeError as error:  # `labbot say … | head`: nobody reads any more; shown next time
            raise DeliveryFailed("the console's output is closed", permanent=False) from error


class ConsoleAdapter:
    """Turns a console user's text into a neutral request, and the reply into text."""

    platform = "console"

    def __init__(
        self, bot: LabBot, user: str, language: str | None = None, *, files_dir: Path = Path("labbot-fichiers")
    ) -> None:
        self.bot = bot
        self.user = user
        self.language = language
        self.files_dir = files_dir

    def say(self, text: str) -> tuple[str, Outcome]:
        """Run one command; return the rendered reply and how it ended.

        Files the reply carries are saved in `files_dir`; each path follows the text on a line of its own.
        """
        reply = self.bot.handle(
            Request(
                platform=self.platform, user_id=self.user, display_name=self.user, text=text, locale=self.language
            )
        )
        return self.shown(reply), reply.outcome

    def answer(self, verb: str, arguments: Mapping[str, str | list[str]]) -> Reply:
        """Run a form's answers (adapters/console/prompts.py)."""
        return self.bot.handle(
            Request(
                platform=self.platform,
                user_id=self.user,
                display_name=self.user,
                text=verb,
                locale=self.language,
                arguments=arguments,
            )
        )

    def shown(self, reply: Reply) -> str:
        """The reply as text, with the path of each file it carries (saved in `files_dir`) on its own line."""
        paths = [str(save_attachment(self.files_dir, attachment)) for attachment in reply.files]
        return "\n".join([render_text(reply), *paths])


def save_attachment(folder: Path, attachment: Attachment) -> Path:
    """Write `attachment` into `folder` under its own name, never over an earlier file (`name (2).ext`…)."""
    folder.mkdir(parents=True, exist_ok=True)
    # Only the last path component: a file name never chooses its folder.
    name = Path(attachment.filename.replace("\\", "/")).name or "fichier"
    stem, suffix = Path(name).stem, Path(name).suffix
    path = folder / name
    counter = 2
    while True:
        try:
            with path.open("xb") as out:
                out.write(attachment.content)
        except FileExistsError:
            path = folder / f"{stem} ({counter}){suffix}"
            counter += 1
        else:
            return path
