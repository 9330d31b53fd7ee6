"""Messages for people outside the conversation (a freed seat, a report) go through the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from labbot.messages import Address, Notification, Reply
from labbot.storage import outbox
from labbot.storage.outbox import Recipient


def enqueue_notifications(session: Session, notifications: Iterable[Notification], now: datetime) -> None:
    """Queue each notification to every platform account of its person."""
    for notification in notifications:
        outbox.enqueue(
            session,
            kind="notification",
            reply=notification.reply,
            recipients=[Recipient(address, notification.person_id) for address in notification.addresses],
            now=now,
            attachment=(
                outbox.Attachment(notification.attachment.filename, notification.attachment.content)
                if notification.attachment
                else None
            ),
        )


def enqueue_channel_notice(session: Session, addresses: Iterable[Address], reply: Reply, now: datetime) -> None:
    """Queue one message to channels (the support team's), never pinging anyone with the text it quotes."""
    recipients = [Recipient(address) for address in addresses]
    if recipients:
        outbox.enqueue(session, kind="notification", reply=reply, recipients=recipients, now=now)
