"""One HTTP server for every platform: their routes, `/healthz`, and the services' lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from adapters.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimit
from adapters.platform import Service
from labbot.storage.database import Database

log = logging.getLogger(__name__)


class HttpSettings(BaseModel):
    """`[http]`: where `labbot run` listens (Slack in HTTP mode, Mattermost, health checks)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    # On SIGTERM: time to finish requests, commands and sends in progress before the process exits.
    shutdown_seconds: float = Field(default=20.0, gt=0, le=600)
    # Longer request bodies are refused with 413 before being read whole (Slack and Mattermost send a few KiB).
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024, le=100 * 1024 * 1024)


# Something that names the part of labbot that is down in one word (`"commands"`), or None when it is up.
HealthCheck = Callable[[], str | None]


def health_route(database: Database, checks: Sequence[HealthCheck] = ()) -> Route:
    """`GET /healthz`: 200 when the database answers and commands can run, 503 otherwise (load balancers stop
    sending traffic), naming the part that is down in one word; the cause is in the log, never in the answer."""

    def probe() -> None:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def healthz(_request: Request) -> JSONResponse:
        try:
            await asyncio.to_thread(probe)
        except Exception as error:  # any failure means "not healthy"
            log.warning("health check failed: database: %s", error)
            return JSONResponse({"status": "unavailable", "down": "database"}, status_code=503)
        for check in checks:
            if (down := check()) is not None:
                log.warning("health check failed: %s", down)
                return JSONResponse({"status": "unavailable", "down": down}, status_code=503)
        return JSONResponse({"status": "ok"})

    return Route("/healthz", healthz, methods=["GET"])


class ShutdownBudget:
    """The time a stopping server has left: `[http] shutdown_seconds` from the signal that stops it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.began: float | None = None

    def begin(self) -> None:
        """The stop was asked for (the first signal counts)."""
        if self.began is None:
            self.began = time.monotonic()

    def remaining(self) -> float:
        """Seconds left (all of them until the stop begins)."""
        if self.began is None:
            return self.seconds
        return max(0.0, self.seconds - (time.monotonic() - self.began))


def build_http_app(
    database: Database,
    routes: Sequence[BaseRoute],
    services: Sequence[Service],
    shutdown: ShutdownBudget | None = None,
    health: Sequence[HealthCheck] = (),
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app: `/healthz` and the platforms' routes; services start with it and stop with it, in reverse,
    each within what is left of the shutdown budget."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        started: list[Service] = []
        try:
            for service in services:
                await service.start()
                started.append(service)
            yield
        finally:
            for service in reversed(started):
                try:
                    timeout = shutdown.remaining() if shutdown is not None else None
                    log.info("stopping %s", type(service).__name__)
                    await asyncio.wait_for(service.stop(), timeout)
                except TimeoutError:
                    log.error("%r did not stop within the shutdown budget", service)
                except Exception:
                    log.exception("could not stop %r cleanly", service)

    return Starlette(
        routes=[health_route(database, health), *routes],
        lifespan=lifespan,
        middleware=[Middleware(BodyLimit, max_bytes=max_body_bytes)],
    )
