"""Queries of the outbox: enqueue messages, find due deliveries, record outcomes, count by state."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from labbot.messages import Address, Reply
from labbot.states import DeliveryState
from labbot.storage.models import Delivery, OutboxMessage, Person

OPEN_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)
# Messages for one person go first; a broadcast of thousands never delays a "a seat freed up".
PRIORITIES = {"notification": 0, "report": 0, "reminder": 1, "digest": 1, "announcement": 2}


@dataclass(frozen=True)
class Recipient:
    """Where one delivery goes, for whom, and (optionally) their own version of the message."""

    address: Address
    person_id: int | None = None
    reply: Reply | None = None

    @property
    def key(self) -> str:
        """`slack:user:U123` or `slack:channel:C123`: unique per message, so nobody gets a message twice."""
        if self.address.channel_id:
            return f"{self.address.platform}:channel:{self.address.channel_id}"
        return f"{self.address.platform}:user:{self.address.user_id}"


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (an .ics invitation)."""

    filename: str
    content: bytes


def find_by_key(session: Session, dedupe_key: str) -> OutboxMessage | None:
    """The message enqueued under `dedupe_key`, if any."""
    return session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


def enqueue(
    session: Session,
    *,
    kind: str,
    reply: Reply,
    recipients: Iterable[Recipient],
    now: datetime,
    dedupe_key: str | None = None,
    report_to_id: int | None = None,
    attachment: Attachment | None = None,
) -> OutboxMessage | None:
    """Add a message and one pending delivery per distinct recipient; None when `dedupe_key` was seen."""
    if dedupe_key is not None and find_by_key(session, dedupe_key) is not None:
        return None
    message = OutboxMessage(
        kind=kind,
        dedupe_key=dedupe_key,
        reply=reply.model_dump(mode="json"),
        attachment_name=attachment.filename if attachment else None,
        attachment=attachment.content if attachment else None,
        report_to_id=report_to_id,
        created_at=now,
    )
    session.add(message)
    session.flush()
    seen: set[str] = set()
    for recipient in recipients:
        if recipient.key in seen:
            continue
        seen.add(recipient.key)
        session.add(
            Delivery(
                message_id=message.id,
                recipient=recipient.key,
                platform=recipient.address.platform,
                user_id=recipient.address.user_id,
                channel_id=recipient.address.channel_id,
                person_id=recipient.person_id,
                reply=recipient.reply.model_dump(mode="json") if recipient.reply else None,
                marker=uuid.uuid4().hex,
                state=DeliveryState.PENDING,
                priority=PRIORITIES.get(kind, 2),
                attempts=0,
                next_attempt_at=now,
            )
        )
    session.flush()
    return message


def due(session: Session, now: datetime, limit: int) -> Sequence[Delivery]:
    """Open deliveries whose time has come, most urgent kind first, then oldest first."""
    return session.scalars(
        select(Delivery)
        .where(Delivery.state.in_(OPEN_STATES), Delivery.next_attempt_at <= now)
        .order_by(Delivery.priority, Delivery.id)
        .limit(limit)
    ).all()


def message_parts(
    session: Session, message_ids: Iterable[int]
) -> dict[int, tuple[dict[str, Any], str | None, bytes | None]]:
    """Reply, attachment name and content of several messages."""
    rows = session.execute(
        select(
            OutboxMessage.id, OutboxMessage.reply, OutboxMessage.attachment_name, OutboxMessage.attachment
        ).where(OutboxMessage.id.in_(set(message_ids)))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def mark_sending(session: Session, delivery_id: int) -> None:
    """The platform is about to be called: from now on the outcome must be checked before any resend."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state=DeliveryState.SENDING, attempts=Delivery.attempts + 1)
    )


def mark_sent(session: Session, delivery_id: int, platform_message_id: str, now: datetime) -> None:
    """Delivered: keep the platform's id of the message."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state=DeliveryState.SENT, platform_message_id=platform_message_id, sent_at=now, error=None)
    )


def mark_failed(session: Session, delivery_id: int, reason: str) -> None:
    """Given up: the reason goes in the sender's report."""
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id).values(state=DeliveryState.FAILED, error=reason[:1000])
    )


def reschedule(
    session: Session, delivery_id: int, at: datetime, reason: str, *, maybe_sent: bool, attempts: int
) -> None:
    """Try again at `at`; `maybe_sent` keeps the `sending` state so the next try checks the platform first."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            state=DeliveryState.SENDING if maybe_sent else DeliveryState.PENDING,
            next_attempt_at=at,
            error=reason[:1000],
            attempts=attempts,
        )
    )


def cancel_open(session: Session, message_id: int) -> int:
    """Cancel the deliveries of a message that have not started; return how many."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.message_id == message_id, Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.CANCELLED)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def counts(session: Session, message_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Deliveries per message and state."""
    ids = set(message_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Delivery.message_id, Delivery.state, func.count(Delivery.id))
        .where(Delivery.message_id.in_(ids))
        .group_by(Delivery.message_id, Delivery.state)
    )
    result: dict[int, dict[str, int]] = {}
    for message_id, state, number in rows:
        result.setdefault(message_id, {})[state] = int(number)
    return result


def settled_unreported(session: Session) -> Sequence[OutboxMessage]:
    """Messages whose sender awaits a report and whose deliveries are all settled."""
    still_open = select(Delivery.id).where(
        Delivery.message_id == OutboxMessage.id, Delivery.state.in_(OPEN_STATES)
    )
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.report_to_id.is_not(None), OutboxMessage.reported_at.is_(None), ~still_open.exists())
        .with_for_update()
    ).all()


def failures(session: Session, message_id: int) -> Sequence[tuple[str, str]]:
    """(who, reason) of the message's failed deliveries; who is `Name (slack:user:U123)` when known."""
    rows = session.execute(
        select(Delivery.recipient, Person.display_name, Delivery.error)
        .outerjoin(Person, Person.id == Delivery.person_id)
        .where(Delivery.message_id == message_id, Delivery.state == DeliveryState.FAILED)
        .order_by(Delivery.id)
    )
    return [(f"{name} ({recipient})" if name else recipient, error or "") for recipient, name, error in rows]
