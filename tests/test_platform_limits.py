"""Every reply family, filled with long French data full of `&`, `<` and `>`, rendered for Slack and Mattermost:
each Slack payload passes slack_sdk's own validation and Slack's documented limits, each Mattermost post fits,
and none of them can ping anyone."""

from __future__ import annotations

from datetime import date

import pytest
from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock
from slack_sdk.models.views import View

from adapters.mattermost.render import POST_LIMIT, Buttons, as_text
from adapters.mattermost.render import render as mattermost_render
from adapters.mattermost.signing import ContextSigner
from adapters.slack.blocks import MAX_BLOCKS, render
from adapters.slack.home import HOME_TITLE_LIMIT, projects_text
from adapters.slack.mrkdwn import escape, split_escaped
from labbot.i18n import use_locale
from labbot.messages import Reply, Request
from labbot.scheduling.reminders import digest_reply
from labbot.storage import digest
from tests.conftest import Conversation
from tests.test_mentions_never_ping import mattermost_pings, slack_pings, slack_text_objects

# Slack's limits that slack_sdk does not check itself (api.slack.com/reference/block-kit).
FIELD_TEXT_LIMIT = 2000
CONTEXT_TEXT_LIMIT = 3000
MESSAGE_TEXT_LIMIT = 40_000

HOSTILE = "Ville & Agglo <Métropole> & « Cie » > @here_ <!channel>"


def hostile(length: int, number: int) -> str:
    """A text of exactly `length` characters made of `HOSTILE`, distinct for each `number`."""
    head = f"n°{number} "
    return (head + HOSTILE * (length // len(HOSTILE) + 1))[:length].strip()


def run(lab: Conversation, user: str, text: str) -> Reply:
    reply = lab.app.bot.handle(Request(platform="console", user_id=user, display_name=user, text=text))
    assert reply.outcome.value == "done", f"{user}: {text}\n{reply}"
    return reply


@pytest.fixture
def crowded(lab: Conversation) -> Conversation:
    """Project #1 full of hostile names: meetings, hours, costs, signups; alice leads 30 long-titled projects."""
    for number in range(2, 32):
        run(lab, "alice", f'idee "{hostile(150, number)}" region:bretagne services:"{hostile(120, number)}"')
    run(lab, "alice", f'modifier 1 objectif:"{hostile(2000, 1)}" lieu:"{hostile(1500, 2)}"')
    for number in range(30):
        run(
            lab,
            "alice",
            f'reunion 1 partenaire:"{hostile(120, number)}" categorie:collectivite duree:1h '
            f'notes:"{hostile(300, 1)}"',
        )
        run(lab, "alice", f'heures 1 1h date:{1 + number % 9:02d}/06/2016 activite:"{hostile(200, number)}"')
    for number in range(12):
        run(lab, "claire", f'depense 1 100 type:autre libelle:"{hostile(200, number)}"')
    for number in range(12):
        run(
            lab,
            "alice",
            f'indicateur 1 "{hostile(100, number)}" unite:jours reference:45 cible:30 echeance:31/12/2017',
        )
        run(
            lab,
            "claire",
            f'cofinancement 1 partenaire:"{hostile(100, number)}" categorie:collectivite montant:1000',
        )
        run(lab, "alice", f'question "{hostile(400, number)}" projet:1')
        run(lab, "alice", f'appui 1 type:methodologique "{hostile(300, number)}"')
    for number in range(30):
        person = f"agent{number}"
        run(lab, person, f'profil nom:"{hostile(110, number)}"')
        run(lab, person, "inscription decouverte")
    return lab


FAMILIES = [
    ("alice", "aide"),
    ("alice", "aide reunion"),
    ("alice", "projets"),
    ("alice", "projet 1"),
    ("alice", "partenaires 1"),
    ("alice", "mesheures"),
    ("alice", "evenements"),
    ("alice", "profil"),
    ("claire", "rapport 1"),
    ("claire", "rapport 1 par:mois"),
    ("claire", "rapport par:projet"),
    ("claire", "rapport par:agent"),
    ("claire", "budget 1"),
    ("claire", "inscrits decouverte"),
    ("sgmap", f'annonce "{hostile(1900, 7)}" region:bretagne'),
    ("sgmap", "annonces"),
    ("alice", "publier partenaires 1"),
    ("alice", "indicateurs 1"),
    ("claire", "plan 1"),
    ("claire", "verifier 1"),
    ("sgmap", "questions statut:toutes"),
    ("sgmap", "appuis"),
    ("alice", "labs"),
    ("alice", "faq Ville"),
    ("claire", "export heures region:bretagne"),
    ("claire", "dossier 1"),
]


def assert_valid_slack(reply: Reply) -> None:
    rendered = render(reply)
    assert 0 < len(rendered.blocks) <= MAX_BLOCKS
    for block in rendered.blocks:
        block.validate_json()  # slack_sdk's own models: raises on any limit they know
        if isinstance(block, SectionBlock) and block.fields:
            assert all(len(field.text) <= FIELD_TEXT_LIMIT for field in block.fields)
        if isinstance(block, ContextBlock):
            assert all(len(getattr(element, "text", "")) <= CONTEXT_TEXT_LIMIT for element in block.elements)
    dicts = rendered.block_dicts()
    assert len(rendered.text) <= MESSAGE_TEXT_LIMIT
    assert not slack_pings(rendered.text, "mrkdwn")
    for text in slack_text_objects(dicts):
        assert not slack_pings(text["text"], text["type"]), text["text"][:200]


def assert_valid_mattermost(reply: Reply) -> None:
    buttons = Buttons("https://labbot.example.gouv.fr/mattermost/actions", ContextSigner("secret"))
    for post in mattermost_render(reply, buttons):
        assert len(post.message) <= POST_LIMIT
        assert not mattermost_pings(post.message)
        for extra in post.props.get("attachments", []):
            texts = [extra["fallback"], *(f["title"] + " " + f["value"] for f in extra["fields"])]
            texts += [action["name"] for action in extra.get("actions", [])]
            assert not any(mattermost_pings(text) for text in texts)
    assert not mattermost_pings(as_text(reply))


def test_every_reply_family_fits_both_platforms_and_pings_nobody(crowded: Conversation) -> None:
    seen_tables = 0
    for user, command in FAMILIES:
        reply = run(crowded, user, command)
        seen_tables += reply.table is not None
        assert_valid_slack(reply)
        assert_valid_mattermost(reply)
    # Messages that reach people without a command: the coordinators' weekly digest of 31 hostile titles.
    week = (date(2016, 6, 6), date(2016, 6, 13))
    with crowded.app.database.transaction() as session, use_locale("fr"):
        digest_of_region = digest_reply(
            digest.region_digest(session, "bretagne", *week), crowded.app.settings, week
        )
    assert digest_of_region.table is not None
    assert len(digest_of_region.table.rows) == 31
    assert_valid_slack(digest_of_region)
    assert_valid_mattermost(digest_of_region)
    # The data really is hostile where the defect was: tables whose escaped text is longer than a section.
    partners = run(crowded, "alice", "partenaires 1")
    assert partners.table is not None
    assert "&" in str(partners.table.rows)
    assert seen_tables >= 8


def test_a_table_of_ampersands_is_split_after_escaping() -> None:
    # 2 994 characters of "&" are 14 970 once escaped: split first, the first section was 5 times too long.
    pieces = split_escaped(escape("&" * 2994 + "\n" + "Ville & Agglo\n" * 400), 3000)
    assert all(len(piece) <= 3000 for piece in pieces)
    assert all(not piece.endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt")) for piece in pieces)
    assert "".join(pieces).replace("\n", "").count("&amp;") == 2994 + 400


def test_app_home_lists_any_number_of_long_titles_within_a_section() -> None:
    own = [(number, hostile(150, number)) for number in range(1, 60)]
    text = projects_text(own)
    assert len(text) <= 3000
    assert "/lab projets" in text  # the ones left out are one command away
    assert "#1 " in text
    assert all(len(line) <= HOME_TITLE_LIMIT + 10 for line in text.splitlines()[1:-1])
    view = View(type="home", blocks=[SectionBlock(text={"type": "mrkdwn", "text": text})])
    view.validate_json()
    few = projects_text(own[:3])
    assert "/lab projets" not in few
    assert "#3 " in few


def test_block_kit_models_refuse_what_the_old_split_produced() -> None:
    """The check used above is able to fail: slack_sdk refuses a section over 3 000 characters."""
    block: Block = SectionBlock(text={"type": "mrkdwn", "text": escape("Ville & Agglo " * 300)})
    with pytest.raises(Exception, match="3000"):
        block.validate_json()
