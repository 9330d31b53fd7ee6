"""Pacing to platform limits: each send reserves a time slot, so concurrent senders never exceed a limit.

A generic cell rate algorithm (GCRA), the token bucket seen from the sender's side: each key (one channel, or a
whole platform) has a theoretical arrival time `tat`; a send may go at `max(now, tat - tolerance)` and pushes
`tat` one interval further. Sending at the slot, not after a blind sleep, is what keeps a broadcast close to
the fastest the limits allow.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from labbot.config import PlatformLimits


@dataclass
class _Cell:
    interval: float
    tolerance: float
    tat: float = 0.0
    last_sent: float = float("-inf")


class Pacer:
    """Hands out send times per platform (global limit) and per channel (channel limit)."""

    def __init__(
        self,
        limits: dict[str, PlatformLimits],
        *,
        safety_margin: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        self.margin = safety_margin
        self.monotonic = monotonic
        self.sleep = sleep
        self._cells: dict[tuple[str, str], _Cell] = {}
        self._lock = threading.Lock()

    def _cell(self, platform: str, target: str, rate: float, burst: int) -> _Cell:
        key = (platform, target)
        cell = self._cells.get(key)
        if cell is None:
            interval = 1.0 / (rate * (1.0 - self.margin))
            cell = self._cells[key] = _Cell(interval, (burst - 1) * interval)
        return cell

    def _cells_for(self, platform: str, target: str) -> list[_Cell]:
        limits = self.limits.get(platform)
        if limits is None:
            return []
        cells = []
        if limits.per_channel_per_second:
            cells.append(self._cell(platform, target, limits.per_channel_per_second, 1))
        if limits.per_second:
            cells.append(self._cell(platform, "*", limits.per_second, limits.burst))
        return cells

    def reserve(self, platform: str, target: str) -> float:
        """Reserve the earliest slot for one send to `target`; return how long to wait for it."""
        with self._lock:
            now = self.monotonic()
            cells = self._cells_for(platform, target)
            slot = max([now, *(cell.tat - cell.tolerance for cell in cells)])
            for cell in cells:
                cell.tat = max(cell.tat, slot) + cell.interval
            return slot - now

    def wait(self, platform: str, target: str) -> None:
        """Block until a send to `target` is within the limits."""
        delay = self.reserve(platform, target)
        if delay > 0:
            self.sleep(delay)
        # A thread that woke late pushes its successors: keep real sends one interval apart where no burst
        # is allowed, so a late send never makes the next one, on time, arrive too close behind it.
        while (gap := self._spacing(platform, target)) > 0:
            self.sleep(gap)

    def _spacing(self, platform: str, target: str) -> float:
        with self._lock:
            now = self.monotonic()
            strict = [cell for cell in self._cells_for(platform, target) if cell.tolerance == 0]
            gap = max([0.0, *(cell.last_sent + cell.interval - now for cell in strict)])
            if gap <= 0:
                for cell in strict:
                    cell.last_sent = now
            return gap

    def hold(self, platform: str, target: str, seconds: float) -> None:
        """The platform said Retry-After: no send to `target` before `seconds` from now."""
        with self._lock:
            cells = self._cells_for(platform, target)
            until = self.monotonic() + seconds
            for cell in cells[:1]:  # the channel's cell: a 429 on one channel does not slow the others
                cell.tat = max(cell.tat, until + cell.tolerance)
