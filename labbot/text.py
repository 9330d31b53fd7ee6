"""Text helpers shared by commands (platform syntax, such as mentions, is each adapter's business)."""

from __future__ import annotations

import re

# NUL cannot be stored by PostgreSQL, and a lone surrogate (from a JSON `\ud800` escape) cannot be encoded at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable_characters(text: str) -> bool:
    """Whether `text` holds a NUL byte or a lone surrogate, which no database or platform can take."""
    return _UNSTORABLE.search(text) is not None


def shorten(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
