"""A labbot serving Mattermost over real HTTP, against the Mattermost API stand-in, on each database."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from starlette.types import ASGIApp

from adapters.bootstrap import Application
from adapters.mattermost.platform import MattermostPlatform
from adapters.serve import assemble, platforms_app
from labbot.config import Settings
from labbot.storage.models import Base
from tests.conftest import make_settings
from tests.platforms.mattermost_api import MattermostApiStandIn

COMMAND_TOKEN = "command-token-0123456789abcdef"
ACTIONS_SECRET = "actions-secret-for-tests-only-0123456789"


def wait_until(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll `condition` until it is truthy (fails the test after `timeout` seconds); returns its value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.01)
    return value


class Server:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port from a thread (lifespan on)."""

    def __init__(self, app: ASGIApp) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._server.serve(sockets=[self._sock]),), daemon=True
        )

    def __enter__(self) -> Server:
        self._thread.start()
        wait_until(lambda: self._server.started or not self._thread.is_alive())
        assert self._server.started, "labbot did not start"
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


@dataclass
class Mattermost:
    """The world of one test: the stand-in, its team and people, and labbot serving it."""

    api: MattermostApiStandIn
    app: Application
    platform: MattermostPlatform
    http: httpx.Client
    team_id: str
    channel_id: str
    alice: str
    bruno: str

    def slash(
        self,
        user_id: str,
        text: str,
        *,
        token: str = COMMAND_TOKEN,
        trigger_id: str | None = None,
        answered: bool = True,
    ) -> httpx.Response:
        """POST /mattermost/command as Mattermost does (form-encoded, with the command's token); labbot acks
        at once and answers through the response_url: the answer is returned as the response it stands for."""
        user = self.api.users[user_id]
        response_url = self.api.new_response_url()
        form = {
            "channel_id": self.channel_id,
            "channel_name": "town-square",
            "command": "/lab",
            "response_url": response_url,
            "team_domain": "labs",
            "team_id": self.team_id,
            "text": text,
            "token": token,
            "trigger_id": trigger_id or f"trigger-{time.monotonic_ns()}",
            "user_id": user_id,
            "user_name": user["username"],
        }
        acked = self.http.post("/mattermost/command", data=form)
        if acked.status_code != 200 or acked.json() or not answered:
            return acked
        (answer,) = wait_until(lambda: self.api.responses_to(response_url))
        return httpx.Response(200, json=answer)

    def count(self, model: type[Base]) -> int:
        """Rows of `model` in labbot's database."""
        with self.app.database.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def bot_posts(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        """Posts by the bot, oldest first (in `channel_id` if given)."""
        posts = [
            p
            for p in list(self.api.posts.values())
            if p["user_id"] == self.api.bot_user_id and channel_id in (None, p["channel_id"])
        ]
        return sorted(posts, key=lambda p: p["create_at"])

    def dm_with(self, user_id: str) -> str:
        """The bot's direct channel with `user_id`."""
        return self.api.direct_channel(self.api.bot_user_id, user_id)


def mattermost_settings(database_url: str, api: MattermostApiStandIn, **extra: Any) -> Settings:
    """labbot settings with a [mattermost] table pointing at the stand-in."""
    section = {"url": api.url, "team": "labs", "public_url": "https://labbot.example.gouv.fr", **extra}
    # These tests run on the real clock, and signups close when an event starts: a camp a year ahead.
    starts = datetime.now(UTC) + timedelta(days=365)
    camp = {"key": "camp", "title": "Project camp", "starts": starts, "capacity": 120}
    # Commands in threads of this process, so a test can hold the bot.
    return make_settings(database_url, mattermost=section, events=[camp], commands={"processes": 0})


@pytest.fixture
def mattermost_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[MattermostApiStandIn], None]:
    """Puts the secrets in the environment, as an admin would."""

    def put(api: MattermostApiStandIn) -> None:
        monkeypatch.setenv("MATTERMOST_BOT_TOKEN", api.token)
        monkeypatch.setenv("MATTERMOST_COMMAND_TOKEN", COMMAND_TOKEN)
        monkeypatch.setenv("LABBOT_ACTIONS_SECRET", ACTIONS_SECRET)

    return put


@pytest.fixture
def mattermost(
    database_url: str, mattermost_api: MattermostApiStandIn, mattermost_env: Callable[[MattermostApiStandIn], None]
) -> Iterator[Mattermost]:
    """labbot run's app with [mattermost], over HTTP, its websocket connected to the stand-in."""
    api = mattermost_api
    team_id = api.add_team("labs", "Laboratoires")
    alice = api.add_user("alice", "alice@dreal.gouv.fr", first_name="Alice", last_name="Martin")
    bruno = api.add_user("bruno", "bruno@ddtm.gouv.fr", locale="en", first_name="Bruno", last_name="Le Gall")
    channel_id = api.add_channel(team_id, "town-square", display_name="Town Square", member_ids=[alice, bruno])
    mattermost_env(api)
    application, platforms = assemble(mattermost_settings(database_url, api))
    (platform,) = platforms
    assert isinstance(platform, MattermostPlatform)
    asgi = platforms_app(application, [platform])
    with Server(asgi) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        api.wait_for_websockets(1, timeout=10)
        yield Mattermost(api, application, platform, http, team_id, channel_id, alice, bruno)
    application.database.dispose()
