"""The one place where labbot is wired: settings → database → outbox → bot → runner → background work.

Everything is built through constructors, in dependency order, and never finished by assignment afterwards;
platforms are built from the assembled application (adapters/serve.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
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


@dataclass(frozen=True)
class Application:
    """What a running labbot is made of."""

    settings: Settings
    database: Database
    bot: LabBot
    notifier: Notifier
    worker: DeliveryWorker
    observer: Observer
    runner: CommandRunner
    # The scheduler and delivery worker (on the elected replica), for the caller to start beside the adapters.
    background: BackgroundWork


def bootstrap(
    settings: Settings,
    *,
    notifier: Notifier | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    clock: Clock | None = None,
    in_background: bool = False,
    platforms: Collection[str] | None = None,
) -> Application:
    """Open and upgrade the database, sync the configured events, and assemble the application.

    Messages for people go through the outbox: to their platform's messenger, or to `notifier` for platforms
    without one (the console prints, tests record). `in_background`: the delivery worker sends them once
    `Application.background` is started (`labbot run`, the console); otherwise right after each command.
    `platforms`: the platforms this process connects (`labbot run`); accounts elsewhere are unreachable.
    """
    database = Database(settings.database.url)
    database.upgrade()
    with database.transaction() as session:
        events.sync_from_config(session, settings.events)
    notifier = notifier or RecordingNotifier()
    clock = clock or SystemClock()
    # Metrics when `[metrics] enabled`; command worker processes count into the same files.
    observer = observer_for(settings)
    worker = DeliveryWorker(
        database,
        messengers or {},
        settings.outbox,
        clock,
        fallback=_unreachable if platforms is not None else _notifier_fallback(notifier),
        observer=observer,
    )
    deliver: Callable[[], None] = worker.wake if in_background else worker.run_until_idle
    bot = LabBot(CommandRegistry(FAMILIES), database, settings, clock, observer=observer, after_commit=deliver)
    runner = CommandRunner(bot, settings, command_settings(settings).processes, wake=deliver)
    background = BackgroundWork(database, settings, worker, clock, Reach(platforms), observer=observer)
    return Application(settings, database, bot, notifier, worker, observer, runner, background)


def command_bot(settings: Settings) -> LabBot:
    """The bot of a command worker process: no migration (the server ran them), no deliveries (the server's
    delivery worker sends what commands queue)."""
    database = Database(settings.database.url)
    return LabBot(CommandRegistry(FAMILIES), database, settings, observer=observer_for(settings))


def _unreachable(_platform: str) -> Messenger | None:
    return None


def _notifier_fallback(notifier: Notifier) -> Callable[[str], Messenger]:
    fallbacks: dict[str, Messenger] = {}

    def fallback(platform: str) -> Messenger:
        return fallbacks.setdefault(platform, NotifierMessenger(notifier, platform))

    return fallback
