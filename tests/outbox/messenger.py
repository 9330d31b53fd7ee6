"""A messenger written for tests: implements the Messenger protocol, keeps what it posted like a platform
would, and fails, rate-limits or crashes the process on demand."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

from labbot.messages import Address, Reply
from labbot.ports import DeliveryFailed


class SimulatedCrash(BaseException):
    """The process dies here (BaseException: nothing in labbot may swallow it)."""


@dataclass(frozen=True)
class Posted:
    """One message the platform holds."""

    target: str
    text: str
    marker: str | None
    message_id: str
    filename: str | None = None


class ScriptedMessenger:
    """Posts succeed unless a plan says otherwise for the target: a DeliveryFailed to raise, or
    "crash-before" (dies before the post) / "crash-after" (dies after the post landed)."""

    def __init__(self, platform: str = "slack") -> None:
        self.platform = platform
        self.posted: list[Posted] = []
        self.plans: dict[str, list[DeliveryFailed | str]] = defaultdict(list)
        self.lookups: list[str] = []
        self.lookup_failures: list[DeliveryFailed] = []
        self._lock = threading.Lock()

    def plan(self, target: str, *outcomes: DeliveryFailed | str) -> None:
        """What the next posts to `target` do, in order."""
        self.plans[target].extend(outcomes)

    def texts_to(self, target: str) -> list[str]:
        """What `target` received."""
        return [p.text for p in self.posted if p.target == target]

    def _post(self, target: str, text: str, marker: str | None, filename: str | None = None) -> str:
        with self._lock:
            outcome = self.plans[target].pop(0) if self.plans[target] else None
            if isinstance(outcome, DeliveryFailed):
                raise outcome
            if outcome == "crash-before":
                raise SimulatedCrash(target)
            posted = Posted(target, text, marker, f"{self.platform}-{len(self.posted) + 1}", filename)
            self.posted.append(posted)
        if outcome == "crash-after":
            raise SimulatedCrash(target)
        return posted.message_id

    def send_direct(self, user_id: str, reply: Reply, *, marker: str | None = None) -> str:
        return self._post(user_id, reply.text, marker)

    def send_to_channel(self, channel_id: str, reply: Reply, *, marker: str | None = None) -> str:
        return self._post(channel_id, reply.text, marker)

    def send_file(
        self, *, target: Address, filename: str, content: bytes, comment: Reply, marker: str | None = None
    ) -> str:
        return self._post(target.channel_id or target.user_id, comment.text, marker, filename)

    def find_marked(self, target: Address, marker: str) -> str | None:
        self.lookups.append(marker)
        if self.lookup_failures:
            raise self.lookup_failures.pop(0)
        wanted = target.channel_id or target.user_id
        return next((p.message_id for p in self.posted if p.target == wanted and p.marker == marker), None)
