"""The one place where labbot is wired: settings → database → commands → bot (+ adapters at run time)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from adapters.runner import CommandRunner, command_settings
from commands import FAMILIES
from labbot.clock import Clock, SystemClock
from labbot.config import Settings
from labbot.engine import LabBot
from labbot.metrics import observer_for
from labbot.observation import Observer
from labbot.outbox.worker import DeliveryWorker
from labbot.ports import Messenger, Notifier, NotifierMessenger, RecordingNotifier
from labbot.registry import CommandRegistry
from labbot.scheduling.audience import Reach
from labbot.scheduling.background import BackgroundWork
from labbot.storage import events
from labbot.storage.database import Database


@dataclass
class Application:
    """What a running labbot is made of."""

    settings: Settings
    database: Database
    bot: LabBot
    notifier: Notifier
    worker: DeliveryWorker
    observer: Observer
    runner: CommandRunner

    def background(self, platforms: Collection[str] | None = None) -> BackgroundWork:
        """The scheduler and delivery worker, to start beside the adapters; deliveries then happen in the
        background (on the elected replica) instead of right after each command."""
        self.bot.after_commit = self.worker.wake
        if platforms is not None:
            # Accounts on platforms not connected here (a console login) are recorded as unreachable.
            self.worker.fallback = lambda _platform: None
        return BackgroundWork(
            self.database, self.settings, self.worker, self.bot.clock, Reach(platforms), observer=self.observer
        )


def bootstrap(
    settings: Settings,
    *,
    notifier: Notifier | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    clock: Clock | None = None,
) -> Application:
    """Open and upgrade the database, sync the configured events, and assemble the bot.

    Messages for people go through the outbox: to their platform's messenger, or to `notifier` for platforms
    without one (the console prints, tests record). Until `Application.background()` is started, the outbox
    is delivered right after each command.
    """
    database = Database(settings.database.url)
    database.upgrade()
    with database.transaction() as session:
        events.sync_from_config(session, settings.events)
    notifier = notifier or RecordingNotifier()
    clock = clock or SystemClock()
    fallbacks: dict[str, Messenger] = {}

    def fallback(platform: str) -> Messenger:
        return fallbacks.setdefault(platform, NotifierMessenger(notifier, platform))

    # Metrics when `[metrics] enabled`; worker processes bootstrap here too, and count into the same files.
    observer = observer_for(settings)
    worker = DeliveryWorker(
        database, messengers or {}, settings.outbox, clock, fallback=fallback, observer=observer
    )
    bot = LabBot(CommandRegistry(FAMILIES), database, settings, clock, observer=observer)
    bot.after_commit = worker.run_until_idle
    runner = CommandRunner(
        bot,
        settings,
        command_settings(settings).processes,
        lambda: bot.after_commit(),  # noqa: PLW0108 - read at each call: background() swaps it
    )
    return Application(settings, database, bot, notifier, worker, observer, runner)


def command_bot(settings: Settings) -> LabBot:
    """The bot of a command worker process: no migration (the server ran them), no deliveries (the server's
    delivery worker sends what commands queue)."""
    database = Database(settings.database.url)
    return LabBot(CommandRegistry(FAMILIES), database, settings, observer=observer_for(settings))
