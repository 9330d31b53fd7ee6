"""`GET /metrics` for Prometheus, and the timing of every HTTP request (`[metrics] enabled`).

prometheus_client is imported only from inside these functions: `labbot.metrics.prepare_multiprocess` must
run first (see `labbot.metrics`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from labbot.storage.database import Database

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

METRICS_PATH = "/metrics"


class HttpMetrics:
    """ASGI middleware: counts requests by route and status, and times the platforms' acks.

    Routes are labelled by their declared path; anything else is `other`, so that scanners trying random
    paths cannot make the number of series grow.
    """

    def __init__(self, app: ASGIApp, paths: Collection[str]) -> None:
        from labbot.metrics.instruments import http_answered  # noqa: PLC0415

        self.app = app
        self.paths = set(paths)
        self.answered = http_answered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope["path"]
            route = path if path in self.paths else "other"
            platform = path.split("/")[1] if path.startswith(("/slack/", "/mattermost/")) else None
            self.answered(route, status, time.perf_counter() - started, platform)


def scrape_registry(database: Database, leading: Callable[[], bool]) -> CollectorRegistry:
    """What a scrape reads (imported late, see the module's docstring)."""
    from labbot.metrics.exposition import scrape_registry as registry_for  # noqa: PLC0415

    return registry_for(database, leading)


def metrics_route(registry: CollectorRegistry) -> Route:
    """`GET /metrics` on labbot's own HTTP port."""
    from labbot.metrics.exposition import CONTENT_TYPE, render  # noqa: PLC0415

    async def metrics(_request: Request) -> Response:
        # The backlog is counted in the database: off the event loop.
        return Response(await asyncio.to_thread(render, registry), media_type=CONTENT_TYPE)

    return Route(METRICS_PATH, metrics, methods=["GET"])


class MetricsListener:
    """`[metrics] port`: the metrics on a port of their own (prometheus_client's server), kept off the proxy."""

    def __init__(self, registry: CollectorRegistry, host: str, port: int) -> None:
        self.registry, self.host, self.port = registry, host, port
        self._server: Any = None

    async def start(self) -> None:
        from prometheus_client import start_http_server  # noqa: PLC0415

        self._server, _thread = start_http_server(self.port, self.host, self.registry)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
