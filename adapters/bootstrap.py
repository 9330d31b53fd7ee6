"""The one place where labbot is wired: settings → database → commands → bot (+ adapters at run time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from commands import FAMILIES
from labbot.clock import Clock
from labbot.config import Settings
from labbot.engine import LabBot
from labbot.ports import Messenger, MessengerNotifier, Notifier, RecordingNotifier
from labbot.registry import CommandRegistry
from labbot.storage import events
from labbot.storage.database import Database


@dataclass
class Application:
    """What a running labbot is made of."""

    settings: Settings
    database: Database
    bot: LabBot
    notifier: Notifier


def bootstrap(
    settings: Settings,
    *,
    notifier: Notifier | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    clock: Clock | None = None,
) -> Application:
    """Open and upgrade the database, sync the configured events, and assemble the bot.

    With `messengers`, notifications reach people on their platform (others are kept by `notifier`).
    """
    database = Database(settings.database.url)
    database.upgrade()
    with database.transaction() as session:
        events.sync_from_config(session, settings.events)
    notifier = notifier or RecordingNotifier()
    if messengers:
        notifier = MessengerNotifier(messengers, fallback=notifier)
    bot = LabBot(CommandRegistry(FAMILIES), database, settings, notifier, clock)
    return Application(settings, database, bot, notifier)
