"""Render a neutral reply as Block Kit (slack_sdk models), within Block Kit's limits.

User text is shown escaped (`&`, `<`, `>`), so it can open no link and mention nobody (Slack pings only
through its `<!here>`, `<@U…>` syntax); plain_text shows that syntax with look-alike brackets. Text is escaped
first and measured after (adapters/slack/mrkdwn.py). A reply too long for one message is summarised, and its
full text is handed back so that the caller can share it as a file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.console.render import render_table, render_text
from adapters.slack.mrkdwn import escape, escaped_shortened, plain, split_escaped
from labbot.i18n import _, ngettext, use_locale
from labbot.messages import Action, Reply, Table
from labbot.text import shorten

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
CONTEXT_ELEMENTS = 10
BUTTONS_PER_BLOCK = 25
TABLE_ROWS_SHOWN = 25
FALLBACK_LIMIT = 3000
CONTEXT_TEXT_LIMIT = 2000
# Action ids of buttons that run a core command (the command is the button's value).
RUN_ACTION_PREFIX = "labbot:run:"
MARKER_PREFIX = "labbot-marker:"


@dataclass(frozen=True)
class Rendered:
    """A message ready for chat.postMessage: fallback text, blocks, and the full text when it was cut."""

    text: str
    blocks: list[Block]
    full_text: str | None = None

    def block_dicts(self) -> list[dict[str, object]]:
        """The blocks as JSON-ready dicts (validated by slack_sdk on the way)."""
        return [block.to_dict() for block in self.blocks]


def render(
    reply: Reply, *, marker: str | None = None, with_actions: bool = True, see_all: str | None = None
) -> Rendered:
    """The reply as blocks; `marker` goes, invisibly, into the first block's id. Where no file can follow
    (App Home), `see_all` is the command that shows what was cut."""
    with use_locale(reply.language):
        blocks = _head(reply)
        table_blocks, cut = _table(reply.table, see_all) if reply.table else ([], False)
        blocks += table_blocks
        blocks += _notes(reply.notes)
        if with_actions and reply.actions:
            blocks += action_blocks(reply.actions)
        if len(blocks) > MAX_BLOCKS:
            blocks = [*blocks[: MAX_BLOCKS - 1], _context([_("(Shortened: the full reply is attached.)")])]
            cut = True
    if marker and blocks:
        blocks[0].block_id = MARKER_PREFIX + marker
    if marker and not blocks:
        blocks = [SectionBlock(text=PlainTextObject(text="…"), block_id=MARKER_PREFIX + marker)]
    return Rendered(fallback_text(reply), blocks, render_text(reply) if cut else None)


def fallback_text(reply: Reply) -> str:
    """What notifications and screen readers show (Slack reads it as mrkdwn too, hence escaped)."""
    return escaped_shortened(reply.title or reply.text or render_text(reply), FALLBACK_LIMIT) or "labbot"


def action_blocks(actions: list[Action]) -> list[Block]:
    """Buttons that run a core command as the clicker; each rendering gets its own block id (see listeners)."""
    nonce = uuid.uuid4().hex[:12]
    blocks: list[Block] = []
    for start in range(0, len(actions), BUTTONS_PER_BLOCK):
        chunk = actions[start : start + BUTTONS_PER_BLOCK]
        buttons = [
            ButtonElement(
                text=PlainTextObject(text=shorten(plain(action.label), 75)),
                action_id=f"{RUN_ACTION_PREFIX}{start + index}",
                value=action.command[:2000],
                style=action.style if action.style in ("primary", "danger") else None,
            )
            for index, action in enumerate(chunk)
        ]
        blocks.append(ActionsBlock(elements=buttons, block_id=f"labbot:actions:{nonce}:{start}"))
    return blocks


def _head(reply: Reply) -> list[Block]:
    blocks: list[Block] = []
    if reply.title:
        blocks.append(HeaderBlock(text=PlainTextObject(text=shorten(plain(reply.title), 150))))
    if reply.text:
        blocks += [_section(piece) for piece in split_escaped(escape(reply.text), SECTION_LIMIT)]
    for start in range(0, len(reply.fields), FIELDS_PER_SECTION):
        fields = [_field(item.label, item.value) for item in reply.fields[start : start + FIELDS_PER_SECTION]]
        blocks.append(SectionBlock(fields=fields))
    return blocks


def _field(label: str, value: str) -> MarkdownTextObject:
    """`*label*` over its value; a long value is shortened, the label kept whole when it can be."""
    head = f"*{escaped_shortened(label, 200)}*\n"
    return MarkdownTextObject(text=head + escaped_shortened(value, FIELD_LIMIT - len(head)))


def _table(table: Table, see_all: str | None) -> tuple[list[Block], bool]:
    """The table in monospace, cut to its first rows when long (the caller attaches the full version)."""
    shown = table
    cut = len(table.rows) > TABLE_ROWS_SHOWN
    if cut:
        shown = Table(columns=table.columns, rows=table.rows[:TABLE_ROWS_SHOWN], numeric=table.numeric)
    # Backquotes would close the code block early: show them as look-alike characters.
    text = render_table(shown).replace("`", "ˋ")
    blocks: list[Block] = [_section(f"```{piece}```") for piece in split_escaped(escape(text), SECTION_LIMIT - 6)]
    if cut:
        hidden = len(table.rows) - TABLE_ROWS_SHOWN
        if see_all is None:
            note = ngettext(
                "{count} more row in the attached file.", "{count} more rows in the attached file.", hidden
            ).format(count=hidden)
        else:
            note = ngettext(
                "{count} more row: see them all with {command}",
                "{count} more rows: see them all with {command}",
                hidden,
            ).format(count=hidden, command=see_all)
        blocks.append(_context([note]))
    return blocks, cut


def _notes(notes: list[str]) -> list[Block]:
    return [_context(notes[i : i + CONTEXT_ELEMENTS]) for i in range(0, len(notes), CONTEXT_ELEMENTS)]


def _section(mrkdwn: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=mrkdwn))


def _context(lines: list[str]) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=escaped_shortened(line, CONTEXT_TEXT_LIMIT)) for line in lines]
    )
