"""What a command handler receives: the open transaction, who is asking, and the tools of the core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from labbot.clock import Clock, today_in_paris
from labbot.config import Settings
from labbot.i18n import Language, language_from_hint, use_locale
from labbot.messages import Address, Attachment, Notification, Reply, Request
from labbot.registry import CommandRegistry
from labbot.storage import audit
from labbot.storage.models import Person


def language_of(person: Person, hint: str | None = None) -> Language:
    """A person's language: their `profil langue:` choice, else their platform's locale, else French."""
    return language_from_hint(person.language) or language_from_hint(hint) or "fr"


@dataclass
class CommandContext:
    """One command's world. Handlers read and write through `session`, within one transaction."""

    session: Session
    person: Person
    request: Request
    settings: Settings
    clock: Clock
    registry: CommandRegistry
    language: Language
    notifications: list[Notification] = field(default_factory=list)

    def now(self) -> datetime:
        """The current moment (aware, UTC)."""
        return self.clock.now()

    def today(self) -> date:
        """Today in Paris."""
        return today_in_paris(self.clock)

    def notify(self, person: Person, build: Callable[[], Reply], attachment: Attachment | None = None) -> None:
        """Queue a message for `person`, built in their language, with an optional file; sent after the
        transaction commits."""
        if person.id == self.person.id:
            return
        language = language_of(person)
        with use_locale(language):
            reply = build()
        reply.language = language
        addresses = tuple(Address(i.platform, i.external_id) for i in person.identities)
        self.notifications.append(Notification(person.id, addresses, reply, attachment))

    def audit(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Record a change of hours, costs, roles, statuses or rates in the audit trail."""
        audit.record(
            self.session,
            actor_id=self.person.id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
            at=self.now(),
        )
