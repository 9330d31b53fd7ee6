"""The seam between `labbot run` and each chat platform.

A platform package (`adapters/slack`, `adapters/mattermost`) exposes `adapters/<name>/platform.py` with
`from_settings(settings) -> Connection | None` (None when its config table is absent). `labbot run` builds
every configured connection first, so that their messengers go into the outbox when the application is
bootstrapped; each connection then builds its platform with the application (`serve`), whose HTTP routes are
mounted on one server and whose background tasks (Socket Mode, websocket listeners) start with it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from labbot.config import Settings
from labbot.ports import Messenger

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from adapters.bootstrap import Application


def _discovered() -> tuple[str, ...]:
    """Every package of adapters/ with a platform.py, so that a new platform is one package (README)."""
    return tuple(sorted(path.parent.name for path in Path(__file__).parent.glob("*/platform.py")))


# Every platform labbot knows, in the order they start. Each is imported only when configured.
PLATFORM_NAMES = _discovered()


class Service(Protocol):
    """Something that runs beside the HTTP server for the life of `labbot run`."""

    async def start(self) -> None:
        """Start background work; return once it runs."""
        ...

    async def stop(self) -> None:
        """Stop background work and release its connections."""
        ...


class Platform(Service, Protocol):
    """One connected chat platform, serving the application it was built with."""

    name: str

    def routes(self) -> Sequence[BaseRoute]:
        """HTTP routes to mount on the shared server (none for a platform reached only by socket)."""
        ...


class Connection(Protocol):
    """A configured platform before the application exists: the messenger the outbox reaches it through."""

    name: str
    messenger: Messenger

    def serve(self, application: Application) -> Platform:
        """The platform, built with the assembled application."""
        ...


def configured_connections(settings: Settings) -> list[Connection]:
    """The platforms whose config table is present, built from settings (secrets from the environment)."""
    connections: list[Connection] = []
    for name in PLATFORM_NAMES:
        if (settings.model_extra or {}).get(name) is None:
            continue
        module = importlib.import_module(f"adapters.{name}.platform")
        connection = module.from_settings(settings)
        if connection is not None:
            connections.append(connection)
    return connections
