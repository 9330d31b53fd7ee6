"""People named without ambiguity: one account per reference, never a made-up one."""

from __future__ import annotations

from sqlalchemy import func, select

from labbot.messages import Reply, Request
from labbot.storage.models import Person
from tests.conftest import Conversation


def _as(bot: Conversation, platform: str, user: str, name: str, text: str) -> Reply:
    return bot.app.bot.handle(Request(platform=platform, user_id=user, display_name=name, text=text))


def _people(bot: Conversation) -> int:
    with bot.app.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def test_a_display_name_shared_by_two_people_is_refused_with_both_to_choose_from(bot: Conversation) -> None:
    _as(bot, "slack", "U0BRUNO1", "Bruno Le Gall", "aide")
    _as(bot, "slack", "U0BRUNO2", "Bruno Le Gall", "aide")
    bot.ok("sgmap", "aide")
    refused = bot.say("sgmap", 'role "Bruno Le Gall" coordinateur region:bretagne')
    assert not refused.ok
    assert "2 personnes" in refused
    assert "slack:U0BRUNO1" in refused
    assert "slack:U0BRUNO2" in refused
    english = bot.say("sgmap", 'grant "bruno le gall" coordinateur region:bretagne', lang="en")
    assert "names 2 people" in english
    bot.ok("sgmap", "role <@U0BRUNO2|bruno> coordinateur region:bretagne")  # a Slack mention: one account
    second = _as(bot, "slack", "U0BRUNO2", "Bruno Le Gall", "budget 99")
    first = _as(bot, "slack", "U0BRUNO1", "Bruno Le Gall", "budget 99")
    assert "Aucun projet" in second.text  # a coordinator: past the role check
    assert "coordinateur" in first.text  # still an agent


def test_unknown_names_are_refused_and_no_placeholder_is_created(bot: Conversation) -> None:
    bot.ok("sgmap", "aide")
    before = _people(bot)
    for command in (
        "role ghost coordinateur region:bretagne",
        "role @ghost admin",
        "role console:ghost admin",
        "role slack:not-an-id admin",
        "profil ghost",
    ):
        said = bot.say("sgmap", command)
        assert not said.ok, command
        assert "ghost" in said.text or "not-an-id" in said.text
    assert _people(bot) == before
    # A real platform account id names a real account, even before its owner has spoken.
    bot.ok("sgmap", "role slack:U0123ABCD coordinateur region:corse")
    assert _people(bot) == before + 1


def test_people_are_named_by_username_on_their_platform(bot: Conversation) -> None:
    bot.ok("bruno", "aide")
    bot.ok("sgmap", "role @bruno coordinateur region:bretagne")
    assert "Bretagne" in bot.ok("bruno", "profil")
