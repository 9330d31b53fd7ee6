"""Mentions that cannot ping, for the platforms that read `@word` in what the bot posts.

Mattermost's server cuts a post into words at every character that is not a letter, a digit or one of
`: . - _ @`, trims `: . - _` from their start and end, splits again at `. - :`, and pings whatever piece then
reads `@here`, `@channel`, `@all` (any case), `@<user>` or `@<group>`. So `@here_`, `(@all)`, `x.@channel`
and `_@here` all ping, and a `\\b`-based rule misses them. What never pings is an `@` directly followed by a
separator: a zero-width space is one (it is neither a letter nor a digit), and it shows as nothing.

The rule here needs no list of words: every `@` that could begin a piece (one not preceded by a letter or a
digit, which would glue it to an e-mail-like word) and is followed by something gets the zero-width space.
Slack pings only through its `<!here>`/`<@U…>` syntax, which its adapter escapes; the same rule still
applies there so that `link_names`-style parsing finds nothing either.
"""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH_SPACE = "\u200b"
# An `@` followed by something other than a space or the zero-width space already there.
_AT_BEFORE_SOMETHING = re.compile(r"@(?=[^\s\u200b])")


def _letter_or_digit(char: str) -> bool:
    # Go's unicode.IsLetter / IsNumber, which the Mattermost server uses: categories L* and N*.
    return unicodedata.category(char)[0] in "LN"


def unpingable(text: str) -> str:
    """`text` with every `@` that could start a mention followed by a zero-width space."""
    if "@" not in text:
        return text

    def broken(match: re.Match[str]) -> str:
        start = match.start()
        glued = start > 0 and _letter_or_digit(text[start - 1])
        return "@" if glued else "@" + ZERO_WIDTH_SPACE

    return _AT_BEFORE_SOMETHING.sub(broken, text)


def typed_back(text: str) -> str:
    """Text a person copied from a reply, without the zero-width spaces `unpingable` put after its `@`s."""
    return text.replace("@" + ZERO_WIDTH_SPACE, "@")
