"""Who a reference to a person names: exactly one platform account, or a refusal that says why.

Display names are free text (anyone can take a colleague's), so a plain name that several people share is
refused with the list to choose from, and a name nobody has is refused rather than made up into an account.
An account id (`slack:U0123ABCD`, a Slack mention `<@U0123ABCD>`, or what the Mattermost adapter makes of
`@bruno` from its directory) names a real account even before its owner has talked to labbot.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from labbot.errors import InvalidInput, NotFound
from labbot.i18n import _
from labbot.storage import people
from labbot.storage.models import Person
from labbot.text import shorten

_SLACK_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
# What each platform's account ids look like; the console has none: its people exist once they have spoken.
_ACCOUNT_IDS = {"slack": re.compile(r"^[UW][A-Z0-9]{6,}$"), "mattermost": re.compile(r"^[a-z0-9]{26}$")}
_PLATFORMS = ("console", "slack", "mattermost")


def person_named(session: Session, platform: str, ref: str, now: datetime, *, known_only: bool = False) -> Person:
    """The one person `ref` names on `platform` (the requester's): `<@U…>`, `platform:id`, `@username`, or a
    display name. An account id not seen yet becomes a person unless `known_only`."""
    ref = ref.strip()
    account = _account(ref)
    if account is not None:
        on, external = account
        person = people.by_identity(session, on, external)
        if person is None and not known_only and on in _ACCOUNT_IDS and _ACCOUNT_IDS[on].match(external):
            person = people.create(session, on, external, display_name=external, email=None, now=now)
        if person is None:
            raise _unknown(ref)
        return person
    if ref.startswith("@"):
        found = people.with_username(session, platform, ref[1:])
    else:
        found = people.named(session, platform, ref)
    if not found:
        raise _unknown(ref)
    if len(found) > 1:
        choices = ", ".join(f"{_account_of(p)} ({shorten(p.display_name, 40)})" for p in found[:10])
        raise InvalidInput(
            _("“{ref}” names {count} people.").format(ref=shorten(ref, 60), count=len(found)),
            hint=_("Name one of them by account: {choices}.").format(choices=choices),
        )
    return found[0]


def _account(ref: str) -> tuple[str, str] | None:
    if found := _SLACK_MENTION.match(ref):
        return "slack", found.group(1)
    platform, separator, external = ref.partition(":")
    if separator and platform.lower() in _PLATFORMS and external:
        return platform.lower(), external
    return None


def _account_of(person: Person) -> str:
    identity = person.identities[0] if person.identities else None
    return f"{identity.platform}:{identity.external_id}" if identity else f"#{person.id}"


def _unknown(ref: str) -> NotFound:
    return NotFound(
        _("No user “{ref}” is known to labbot.").format(ref=shorten(ref, 60)),
        hint=_(
            "Name them by @username or by account (slack:U0123ABCD); in the console, they must have typed a "
            "command once."
        ),
    )
