"""Work that runs after an answer was sent (the command itself, posting its reply, refreshing a view)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    """Tasks started after an ack, each kept referenced until done (else asyncio may collect it mid-way), so
    that a stopping server can wait for them."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` in the background of the running event loop."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("background %s work failed", self.platform, exc_info=error)

    async def drain(self) -> None:
        """Wait for every task still running."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
