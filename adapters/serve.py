"""`labbot run`: every configured platform and background service in one process, on one HTTP port."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette

from adapters.bootstrap import Application, bootstrap
from adapters.http import HttpSettings, build_http_app
from adapters.platform import Platform, Service, configured_platforms
from labbot.config import ConfigError, Settings
from labbot.scheduling.background import BackgroundWork

log = logging.getLogger(__name__)


def assemble(settings: Settings) -> tuple[Application, list[Platform]]:
    """Build the platforms, the application with their messengers, and attach the application to them."""
    platforms = configured_platforms(settings)
    if not platforms:
        raise ConfigError(
            "Nothing to run: add a [slack] or [mattermost] table to the configuration "
            "(see config.example.toml), or use `labbot console` to try labbot locally."
        )
    application = bootstrap(settings, messengers={p.name: p.messenger for p in platforms})
    for platform in platforms:
        platform.attach(application)
    return application, platforms


class BackgroundService:
    """The scheduler and delivery worker (on the elected replica) as a service of the HTTP app's lifespan."""

    def __init__(self, work: BackgroundWork) -> None:
        self.work = work

    async def start(self) -> None:
        await asyncio.to_thread(self.work.start)

    async def stop(self) -> None:
        await asyncio.to_thread(self.work.stop)


def http_app(settings: Settings, extra_services: Sequence[Service] = ()) -> tuple[Starlette, Application]:
    """The ASGI app `labbot run` serves: the platforms' routes, their background tasks, and the scheduler and
    delivery worker (on the elected replica)."""
    application, platforms = assemble(settings)
    routes = [route for platform in platforms for route in platform.routes()]
    background = BackgroundService(application.background([p.name for p in platforms]))
    services: list[Service] = [*platforms, background, *extra_services]
    log.info("labbot serving %s", ", ".join(p.name for p in platforms))
    return build_http_app(application.database, routes, services), application


def run(settings: Settings, extra_services: Sequence[Service] = ()) -> None:
    """Serve until interrupted."""
    asgi, application = http_app(settings, extra_services)
    http = settings.section("http", HttpSettings) or HttpSettings()
    log.info("listening on http://%s:%d", http.host, http.port)
    try:
        uvicorn.run(asgi, host=http.host, port=http.port, log_level="info", access_log=False)
    finally:
        application.database.dispose()


def run_worker(settings: Settings) -> None:
    """Run only the scheduler and the delivery worker, until SIGTERM or Ctrl-C (a replica without HTTP)."""
    application, platforms = assemble(settings)
    work = application.background([p.name for p in platforms])
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
        application.database.dispose()
