"""Files too large for a platform: kept out of the reply, with a note saying so and how to ask for less."""

from __future__ import annotations

from decimal import Decimal

from labbot.i18n import _, format_number, use_locale
from labbot.messages import Attachment, Reply


def size_label(size: int) -> str:
    """`12,5 Mo` / `12.5 MB`."""
    return _("{size} MB").format(size=format_number(Decimal(size) / 1_000_000, digits=1))


def split_by_size(reply: Reply, max_bytes: int) -> tuple[list[Attachment], list[str]]:
    """The reply's files that fit in `max_bytes`, and a note (in the reply's language) for each that does not."""
    fitting: list[Attachment] = []
    notes: list[str] = []
    with use_locale(reply.language):
        for attachment in reply.files:
            if len(attachment.content) <= max_bytes:
                fitting.append(attachment)
                continue
            notes.append(
                _(
                    "{file} ({size}) is larger than this platform accepts ({limit}), so it was not sent. Ask for "
                    "a narrower export: a shorter period with du: and au:, one project rather than a region, or "
                    "format:csv."
                ).format(
                    file=attachment.filename, size=size_label(len(attachment.content)), limit=size_label(max_bytes)
                )
            )
    return fitting, notes
