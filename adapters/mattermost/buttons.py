"""Mattermost buttons bound to who may click them and until when.

Mattermost posts a button's `context` back as it was rendered, with the clicker's `user_id` beside it. The
context says who may click (a person's user id, or `*`, any member, for a card shown to a channel) and until
when, and its HMAC covers the command, the audience and the expiry: a leaked context (a backup, an admin, a
callback over plain HTTP) cannot be replayed as someone else, nor for ever. A refused click is answered with
HTTP 200 and a readable `ephemeral_text`: Mattermost shows any other status as a generic error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from adapters.mattermost.signing import ContextSigner
from labbot.i18n import _

ANY_MEMBER = "*"
# Long enough for a reminder's "S'inscrire" a week before an event, short enough that a leak expires.
BUTTON_LIFETIME_SECONDS = 14 * 24 * 3600


class Click(StrEnum):
    """What a click's context proves."""

    ALLOWED = "allowed"
    FORGED = "forged"
    NOT_YOURS = "not-yours"
    EXPIRED = "expired"


def signed_context(signer: ContextSigner, command: str, audience: str, expires: int) -> dict[str, Any]:
    """The context of a button that runs `command` for `audience` until `expires` (Unix time)."""
    return {
        "command": command,
        "audience": audience,
        "expires": expires,
        "signature": signer.sign("action", command, audience, str(expires)),
    }


def check_click(
    signer: ContextSigner, context: object, user_id: str, clock: Callable[[], float] = time.time
) -> tuple[Click, str | None]:
    """Whether `user_id` may run the context's command now, and the command when the context is labbot's."""
    fields = context if isinstance(context, dict) else {}
    command, audience, expires = fields.get("command"), fields.get("audience"), fields.get("expires")
    signature = fields.get("signature")
    if not isinstance(command, str) or not user_id:
        return Click.FORGED, None
    if audience is None and expires is None and signer.verify(signature, "action", command):
        return Click.EXPIRED, command  # made before buttons had an audience and an expiry
    if not isinstance(audience, str) or not isinstance(expires, int) or isinstance(expires, bool):
        return Click.FORGED, None
    if not signer.verify(signature, "action", command, audience, str(expires)):
        return Click.FORGED, None
    verdict = Click.ALLOWED
    if audience not in (ANY_MEMBER, user_id):
        verdict = Click.NOT_YOURS
    elif expires < clock():
        verdict = Click.EXPIRED
    return verdict, command


def refusal_text(click: Click, command: str | None, trigger: str) -> str:
    """Why a click did nothing, in the current language, and what to do instead."""
    if click is Click.NOT_YOURS:
        return _(
            "This button was shown to someone else; nothing was done. To do it yourself, type: /{command}"
        ).format(command=f"{trigger} {command}")
    if click is Click.EXPIRED:
        return _("This button has expired; nothing was done. To do it now, type: /{command}").format(
            command=f"{trigger} {command}"
        )
    return _("This button was not made by labbot; nothing was done.")
