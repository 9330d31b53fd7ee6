"""Neutralising user text before the bot echoes it to a channel."""

from __future__ import annotations

import re

from labbot.messages import Reply

# Mentions that notify a whole channel or team on Slack or Mattermost.
_BROADCAST_WORDS = re.compile(r"@(?=(channel|here|all|everyone)\b)", re.IGNORECASE)
# Slack's special mentions and user/channel links (`<!everyone>`, `<!here|here>`, `<@U123>`, `<#C1>`).
_SLACK_SPECIAL = re.compile(r"<([!@#][^>]*)>")
_ZERO_WIDTH_SPACE = "\u200b"
# NUL cannot be stored by PostgreSQL, and a lone surrogate (from a JSON `\ud800` escape) cannot be encoded at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def neutralize(text: str) -> str:
    """Return `text` so that it can ping nobody: broadcast mentions are broken with a zero-width space."""
    text = _SLACK_SPECIAL.sub(lambda m: "‹" + m.group(1) + "›", text)
    return _BROADCAST_WORDS.sub("@" + _ZERO_WIDTH_SPACE, text)


def has_unstorable_characters(text: str) -> bool:
    """Whether `text` holds a NUL byte or a lone surrogate, which no database or platform can take."""
    return _UNSTORABLE.search(text) is not None


def shorten(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def neutralized_reply(reply: Reply) -> Reply:
    """A copy of `reply` whose every text can ping nobody (the command name is kept as is)."""
    return Reply.model_validate(_walk(reply.model_dump()))


def _walk(value: object) -> object:
    if isinstance(value, str):
        return neutralize(value)
    if isinstance(value, list):
        return [_walk(item) for item in value]
    if isinstance(value, dict):
        # The command name is kept as typed; a file's bytes are not text.
        return {key: (_walk(item) if key not in ("command", "content") else item) for key, item in value.items()}
    return value
