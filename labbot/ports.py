"""Ports: what the core asks of the outside world, implemented by adapters."""

from __future__ import annotations

from typing import Protocol

from labbot.messages import Address, Reply


class Notifier(Protocol):
    """Delivers a message to a person outside the conversation that caused it."""

    def send_direct(self, address: Address, reply: Reply) -> None:
        """Send `reply` privately to the person at `address`."""
        ...


class RecordingNotifier:
    """Keeps what it is given: the console's notifier when nothing else is wired, and a test fake."""

    def __init__(self) -> None:
        self.sent: list[tuple[Address, Reply]] = []

    def send_direct(self, address: Address, reply: Reply) -> None:
        self.sent.append((address, reply))
