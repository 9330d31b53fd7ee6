"""Turning people and channels into outbox recipients, on the platforms that are connected."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from labbot.context import language_of
from labbot.i18n import use_locale
from labbot.messages import Address, Reply
from labbot.storage import announcements, outbox
from labbot.storage.models import Announcement, LabChannel, Person
from labbot.storage.outbox import Recipient


@dataclass(frozen=True)
class Reach:
    """The platforms deliveries may go to (None: every platform, as in the console)."""

    platforms: Collection[str] | None = None
    skip_muted: bool = False

    def allows(self, platform: str) -> bool:
        """Whether a delivery on `platform` can be made."""
        return self.platforms is None or platform in self.platforms


@dataclass
class PersonalReplies:
    """Builds each person's reply in their language."""

    build: Callable[[Person], Reply]

    def for_person(self, person: Person) -> Reply:
        """The reply written in `person`'s language."""
        language = language_of(person)
        with use_locale(language):
            reply = self.build(person)
        reply.language = language
        return reply


def people_recipients(
    people: Iterable[Person], reach: Reach, replies: PersonalReplies | None = None
) -> Iterator[Recipient]:
    """One recipient per platform account of each person (muted people left out when `reach` says so)."""
    for person in people:
        if reach.skip_muted and person.reminders_muted:
            continue
        reply = replies.for_person(person) if replies else None
        for identity in person.identities:
            if reach.allows(identity.platform):
                yield Recipient(Address(identity.platform, identity.external_id), person.id, reply)


def channel_recipients(channels: Iterable[LabChannel], reach: Reach) -> Iterator[Recipient]:
    """One recipient per registered channel on a connected platform."""
    for channel in channels:
        if reach.allows(channel.platform):
            yield Recipient(Address(channel.platform, "", channel.channel_id))


def announcement_reach(session: Session, announcement: Announcement) -> tuple[int, int]:
    """(people, channels) an announcement would reach now: the preview's counts."""
    people = announcements.people_of(session, announcement.audience, announcement.audience_value)
    channels = announcements.channels_of(session, announcement.audience, announcement.audience_value)
    return len(people), len(channels)


def release(session: Session, announcement: Announcement, reach: Reach, now: datetime) -> None:
    """Queue an announcement for everyone it names, as they are now; its author gets the final report."""
    people = announcements.people_of(session, announcement.audience, announcement.audience_value)
    channels = announcements.channels_of(session, announcement.audience, announcement.audience_value)
    message = outbox.enqueue(
        session,
        kind="announcement",
        reply=Reply(text=announcement.text),
        recipients=[*people_recipients(people, reach), *channel_recipients(channels, reach)],
        now=now,
        dedupe_key=f"announcement:{announcement.id}",
        report_to_id=announcement.author_id,
    )
    announcement.state = "envoyee"
    if message is not None:
        announcement.message_id = message.id
