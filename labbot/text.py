"""Text helpers shared by commands (platform syntax, such as mentions, is each adapter's business)."""

from __future__ import annotations


def shorten(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
