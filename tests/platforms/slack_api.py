"""A local stand-in for the Slack Web API, for labbot's Slack adapter tests and benchmarks.

The real ``slack_sdk.WebClient`` / ``AsyncWebClient`` talk to it through ``base_url``::

    with SlackApiStandIn() as slack:
        slack.add_user("U1", "alice", "Alice Martin", "alice@example.fr")
        client = slack.web_client()
        client.chat_postMessage(channel="U1", text="Bonjour")
        assert slack.messages_in(slack.dm_channel_of("U1"))[0]["text"] == "Bonjour"

Every call is checked against Slack's official OpenAPI spec (see :mod:`tests.platforms.slack_spec`);
a call that breaks it gets ``{"ok": false, "error": "spec_violation", "detail": …}`` and is kept in
:attr:`SlackApiStandIn.violations`, which the ``slack_api`` fixture turns into a test failure.

The server is a Starlette app run by uvicorn in a daemon thread on 127.0.0.1 (random free port).
Requests are answered on the event loop from in-memory state guarded by one lock, so the stand-in
serves concurrent clients and can be driven from the test thread at the same time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import uvicorn
from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.platforms.slack_spec import TOKEN, SlackWebSpec

DEFAULT_TOKEN = "xoxb-labbot-test-token"
DEFAULT_APP_TOKEN = "xapp-labbot-test"
# Methods authenticated by the app-level token (xapp-…) rather than the bot token.
# The name `fail_next` takes to refuse posts to response_urls (not a Web API method).
RESPONSE_URL = "response_url"
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
Params = Mapping[str, Any]
Payload = dict[str, Any]

__all__ = [
    "DEFAULT_APP_TOKEN",
    "DEFAULT_TOKEN",
    "RateLimiter",
    "RecordedCall",
    "RecordedResponse",
    "SlackApiStandIn",
    "UploadedFile",
    "Violation",
]


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One Web API call as the stand-in received and answered it."""

    method: str
    params: dict[str, Any]  # query and body parameters merged (JSON values keep their types)
    headers: dict[str, str]  # lower-cased names
    at: float  # time.time() at reception
    status: int = 200
    response: Payload = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether Slack's answer was ``"ok": true``."""
        return bool(self.response.get("ok"))


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """One body posted to a ``response_url`` handed out by :meth:`SlackApiStandIn.new_response_url`."""

    url: str
    body: Payload
    headers: dict[str, str]
    at: float


@dataclass(frozen=True, slots=True)
class Violation:
    """A call Slack would reject as malformed: unknown method, undeclared or missing parameter…"""

    method: str
    detail: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file uploaded through ``files.getUploadURLExternal`` + upload + ``files.completeUploadExternal``."""

    id: str
    filename: str
    title: str
    content: bytes
    channels: tuple[str, ...]
    initial_comment: str | None = None
    thread_ts: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None


@dataclass(slots=True)
class _PendingUpload:
    filename: str
    length: int
    alt_txt: str | None
    snippet_type: str | None
    content: bytes | None = None


@dataclass(frozen=True, slots=True)
class _Failure:
    status: int
    retry_after: int
    error: str | None


@dataclass(frozen=True, slots=True)
class _User:
    id: str
    name: str
    real_name: str
    email: str
    locale: str
    tz: str
    is_bot: bool


class SlackError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": <error>}`` (HTTP 200)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` saved up; one message costs one token."""

    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Refill up to ``now``; return 0 when a token is available, else seconds until one is."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class RateLimiter:
    """Per-channel and global token buckets for ``chat.postMessage``.

    O(1) per message; not thread-safe by itself (the stand-in calls it under its lock).
    A rejected message consumes no token, like Slack, so a client that waits ``Retry-After`` gets in.
    """

    def __init__(
        self,
        per_channel_per_second: float | None = None,
        global_per_second: float | None = None,
        *,
        per_channel_burst: float | None = None,
        global_burst: float | None = None,
    ) -> None:
        """Set the rates (None: unlimited); a burst is the bucket size, by default one second of rate."""
        for rate in (per_channel_per_second, global_per_second):
            if rate is not None and rate <= 0:
                raise ValueError(f"a rate must be positive, got {rate}")
        self._channel_rate = per_channel_per_second
        self._channel_capacity = _capacity(per_channel_per_second, per_channel_burst)
        self._global: _TokenBucket | None = None
        if global_per_second is not None:
            self._global = _TokenBucket(global_per_second, _capacity(global_per_second, global_burst), 0.0)
        self._channels: dict[str, _TokenBucket] = {}

    def admit(self, channel: str, now: float) -> float:
        """Take a token for ``channel`` at monotonic time ``now``: 0.0 if admitted, else the wait in s."""
        buckets = [b for b in (self._global, self._channel_bucket(channel, now)) if b is not None]
        wait = max((b.wait(now) for b in buckets), default=0.0)
        if wait == 0.0:
            for bucket in buckets:
                bucket.tokens -= 1
        return wait

    def _channel_bucket(self, channel: str, now: float) -> _TokenBucket | None:
        if self._channel_rate is None:
            return None
        bucket = self._channels.get(channel)
        if bucket is None:
            bucket = self._channels[channel] = _TokenBucket(self._channel_rate, self._channel_capacity, now)
        return bucket


def _capacity(rate: float | None, burst: float | None) -> float:
    if burst is not None:
        return max(1.0, burst)
    return max(1.0, rate or 1.0)


class _Server(uvicorn.Server):
    """uvicorn server that notices ``should_exit`` within 10 ms instead of 100 ms (faster test teardown)."""

    async def main_loop(self) -> None:
        await self.on_tick(0)  # sets the default headers once; the Date header's freshness is irrelevant
        while not self.should_exit:
            await asyncio.sleep(0.01)


class SlackApiStandIn:
    """Local Slack Web API: spec-checked, recorded, stateful. Start it, then point slack_sdk at it.

    Use as a context manager, or call :meth:`start` / :meth:`stop`.
    Users must be registered (:meth:`add_user`) before anything targets them; channels need not be.
    """

    # Records (see _reset_records) and state (see _reset_state), all guarded by _lock.
    _calls: list[RecordedCall]
    _calls_by_method: defaultdict[str, list[RecordedCall]]
    _violations: list[Violation]
    _responses: list[RecordedResponse]
    _refused_responses: list[RecordedResponse]  # refused on purpose (fail_next(RESPONSE_URL))
    _users: dict[str, _User]
    _users_by_email: dict[str, _User]
    _channels: dict[str, Payload]
    _messages: defaultdict[str, dict[str, Payload]]  # channel -> ts -> msg
    _ephemerals: defaultdict[str, list[Payload]]
    _views: dict[str, Payload]
    _views_by_external_id: dict[str, str]
    _home_views: dict[str, str]  # user -> view id
    _pending_uploads: dict[str, _PendingUpload]
    _files: list[UploadedFile]
    _response_urls: set[str]
    _failures: defaultdict[str, deque[_Failure]]
    _limiter: RateLimiter | None
    _socket_outbox: deque[Payload]  # envelopes waiting to go to the connected Socket Mode client
    _socket_acks: list[Payload]  # what the client sent back (acks, with their response payloads)
    _socket_connections: int

    def __init__(
        self,
        *,
        spec: SlackWebSpec | None = None,
        token: str = DEFAULT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        team_id: str = "T0LABBOT",
        bot_user_id: str = "U0LABBOT",
        bot_id: str = "B0LABBOT",
        app_id: str = "A0LABBOT",
    ) -> None:
        """Configure the stand-in; ``spec`` defaults to :meth:`SlackWebSpec.load` (the shared specs)."""
        self.spec = spec or SlackWebSpec.load()
        self.token = token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        # The bot token's scopes, sent in X-OAuth-Scopes as Slack does (None: the header is left out).
        self.scopes: list[str] | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self._socket: socket.socket | None = None
        self._handlers = self._method_handlers()
        self._reset_records()
        self._reset_state()

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> Self:
        """Serve on 127.0.0.1 (random free port) from a daemon thread; return once it accepts calls."""
        if self._server is not None:
            raise RuntimeError("the stand-in is already started")
        # IPPROTO_TCP, not 0: asyncio turns Nagle off only on sockets that say TCP, and with Nagle on, a client
        # that keeps its connection alive waited ~40 ms (the delayed ACK) for each answer.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))  # binding ourselves avoids a race for the port
        self._port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self._asgi_app(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="slack-api-stand-in", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the Slack API stand-in did not start")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and wait for the server thread; state and records stay readable."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()  # uvicorn closes it on shutdown, but not when startup failed
        self._server = self._thread = self._socket = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. ``http://127.0.0.1:53211`` (only once started)."""
        if self._port is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """The ``base_url`` to give slack_sdk clients (ends with ``/api/``)."""
        return f"{self.url}/api/"

    def web_client(self, **kwargs: Any) -> WebClient:
        """A ``slack_sdk.WebClient`` with this stand-in's ``base_url`` and bot token (overridable)."""
        return WebClient(**{"token": self.token, "base_url": self.base_url, **kwargs})

    def async_web_client(self, **kwargs: Any) -> AsyncWebClient:
        """An ``AsyncWebClient`` with this stand-in's ``base_url`` and bot token (overridable)."""
        return AsyncWebClient(**{"token": self.token, "base_url": self.base_url, **kwargs})

    # ---- records ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Snapshot of every Web API call received, in order (failed, rate-limited and invalid too)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Snapshot of the calls to ``method`` (e.g. ``"chat.postMessage"``), in order."""
        with self._lock:
            return list(self._calls_by_method.get(method, ()))

    @property
    def violations(self) -> list[Violation]:
        """Snapshot of the spec violations seen so far."""
        with self._lock:
            return list(self._violations)

    def pop_violations(self) -> list[Violation]:
        """Return the spec violations seen so far and forget them (to test the detector itself)."""
        with self._lock:
            violations, self._violations = self._violations, []
            return violations

    @property
    def responses(self) -> list[RecordedResponse]:
        """Snapshot of every body posted to a ``response_url``, in order."""
        with self._lock:
            return list(self._responses)

    def responses_to(self, url: str) -> list[RecordedResponse]:
        """Snapshot of the bodies posted to one ``response_url``."""
        with self._lock:
            return [r for r in self._responses if r.url == url]

    def refused_responses_to(self, url: str) -> list[RecordedResponse]:
        """The bodies posted to one ``response_url`` that ``fail_next(RESPONSE_URL)`` refused."""
        with self._lock:
            return [r for r in self._refused_responses if r.url == url]

    def clear(self) -> None:
        """Forget recorded calls, responses and violations; keep state (users, messages, views, files)."""
        with self._lock:
            self._reset_records()

    def reset(self) -> None:
        """Forget everything: records and state, including pending failures and rate limits."""
        with self._lock:
            self._reset_records()
            self._reset_state()

    # ---- state: set up ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str,
        email: str,
        *,
        locale: str = "fr-FR",
        tz: str = "Europe/Paris",
        is_bot: bool = False,
    ) -> Payload:
        """Register a workspace member; return its ``users.info`` object (with locale)."""
        user = _User(user_id, name, real_name, email, locale, tz, is_bot)
        with self._lock:
            self._users[user_id] = user
            self._users_by_email[email.lower()] = user
            return self._user_object(user, include_locale=True)

    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False) -> Payload:
        """Register a channel so that ``conversations.info`` knows it; return its object."""
        info = {
            "id": channel_id,
            "name": name,
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": False,
            "is_private": is_private,
            "is_member": True,
            "created": int(time.time()),
        }
        with self._lock:
            self._channels[channel_id] = info
            return dict(info)

    def new_response_url(self) -> str:
        """Issue a fresh ``response_url`` served by the stand-in (only once started)."""
        with self._lock:
            url = f"{self.url}/response/R{next(self._ids):08d}"
            self._response_urls.add(url)
            return url

    # ---- state: read -----------------------------------------------------------------------

    def dm_channel_of(self, user_id: str) -> str:
        """The stable DM channel id ``conversations.open`` gives for ``user_id`` (``D`` + id[1:])."""
        return f"D{user_id[1:]}"

    def messages_in(self, channel: str) -> list[Payload]:
        """Messages currently in ``channel`` (posted, updated, not deleted; threads included), by ts."""
        with self._lock:
            return [dict(m) for m in self._messages.get(channel, {}).values()]

    def ephemerals_in(self, channel: str) -> list[Payload]:
        """Ephemeral messages posted in ``channel``; each has ``user``, its only recipient."""
        with self._lock:
            return [dict(m) for m in self._ephemerals.get(channel, [])]

    def home_view_of(self, user_id: str) -> Payload | None:
        """The latest home tab published for ``user_id``, or None."""
        with self._lock:
            view_id = self._home_views.get(user_id)
            return dict(self._views[view_id]) if view_id else None

    def view(self, view_id: str) -> Payload | None:
        """The current state of a view opened, pushed, updated or published, or None."""
        with self._lock:
            found = self._views.get(view_id)
            return dict(found) if found else None

    @property
    def uploaded_files(self) -> list[UploadedFile]:
        """Files whose upload was completed with ``files.completeUploadExternal``, in order."""
        with self._lock:
            return list(self._files)

    # ---- Socket Mode -----------------------------------------------------------------------

    def socket_send(self, envelope_type: str, payload: Payload, *, accepts_response_payload: bool = True) -> str:
        """Queue an envelope (``slash_commands``, ``interactive``, ``events_api``) for the Socket Mode client."""
        envelope_id = f"env-{next(self._ids):08d}"
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        with self._lock:
            self._socket_outbox.append(envelope)
        return envelope_id

    def socket_ack(self, envelope_id: str) -> Payload | None:
        """The client's acknowledgement of an envelope, or None while there is none."""
        with self._lock:
            return next((dict(a) for a in self._socket_acks if a.get("envelope_id") == envelope_id), None)

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode connections are open now."""
        with self._lock:
            return self._socket_connections

    # ---- failures and rate limits ----------------------------------------------------------

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, count: int = 1, error: str | None = None
    ) -> None:
        """Make the next ``count`` calls to ``method`` fail (after spec and auth checks).

        With ``error`` (e.g. ``"channel_not_found"``): HTTP 200 ``{"ok": false, "error": error}``.
        Otherwise HTTP ``status``: 429 comes with ``Retry-After: retry_after`` and ``ratelimited``
        (Slack sends whole seconds, so ``retry_after`` must be an int ≥ 1); other statuses (5xx)
        answer ``{"ok": false, "error": "internal_error"}``.
        """
        if not isinstance(retry_after, int) or retry_after < 1:
            raise ValueError("Retry-After is a whole number of seconds, at least 1")
        with self._lock:
            self._failures[method].extend([_Failure(status, retry_after, error)] * count)

    def set_rate_limits(
        self,
        per_channel_per_second: float | None,
        global_per_second: float | None = None,
        *,
        per_channel_burst: float | None = None,
        global_burst: float | None = None,
    ) -> None:
        """Rate-limit ``chat.postMessage`` with token buckets (None: no limit); see :class:`RateLimiter`.

        Slack allows about 1 message per second per channel, with short bursts.
        Over the limit, the call gets HTTP 429, ``Retry-After`` (whole seconds) and ``ratelimited``.
        """
        limiter = RateLimiter(
            per_channel_per_second,
            global_per_second,
            per_channel_burst=per_channel_burst,
            global_burst=global_burst,
        )
        with self._lock:
            self._limiter = limiter

    # ---- internals: storage ----------------------------------------------------------------

    def _reset_records(self) -> None:
        self._socket_acks = []
        self._calls = []
        self._calls_by_method = defaultdict(list)
        self._violations = []
        self._responses = []
        self._refused_responses = []

    def _reset_state(self) -> None:
        self._socket_outbox = deque()
        self._socket_connections = 0
        self._users = {}
        self._users_by_email = {}
        self._channels = {}
        self._messages = defaultdict(dict)
        self._ephemerals = defaultdict(list)
        self._views = {}
        self._views_by_external_id = {}
        self._home_views = {}
        self._pending_uploads = {}
        self._files = []
        self._response_urls = set()
        self._failures = defaultdict(deque)
        self._limiter = None

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _next_ts(self) -> str:
        """A message ts: current time in µs, strictly increasing so that it is unique."""
        self._last_ts_us = max(self._last_ts_us + 1, time.time_ns() // 1000)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    # ---- internals: HTTP -------------------------------------------------------------------

    def _asgi_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self._api_endpoint, methods=["GET", "POST"]),
                Route("/upload/v1/{file_id}", self._upload_endpoint, methods=["POST"]),
                Route("/response/{response_id}", self._response_endpoint, methods=["POST"]),
                WebSocketRoute("/socket-mode", self._socket_mode_endpoint),
            ]
        )

    async def _api_endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            params: dict[str, Any] = {**request.query_params, **_parse_body(await request.body(), headers)}
            body_error = None
        except ValueError as error:
            params, body_error = dict(request.query_params), str(error)
        with self._lock:
            status, payload, retry_after = self._answer(method, params, headers, body_error)
            call = RecordedCall(method, params, headers, time.time(), status, payload)
            self._calls.append(call)
            self._calls_by_method[method].append(call)
        extra = {"Retry-After": str(retry_after)} if retry_after else {}
        if self.scopes is not None and payload.get("ok"):
            extra["X-OAuth-Scopes"] = ",".join(self.scopes)  # Slack says a token's scopes on every answer
        return JSONResponse(payload, status, headers=extra)

    async def _upload_endpoint(self, request: Request) -> Response:
        # slack_sdk posts the raw bytes, without a meaningful content type.
        content = await request.body()
        with self._lock:
            pending = self._pending_uploads.get(request.path_params["file_id"])
            if pending is None:
                return PlainTextResponse("file not found", 404)
            pending.content = content
        return PlainTextResponse(f"OK - {len(content)}")

    async def _response_endpoint(self, request: Request) -> Response:
        url = f"{self.url}{request.url.path}"
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        with self._lock:
            if url not in self._response_urls:
                self._violations.append(Violation("response_url", f"{url} was never issued", {}))
                return PlainTextResponse("no_service", 404)
            if not isinstance(body, dict):
                self._violations.append(Violation("response_url", "the body is not a JSON object", {}))
                return PlainTextResponse("invalid_payload", 400)
            # `fail_next("response_url")`: Slack limits response_url posts too (429 with Retry-After).
            refusal = self._injected_failure(RESPONSE_URL)
            if refusal is not None:
                status, _payload, retry_after = refusal
                self._refused_responses.append(RecordedResponse(url, body, headers, time.time()))
                extra = {"Retry-After": str(retry_after)} if retry_after else {}
                refused = "rate_limited" if status == 429 else "internal_error"
                return PlainTextResponse(refused, status, headers=extra)
            self._responses.append(RecordedResponse(url, body, headers, time.time()))
        return PlainTextResponse("ok")

    async def _socket_mode_endpoint(self, websocket: WebSocket) -> None:
        """Slack's Socket Mode server: ``hello``, then queued envelopes; acks are recorded."""
        await websocket.accept()
        with self._lock:
            self._socket_connections += 1
        await websocket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": self.app_id}}
        )
        sender = asyncio.ensure_future(self._send_envelopes(websocket))
        try:
            async for message in websocket.iter_json():
                with self._lock:
                    self._socket_acks.append(message)
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            with self._lock:
                self._socket_connections -= 1

    async def _send_envelopes(self, websocket: WebSocket) -> None:
        while True:
            with self._lock:
                envelope = self._socket_outbox.popleft() if self._socket_outbox else None
            if envelope is None:
                await asyncio.sleep(0.01)
            else:
                await websocket.send_json(envelope)

    # ---- internals: answering a Web API call (under the lock) ------------------------------

    def _answer(
        self, method: str, params: dict[str, Any], headers: Mapping[str, str], body_error: str | None
    ) -> tuple[int, Payload, int]:
        """Return (HTTP status, JSON payload, Retry-After or 0) for one call."""
        bearer = _bearer(headers)
        problems = [body_error] if body_error else []
        problems += self.spec.check(method, params, has_bearer=bearer is not None)
        if problems:
            detail = "; ".join(problems)
            self._violations.append(Violation(method, detail, dict(params)))
            return 200, {"ok": False, "error": "spec_violation", "detail": detail}, 0
        auth_error = self._auth_error(method, bearer or params.get(TOKEN))
        if auth_error:
            return 200, {"ok": False, "error": auth_error}, 0
        refusal = self._injected_failure(method) or self._rate_limit(method, params)
        if refusal:
            return refusal
        handler = self._handlers.get(method)
        try:
            return 200, handler(params) if handler else {"ok": True}, 0
        except SlackError as error:
            return 200, {"ok": False, "error": error.error}, 0

    def _auth_error(self, method: str, token: object) -> str | None:
        spec = self.spec.method(method)
        if spec is None or not spec.takes_token:
            return None
        if token is None:
            return "not_authed"
        expected = self.app_token if method in APP_TOKEN_METHODS else self.token
        return None if token == expected else "invalid_auth"

    def _injected_failure(self, method: str) -> tuple[int, Payload, int] | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue.popleft()
        if failure.error:
            return 200, {"ok": False, "error": failure.error}, 0
        if failure.status == 429:
            return 429, {"ok": False, "error": "ratelimited"}, failure.retry_after
        return failure.status, {"ok": False, "error": "internal_error"}, 0

    def _rate_limit(self, method: str, params: Params) -> tuple[int, Payload, int] | None:
        if self._limiter is None or method != "chat.postMessage":
            return None
        channel = str(params.get("channel"))
        if channel[:1] in ("U", "W"):  # the same bucket whether the DM is addressed by user or channel id
            channel = self.dm_channel_of(channel)
        wait = self._limiter.admit(channel, time.monotonic())
        if wait == 0.0:
            return None
        return 429, {"ok": False, "error": "ratelimited"}, max(1, math.ceil(wait))

    # ---- internals: method handlers --------------------------------------------------------

    def _method_handlers(self) -> dict[str, Callable[[Params], Payload]]:
        return {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,  # same answer: a new view on the stack
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    def _auth_test(self, params: Params) -> Payload:
        return {
            "ok": True,
            "url": "https://labbot-test.slack.com/",
            "team": "Labbot test",
            "user": "labbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, params: Params) -> Payload:
        return {"ok": True, "url": f"ws://127.0.0.1:{self._port}/socket-mode?ticket={next(self._ids)}"}

    def _users_info(self, params: Params) -> Payload:
        user = self._user(params.get("user"))
        return {
            "ok": True,
            "user": self._user_object(user, include_locale=_truthy(params.get("include_locale"))),
        }

    def _users_lookup_by_email(self, params: Params) -> Payload:
        user = self._users_by_email.get(str(params["email"]).lower())
        if user is None:
            raise SlackError("users_not_found")
        return {"ok": True, "user": self._user_object(user, include_locale=False)}

    def _conversations_open(self, params: Params) -> Payload:
        if params.get("channel"):
            return {"ok": True, "channel": self._channel_info(str(params["channel"]))}
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if len(users) != 1:
            raise SlackError("not_enough_users" if not users else "method_not_supported_for_channel_type")
        channel = self._open_dm(users[0])
        return {"ok": True, "channel": channel if _truthy(params.get("return_im")) else {"id": channel["id"]}}

    def _conversations_info(self, params: Params) -> Payload:
        return {"ok": True, "channel": self._channel_info(str(params.get("channel")))}

    def _conversations_history(self, params: Params) -> Payload:
        """Top-level messages of a channel, newest first, as Slack lists them (no pagination past `limit`)."""
        channel = self._resolve_channel(str(params["channel"]))
        if channel not in self._messages and channel not in self._channels:
            raise SlackError("channel_not_found")
        top_level = [m for m in self._messages.get(channel, {}).values() if m.get("thread_ts", m["ts"]) == m["ts"]]
        newest_first = sorted(top_level, key=lambda m: float(m["ts"]), reverse=True)
        limit = int(params.get("limit") or 100)
        return {
            "ok": True,
            "messages": [dict(m) for m in newest_first[:limit]],
            "has_more": len(top_level) > limit,
        }

    def _chat_post_message(self, params: Params) -> Payload:
        channel = self._resolve_channel(str(params["channel"]))
        message = self._new_message(params)
        self._messages[channel][message["ts"]] = message
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, params: Params) -> Payload:
        channel = self._resolve_channel(str(params["channel"]))
        user = self._user(params["user"])
        message = {**self._new_message(params), "user": user.id}
        self._ephemerals[channel].append(message)
        return {"ok": True, "message_ts": message["ts"]}

    def _chat_update(self, params: Params) -> Payload:
        channel = self._resolve_channel(str(params["channel"]))
        message = self._message(channel, str(params["ts"]))
        if "text" in params:
            message["text"] = params["text"]
        for key in ("blocks", "attachments"):
            if key in params:
                message[key] = _json_value(params[key])
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": message,
        }

    def _chat_delete(self, params: Params) -> Payload:
        channel = self._resolve_channel(str(params.get("channel")))
        ts = str(params.get("ts"))
        self._message(channel, ts)
        del self._messages[channel][ts]
        return {"ok": True, "channel": channel, "ts": ts}

    def _views_open(self, params: Params) -> Payload:
        view = self._store_view(_view_param(params), view_id=None)
        return {"ok": True, "view": view}

    def _views_update(self, params: Params) -> Payload:
        view_id = params.get("view_id") or self._views_by_external_id.get(str(params.get("external_id")))
        current = self._views.get(str(view_id))
        if current is None:
            raise SlackError("not_found")
        _check_hash(current, params)
        return {"ok": True, "view": self._store_view(_view_param(params), view_id=current["id"])}

    def _views_publish(self, params: Params) -> Payload:
        user = self._user(params["user_id"])
        view = _view_param(params)
        if view.get("type") != "home":
            raise SlackError("invalid_arguments")
        current_id = self._home_views.get(user.id)
        if current_id:
            _check_hash(self._views[current_id], params)
        stored = self._store_view(view, view_id=current_id)
        self._home_views[user.id] = stored["id"]
        return {"ok": True, "view": stored}

    def _files_get_upload_url(self, params: Params) -> Payload:
        try:
            length = int(params["length"])
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments") from None
        file_id = self._new_id("F")
        self._pending_uploads[file_id] = _PendingUpload(
            str(params["filename"]), length, params.get("alt_txt"), params.get("snippet_type")
        )
        return {"ok": True, "upload_url": f"{self.url}/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: Params) -> Payload:
        entries = _json_value(params["files"])
        if not isinstance(entries, list) or not all(isinstance(e, dict) and "id" in e for e in entries):
            raise SlackError("invalid_arguments")
        channels = self._share_targets(params)
        files = [self._complete_upload(entry, channels, params) for entry in entries]
        objects = [_file_object(f) for f in files]
        for channel in channels:
            message = {**self._new_message({"text": params.get("initial_comment", "")}), "files": objects}
            if params.get("thread_ts"):
                message["thread_ts"] = str(params["thread_ts"])
            self._messages[channel][message["ts"]] = message
        return {"ok": True, "files": objects}

    # ---- internals: handler helpers --------------------------------------------------------

    def _user(self, user_id: object) -> _User:
        user = self._users.get(str(user_id))
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _user_object(self, user: _User, *, include_locale: bool) -> Payload:
        offset = datetime.now(ZoneInfo(user.tz)).utcoffset()
        profile = {
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "email": user.email,
        }
        obj: Payload = {
            "id": user.id,
            "team_id": self.team_id,
            "name": user.name,
            "deleted": False,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": user.tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_bot": user.is_bot,
            "is_admin": False,
            "is_app_user": False,
            "profile": profile,
        }
        if include_locale:
            obj["locale"] = user.locale
        return obj

    def _open_dm(self, user_id: str) -> Payload:
        user = self._user(user_id)
        channel_id = self.dm_channel_of(user.id)
        return self._channels.setdefault(
            channel_id,
            {"id": channel_id, "is_im": True, "is_open": True, "user": user.id, "created": int(time.time())},
        )

    def _resolve_channel(self, channel: str) -> str:
        """Posting to a user id goes to the DM with that user, as on Slack."""
        if channel[:1] in ("U", "W"):
            try:
                return str(self._open_dm(channel)["id"])
            except SlackError:
                raise SlackError("channel_not_found") from None
        return channel

    def _channel_info(self, channel: str) -> Payload:
        info = self._channels.get(channel)
        if info is None:
            raise SlackError("channel_not_found")
        return dict(info)

    def _new_message(self, params: Params) -> Payload:
        message: Payload = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "ts": self._next_ts(),
            "text": params.get("text", ""),
        }
        for key in ("blocks", "attachments", "metadata"):
            if key in params:
                message[key] = _json_value(params[key])
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        return message

    def _message(self, channel: str, ts: str) -> Payload:
        message = self._messages.get(channel, {}).get(ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _store_view(self, view: Payload, *, view_id: str | None) -> Payload:
        """Save a new view (``view_id`` None) or a new version of one; return it as Slack does."""
        new_id = view_id or self._new_id("V")
        root = self._views[view_id].get("root_view_id", new_id) if view_id else new_id
        stored = {
            **view,
            "id": new_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._ids):08x}",
            "root_view_id": root,
        }
        self._views[new_id] = stored
        if view.get("external_id"):
            self._views_by_external_id[str(view["external_id"])] = new_id
        return stored

    def _share_targets(self, params: Params) -> list[str]:
        listed = [str(params["channel_id"])] if params.get("channel_id") else []
        listed += [c for c in str(params.get("channels", "")).split(",") if c]
        return [self._resolve_channel(c) for c in listed]

    def _complete_upload(self, entry: Mapping[str, Any], channels: list[str], params: Params) -> UploadedFile:
        pending = self._pending_uploads.get(str(entry["id"]))
        if pending is None or pending.content is None:
            raise SlackError("file_not_found")
        del self._pending_uploads[str(entry["id"])]
        uploaded = UploadedFile(
            id=str(entry["id"]),
            filename=pending.filename,
            title=str(entry.get("title") or pending.filename),
            content=pending.content,
            channels=tuple(channels),
            initial_comment=params.get("initial_comment"),
            thread_ts=params.get("thread_ts"),
            alt_txt=pending.alt_txt,
            snippet_type=pending.snippet_type,
        )
        self._files.append(uploaded)
        return uploaded


# ---- module helpers ----------------------------------------------------------------------------


def _bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def _truthy(value: object) -> bool:
    """Slack booleans arrive as JSON booleans or as ``"1"``/``"true"`` strings."""
    return value is True or str(value).lower() in ("1", "true")


def _json_value(value: object) -> Any:
    """Decode a parameter that form bodies carry as a JSON string (blocks, view, files…)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise SlackError("invalid_arguments") from None


def _view_param(params: Params) -> Payload:
    view = _json_value(params.get("view"))
    if not isinstance(view, dict) or "type" not in view:
        raise SlackError("invalid_arguments")
    return view


def _check_hash(current: Payload, params: Params) -> None:
    if params.get("hash") and params["hash"] != current["hash"]:
        raise SlackError("hash_conflict")


def _file_object(uploaded: UploadedFile) -> Payload:
    return {
        "id": uploaded.id,
        "name": uploaded.filename,
        "title": uploaded.title,
        "size": len(uploaded.content),
        "channels": list(uploaded.channels),
    }


def _parse_body(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """Parse a JSON, form-encoded or multipart body into parameters; ValueError when malformed."""
    if not body:
        return {}
    content_type = headers.get("content-type", "")
    kind = content_type.partition(";")[0].strip().lower()
    if kind == "application/json":
        parsed = json.loads(body)
        if not isinstance(parsed, dict):
            raise ValueError("the JSON body is not an object")
        return parsed
    if kind == "multipart/form-data":
        return dict(_multipart_fields(body, content_type))
    if kind in ("application/x-www-form-urlencoded", ""):
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    raise ValueError(f"unsupported content type {content_type!r}")


def _multipart_fields(body: bytes, content_type: str) -> Iterator[tuple[str, str | bytes]]:
    """Fields of a multipart body (legacy ``files.upload``): text as str, file parts as bytes."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            yield name, payload if part.get_filename() else payload.decode()
