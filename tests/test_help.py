"""Help is generated from the command declarations, per role and language."""

from __future__ import annotations

from tests.conftest import Conversation


def test_help_lists_what_the_role_allows_with_an_example_each(bot: Conversation) -> None:
    agent = bot.ok("alice", "aide")
    assert "heures 1 3h30" in agent
    assert "inscription camp" in agent
    assert "depense 1" not in agent  # coordinators only
    assert "role @claire" not in agent  # admins only
    admin = bot.ok("sgmap", "aide")
    assert "depense 1" in admin
    assert "role @claire" in admin


def test_help_on_one_command_details_usage_keys_and_example(bot: Conversation) -> None:
    said = bot.ok("alice", "aide heures")
    assert "heures <projet> <duree> [date:…] [activite:…]" in said
    assert "activite (activity)" in said
    assert "hours" in said


def test_english_help_uses_english_verbs(bot: Conversation) -> None:
    said = bot.ok("alice", "help", lang="en")
    assert "myhours" in said
    assert "hours 1 3h30" in said


def test_unknown_verbs_suggest_the_closest(bot: Conversation) -> None:
    said = bot.say("alice", "heurs 1 2h")
    assert not said.ok
    assert "heures" in said
    nothing = bot.say("alice", "xyzzy")
    assert "aide" in nothing
    assert not bot.say("alice", "aide xyzzy").ok


def test_empty_text_and_the_lab_prefix_show_help(bot: Conversation) -> None:
    assert "heures 1 3h30" in bot.ok("alice", "")
    assert "heures 1 3h30" in bot.ok("alice", "/lab")
    assert "heures 1 3h30" in bot.ok("alice", "/lab aide")
