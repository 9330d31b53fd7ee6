"""A Slack workspace in a box: the Slack app over ASGI, signed requests in, the Web API stand-in out."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx2
import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.testclient import TestClient

from adapters.bootstrap import Application, bootstrap
from adapters.serve import platforms_app
from adapters.slack.platform import SlackPlatform, from_settings
from labbot.clock import FixedClock
from tests.conftest import TEST_START, make_settings
from tests.platforms.slack_api import SlackApiStandIn

SIGNING_SECRET = "labbot-test-signing-secret"
CHANNEL = "C0LABBRET"
# A project camp still ahead of the tests' clock (signups close when an event starts), and a one-seat
# workshop to exercise the waiting list.
EVENTS = [
    {"key": "camp", "title": "Project camp", "starts": "2016-06-27T09:30:00", "place": "Paris", "capacity": 120},
    {
        "key": "atelier",
        "title": "Atelier design",
        "starts": "2016-07-07T09:00:00",
        "place": "Rennes",
        "capacity": 1,
    },
]
T = TypeVar("T")


def wait_for(probe: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """Poll `probe` until it returns something truthy (work runs after the ack); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def signed_headers(body: bytes, content_type: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: its request timestamp and the v0 HMAC of `v0:<timestamp>:<body>`."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


@dataclass
class Workspace:
    """Drive labbot as Slack would, and look at what it did on the stand-in."""

    api: SlackApiStandIn
    http: TestClient
    app: Application
    platform: SlackPlatform
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> httpx2.Response:
        """POST a signed body to /slack/events (extra `headers` override the signed ones)."""
        sent = {**signed_headers(body, content_type), **(headers or {})}
        return self.http.post("/slack/events", content=body, headers=sent)

    def command(self, user: str, text: str, *, channel: str = CHANNEL) -> tuple[httpx2.Response, str]:
        """`/lab <text>` by `user`; returns the HTTP answer and the command's response_url."""
        body, response_url = self.command_body(user, text, channel=channel)
        return self.post(body, "application/x-www-form-urlencoded"), response_url

    def command_body(self, user: str, text: str, *, channel: str = CHANNEL) -> tuple[bytes, str]:
        """The form body of a slash command, with a fresh trigger_id and response_url."""
        response_url = self.api.new_response_url()
        fields = {
            "token": "verification-token-unused",
            "team_id": self.api.team_id,
            "team_domain": "labbot-test",
            "channel_id": channel,
            "channel_name": "lab-bretagne",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/lab",
            "text": text,
            "api_app_id": self.api.app_id,
            "response_url": response_url,
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.trigger",
        }
        return urlencode(fields).encode(), response_url

    def interact(self, payload: dict[str, Any]) -> httpx2.Response:
        """An interactivity payload (button, view submission, shortcut), form-encoded as Slack sends it."""
        return self.post(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> httpx2.Response:
        """An Events API callback (JSON), optionally marked as Slack's retry number `retry`."""
        body = json.dumps(
            {
                "token": "verification-token-unused",
                "team_id": self.api.team_id,
                "api_app_id": self.api.app_id,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
                "event": event,
            }
        ).encode()
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", headers)

    def answers(self, response_url: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait for `count` bodies posted to `response_url`; return them all."""
        found = wait_for(
            lambda: (r := self.api.responses_to(response_url)) and len(r) >= count and r,
            f"{count} answer(s) on {response_url}",
            timeout,
        )
        return [r.body for r in found]


def text_of(message: dict[str, Any]) -> str:
    """Everything a person reads in a message or view: its text and every text inside its blocks."""
    parts = [str(message.get("text", ""))]

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                parts.append(value["text"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(parts).replace("\u00a0", " ").replace("\u202f", " ")


def build_workspace(
    database_url: str, api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch, mode: str, command_processes: int = 0
) -> Workspace:
    """Configure, bootstrap and attach labbot's Slack platform against the stand-in."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", api.token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_APP_TOKEN", api.app_token)
    settings = make_settings(
        database_url,
        # Commands in a thread of this process (the default), on this test's bot and its fixed clock.
        slack={"mode": mode, "api_base_url": api.base_url},
        commands={"processes": command_processes},
        roles={"admins": ["slack:U0SGMAP"]},
        events=EVENTS,
    )
    connection = from_settings(settings)
    assert connection is not None
    app = bootstrap(settings, messengers={"slack": connection.messenger}, clock=FixedClock(TEST_START))
    platform = connection.serve(app)
    asgi = platforms_app(app, [platform])
    return Workspace(api, TestClient(asgi), app, platform)


def add_people(api: SlackApiStandIn) -> None:
    """Alice and Bruno (French), Emma (English), SGMAP's admin."""
    api.add_user("U0ALICE", "alice", "Alice Martin", "alice@dreal.gouv.fr")
    api.add_user("U0BRUNO", "bruno", "Bruno Le Gall", "bruno@ddtm.gouv.fr")
    api.add_user("U0EMMA", "emma", "Emma Stone", "emma@prefecture.gouv.fr", locale="en-US")
    api.add_user("U0SGMAP", "sgmap", "SGMAP", "sgmap@modernisation.gouv.fr")
    api.add_channel(CHANNEL, "lab-bretagne")


@pytest.fixture
def slack(database_url: str, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """labbot's Slack app in HTTP mode on both databases, with four people in the workspace."""
    add_people(slack_api)
    workspace = build_workspace(database_url, slack_api, monkeypatch, "http")
    with workspace.http:
        yield workspace
    workspace.app.database.dispose()
