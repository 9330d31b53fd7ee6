"""Mattermost event stream client (API v4 websocket), built on the ``websockets`` library.

mattermostdriver's own websocket client cannot be used: it builds a server-side TLS
context (so it never connects to a ``wss://`` server on Python >= 3.10, upstream issue
#115, fixed but never released) and passes keyword arguments that websockets >= 14
rejects. This module replaces it; it knows nothing of labbot and only calls ``on_event``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus, WebSocketException

log = logging.getLogger(__name__)
# websockets logs the handshake and every frame at DEBUG, the bot token included, and cuts long frames (so a
# token in one cannot be masked by value): its connection logs at INFO and above only, whatever the level.
_CONNECTION_LOG = logging.getLogger(__name__ + ".connection")
_CONNECTION_LOG.setLevel(logging.INFO)

EventHandler = Callable[[dict[str, Any]], Awaitable[None]]

_WEBSOCKET_PATH = "/api/v4/websocket"
_AUTH_SEQ = 1


class AuthenticationFailedError(Exception):
    """The server refused the token (challenge reply not OK, or HTTP 401/403 at the handshake)."""


def websocket_url(base_url: str) -> str:
    """Turn a Mattermost base URL (``https://mm.example.gouv.fr[/prefix]``) into its websocket URL."""
    parts = urlsplit(base_url)
    schemes = {"https": "wss", "http": "ws", "wss": "wss", "ws": "ws"}
    if parts.scheme not in schemes or not parts.netloc:
        raise ValueError(f"not an http(s) or ws(s) URL: {base_url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith(_WEBSOCKET_PATH):
        path += _WEBSOCKET_PATH  # keeps a sub-path deployment such as https://host/mattermost
    return urlunsplit((schemes[parts.scheme], parts.netloc, path, parts.query, ""))


class MattermostEventStream:
    """Receive Mattermost websocket events and hand each to ``on_event``, reconnecting forever.

    ``posted`` events reach ``on_event`` with ``data["post"]`` decoded from its JSON string
    into a dict, and a post already dispatched (same id, e.g. replayed after a reconnect)
    is skipped. ``on_event`` should return quickly: events are dispatched one at a time.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        on_event: EventHandler,
        ssl_context: ssl.SSLContext | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        rng: random.Random | None = None,
        auth_timeout: float = 10.0,
        healthy_after: float = 10.0,
        seen_posts_max: int = 10_000,
    ) -> None:
        """Prepare the stream; nothing connects before :meth:`run`.

        ``url`` is the server base URL (or already its websocket URL). TLS verification is
        on by default; pass ``ssl_context`` to trust a private CA. A connection that stayed
        authenticated for ``healthy_after`` seconds resets the backoff.
        """
        self.url = websocket_url(url)
        self._token = token
        self._on_event = on_event
        self._ssl: ssl.SSLContext | None = None
        if self.url.startswith("wss://"):
            self._ssl = ssl_context if ssl_context is not None else ssl.create_default_context()
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._rng = rng if rng is not None else random.Random()  # noqa: S311 - jitter, not crypto
        self._auth_timeout = auth_timeout
        self._healthy_after = healthy_after
        self._seen_posts: deque[str] = deque()
        self._seen_set: set[str] = set()
        self._seen_max = seen_posts_max
        self._expected_seq: int | None = None
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.connection_count = 0
        """Number of connections that passed authentication so far."""

    def stop(self) -> None:
        """Ask :meth:`run` to close the connection and return; safe from any thread."""
        loop = self._loop
        if loop is None or not loop.is_running():
            self._stop.set()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._stop.set()
        else:
            loop.call_soon_threadsafe(self._stop.set)

    async def run(self) -> None:
        """Connect, authenticate and dispatch events until :meth:`stop`; errors only cause retries."""
        self._loop = asyncio.get_running_loop()
        attempt = 0
        while not self._stop.is_set():
            began = self._loop.time()
            authenticated_before = self.connection_count
            await self._until_stopped(self._connect_once())
            if self._stop.is_set():
                break
            healthy = self._loop.time() - began >= self._healthy_after
            if self.connection_count > authenticated_before and healthy:
                attempt = 0
            # Full jitter: spreads the reconnections of many clients after a server restart.
            delay = self._rng.uniform(0, min(self._backoff_max, self._backoff_initial * 2**attempt))
            attempt += 1
            log.info("Reconnecting to %s in %.2f s", self.url, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)

    async def _until_stopped(self, work: Awaitable[None]) -> None:
        """Run one connection, logging why it ended; cancel it when stop() is called."""
        task = asyncio.ensure_future(work)
        stopper = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            task.cancel()
            stopper.cancel()
            # Let the cancelled connection leave its ``async with`` and close the socket.
            await asyncio.wait({task, stopper})
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, ssl.SSLCertVerificationError):
            log.error(
                "TLS verification failed for %s: %s; set a CA bundle with SSL_CERT_FILE "
                "or pass an ssl_context trusting the server's CA",
                self.url,
                exc.verify_message or exc,
            )
        elif isinstance(exc, AuthenticationFailedError):
            log.error("Authentication to %s failed: %s; check the bot token", self.url, exc)
        elif isinstance(exc, InvalidStatus) and exc.response.status_code in (401, 403):
            log.error(
                "Authentication to %s failed: HTTP %d; check the bot token",
                self.url,
                exc.response.status_code,
            )
        elif isinstance(exc, OSError | WebSocketException | TimeoutError):
            log.warning("Connection to %s lost or refused: %r", self.url, exc)
        elif exc is not None:
            log.error("Unexpected error on %s", self.url, exc_info=exc)
        else:
            log.warning("Connection to %s closed by the server", self.url)

    async def _connect_once(self) -> None:
        """Open one connection, authenticate, then dispatch events until it closes."""
        # The header alone authenticates; the challenge is kept because some proxies strip it.
        headers = {"Authorization": f"Bearer {self._token}"}
        async with connect(
            self.url, ssl=self._ssl, additional_headers=headers, open_timeout=10, logger=_CONNECTION_LOG
        ) as ws:
            self._expected_seq = None  # sequence numbers restart on each connection
            challenge = {
                "seq": _AUTH_SEQ,
                "action": "authentication_challenge",
                "data": {"token": self._token},
            }
            await ws.send(json.dumps(challenge))
            async with asyncio.timeout(self._auth_timeout):
                await self._await_auth_reply(ws)
            self.connection_count += 1
            log.info("Connected to %s", self.url)
            async for raw in ws:
                await self._handle(raw)

    async def _await_auth_reply(self, ws: ClientConnection) -> None:
        """Read until the reply to the challenge; events arriving first (``hello``) are dispatched."""
        async for raw in ws:
            message = _parse(raw)
            if message is None:
                continue
            if message.get("seq_reply") == _AUTH_SEQ:
                if message.get("status") != "OK":
                    raise AuthenticationFailedError(json.dumps(message.get("error") or message))
                return
            await self._handle(message)
        raise AuthenticationFailedError("connection closed before the authentication reply")

    async def _handle(self, raw: str | bytes | dict[str, Any]) -> None:
        """Check sequence, decode and deduplicate one message, then dispatch it."""
        event = raw if isinstance(raw, dict) else _parse(raw)
        if event is None or "event" not in event:
            return  # replies to actions carry no event
        seq = event.get("seq")
        if isinstance(seq, int):
            if self._expected_seq is not None and seq != self._expected_seq:
                log.warning("Event sequence gap on %s: expected %d, got %d", self.url, self._expected_seq, seq)
            self._expected_seq = seq + 1
        if event["event"] == "posted" and not self._decode_new_post(event):
            return
        try:
            await self._on_event(event)
        except Exception:
            log.exception("Event handler failed on a %r event", event["event"])

    def _decode_new_post(self, event: dict[str, Any]) -> bool:
        """Decode ``data.post`` in place; False if undecodable or already dispatched."""
        data = event.get("data")
        post = data.get("post") if isinstance(data, dict) else None
        if isinstance(post, str):
            try:
                post = json.loads(post)
            except ValueError:
                post = None
        if not isinstance(post, dict) or not isinstance(data, dict):
            log.warning("Ignoring a posted event without a decodable post")
            return False
        data["post"] = post
        post_id = str(post.get("id", ""))
        if post_id in self._seen_set:
            log.debug("Skipping post %s: already dispatched", post_id)
            return False
        self._seen_set.add(post_id)
        self._seen_posts.append(post_id)
        if len(self._seen_posts) > self._seen_max:
            self._seen_set.discard(self._seen_posts.popleft())
        return True


def _parse(raw: str | bytes) -> dict[str, Any] | None:
    """Decode one JSON websocket message; None (logged) if it is not a JSON object."""
    try:
        message = json.loads(raw)
    except ValueError:
        log.warning("Ignoring a non-JSON websocket message")
        return None
    return message if isinstance(message, dict) else None
