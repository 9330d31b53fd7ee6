"""The final report of a broadcast, sent to its sender once every delivery is settled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from labbot.context import language_of
from labbot.i18n import _, ngettext, use_locale
from labbot.messages import Address, Reply, Table
from labbot.states import DeliveryState
from labbot.storage import outbox, people
from labbot.storage.models import OutboxMessage
from labbot.storage.outbox import Recipient
from labbot.text import shorten

MAX_LISTED_FAILURES = 50


def send_reports(session: Session, now: datetime) -> None:
    """Queue a report for every settled message whose sender awaits one (each exactly once)."""
    for message in outbox.settled_unreported(session):
        message.reported_at = now
        sender = people.get(session, message.report_to_id) if message.report_to_id else None
        if sender is None:
            continue
        with use_locale(language_of(sender)):
            reply = _report(session, message)
        reply.language = language_of(sender)
        outbox.enqueue(
            session,
            kind="report",
            reply=reply,
            recipients=[Recipient(Address(i.platform, i.external_id), sender.id) for i in sender.identities],
            now=now,
            dedupe_key=f"report:{message.id}",
        )


def _report(session: Session, message: OutboxMessage) -> Reply:
    counts = outbox.counts(session, [message.id]).get(message.id, {})
    sent, failed = counts.get(DeliveryState.SENT, 0), counts.get(DeliveryState.FAILED, 0)
    original = Reply.model_validate(message.reply)
    reply = Reply(title=_("Delivery report: {what}").format(what=shorten(original.title or original.text, 60)))
    reply.text = (
        ngettext("{count} message delivered", "{count} messages delivered", sent).format(count=sent)
        + ", "
        + ngettext("{count} failed", "{count} failed", failed).format(count=failed)
        + "."
    )
    problems = outbox.failures(session, message.id)
    if problems:
        reply.table = Table(
            columns=[_("Recipient"), _("Reason")],
            rows=[[recipient, shorten(reason, 80)] for recipient, reason in problems[:MAX_LISTED_FAILURES]],
        )
    return reply
