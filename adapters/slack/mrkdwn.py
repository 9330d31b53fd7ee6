"""Slack text within Slack's limits: escaped first, then measured, split or shortened.

Slack counts a limit on the text it receives, entities included: "Ville & Agglo" is 17 characters once sent
as "Ville &amp; Agglo". Splitting or cutting before escaping lets a piece grow past the limit after it, and
slack_sdk then refuses the whole message. Every cut here happens on escaped text, never inside an entity.
"""

from __future__ import annotations

import re

from adapters.mentions import unpingable

ELLIPSIS = "…"
# Slack's mention and link syntax (`<!here>`, `<@U123>`, `<#C1>`, `<!subteam^S1>`): in plain_text objects
# nothing is escaped, so its brackets are shown as look-alikes instead.
_SLACK_SYNTAX = re.compile(r"<([!@#][^>]*)>")
_LONGEST_ENTITY = len("&amp;")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives a meaning to (links, mentions, entities); `@words`
    cannot ping either (adapters/mentions.py)."""
    return unpingable(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def plain(text: str) -> str:
    """Text for a plain_text object, where Slack's `<!…>` syntax must not be read either."""
    return unpingable(_SLACK_SYNTAX.sub(lambda m: "‹" + m.group(1) + "›", text))


def cut_point(escaped: str, limit: int) -> int:
    """The largest length ≤ `limit` at which `escaped` can be cut without splitting an entity."""
    if len(escaped) <= limit:
        return len(escaped)
    amp = escaped.rfind("&", max(0, limit - _LONGEST_ENTITY + 1), limit)
    if amp != -1 and escaped.find(";", amp, limit) == -1:
        return amp
    return limit


def shorten_escaped(escaped: str, limit: int) -> str:
    """Escaped text cut to `limit` characters with an ellipsis, never inside an entity."""
    if len(escaped) <= limit:
        return escaped
    return escaped[: cut_point(escaped, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def escaped_shortened(text: str, limit: int) -> str:
    """`text` escaped, then shortened to `limit` characters."""
    return shorten_escaped(escape(text), limit)


def split_escaped(escaped: str, limit: int) -> list[str]:
    """Escaped text in pieces of at most `limit` characters, cut at line ends; a longer line is cut in pieces
    (between entities) rather than lost."""
    lines: list[str] = []
    for whole in escaped.split("\n"):
        rest = whole
        while len(rest) > limit:
            at = cut_point(rest, limit)
            lines.append(rest[:at])
            rest = rest[at:]
        lines.append(rest)
    pieces: list[str] = []
    current: str | None = None
    for line in lines:
        if current is not None and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = None
        current = line if current is None else f"{current}\n{line}"
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]
