"""The Mattermost event stream client, against the API stand-in and a small scripted server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from adapters.mattermost.websocket import EventHandler, MattermostEventStream, websocket_url
from tests.platforms.mattermost_api import MattermostApiStandIn

pytestmark = pytest.mark.anyio
LOGGER = "adapters.mattermost.websocket"


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio only."""
    return "asyncio"


class Collector:
    """An ``on_event`` callback keeping every event."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    async def __call__(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]

    def posts(self) -> list[dict[str, Any]]:
        return [e["data"]["post"] for e in self.of("posted")]


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` every 10 ms."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running(stream: MattermostEventStream) -> AsyncIterator[asyncio.Task[None]]:
    """Run the stream in a task; stop it and check it ends cleanly on exit."""
    task = asyncio.create_task(stream.run())
    try:
        yield task
    finally:
        stream.stop()
        await asyncio.wait_for(task, 5)


def fast_stream(url: str, token: str, on_event: EventHandler, **options: Any) -> MattermostEventStream:
    """A stream with a 10-50 ms backoff, so reconnections happen within the test."""
    return MattermostEventStream(url, token, on_event=on_event, backoff_initial=0.01, backoff_max=0.05, **options)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_websocket_url() -> None:
    assert websocket_url("https://mm.example.gouv.fr") == "wss://mm.example.gouv.fr/api/v4/websocket"
    assert websocket_url("http://127.0.0.1:8065/") == "ws://127.0.0.1:8065/api/v4/websocket"
    assert websocket_url("https://x.fr/mattermost") == "wss://x.fr/mattermost/api/v4/websocket"
    assert websocket_url("wss://x.fr/api/v4/websocket") == "wss://x.fr/api/v4/websocket"
    with pytest.raises(ValueError, match="not an http"):
        websocket_url("mm.example.gouv.fr")


async def test_authenticates_and_delivers_decoded_post(mattermost_api: MattermostApiStandIn) -> None:
    api = mattermost_api
    alice = api.add_user("alice")
    dm = api.direct_channel(api.bot_user_id, alice)
    got = Collector()
    async with running(fast_stream(api.url, api.token, got)):
        await wait_until(lambda: bool(got.of("hello")))
        sent = api.emit_posted(dm, alice, "Bonjour labbot")
        await wait_until(lambda: bool(got.posts()))
    (event,) = got.of("posted")
    assert event["data"]["post"] == sent
    assert event["data"]["channel_type"] == "D"
    assert event["data"]["sender_name"] == "@alice"


async def test_reconnects_after_drop_and_delivers_once(mattermost_api: MattermostApiStandIn) -> None:
    api = mattermost_api
    channel = api.add_channel(api.add_team("lab"), "general")
    alice = api.add_user("alice")
    got = Collector()
    stream = fast_stream(api.url, api.token, got)
    async with running(stream):
        await wait_until(lambda: stream.connection_count == 1)
        assert api.drop_websockets() == 1
        await wait_until(lambda: stream.connection_count == 2 and api.connected_websockets == 1)
        post = api.emit_posted(channel, alice, "après la coupure")
        await wait_until(lambda: bool(got.posts()))
        await asyncio.sleep(0.1)  # room for a duplicate to show up
    assert [p["id"] for p in got.posts()] == [post["id"]]
    assert len(got.of("hello")) == 2


async def test_replayed_events_are_not_dispatched_twice(
    mattermost_api: MattermostApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    api = mattermost_api
    alice = api.add_user("alice")
    dm = api.direct_channel(alice, api.bot_user_id)
    got = Collector()
    stream = fast_stream(api.url, api.token, got)
    caplog.set_level(logging.DEBUG, LOGGER)
    async with running(stream):
        await wait_until(lambda: stream.connection_count == 1)
        first = api.emit_posted(dm, alice, "un")
        await wait_until(lambda: len(got.posts()) == 1)
        api.drop_websockets()
        await wait_until(lambda: stream.connection_count == 2 and api.connected_websockets == 1)
        api.resend_last_events(1)  # Mattermost replaying what it thinks was missed
        second = api.emit_posted(dm, alice, "deux")
        await wait_until(lambda: len(got.posts()) == 2)
        await asyncio.sleep(0.1)
    assert [p["id"] for p in got.posts()] == [first["id"], second["id"]]
    assert f"Skipping post {first['id']}: already dispatched" in caplog.text
    assert "sequence gap" not in caplog.text


async def test_wss_with_trusted_test_ca(mattermost_api_tls: MattermostApiStandIn) -> None:
    api = mattermost_api_tls
    got = Collector()
    stream = fast_stream(api.url, api.token, got, ssl_context=api.ca_ssl_context())
    assert stream.url.startswith("wss://")
    async with running(stream):
        await wait_until(lambda: bool(got.of("hello")))


async def test_wss_untrusted_is_refused_logged_and_retried(
    mattermost_api_tls: MattermostApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    api = mattermost_api_tls
    got = Collector()

    def failures() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "TLS verification failed" in r.getMessage()]

    async with running(fast_stream(api.url, api.token, got)) as task:
        await wait_until(lambda: len(failures()) >= 2)
        assert not task.done()
    assert got.events == []
    assert api.websocket_attempts == 0
    message = failures()[0].getMessage()
    assert failures()[0].levelno == logging.ERROR
    assert api.websocket_url in message
    assert "SSL_CERT_FILE" in message


async def test_wrong_token_is_logged_and_retried(
    mattermost_api: MattermostApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    api = mattermost_api
    got = Collector()
    stream = fast_stream(api.url, "not-the-token", got)
    async with running(stream):
        await wait_until(lambda: api.websocket_attempts >= 2)
    assert stream.connection_count == 0
    assert got.events == []
    assert "Authentication to ws://127.0.0.1" in caplog.text
    assert "HTTP 401" in caplog.text
    assert "not-the-token" not in caplog.text


class RecordingRandom(random.Random):
    """A Random whose ``uniform`` remembers the upper bounds it was asked for."""

    def __init__(self) -> None:
        super().__init__(0)
        self.bounds: list[float] = []

    def uniform(self, a: float, b: float) -> float:
        self.bounds.append(b)
        return super().uniform(a, b)


async def test_backoff_grows_with_full_jitter_and_resets_when_healthy(
    mattermost_api: MattermostApiStandIn,
) -> None:
    rng = RecordingRandom()
    refused = fast_stream(f"http://127.0.0.1:{free_port()}", "t", Collector(), rng=rng)
    async with running(refused):
        await wait_until(lambda: len(rng.bounds) >= 5)
    assert rng.bounds[:5] == [0.01, 0.02, 0.04, 0.05, 0.05]

    api, rng = mattermost_api, RecordingRandom()
    stream = fast_stream(api.url, api.token, Collector(), rng=rng, healthy_after=0)
    async with running(stream):
        for count in (1, 2, 3):
            await wait_until(lambda: stream.connection_count == count and api.connected_websockets == 1)  # noqa: B023
            api.drop_websockets()
        await wait_until(lambda: len(rng.bounds) >= 3)
    assert rng.bounds[:3] == [0.01, 0.01, 0.01]


async def test_stop_interrupts_a_long_backoff() -> None:
    stream = MattermostEventStream(
        f"http://127.0.0.1:{free_port()}", "t", on_event=Collector(), backoff_initial=60
    )
    task = asyncio.create_task(stream.run())
    await asyncio.sleep(0.1)
    stream.stop()
    await asyncio.wait_for(task, 1)


async def test_scripted_server_challenge_failure_gaps_and_bad_events(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server that refuses the first challenge, then sends gaps, junk and repeated posts."""
    seen: list[tuple[str | None, dict[str, Any]]] = []

    def posted(post_id: str, seq: int) -> str:
        data = {"post": json.dumps({"id": post_id, "message": post_id}), "channel_type": "O"}
        return json.dumps({"event": "posted", "data": data, "seq": seq})

    async def handler(ws: ServerConnection) -> None:
        challenge = json.loads(await ws.recv())
        seen.append((ws.request.headers.get("Authorization") if ws.request else None, challenge))
        if len(seen) == 1:
            await ws.send(json.dumps({"status": "FAIL", "seq_reply": 1, "error": {"id": "bad.token"}}))
            return
        await ws.send(json.dumps({"event": "hello", "data": {}, "seq": 0}))
        await ws.send(json.dumps({"status": "OK", "seq_reply": 1}))
        for message in (
            posted("a", 1),
            "not json",
            json.dumps({"event": "posted", "data": {"post": "{oops"}, "seq": 2}),
            posted("b", 5),  # seq 3 and 4 never came
            posted("c", 6),
            posted("a", 7),  # evicted from the 2-entry memory: dispatched again
            posted("c", 8),  # still remembered: skipped
            json.dumps({"event": "typing", "data": {}, "seq": 9}),
        ):
            await ws.send(message)
        await ws.wait_closed()

    got = Collector()

    async def on_event(event: dict[str, Any]) -> None:
        if event["event"] == "hello":
            raise RuntimeError("a handler bug must not stop the stream")
        await got(event)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        stream = fast_stream(f"http://127.0.0.1:{port}", "tok", on_event, seen_posts_max=2)
        async with running(stream):
            await wait_until(lambda: bool(got.of("typing")))
    assert seen[0] == (
        "Bearer tok",
        {"seq": 1, "action": "authentication_challenge", "data": {"token": "tok"}},
    )
    assert [p["id"] for p in got.posts()] == ["a", "b", "c", "a"]
    assert 'failed: {"id": "bad.token"}' in caplog.text
    assert "Event sequence gap" in caplog.text
    assert "expected 3, got 5" in caplog.text
    assert "Event handler failed on a 'hello' event" in caplog.text
    assert "without a decodable post" in caplog.text
