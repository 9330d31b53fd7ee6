"""Render a neutral reply as plain text for a terminal."""

from __future__ import annotations

import unicodedata

from labbot.i18n import _, use_locale
from labbot.messages import Reply, Table


def render_text(reply: Reply) -> str:
    """The reply as lines of plain text: title, text, fields, table, notes, buttons."""
    with use_locale(reply.language):
        return "\n".join(line.rstrip() for part in _parts(reply) for line in part.split("\n"))


def _parts(reply: Reply) -> list[str]:
    parts: list[str] = []
    if reply.title:
        parts.append(f"== {reply.title} ==")
    if reply.text:
        parts.append(reply.text)
    for item in reply.fields:
        # French puts a no-break space before the colon: the catalog says how each language writes it.
        value = item.value if "\n" not in item.value else "\n    " + item.value.replace("\n", "\n    ")
        parts.append(_("{label}: {value}").format(label=item.label, value=value))
    if reply.table:
        parts.append(render_table(reply.table))
    parts.extend(f"· {note}" for note in reply.notes)
    if reply.actions:
        parts.append("  ".join(f"[{action.label} → {action.command}]" for action in reply.actions))
    return parts


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_table(table: Table) -> str:
    """A table with aligned columns, numbers right-aligned."""
    rows = [table.columns, *table.rows]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(table.columns))]

    def line(row: list[str]) -> str:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            cells.append(pad + cell if i in table.numeric else cell + pad)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(table.columns), rule, *(line(row) for row in table.rows)])
