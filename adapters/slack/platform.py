"""`labbot run`'s entry into Slack: HTTP mode (`POST /slack/events`) or Socket Mode, on Bolt's AsyncApp."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.bootstrap import Application
from adapters.slack.bridge import SlackBridge, interactive_client
from adapters.slack.listeners import register
from adapters.slack.messenger import SlackMessenger, web_client
from adapters.slack.settings import SlackSecrets, SlackSettings, secrets_from_environment
from adapters.slack.users import UserDirectory
from adapters.slack.verification import RequestCheck
from labbot.config import ConfigError, Settings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


class SlackConnection:
    """A configured Slack workspace before the application exists: the messenger the outbox sends through."""

    name = "slack"

    def __init__(self, settings: SlackSettings, secrets: SlackSecrets) -> None:
        self.settings = settings
        self.secrets = secrets
        self.messenger = SlackMessenger(
            web_client(settings, secrets.bot_token), history_limit=settings.history_limit
        )

    def serve(self, application: Application) -> SlackPlatform:
        """The platform, serving `application`."""
        return SlackPlatform(self, application)


class SlackPlatform:
    """One Slack workspace: the messenger for outbound messages, the Bolt app for everything inbound."""

    name = "slack"

    def __init__(self, connection: SlackConnection, application: Application) -> None:
        self.settings = connection.settings
        self.secrets = connection.secrets
        self.messenger = connection.messenger
        client = interactive_client(self.secrets.bot_token, self.settings.api_base_url)
        self.bolt = AsyncApp(
            client=client,
            signing_secret=self.secrets.signing_secret or "",
            # Not twice: in HTTP mode every request reaches Bolt only through routes(), after RequestCheck
            # verified its signature (and refused what is malformed); Socket Mode has no signature.
            request_verification_enabled=False,
            # Listeners only ack and leave the work to a background task (listeners.py): answering after the
            # listener is fastest.
            process_before_response=True,
            logger=log,
        )
        users = UserDirectory(client, self.settings.user_cache_seconds)
        self.bridge = SlackBridge(application.bot, client, users, application.runner)
        self.bridge.max_file_bytes = self.settings.max_file_bytes
        register(self.bolt, self.bridge)
        self._socket: AsyncSocketModeHandler | None = None

    def routes(self) -> Sequence[BaseRoute]:
        """`POST /slack/events` in HTTP mode (slash command, interactivity and events alike)."""
        if self.settings.mode != "http":
            return []
        handler = AsyncSlackRequestHandler(self.bolt)
        check = RequestCheck(self.secrets.signing_secret or "")

        async def events(request: Request) -> Response:
            return await check.refusal(request) or await handler.handle(request)

        return [Route(EVENTS_PATH, events, methods=["POST"])]

    async def start(self) -> None:
        """Open the HTTP connection pool; in Socket Mode, the connection to Slack too."""
        await self.bridge.open()
        if self.settings.mode == "socket":
            await self._check_app_token()
            self._socket = AsyncSocketModeHandler(self.bolt, self.secrets.app_token, logger=log)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack Socket Mode connected")

    async def stop(self) -> None:
        """Close the socket and let answers in progress finish."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        await self.bridge.close()

    async def _check_app_token(self) -> None:
        """Fail at start on a refused SLACK_APP_TOKEN (slack_sdk would otherwise retry it forever)."""
        try:
            await self.bridge.client.apps_connections_open(app_token=self.secrets.app_token or "")
        except SlackApiError as error:
            raise ConfigError(
                f"Slack refused SLACK_APP_TOKEN for Socket Mode ({error.response.get('error')}): it must be an "
                "app-level token (xapp-…) with the connections:write scope."
            ) from None


def from_settings(settings: Settings) -> SlackConnection | None:
    """The Slack connection when `[slack]` is configured (secrets from the environment), else None."""
    slack = settings.section("slack", SlackSettings)
    if slack is None:
        return None
    return SlackConnection(slack, secrets_from_environment(slack.mode))
