"""Render a neutral reply as plain text for a terminal."""

from __future__ import annotations

import unicodedata

from labbot.messages import Reply, Table


def render_text(reply: Reply) -> str:
    """The reply as lines of plain text: title, text, fields, table, notes, buttons."""
    parts: list[str] = []
    if reply.title:
        parts.append(f"== {reply.title} ==")
    if reply.text:
        parts.append(reply.text)
    for item in reply.fields:
        value = item.value.replace("\n", "\n    ")
        parts.append(f"{item.label}: {value}" if "\n" not in item.value else f"{item.label}:\n    {value}")
    if reply.table:
        parts.append(render_table(reply.table))
    parts.extend(f"· {note}" for note in reply.notes)
    if reply.actions:
        parts.append("  ".join(f"[{action.label} → {action.command}]" for action in reply.actions))
    return "\n".join(parts)


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
