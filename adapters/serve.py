"""`labbot run`: every configured platform and background service in one process, on one HTTP port."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from collections.abc import Sequence
from types import FrameType

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from adapters.body_limit import DEFAULT_MAX_BODY_BYTES
from adapters.bootstrap import Application, bootstrap
from adapters.http import HttpSettings, ShutdownBudget, build_http_app
from adapters.metrics import HttpMetrics, MetricsListener, metrics_route, scrape_registry
from adapters.platform import Platform, Service, configured_connections
from labbot.config import ConfigError, Settings
from labbot.metrics import metrics_settings
from labbot.scheduling.background import BackgroundWork

log = logging.getLogger(__name__)
# The exit status when the shutdown budget ran out and the process was ended without finishing.
EXIT_STOPPED_HARD = 3


def assemble(settings: Settings, *, in_background: bool = False) -> tuple[Application, list[Platform]]:
    """Connect the configured platforms, bootstrap the application with their messengers, then build each
    platform with it. `in_background`: deliveries wait for `Application.background` (see `bootstrap`)."""
    connections = configured_connections(settings)
    if not connections:
        raise ConfigError(
            "Nothing to run: add a [slack] or [mattermost] table to the configuration "
            "(see config.example.toml), or use `labbot console` to try labbot locally."
        )
    application = bootstrap(
        settings,
        messengers={c.name: c.messenger for c in connections},
        in_background=in_background,
        platforms=[c.name for c in connections],
    )
    return application, [connection.serve(application) for connection in connections]


class BackgroundService:
    """The scheduler and delivery worker (on the elected replica) as a service of the HTTP app's lifespan."""

    def __init__(self, work: BackgroundWork) -> None:
        self.work = work

    async def start(self) -> None:
        await asyncio.to_thread(self.work.start)

    async def stop(self) -> None:
        await asyncio.to_thread(self.work.stop)


def platforms_app(
    application: Application,
    platforms: Sequence[Platform],
    services: Sequence[Service] = (),
    shutdown: ShutdownBudget | None = None,
    routes: Sequence[BaseRoute] = (),
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Starlette:
    """The platforms' routes and `/healthz` on one ASGI app, whose lifespan starts the command runner, then the
    platforms, then `services` (and stops them in reverse)."""
    return build_http_app(
        application.database,
        [*(route for platform in platforms for route in platform.routes()), *routes],
        [application.runner, *platforms, *services],
        shutdown,
        [application.runner.down],
        max_body_bytes=max_body_bytes,
    )


def http_app(
    settings: Settings, extra_services: Sequence[Service] = (), shutdown: ShutdownBudget | None = None
) -> tuple[Starlette, Application]:
    """The ASGI app `labbot run` serves: the platforms' routes, their background tasks, the scheduler and
    delivery worker (on the elected replica), and `/metrics` when `[metrics] enabled`."""
    application, platforms = assemble(settings, in_background=True)
    routes: list[BaseRoute] = []
    background = BackgroundService(application.background)
    services: list[Service] = [background, *extra_services]
    metrics = metrics_settings(settings)
    if metrics.enabled:
        registry = scrape_registry(application.database, lambda: background.work.leading)
        if metrics.port is None:
            routes.append(metrics_route(registry))
        else:
            services.append(MetricsListener(registry, metrics.host, metrics.port))
    log.info("labbot serving %s", ", ".join(p.name for p in platforms))
    http = settings.section("http", HttpSettings) or HttpSettings()
    asgi = platforms_app(application, platforms, services, shutdown, routes, max_body_bytes=http.max_body_bytes)
    if metrics.enabled:
        asgi.add_middleware(HttpMetrics, paths=[getattr(route, "path", "") for route in asgi.routes])
    return asgi, application


class GracefulServer(uvicorn.Server):
    """uvicorn's server, whose first SIGTERM or Ctrl-C also starts the shutdown budget and its watchdog.

    uvicorn stops accepting connections and waits for the requests in progress; the lifespan then stops the
    services within what is left. Whatever still hangs when the budget is spent (a stuck send, a command that
    never returns) does not keep the process: the watchdog ends it, and the leader lock goes with it.
    """

    def __init__(self, config: uvicorn.Config, budget: ShutdownBudget) -> None:
        super().__init__(config)
        self.budget = budget

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.budget.began is None:
            log.info("stopping: finishing work in progress within %.0f s", self.budget.seconds)
            self.budget.begin()
            threading.Thread(target=_watchdog, args=(self.budget,), name="shutdown-watchdog", daemon=True).start()
        super().handle_exit(sig, frame)


def _watchdog(budget: ShutdownBudget) -> None:
    time.sleep(budget.seconds)
    log.error("still stopping after %.0f s ([http] shutdown_seconds): exiting now", budget.seconds)
    logging.shutdown()
    os._exit(EXIT_STOPPED_HARD)


def run(settings: Settings, extra_services: Sequence[Service] = ()) -> None:
    """Serve until SIGTERM or Ctrl-C, then stop gracefully within `[http] shutdown_seconds`."""
    http = settings.section("http", HttpSettings) or HttpSettings()
    budget = ShutdownBudget(http.shutdown_seconds)
    asgi, application = http_app(settings, extra_services, budget)
    log.info("listening on http://%s:%d", http.host, http.port)
    config = uvicorn.Config(
        asgi,
        host=http.host,
        port=http.port,
        log_level="info",
        log_config=None,  # labbot's own logging ([logging] format and level)
        access_log=False,
        # Half the budget for requests in progress (acks take milliseconds); the rest for the services.
        timeout_graceful_shutdown=max(1, int(http.shutdown_seconds / 2)),
    )
    server = GracefulServer(config, budget)
    try:
        server.run()
    finally:
        application.database.dispose()
    if not server.started:  # a service refused to start (its error is logged): as uvicorn.run does
        raise SystemExit(3)


def run_worker(settings: Settings) -> None:
    """Run only the scheduler and the delivery worker, until SIGTERM or Ctrl-C (a replica without HTTP)."""
    application, platforms = assemble(settings, in_background=True)
    work = application.background
    metrics = metrics_settings(settings)
    listener = None
    if metrics.enabled and metrics.port is not None:
        registry = scrape_registry(application.database, lambda: work.leading)
        listener = MetricsListener(registry, metrics.host, metrics.port)
        asyncio.run(listener.start())
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stopping.set())
    work.start()
    log.info("labbot worker for %s", ", ".join(p.name for p in platforms))
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        work.stop()
        if listener is not None:
            asyncio.run(listener.stop())
        application.database.dispose()
