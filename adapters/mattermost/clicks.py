"""Double clicks: the same button clicked again by the same person, moments later, gets the first answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from labbot.messages import Reply


class RecentClicks:
    """Shares one run between clicks of the same button by the same person within `window` seconds.

    Later clicks run the command again: a person who cancelled a signup and clicks "S'inscrire" on the old
    message is signed up again, not answered from a stale record. Lives on the event loop; no lock needed.
    """

    def __init__(self, window: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._runs: dict[tuple[str, ...], tuple[float, asyncio.Future[Reply]]] = {}

    async def answer(self, key: tuple[str, ...], run: Callable[[], Awaitable[Reply]]) -> Reply:
        """The reply of the run started for `key` within the window, else of a new run."""
        now = self.clock()
        self._runs = {k: entry for k, entry in self._runs.items() if entry[0] > now}
        entry = self._runs.get(key)
        if entry is None:
            entry = (now + self.window, asyncio.ensure_future(run()))
            self._runs[key] = entry
        return await asyncio.shield(entry[1])
