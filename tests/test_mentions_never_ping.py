"""Mentions never ping: a port of the Mattermost server's mention parser and Slack's `<!…>` syntax, checked
against whatever both adapters render, for any text (hypothesis)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.mattermost.render import Buttons, as_text
from adapters.mattermost.render import escape as mattermost_escape
from adapters.mattermost.render import render as mattermost_render
from adapters.mattermost.signing import ContextSigner
from adapters.mentions import typed_back, unpingable
from adapters.slack.blocks import render as slack_render
from adapters.slack.home import projects_text
from adapters.slack.mrkdwn import escape as slack_escape
from adapters.slack.mrkdwn import plain
from labbot.messages import Action, Reply, ReplyField, Table

# ---- Mattermost: server/channels/app/mention_parser_standard.go, ProcessText and checkForMention ----------

SYSTEM_MENTIONS = {"@here", "@channel", "@all"}
# Members of the channel, whose `@username` is a keyword of theirs (the server adds one per member).
USERNAMES = {"alice", "bruno", "here_", "sgmap"}
KEYWORDS = SYSTEM_MENTIONS | {"@" + name for name in USERNAMES}


def _splits_words(char: str) -> bool:
    # strings.FieldsFunc: anything that cannot be part of an at-mention or an emoji name (Go's IsLetter/IsNumber).
    return not (char in ":.-_@" or unicodedata.category(char)[0] in "LN")


def _go_fields(text: str) -> list[str]:
    words, current = [], ""
    for char in text:
        if _splits_words(char):
            if current:
                words.append(current)
            current = ""
        else:
            current += char
    return [*words, current] if current else words


def _keyword(word: str) -> bool:
    return word.lower() in KEYWORDS or word in KEYWORDS


def mattermost_pings(text: str) -> list[str]:
    """The mentions the Mattermost server finds in a post: keywords (here, channel, all, members) and the other
    `@names` it looks users up by."""
    found: list[str] = []
    for raw in _go_fields(text):
        if raw[0] == ":" and raw[-1] == ":":
            continue  # an emoji name
        word = raw.lstrip(":.-_")
        if _keyword(word):
            found.append(word)
            continue
        without_suffix = word
        hit = False
        while without_suffix and without_suffix[-1] in ".-:_":
            without_suffix = without_suffix[:-1]
            if _keyword(without_suffix):
                found.append(without_suffix)
                hit = True
                break
        if hit:
            continue
        if word not in SYSTEM_MENTIONS and word.startswith("@"):
            found.append(word[:-1] if word[-1] in ".-:" else word)
        elif any(char in word for char in ".-:"):
            for piece in re.split(r"[.\-:]", word):
                if _keyword(piece) or (piece not in SYSTEM_MENTIONS and piece.startswith("@")):
                    found.append(piece)
    # A bare "@" names nobody.
    return [word for word in found if len(word) > 1]


# ---- Slack: mentions are `<!here>`, `<!channel>`, `<!everyone>`, `<!subteam^…>`, `<@U…>`; with link_names
# (legacy), also the bare words.

_SLACK_SYNTAX = re.compile(r"<[!@][^>]*>")
_SLACK_WORDS = re.compile(r"(?<![\w@])@(here|channel|everyone)(?!\w)", re.IGNORECASE)


def slack_pings(text: str, kind: str) -> list[str]:
    """Mentions Slack would notify in a text object of type `kind` (mrkdwn or plain_text)."""
    del kind  # both are checked the same way: plain_text should parse nothing, but assume the worst
    return _SLACK_SYNTAX.findall(text) + _SLACK_WORDS.findall(text)


def slack_text_objects(value: object) -> list[dict[str, str]]:
    """Every text object (`{"type": "mrkdwn"|"plain_text", "text": …}`) inside blocks or a view."""
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            return [value]
        return [found for item in value.values() for found in slack_text_objects(item)]
    if isinstance(value, list):
        return [found for item in value for found in slack_text_objects(item)]
    return []


# ---- the port finds what it must ------------------------------------------------------------------------

DANGEROUS = [
    "@here_",
    "@all_",
    "@channel_",
    "(@here)",
    "_@here",
    "x.@channel",
    "fin.@all.",
    "@HERE",
    "@Channel!",
    "«@all»",
    "@here\u200d",
    "a:@all",
    "@alice",
    "@bruno.",
    "@here_ maintenant",
]


def test_the_port_reads_the_mentions_the_server_reads() -> None:
    for text in DANGEROUS:
        assert mattermost_pings(text), text
    for text in ("alice@dreal.gouv.fr", "x@here", "@", "@ here", ":@here:", "@\u200bhere"):
        assert not mattermost_pings(text), text
    assert slack_pings("<!here> <@U123|alice>", "mrkdwn") == ["<!here>", "<@U123|alice>"]


def test_the_old_word_boundary_rule_let_underscores_through() -> None:
    # labbot.text used `@(?=(channel|here|all|everyone)\b)`: `\b` does not match before "_".
    old = re.compile(r"@(?=(channel|here|all|everyone)\b)", re.IGNORECASE)
    assert mattermost_pings(old.sub("@\u200b", "@here_"))
    assert not mattermost_pings(unpingable("@here_"))


# ---- the property ---------------------------------------------------------------------------------------

_TRICKY = "@_.-:!<>&|^#*`~\\[]()«»\u200b\u200c\u200d\u2060\ufeff\u00ad\u0301 \n\t"
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(_TRICKY)),
        st.sampled_from(list("hereHEREchanelCHANNELallALLeveryonbusàéÉıİ0123")),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)
mention_soup = st.lists(
    st.one_of(texts, st.sampled_from(["@here", "@channel", "@all", "@everyone", "@alice", "<!here>", "<@U1>"])),
    max_size=6,
).map("".join)


def _reply(text: str) -> Reply:
    return Reply(
        title=text,
        text=text,
        fields=[ReplyField(label=text or "x", value=text or "y")],
        table=Table(columns=["a", "b"], rows=[[text, text]]),
        notes=[text],
        actions=[Action(label=text or "ok", command="aide")],
    )


@settings(max_examples=400, deadline=None)
@given(mention_soup)
@example("@here_")
@example("@all_ @channel_")
@example("_@here")
@example("x.@channel")
@example("@HERE")
@example("@\u200dhere_")
def test_nothing_either_adapter_renders_can_ping(text: str) -> None:
    assert not mattermost_pings(mattermost_escape(text))
    assert not mattermost_pings(mattermost_escape(text, block=False))
    assert not slack_pings(slack_escape(text), "mrkdwn")
    assert not slack_pings(plain(text), "plain_text")
    reply = _reply(text)
    buttons = Buttons("https://labbot.example/mattermost/actions", ContextSigner("k"))
    for post in mattermost_render(reply, buttons):
        assert not mattermost_pings(post.message)
        for extra in post.props.get("attachments", []):
            shown = [extra["fallback"], *(f["title"] + "\n" + f["value"] for f in extra["fields"])]
            assert not any(mattermost_pings(t) for t in [*shown, *(a["name"] for a in extra["actions"])])
    assert not mattermost_pings(as_text(reply))
    rendered = slack_render(reply)
    assert not slack_pings(rendered.text, "mrkdwn")
    objects = slack_text_objects(rendered.block_dicts())
    assert objects
    for found in objects:
        assert not slack_pings(found["text"], found["type"])
    assert not slack_pings(projects_text([(1, text), (2, text)]), "mrkdwn")  # App Home's list


@given(texts)
def test_copied_text_reads_as_typed(text: str) -> None:
    # A person who copies `porteur:@nom` from a reply types what the reply meant.
    assert typed_back(unpingable(text)) == typed_back(text)
