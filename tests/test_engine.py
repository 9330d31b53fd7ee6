"""The engine's guarantees: retries answered once, nothing pings, errors apologise, input limits."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from labbot.arguments import Arguments
from labbot.context import CommandContext
from labbot.engine import LabBot
from labbot.messages import Outcome, Reply, Request
from labbot.registry import CommandFamily, CommandRegistry
from labbot.storage.models import Project
from tests.conftest import Conversation


def projects_count(bot: Conversation) -> int:
    with bot.app.database.transaction() as session:
        return int(session.scalar(select(func.count(Project.id))) or 0)


def test_a_retried_request_is_answered_once_and_written_once(bot: Conversation) -> None:
    request = Request(
        platform="slack",
        user_id="U1",
        display_name="alice",
        text='idee "Lab" region:corse services:"A, B"',
        idempotency_key="slack:event:Ev123",
    )
    first = bot.app.bot.handle(request)
    second = bot.app.bot.handle(request)
    assert first.outcome is Outcome.DONE
    assert second.text == first.text
    assert projects_count(bot) == 1


def test_the_core_keeps_user_text_as_typed(bot: Conversation) -> None:
    # Mentions are platform syntax: each chat adapter makes them harmless (tests/test_mentions_never_ping.py);
    # a terminal pings nobody and shows the title as typed.
    said = bot.ok("alice", 'idee "Alerte @channel @here <!everyone> @all" region:corse services:"A, B"')
    assert "Alerte @channel @here <!everyone> @all" in said.text
    assert "\u200b" not in said.text


def test_an_unclosed_quote_is_explained(bot: Conversation) -> None:
    said = bot.say("alice", 'idee "Lab region:corse')
    assert not said.ok
    assert "Guillemet" in said.text or "quote" in said.text


def test_oversized_commands_are_refused(bot: Conversation) -> None:
    said = bot.say("alice", "idee " + "x" * 5000)
    assert not said.ok
    assert "5005" in said
    assert projects_count(bot) == 0


def test_an_unexpected_error_is_logged_and_apologised_for_with_a_reference(
    bot: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    family = CommandFamily("broken")

    @family.command("casse", "broken", summary="", example="casse", example_en="broken")
    def broken(_ctx: CommandContext, _args: Arguments) -> Reply:
        raise RuntimeError("database exploded: secret detail")

    engine = LabBot(CommandRegistry([family]), bot.app.database, bot.app.settings, bot.clock)
    with caplog.at_level(logging.ERROR):
        reply = engine.handle(Request(platform="console", user_id="alice", text="casse"))
    assert reply.outcome is Outcome.FAILED
    assert "secret detail" not in reply.text
    reference = reply.text.rsplit(" ", 1)[-1].strip(".")
    assert any(reference in record.getMessage() for record in caplog.records)
    assert "secret detail" in caplog.text


def test_a_refused_command_writes_nothing_even_after_partial_work(lab: Conversation) -> None:
    # The budget check runs after the project lookup and the report: the refusal rolls all of it back.
    lab.ok("sgmap", 'depense 1 "499 000" type:prestataire libelle:"Presque tout"')
    assert not lab.say("sgmap", 'depense 1 "2 000" type:autre libelle:"Trop"').ok
    assert "Trop" not in lab.ok("sgmap", "budget 1").text


def test_publier_shares_only_read_only_replies(lab: Conversation) -> None:
    reply = lab.app.bot.handle(Request(platform="console", user_id="alice", text="publier projet 1"))
    assert reply.visibility == "channel"
    refused = lab.app.bot.handle(Request(platform="console", user_id="alice", text="publier heures 1 2h"))
    assert refused.outcome is Outcome.REFUSED


def test_a_refused_share_names_the_command_in_the_readers_language(lab: Conversation) -> None:
    refused = lab.say("alice", "share hours 1 2h", lang="en")
    assert not refused.ok
    assert "“hours” changes data" in refused


def test_a_person_linked_by_email_is_one_person(bot: Conversation) -> None:
    bot.app.bot.handle(
        Request(
            platform="slack", user_id="U9", display_name="Inès", email="ines@gouv.fr", text="profil service:DGFIP"
        )
    )
    reply = bot.app.bot.handle(
        Request(platform="mattermost", user_id="m" * 26, display_name="ines", email="INES@gouv.fr", text="profil")
    )
    assert "slack:U9" in reply.model_dump_json()
    assert "mattermost:" in reply.model_dump_json()


def test_a_replayed_reply_is_in_the_persons_language(bot: Conversation) -> None:
    bot.ok("alice", "profil langue:en")
    request = Request(
        platform="console", user_id="alice", text='idee "Lab" region:corse services:"A, B"', idempotency_key="k1"
    )
    first = bot.app.bot.handle(request)
    again = bot.app.bot.handle(request)  # no locale hint: the language is the person's
    assert first.language == "en"
    assert again.language == "en"
    assert again.text == first.text
