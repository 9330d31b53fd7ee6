"""Ports: what the core asks of the outside world, implemented by adapters.

Ports are synchronous, like the core: an adapter whose platform client is async keeps a sync client for
outbound messages (slack_sdk's WebClient, mattermostdriver's Driver) so that delivery works from any thread.
"""

from __future__ import annotations

from typing import Protocol

from labbot.messages import Address, Reply


class DeliveryFailed(Exception):
    """A message could not be delivered. `permanent` failures are not retried; others wait `retry_after`."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class Messenger(Protocol):
    """One platform's outbound side. Each send returns the platform's id of the message it posted.

    `marker` makes a send verifiable after a crash: the messenger attaches it to the message where the
    platform keeps it invisibly (Slack: a block_id or message metadata; Mattermost: a post prop), and
    `find_marked` finds a recent message carrying it. The outbox asks `find_marked` before re-sending a
    delivery whose outcome it never recorded, so a crash between "sent" and "recorded" sends nothing twice.
    Transient failures raise DeliveryFailed(permanent=False, retry_after=…); rate limits (429) likewise,
    with the platform's Retry-After.
    """

    platform: str

    def send_direct(self, user_id: str, reply: Reply, *, marker: str | None = None) -> str:
        """Post `reply` in a direct conversation with the user."""
        ...

    def send_to_channel(self, channel_id: str, reply: Reply, *, marker: str | None = None) -> str:
        """Post `reply` in a channel."""
        ...

    def send_file(
        self, *, target: Address, filename: str, content: bytes, comment: Reply, marker: str | None = None
    ) -> str:
        """Share a file (an .ics invitation, a full report) with a user (`target.user_id`) or a channel
        (`target.channel_id`)."""
        ...

    def find_marked(self, target: Address, marker: str) -> str | None:
        """The id of a recent message to `target` (a user's direct conversation or a channel) that carries
        `marker`, or None when there is none."""
        ...


class Notifier(Protocol):
    """Delivers a message to a person outside the conversation that caused it."""

    def send_direct(self, address: Address, reply: Reply) -> None:
        """Send `reply` privately to the person at `address`."""
        ...


class RecordingNotifier:
    """Keeps what it is given: a test fake, and the notifier when no platform is connected."""

    def __init__(self) -> None:
        self.sent: list[tuple[Address, Reply]] = []

    def send_direct(self, address: Address, reply: Reply) -> None:
        self.sent.append((address, reply))


class NotifierMessenger:
    """A Messenger over a Notifier: the console (prints) and tests (records), for platforms with no messenger.

    It remembers the markers it delivered, so a resend after an interrupted delivery is recognised in-process.
    """

    def __init__(self, notifier: Notifier, platform: str) -> None:
        self.notifier = notifier
        self.platform = platform
        self._delivered: dict[str, str] = {}

    def _deliver(self, address: Address, reply: Reply, marker: str | None) -> str:
        self.notifier.send_direct(address, reply)
        message_id = f"{self.platform}-{len(self._delivered) + 1}"
        if marker is not None:
            self._delivered[marker] = message_id
        return message_id

    def send_direct(self, user_id: str, reply: Reply, *, marker: str | None = None) -> str:
        return self._deliver(Address(self.platform, user_id), reply, marker)

    def send_to_channel(self, channel_id: str, reply: Reply, *, marker: str | None = None) -> str:
        return self._deliver(Address(self.platform, "", channel_id), reply, marker)

    def send_file(
        self, *, target: Address, filename: str, content: bytes, comment: Reply, marker: str | None = None
    ) -> str:
        reply = comment.model_copy(update={"notes": [*comment.notes, f"📎 {filename} ({len(content)} o)"]})
        return self._deliver(target, reply, marker)

    def find_marked(self, target: Address, marker: str) -> str | None:
        return self._delivered.get(marker)
