"""A neutral reply as Mattermost posts: Markdown (title, text, tables, notes) and a message attachment
(fields side by side, buttons), split under Mattermost's post limit."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.mattermost.buttons import ANY_MEMBER, BUTTON_LIFETIME_SECONDS, signed_context
from adapters.mattermost.signing import ContextSigner
from adapters.mentions import unpingable
from labbot.messages import Reply, Table

# Mattermost refuses posts over 16 383 characters; keep room for the table header repeated on a split.
POST_LIMIT = 16_383
_INLINE_MARKUP = re.compile(r"([\\`*_~\[\]<>|])")
_LINE_START_MARKUP = re.compile(r"^([ \t]*)([#>+\-=]|\d+[.)])", re.MULTILINE)


@dataclass(frozen=True)
class Post:
    """One post's content: its Markdown message and its props (attachments)."""

    message: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Buttons:
    """Where buttons post when clicked, the signer that proves they are ours, and how long they last."""

    url: str
    signer: ContextSigner
    lifetime_seconds: int = BUTTON_LIFETIME_SECONDS
    clock: Callable[[], float] = time.time

    def context(self, command: str, audience: str) -> dict[str, Any]:
        """A signed context for a button that `audience` may click until the lifetime runs out."""
        return signed_context(self.signer, command, audience, int(self.clock()) + self.lifetime_seconds)


def escape(text: str, *, block: bool = True) -> str:
    """Show `text` literally: Markdown characters lose their meaning (no links, images, tables, and in a
    `block`, no headings, quotes or lists), and no `@word` pings (adapters/mentions.py)."""
    text = _INLINE_MARKUP.sub(r"\\\1", text)
    if not block:
        return unpingable(text.replace("\n", " "))
    return unpingable(_LINE_START_MARKUP.sub(r"\1\\\2", text))


def markdown_table(table: Table) -> list[str]:
    """The table as Markdown lines, numeric columns right-aligned; cells are one line each."""

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(escape(cell, block=False) for cell in cells) + " |"

    rule = "|" + "|".join(" ---: " if i in table.numeric else " --- " for i in range(len(table.columns))) + "|"
    return [row(table.columns), rule, *(row(cells) for cells in table.rows)]


def message_lines(reply: Reply) -> list[str]:
    """Title, text, table and notes, one Markdown line each."""
    lines: list[str] = []
    if reply.title:
        lines += ["#### " + escape(reply.title, block=False), ""]
    if reply.text:
        lines += [*escape(reply.text).split("\n"), ""]
    if reply.table is not None:
        lines += [*markdown_table(reply.table), ""]
    lines += [f"*{escape(note)}*" for note in reply.notes]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def split_lines(lines: list[str], limit: int = POST_LIMIT) -> list[str]:
    """Messages under `limit` characters, cut between lines; a table cut in two repeats its header."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    header: list[str] = []
    for index, whole in enumerate(lines):
        in_table = whole.startswith("|")
        if in_table and (index == 0 or not lines[index - 1].startswith("|")):
            header = lines[index : index + 2]
        line = whole if len(whole) < limit - 200 else whole[: limit - 201] + "…"
        if current and size + len(line) + 1 > limit - 200:
            chunks.append("\n".join(current))
            current = list(header) if in_table and line not in header else []
            size = sum(len(h) + 1 for h in current)
        current.append(line)
        size += len(line) + 1
    if current or not chunks:
        chunks.append("\n".join(current))
    return chunks


def attachment(reply: Reply, buttons: Buttons | None, audience: str = ANY_MEMBER) -> dict[str, Any] | None:
    """Fields side by side and signed buttons (for `audience`: a user id, or any member), or None when the reply
    has neither."""
    actions = []
    if buttons is not None:
        for number, action in enumerate(reply.actions):
            context = buttons.context(action.command, audience)
            button: dict[str, Any] = {
                "id": f"labbot{number}",  # Mattermost wants alphanumeric ids, unique within the post
                "name": unpingable(action.label),
                "type": "button",
                "integration": {"url": buttons.url, "context": context},
            }
            if action.style in ("primary", "danger"):
                button["style"] = action.style
            actions.append(button)
    fields = [
        # Side by side only when short: a list (a team, the hallmarks) needs the whole width.
        {"title": escape(f.label), "value": escape(f.value), "short": "\n" not in f.value and len(f.value) <= 40}
        for f in reply.fields
    ]
    if not fields and not actions:
        return None
    fallback = "; ".join(f"{f.label}: {f.value}" for f in reply.fields) or reply.title or reply.text
    content: dict[str, Any] = {"fallback": unpingable(fallback[:300]), "fields": fields}
    if actions:
        content["actions"] = actions
    return content


def as_text(reply: Reply) -> str:
    """The whole reply as one Markdown text, fields as lines (for answers that take no attachment)."""
    lines = message_lines(reply)
    colon = "\u00a0: " if reply.language == "fr" else ": "  # French puts a (no-break) space before colons
    fields = [f"**{escape(f.label, block=False)}**{colon}{escape(f.value)}" for f in reply.fields]
    return "\n".join([*lines, *([""] if lines and fields else []), *fields])[: POST_LIMIT - 1]


def render(reply: Reply, buttons: Buttons | None = None, audience: str = ANY_MEMBER) -> list[Post]:
    """The posts showing `reply`: the attachment rides on the last one; its buttons are for `audience`."""
    messages = split_lines(message_lines(reply))
    extra = attachment(reply, buttons, audience)
    posts = [Post(message) for message in messages[:-1]]
    posts.append(Post(messages[-1], {"attachments": [extra]} if extra else {}))
    return posts
