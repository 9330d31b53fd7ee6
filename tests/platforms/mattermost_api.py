"""A local stand-in for the Mattermost API v4 (REST and websocket), checked against the official spec.

It serves on 127.0.0.1 (a free port, HTTP or HTTPS with a ``trustme`` test CA) from a
background thread, so synchronous clients (mattermostdriver) and asyncio clients can
both use it. Every REST call is recorded, then checked against the OpenAPI source files
(see :mod:`tests.platforms.mattermost_spec` for the leniencies): a violation answers
HTTP 400 ``{"id": "spec_violation"}`` and is kept in :attr:`MattermostApiStandIn.violations`.

State is "real enough": ids are 26 characters, DM channels are stable, duplicate slash
command triggers are refused, the bot token is required on every call. Known
simplifications: ``GET /api/v4/commands`` returns custom commands only, dialog
``trigger_id`` values are not verified, the bot's own posts are broadcast on the
websocket (as Mattermost does), and any other spec-valid call answers ``{}`` with 200.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import socket
import ssl
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import trustme
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.platforms.mattermost_spec import HTTP_METHODS, MattermostSpec

T = TypeVar("T")
_MM_ALPHABET = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "ybndrfg8ejkmcpqxot1uwisza345h769")
_TRANSPORT_KEY = "labbot.standin.transport"


def new_id() -> str:
    """A Mattermost-style id: a UUID in Mattermost's base32 alphabet, 26 characters."""
    return base64.b32encode(uuid.uuid4().bytes).decode().rstrip("=").translate(_MM_ALPHABET)


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class RecordedCall:
    """One REST call as the stand-in received it."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    template: str | None = None
    status: int = 0


@dataclass(frozen=True)
class SpecViolation:
    """A call the Mattermost API v4 spec does not allow."""

    method: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.message}"


@dataclass
class UploadedFile:
    """A file received by ``POST /api/v4/files``."""

    id: str
    name: str
    channel_id: str
    mime_type: str
    data: bytes


@dataclass
class _Ctx:
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    form: dict[str, str]
    files: list[tuple[str, str, bytes]]


class _ApiError(Exception):
    def __init__(self, status: int, error_id: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_id, self.message = status, error_id, message


class _WsClient:
    def __init__(self, ws: WebSocket, transport: asyncio.Transport | None) -> None:
        self.ws, self.transport = ws, transport
        self.seq = 0  # Mattermost numbers events per connection, hello being 0
        self.registered = False
        self.lock = asyncio.Lock()


Handler = Callable[[_Ctx], Awaitable[Any]]


class MattermostApiStandIn:
    """Mattermost API v4 stand-in: ``start()``/``stop()`` or ``with MattermostApiStandIn() as api:``."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_username: str = "labbot",
        tls: bool = False,
        specs_dir: Path | None = None,
    ) -> None:
        """Load the spec (raises SpecsMissingError) and create the bot user owning ``token``."""
        self.spec = MattermostSpec.load(specs_dir)
        self.token = token or new_id()
        self.tls = tls
        self.calls: list[RecordedCall] = []
        self.violations: list[SpecViolation] = []
        self.dialogs: list[dict[str, Any]] = []
        self.files: dict[str, UploadedFile] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.posts: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, dict[str, Any]] = {}
        self.command_responses: dict[str, list[dict[str, Any]]] = {}
        self._hook_uses: dict[str, int] = {}
        """Slash command response_url (hook id) → the CommandResponse bodies posted to it, in order."""
        self.websocket_attempts = 0
        """Websocket upgrade requests received, authenticated or not."""
        self._members: dict[str, set[str]] = {}
        self.team_members: dict[str, set[str]] = {}
        """Team id → ids of its members (see ``add_team_member``)."""
        self._failures: list[tuple[str, str, int, int]] = []
        self._events: deque[dict[str, Any]] = deque(maxlen=200)
        self._clients: list[_WsClient] = []
        self._lock = threading.Lock()
        self._last_create_at = 0
        self._ca = trustme.CA() if tls else None
        self._tmpdir: Path | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port = 0
        self.bot_user_id = self.add_user(bot_username, f"{bot_username}@example.gouv.fr", is_bot=True)
        self._handlers = self._handler_table()

    # ----- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind a free port on 127.0.0.1 and serve from a background thread."""
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only then, else responses wait 40 ms.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        tls_files: dict[str, Any] = {}
        if self._ca is not None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="mm-standin-"))
            cert = self._ca.issue_cert("127.0.0.1", "localhost")
            cert.private_key_pem.write_to_path(str(self._tmpdir / "key.pem"))
            (self._tmpdir / "cert.pem").write_bytes(b"".join(p.bytes() for p in cert.cert_chain_pems))
            self._ca.cert_pem.write_to_path(str(self._tmpdir / "ca.pem"))
            tls_files = {
                "ssl_keyfile": str(self._tmpdir / "key.pem"),
                "ssl_certfile": str(self._tmpdir / "cert.pem"),
            }
        app = Starlette(
            routes=[
                WebSocketRoute("/api/v4/websocket", self._websocket),
                Route("/hooks/commands/{hook_id}", self._command_hook, methods=["POST"]),
                Route("/{path:path}", self._http, methods=[m.upper() for m in HTTP_METHODS]),
            ]
        )

        async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "websocket":
                # uvicorn passes a bound method of its protocol: its transport lets
                # drop_websockets() cut a connection without a close frame, like a crash.
                scope[_TRANSPORT_KEY] = getattr(getattr(send, "__self__", None), "transport", None)
            await app(scope, receive, send)

        config = uvicorn.Config(
            asgi,
            log_level="warning",
            lifespan="off",
            ws="websockets-sansio",
            proxy_headers=False,
            access_log=False,
            timeout_graceful_shutdown=1,
            **tls_files,
        )
        self._server = server = uvicorn.Server(config)

        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            await server.serve(sockets=[sock])

        self._thread = threading.Thread(target=asyncio.run, args=(serve(),), name="mm-standin", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the Mattermost stand-in did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Close websockets, stop the server and remove the TLS files."""
        if self._server is not None and self._thread is not None:
            if self._thread.is_alive():
                self.drop_websockets()
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = self._loop = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    # ----- addresses and TLS -----------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def websocket_url(self) -> str:
        """Websocket URL, e.g. ``ws://127.0.0.1:PORT/api/v4/websocket``."""
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}/api/v4/websocket"

    @property
    def ca_file(self) -> Path:
        """PEM file of the test CA (TLS mode, after start())."""
        if self._tmpdir is None:
            raise RuntimeError("ca_file exists only in TLS mode, once started")
        return self._tmpdir / "ca.pem"

    def ca_ssl_context(self) -> ssl.SSLContext:
        """A client SSL context (hostname checks on) trusting only the test CA."""
        if self._ca is None:
            raise RuntimeError("the stand-in was created without tls=True")
        context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH)
        self._ca.configure_trust(context)
        return context

    def driver_options(self) -> dict[str, Any]:
        """Options for ``mattermostdriver.Driver`` pointing at this stand-in."""
        return {
            "url": "127.0.0.1",
            "port": self.port,
            "scheme": "https" if self.tls else "http",
            "token": self.token,
            "basepath": "/api/v4",
            "verify": str(self.ca_file) if self.tls else True,
        }

    # ----- test-side state -------------------------------------------------------------------

    def add_team(self, name: str, display_name: str | None = None) -> str:
        """Create a team; returns its id."""
        team_id, now = new_id(), _now_ms()
        self.teams[team_id] = {
            "id": team_id,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "display_name": display_name or name,
            "name": name,
            "description": "",
            "email": "",
            "type": "O",
            "allowed_domains": "",
            "invite_id": new_id(),
            "allow_open_invite": False,
        }
        return team_id

    def add_team_member(self, team_id: str, user_id: str) -> None:
        """Make ``user_id`` a member of the team (as *Add Members* in the team's menu does)."""
        self._find(self.teams, team_id, "team")
        self.team_members.setdefault(team_id, set()).add(user_id)

    def add_user(
        self,
        username: str,
        email: str | None = None,
        *,
        locale: str = "fr",
        first_name: str = "",
        last_name: str = "",
        is_bot: bool = False,
    ) -> str:
        """Create a user; returns its id."""
        user_id, now = new_id(), _now_ms()
        user: dict[str, Any] = {
            "id": user_id,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "username": username,
            "auth_data": "",
            "auth_service": "",
            "email": email or f"{username}@example.gouv.fr",
            "email_verified": True,
            "nickname": "",
            "first_name": first_name,
            "last_name": last_name,
            "position": "",
            "roles": "system_user",
            "locale": locale,
            "timezone": {
                "automaticTimezone": "Europe/Paris",
                "manualTimezone": "",
                "useAutomaticTimezone": "true",
            },
        }
        if is_bot:
            user["is_bot"] = True  # Mattermost omits the field for people
        self.users[user_id] = user
        return user_id

    def add_channel(
        self,
        team_id: str,
        name: str,
        *,
        type: str = "O",  # Mattermost's own field name
        display_name: str | None = None,
        member_ids: Iterable[str] = (),
        bot_member: bool = True,
    ) -> str:
        """Create a team channel (``O`` public, ``P`` private); the bot is a member unless told not."""
        members = set(member_ids) | ({self.bot_user_id} if bot_member else set())
        return self._new_channel(team_id, type, name, display_name or name, members)

    def direct_channel(self, user_a: str, user_b: str) -> str:
        """The DM channel of two users (created once, then the same id)."""
        a, b = sorted((user_a, user_b))
        name = f"{a}__{b}"
        with self._lock:
            for channel in self.channels.values():
                if channel["type"] == "D" and channel["name"] == name:
                    return str(channel["id"])
            return self._new_channel("", "D", name, "", {a, b})

    def _new_channel(self, team_id: str, kind: str, name: str, display: str, members: set[str]) -> str:
        channel_id, now = new_id(), _now_ms()
        self.channels[channel_id] = {
            "id": channel_id,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "team_id": team_id,
            "type": kind,
            "display_name": display,
            "name": name,
            "header": "",
            "purpose": "",
            "last_post_at": 0,
            "total_msg_count": 0,
            "creator_id": self.bot_user_id,
        }
        self._members[channel_id] = members
        return channel_id

    def new_response_url(self, uses: int = 5) -> str:
        """A slash command's ``response_url``, as the server makes one for each command it forwards (the
        benchmark shares one among many commands: ``uses``)."""
        hook_id = new_id()
        with self._lock:
            self.command_responses[hook_id] = []
            self._hook_uses[hook_id] = uses
        return f"{self.url}/hooks/commands/{hook_id}"

    def responses_to(self, response_url: str) -> list[dict[str, Any]]:
        """The bodies posted to ``response_url`` so far."""
        with self._lock:
            return list(self.command_responses.get(response_url.rsplit("/", 1)[-1], []))

    async def _command_hook(self, request: Request) -> Response:
        """``POST /hooks/commands/{id}`` as the server's command webhook handles it (no token: the id is the
        secret): a CommandResponse JSON body, at most 5 uses per hook (app.HandleCommandWebhook, TryUse 5)."""
        hook_id = request.path_params["hook_id"]
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        with self._lock:
            used = self.command_responses.get(hook_id)
            if used is None:
                return self._error(404, "app.command_webhook.get.missing", "Unable to find the webhook.")
            if not isinstance(body, dict) or body.get("response_type", "") not in ("", "ephemeral", "in_channel"):
                return self._error(400, "app.command_webhook.handle_command_webhook.parse", "Unable to parse.")
            if len(used) >= self._hook_uses[hook_id]:
                return self._error(400, "app.command_webhook.try_use.invalid", "Hook used too many times.")
            used.append(body)
        return Response("ok", media_type="text/plain")

    def fail_next(self, method: str, path: str, status: int = 429, retry_after: int = 1) -> None:
        """Answer the next ``method path`` call (concrete path or spec template) with ``status``."""
        self._failures.append((method.upper(), path, status, retry_after))

    def calls_to(self, method: str, path: str) -> list[RecordedCall]:
        """Recorded calls with this method and concrete path or spec template."""
        return [c for c in self.calls if c.method == method.upper() and path in (c.path, c.template)]

    def take_violations(self) -> list[SpecViolation]:
        """Return and forget the violations (for tests that provoke them on purpose)."""
        taken, self.violations[:] = list(self.violations), []
        return taken

    # ----- websocket, test side --------------------------------------------------------------

    @property
    def connected_websockets(self) -> int:
        """Authenticated websocket connections currently open."""
        return len(self._clients)

    def wait_for_websockets(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until ``count`` authenticated websockets are connected."""
        deadline = time.monotonic() + timeout
        while len(self._clients) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self._clients)} websocket(s) connected, {count} expected")
            time.sleep(0.005)

    def emit_posted(
        self,
        channel_id: str,
        user_id: str,
        message: str,
        *,
        root_id: str = "",
        props: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a post by ``user_id`` and broadcast its ``posted`` event; returns the post."""
        post = self._create_post(channel_id, user_id, message, root_id=root_id, props=props or {})
        self._in_loop(self._broadcast(self._posted_event(post)))
        return post

    def drop_websockets(self) -> int:
        """Cut every websocket connection abruptly (no close frame); returns how many."""
        return self._in_loop(self._drop_all())

    def resend_last_events(self, n: int = 1) -> None:
        """Send the last ``n`` broadcast events again to the connected clients (a replay)."""
        events = list(self._events)[-n:] if n > 0 else []

        async def resend() -> None:
            for client in list(self._clients):
                for event in events:
                    await self._send(client, event)

        self._in_loop(resend())

    def _in_loop(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None or threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("call this from the test thread of a started stand-in")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    # ----- websocket, server side ------------------------------------------------------------

    async def _websocket(self, ws: WebSocket) -> None:
        self.websocket_attempts += 1
        header = ws.headers.get("authorization")
        if header is not None and not self._token_ok(header):
            # Mattermost refuses the upgrade when the header carries a bad token.
            if "websocket.http.response" in ws.scope.get("extensions", {}):
                await ws.send_denial_response(
                    self._error(401, "api.context.session_expired.app_error", "bad token")
                )
            else:
                await ws.close(code=1008)
            return
        await ws.accept()
        client = _WsClient(ws, ws.scope.get(_TRANSPORT_KEY))
        if header is not None:
            await self._register(client)
        try:
            while await self._answer(client, await ws.receive_text()):
                pass
        except WebSocketDisconnect:
            pass
        finally:
            client.registered = False
            if client in self._clients:
                self._clients.remove(client)

    async def _answer(self, client: _WsClient, text: str) -> bool:
        """Reply to one client message (an action); False once the connection is closed."""
        try:
            message = json.loads(text)
        except ValueError:
            return True
        if not isinstance(message, dict):
            return True
        seq = message.get("seq")
        if message.get("action") == "authentication_challenge":
            if not self._token_ok("Bearer " + str((message.get("data") or {}).get("token", ""))):
                await client.ws.send_json(self._ws_fail(seq))
                await client.ws.close(code=1008)
                return False
            await client.ws.send_json({"status": "OK", "seq_reply": seq})
            if not client.registered:
                await self._register(client)
        elif not client.registered:
            await client.ws.send_json(self._ws_fail(seq))
        else:
            await client.ws.send_json({"status": "OK", "seq_reply": seq})
        return True

    @staticmethod
    def _ws_fail(seq: Any) -> dict[str, Any]:
        return {
            "status": "FAIL",
            "seq_reply": seq,
            "error": {
                "id": "api.web_socket_router.not_authenticated.app_error",
                "message": "not authenticated",
            },
        }

    async def _register(self, client: _WsClient) -> None:
        client.registered = True
        self._clients.append(client)
        hello = {
            "event": "hello",
            "data": {"connection_id": new_id(), "server_version": "10.11.6.10.11.6.standin.false"},
            "broadcast": self._broadcast_info(user_id=self.bot_user_id),
        }
        await self._send(client, hello)

    async def _send(self, client: _WsClient, event: dict[str, Any]) -> None:
        async with client.lock:
            numbered = {**event, "seq": client.seq}
            client.seq += 1
            try:
                await client.ws.send_text(json.dumps(numbered))
            except Exception:  # a connection that died meanwhile
                if client in self._clients:
                    self._clients.remove(client)

    async def _broadcast(self, event: dict[str, Any]) -> None:
        channel_id = event["broadcast"].get("channel_id", "")
        if channel_id and self.bot_user_id not in self._members.get(channel_id, set()):
            return  # Mattermost only tells channel members
        self._events.append(event)
        for client in list(self._clients):
            await self._send(client, event)

    async def _drop_all(self) -> int:
        clients, self._clients[:] = list(self._clients), []
        for client in clients:
            if client.transport is not None:
                client.transport.abort()
            else:
                await client.ws.close(code=1012)
        return len(clients)

    @staticmethod
    def _broadcast_info(*, user_id: str = "", channel_id: str = "", team_id: str = "") -> dict[str, Any]:
        return {
            "omit_users": None,
            "user_id": user_id,
            "channel_id": channel_id,
            "team_id": team_id,
            "connection_id": "",
            "omit_connection_id": "",
        }

    def _posted_event(self, post: dict[str, Any], event: str = "posted") -> dict[str, Any]:
        channel = self.channels[post["channel_id"]]
        sender = self.users.get(post["user_id"], {}).get("username", "")
        data: dict[str, Any] = {
            "channel_display_name": f"@{sender}" if channel["type"] == "D" else channel["display_name"],
            "channel_name": channel["name"],
            "channel_type": channel["type"],
            "post": json.dumps(post),  # a JSON string inside the event, as Mattermost sends it
            "sender_name": f"@{sender}",
            "set_online": True,
            "team_id": channel["team_id"],
        }
        if channel["type"] == "D":
            others = sorted(self._members[channel["id"]] - {post["user_id"]})
            data["mentions"] = json.dumps(others)
        if event != "posted":
            data = {"post": data["post"]}
        return {"event": event, "data": data, "broadcast": self._broadcast_info(channel_id=channel["id"])}

    # ----- REST ------------------------------------------------------------------------------

    async def _http(self, request: Request) -> Response:
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        call = RecordedCall(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            json=None,
            headers=dict(request.headers),
        )
        self.calls.append(call)
        files: list[tuple[str, str, bytes]] = []
        parsed: Any = None
        problems: list[str] = []
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            async with request.form() as form:
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        files.append((value.filename or "file", value.content_type or "", await value.read()))
                        call.form.setdefault(key, value.filename or "")
                    else:
                        call.form[key] = value
            parsed = dict(call.form)
        elif body:
            try:
                parsed = call.json = json.loads(body)
            except ValueError:
                problems.append("body is not valid JSON")
        response = self._respond(
            call,
            content_type=content_type,
            has_body=bool(body),
            parsed=parsed,
            files=files,
            problems=problems,
        )
        if isinstance(response, Response):
            call.status = response.status_code
            return response
        try:
            result: Any = await response
        except _ApiError as error:
            result = self._error(error.status, error.error_id, error.message)
        answer = (
            result
            if isinstance(result, Response)
            else JSONResponse(result, status_code=201 if call.template == "/api/v4/files" else 200)
        )
        call.status = answer.status_code
        return answer

    def _respond(
        self,
        call: RecordedCall,
        *,
        content_type: str,
        has_body: bool,
        parsed: Any,
        files: list[tuple[str, str, bytes]],
        problems: list[str],
    ) -> Response | Awaitable[Any]:
        match = self.spec.match(call.method, call.path)
        if isinstance(match, str):
            return self._violation(call, match)
        call.template = match.operation.template
        problems += self.spec.check_query(match.operation, call.query)
        if not problems:
            problems += self.spec.check_body(match.operation, content_type, parsed, has_body)
        if problems:
            return self._violation(call, f"{match.operation.template}: " + "; ".join(problems))
        if not self._token_ok(call.headers.get("authorization", "")):
            return self._error(401, "api.context.session_expired.app_error", "Invalid or expired session.")
        for failure in self._failures:
            method, path, status, retry_after = failure
            if method == call.method and path in (call.path, call.template):
                self._failures.remove(failure)
                reset = str(int(time.time()) + retry_after)
                response = self._error(status, "api.context.rate_limit.app_error", "limit exceeded")
                response.headers.update(
                    {
                        "Retry-After": str(retry_after),
                        "X-Ratelimit-Reset": str(retry_after),
                        "X-Ratelimit-Limit": "10",
                        "X-Ratelimit-Remaining": "0",
                        "X-Ratelimit-Reset-At": reset,
                    }
                )
                return response
        handler = self._handlers.get((call.method, match.operation.template))
        if handler is None:
            return JSONResponse({})
        return handler(_Ctx(match.params, call.query, parsed, call.form, files))

    def _violation(self, call: RecordedCall, message: str) -> Response:
        self.violations.append(SpecViolation(call.method, call.path, message))
        return self._error(400, "spec_violation", message)

    @staticmethod
    def _error(status: int, error_id: str, message: str) -> JSONResponse:
        body = {"id": error_id, "message": message, "detailed_error": "", "request_id": new_id()}
        return JSONResponse({**body, "status_code": status}, status_code=status)

    def _token_ok(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        return scheme.lower() in ("bearer", "token") and value.strip() == self.token

    def _handler_table(self) -> dict[tuple[str, str], Handler]:
        v4 = "/api/v4"
        return {
            ("GET", f"{v4}/system/ping"): self._ping,
            ("GET", f"{v4}/users/{{user_id}}"): self._get_user,
            ("POST", f"{v4}/users/ids"): self._get_users_by_ids,
            ("GET", f"{v4}/users/username/{{username}}"): self._get_user_by_username,
            ("GET", f"{v4}/users/email/{{email}}"): self._get_user_by_email,
            ("GET", f"{v4}/teams/{{team_id}}"): self._get_team,
            ("GET", f"{v4}/teams/name/{{name}}"): self._get_team_by_name,
            ("GET", f"{v4}/teams/{{team_id}}/members/{{user_id}}"): self._get_team_member,
            ("GET", f"{v4}/channels/{{channel_id}}"): self._get_channel,
            ("POST", f"{v4}/channels/direct"): self._create_direct,
            ("POST", f"{v4}/posts"): self._create_post_api,
            ("GET", f"{v4}/posts/{{post_id}}"): self._get_post,
            ("GET", f"{v4}/channels/{{channel_id}}/posts"): self._channel_posts,
            ("PUT", f"{v4}/posts/{{post_id}}"): self._update_post,
            ("PUT", f"{v4}/posts/{{post_id}}/patch"): self._patch_post,
            ("DELETE", f"{v4}/posts/{{post_id}}"): self._delete_post,
            ("GET", f"{v4}/commands"): self._list_commands,
            ("POST", f"{v4}/commands"): self._create_command,
            ("GET", f"{v4}/commands/{{command_id}}"): self._get_command,
            ("PUT", f"{v4}/commands/{{command_id}}"): self._update_command,
            ("DELETE", f"{v4}/commands/{{command_id}}"): self._delete_command,
            ("PUT", f"{v4}/commands/{{command_id}}/regen_token"): self._regen_token,
            ("POST", f"{v4}/actions/dialogs/open"): self._open_dialog,
            ("POST", f"{v4}/files"): self._upload_files,
            ("GET", f"{v4}/files/{{file_id}}"): self._get_file,
        }

    @staticmethod
    def _find(table: dict[str, dict[str, Any]], key: str, what: str) -> dict[str, Any]:
        if key not in table:
            raise _ApiError(404, f"app.{what}.get.app_error", f"Unable to find the {what}.")
        return table[key]

    async def _ping(self, ctx: _Ctx) -> Any:
        return {"status": "OK"}

    async def _get_user(self, ctx: _Ctx) -> Any:
        user_id = ctx.params["user_id"]
        return self._find(self.users, self.bot_user_id if user_id == "me" else user_id, "user")

    async def _get_users_by_ids(self, ctx: _Ctx) -> Any:
        return [self.users[i] for i in ctx.json if i in self.users]

    async def _get_user_by_username(self, ctx: _Ctx) -> Any:
        by_name = {u["username"]: u for u in self.users.values()}
        return self._find(by_name, ctx.params["username"], "user")

    async def _get_user_by_email(self, ctx: _Ctx) -> Any:
        return self._find({u["email"]: u for u in self.users.values()}, ctx.params["email"], "user")

    async def _get_team(self, ctx: _Ctx) -> Any:
        return self._find(self.teams, ctx.params["team_id"], "team")

    async def _get_team_by_name(self, ctx: _Ctx) -> Any:
        return self._find({t["name"]: t for t in self.teams.values()}, ctx.params["name"], "team")

    async def _get_team_member(self, ctx: _Ctx) -> Any:
        team_id = self._find(self.teams, ctx.params["team_id"], "team")["id"]
        user_id = self.bot_user_id if ctx.params["user_id"] == "me" else ctx.params["user_id"]
        if user_id not in self.team_members.get(team_id, set()):
            raise _ApiError(404, "app.team.get_member.missing.app_error", "No team member found for that user ID.")
        return {"team_id": team_id, "user_id": user_id, "roles": "team_user", "delete_at": 0, "scheme_user": True}

    async def _get_channel(self, ctx: _Ctx) -> Any:
        return self._find(self.channels, ctx.params["channel_id"], "channel")

    async def _create_direct(self, ctx: _Ctx) -> Any:
        for user_id in ctx.json:
            self._find(self.users, user_id, "user")
        return JSONResponse(self.channels[self.direct_channel(*ctx.json)], status_code=201)

    def _create_post(
        self,
        channel_id: str,
        user_id: str,
        message: str,
        *,
        root_id: str = "",
        props: Any = None,
        **extra: Any,
    ) -> dict[str, Any]:
        self._find(self.channels, channel_id, "channel")
        with self._lock:
            # Strictly increasing create_at, as clients sort and page by it.
            self._last_create_at = create_at = max(_now_ms(), self._last_create_at + 1)
        post = {
            "id": new_id(),
            "create_at": create_at,
            "update_at": create_at,
            "edit_at": 0,
            "delete_at": 0,
            "is_pinned": False,
            "user_id": user_id,
            "channel_id": channel_id,
            "root_id": root_id,
            "original_id": "",
            "message": message,
            "type": "",
            "props": props or {},
            "hashtags": "",
            "pending_post_id": "",
            "reply_count": 0,
            "metadata": {},
            **extra,
        }
        self.posts[post["id"]] = post
        self.channels[channel_id]["last_post_at"] = create_at
        return post

    async def _create_post_api(self, ctx: _Ctx) -> Any:
        body = ctx.json
        if self.bot_user_id not in self._members.get(body["channel_id"], set()):
            self._find(self.channels, body["channel_id"], "channel")
            raise _ApiError(
                403, "api.context.permissions.app_error", "You do not have the appropriate permissions."
            )
        extra = {"file_ids": body["file_ids"]} if body.get("file_ids") else {}
        post = self._create_post(
            body["channel_id"],
            self.bot_user_id,
            body["message"],
            root_id=body.get("root_id", ""),
            props=body.get("props"),
            **extra,
        )
        await self._broadcast(self._posted_event(post))
        return JSONResponse(post, status_code=201)

    async def _channel_posts(self, ctx: _Ctx) -> Any:
        """A page of the channel's posts, newest first, in Mattermost's PostList shape."""
        channel_id = ctx.params["channel_id"]
        self._find(self.channels, channel_id, "channel")
        page, per_page = int(ctx.query.get("page", 0)), min(int(ctx.query.get("per_page", 60)), 200)
        newest_first = sorted(
            (p for p in self.posts.values() if p["channel_id"] == channel_id and not p["delete_at"]),
            key=lambda p: p["create_at"],
            reverse=True,
        )[page * per_page : (page + 1) * per_page]
        return {
            "order": [p["id"] for p in newest_first],
            "posts": {p["id"]: p for p in newest_first},
            "next_post_id": "",
            "prev_post_id": "",
        }

    async def _get_post(self, ctx: _Ctx) -> Any:
        return self._find(self.posts, ctx.params["post_id"], "post")

    async def _edit_post(self, post_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        post = self._find(self.posts, post_id, "post")
        for key in ("message", "props", "is_pinned", "file_ids", "has_reactions"):
            if key in changes:
                post[key] = changes[key]
        post["edit_at"] = post["update_at"] = _now_ms()
        await self._broadcast(self._posted_event(post, "post_edited"))
        return post

    async def _update_post(self, ctx: _Ctx) -> Any:
        if ctx.json["id"] != ctx.params["post_id"]:
            raise _ApiError(
                400, "api.context.invalid_body_param.app_error", "Invalid or missing id in request body."
            )
        return await self._edit_post(ctx.params["post_id"], ctx.json)

    async def _patch_post(self, ctx: _Ctx) -> Any:
        return await self._edit_post(ctx.params["post_id"], ctx.json)

    async def _delete_post(self, ctx: _Ctx) -> Any:
        self._find(self.posts, ctx.params["post_id"], "post")["delete_at"] = _now_ms()
        return {"status": "OK"}

    async def _list_commands(self, ctx: _Ctx) -> Any:
        team_id = ctx.query.get("team_id")
        return [c for c in self.commands.values() if team_id in (None, c["team_id"]) and not c["delete_at"]]

    async def _create_command(self, ctx: _Ctx) -> Any:
        body = ctx.json
        self._find(self.teams, body["team_id"], "team")
        if any(
            c["team_id"] == body["team_id"] and c["trigger"] == body["trigger"] for c in self.commands.values()
        ):
            raise _ApiError(400, "api.command.duplicate_trigger.app_error", "This trigger word is already in use.")
        command_id, now = new_id(), _now_ms()
        command = {
            "id": command_id,
            "token": new_id(),
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "creator_id": self.bot_user_id,
            "username": "",
            "icon_url": "",
            "auto_complete": False,
            "auto_complete_desc": "",
            "auto_complete_hint": "",
            "display_name": "",
            "description": "",
            **{k: v for k, v in body.items() if k not in ("id", "token", "create_at", "creator_id")},
        }
        self.commands[command_id] = command
        return JSONResponse(command, status_code=201)

    async def _get_command(self, ctx: _Ctx) -> Any:
        return self._find(self.commands, ctx.params["command_id"], "command")

    async def _update_command(self, ctx: _Ctx) -> Any:
        command = self._find(self.commands, ctx.params["command_id"], "command")
        if ctx.json.get("id") != command["id"]:
            raise _ApiError(
                400, "api.context.invalid_body_param.app_error", "Invalid or missing id in request body."
            )
        command.update(
            {k: v for k, v in ctx.json.items() if k not in ("token", "create_at", "creator_id", "team_id")}
        )
        command["update_at"] = _now_ms()
        return command

    async def _delete_command(self, ctx: _Ctx) -> Any:
        self._find(self.commands, ctx.params["command_id"], "command")["delete_at"] = _now_ms()
        return {"status": "OK"}

    async def _regen_token(self, ctx: _Ctx) -> Any:
        command = self._find(self.commands, ctx.params["command_id"], "command")
        command["token"] = new_id()
        return {"token": command["token"]}

    async def _open_dialog(self, ctx: _Ctx) -> Any:
        self.dialogs.append(ctx.json)
        return {"status": "OK"}

    async def _upload_files(self, ctx: _Ctx) -> Any:
        channel_id = ctx.form.get("channel_id") or ctx.query.get("channel_id", "")
        self._find(self.channels, channel_id, "channel")
        if not ctx.files:
            raise _ApiError(400, "api.file.upload_file.incorrect_number_of_files.app_error", "No file received.")
        infos = []
        for name, mime, data in ctx.files:
            uploaded = UploadedFile(new_id(), name, channel_id, mime or "application/octet-stream", data)
            self.files[uploaded.id] = uploaded
            now = _now_ms()
            infos.append(
                {
                    "id": uploaded.id,
                    "user_id": self.bot_user_id,
                    "post_id": "",
                    "channel_id": channel_id,
                    "create_at": now,
                    "update_at": now,
                    "delete_at": 0,
                    "name": name,
                    "extension": name.rsplit(".", 1)[-1] if "." in name else "",
                    "size": len(data),
                    "mime_type": uploaded.mime_type,
                    "has_preview_image": False,
                }
            )
        client_ids = [c for c in ctx.form.get("client_ids", "").split(",") if c]
        return {"file_infos": infos, "client_ids": client_ids}

    async def _get_file(self, ctx: _Ctx) -> Any:
        uploaded = self.files.get(ctx.params["file_id"])
        if uploaded is None:
            raise _ApiError(404, "app.file_info.get.app_error", "Unable to find the file.")
        return Response(uploaded.data, media_type=uploaded.mime_type)
