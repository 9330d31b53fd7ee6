"""Run commands as a console user and print the replies; deliver notifications as printed lines."""

from __future__ import annotations

import sys
from typing import TextIO

from adapters.console.render import render_text
from labbot.engine import LabBot
from labbot.messages import Address, Outcome, Reply, Request


class ConsoleNotifier:
    """Prints messages meant for other people, as a chat would show them to them."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def send_direct(self, address: Address, reply: Reply) -> None:
        text = render_text(reply).replace("\n", "\n  ")
        where = f"#{address.channel_id}" if address.channel_id else address.user_id
        print(f"\n✉ {address.platform}:{where}\n  {text}", file=self.out)


class ConsoleAdapter:
    """Turns a console user's text into a neutral request, and the reply into text."""

    platform = "console"

    def __init__(self, bot: LabBot, user: str, language: str | None = None) -> None:
        self.bot = bot
        self.user = user
        self.language = language

    def say(self, text: str) -> tuple[str, Outcome]:
        """Run one command; return the rendered reply and how it ended."""
        reply = self.bot.handle(
            Request(
                platform=self.platform, user_id=self.user, display_name=self.user, text=text, locale=self.language
            )
        )
        return render_text(reply), reply.outcome
