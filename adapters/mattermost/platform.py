"""`labbot run`'s Mattermost platform: HTTP routes, the websocket listener and the messenger."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from typing import TYPE_CHECKING

from adapters.mattermost.adapter import MattermostAdapter
from adapters.mattermost.directory import UserDirectory
from adapters.mattermost.mentions import MentionListener
from adapters.mattermost.messenger import MattermostMessenger
from adapters.mattermost.render import Buttons
from adapters.mattermost.rest import driver_for
from adapters.mattermost.routes import ACTIONS_PATH, MattermostRoutes
from adapters.mattermost.settings import MattermostSecrets, MattermostSettings
from adapters.mattermost.signing import ContextSigner
from adapters.mattermost.websocket import MattermostEventStream
from labbot.config import Settings
from labbot.forms import Forms

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from adapters.bootstrap import Application


class MattermostConnection:
    """A configured Mattermost server before the application exists: the messenger the outbox sends through."""

    name = "mattermost"

    def __init__(self, settings: MattermostSettings, secrets: MattermostSecrets) -> None:
        self.settings = settings
        self.secrets = secrets
        self.signer = ContextSigner(secrets.actions_secret)
        driver = driver_for(settings, secrets.bot_token)
        self.messenger = MattermostMessenger(driver, Buttons(settings.public_url + ACTIONS_PATH, self.signer))
        self.directory = UserDirectory(driver)

    def serve(self, application: Application) -> MattermostPlatform:
        """The platform, serving `application`."""
        return MattermostPlatform(self, application)


class MattermostPlatform:
    """One Mattermost server and team, served by this labbot."""

    name = "mattermost"

    def __init__(self, connection: MattermostConnection, application: Application) -> None:
        self.settings = connection.settings
        self.secrets = connection.secrets
        self.messenger = connection.messenger
        self.directory = connection.directory
        self.adapter = MattermostAdapter(application.runner, self.directory, self.messenger)
        self.adapter.max_file_bytes = self.settings.max_file_bytes
        forms = Forms(application.bot.registry)
        self.endpoints = MattermostRoutes(self.adapter, self.settings, self.secrets, connection.signer, forms)
        self._stream: MattermostEventStream | None = None
        self._listening: asyncio.Task[None] | None = None

    def routes(self) -> Sequence[BaseRoute]:
        """`/mattermost/command`, `/mattermost/actions`, `/mattermost/dialog`."""
        return self.endpoints.routes()

    async def start(self) -> None:
        """Listen to mentions and direct messages over the websocket (TLS verified)."""
        context = None
        if self.settings.ca_file is not None:
            context = ssl.create_default_context(cafile=str(self.settings.ca_file))
        self._stream = MattermostEventStream(
            self.settings.url,
            self.secrets.bot_token,
            on_event=MentionListener(self.adapter).on_event,
            ssl_context=context,
        )
        self._listening = asyncio.create_task(self._stream.run(), name="mattermost-websocket")

    async def stop(self) -> None:
        """Close the websocket, then let replies being posted finish."""
        if self._stream is not None and self._listening is not None:
            self._stream.stop()
            await self._listening
        await self.adapter.drain()


def from_settings(settings: Settings) -> MattermostConnection | None:
    """The connection when `[mattermost]` is configured (secrets from the environment), else None."""
    section = settings.section("mattermost", MattermostSettings)
    if section is None:
        return None
    return MattermostConnection(section, MattermostSecrets.from_environment())
