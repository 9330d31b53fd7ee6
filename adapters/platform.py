"""The seam between `labbot run` and each chat platform.

A platform package (`adapters/slack`, `adapters/mattermost`) exposes `adapters/<name>/platform.py` with
`from_settings(settings) -> Platform | None` (None when its config table is absent). `labbot run` builds every
configured platform first, so their messengers can be handed to the bot, then attaches the assembled
application, mounts their HTTP routes on one server and starts their background tasks (Socket Mode,
websocket listeners).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from labbot.config import Settings
from labbot.ports import Messenger

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from adapters.bootstrap import Application

# Every platform labbot knows, in the order they start. Each is imported only when configured.
PLATFORM_NAMES = ("slack", "mattermost")


class Service(Protocol):
    """Something that runs beside the HTTP server for the life of `labbot run`."""

    async def start(self) -> None:
        """Start background work; return once it runs."""
        ...

    async def stop(self) -> None:
        """Stop background work and release its connections."""
        ...


class Platform(Service, Protocol):
    """One connected chat platform."""

    name: str
    messenger: Messenger

    def attach(self, application: Application) -> None:
        """Receive the assembled bot before any route or background task is used."""
        ...

    def routes(self) -> Sequence[BaseRoute]:
        """HTTP routes to mount on the shared server (none for a platform reached only by socket)."""
        ...


def configured_platforms(settings: Settings) -> list[Platform]:
    """The platforms whose config table is present, built from settings (secrets from the environment)."""
    platforms: list[Platform] = []
    for name in PLATFORM_NAMES:
        if (settings.model_extra or {}).get(name) is None:
            continue
        module = importlib.import_module(f"adapters.{name}.platform")
        platform = module.from_settings(settings)
        if platform is not None:
            platforms.append(platform)
    return platforms
