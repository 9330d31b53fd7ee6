"""Roles and profiles: admins from config, granted roles, scoped coordinators, language choice."""

from __future__ import annotations

from sqlalchemy import select

from labbot.storage.models import AuditEntry
from tests.conftest import Conversation


def test_admins_come_from_config_and_grant_roles(bot: Conversation) -> None:
    refused = bot.say("alice", "role bruno admin")
    assert not refused.ok
    assert "admin" in refused.text.lower()
    assert not bot.say("sgmap", "role claire coordinateur").ok  # a coordinator needs a region
    bot.ok("claire", "aide")  # known once they have spoken
    bot.ok("sgmap", "role claire coordinateur region:bretagne")
    assert "Bretagne" in bot.ok("claire", "profil")
    with bot.app.database.transaction() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "role"))
        assert entry is not None
        assert entry.after == {"role": "coordinateur", "region": "bretagne"}


def test_an_admin_cannot_demote_themself(bot: Conversation) -> None:
    assert not bot.say("sgmap", "role sgmap agent").ok


def test_profile_language_switches_every_reply(bot: Conversation) -> None:
    bot.ok("alice", "profil langue:en")
    assert "Events" in bot.ok("alice", "evenements")
    bot.ok("alice", "profile langue:fr")
    assert "Événements" in bot.ok("alice", "evenements")


def test_coordinators_see_profiles_of_their_regions_people_only(lab: Conversation) -> None:
    assert "DDTM" in lab.ok("claire", "profil bruno")
    lab.ok("hugo", "aide")  # known once they have spoken
    lab.ok("sgmap", "role hugo coordinateur region:occitanie")
    assert not lab.say("hugo", "profil bruno").ok
    assert not lab.say("alice", "profil bruno").ok
    assert not lab.say("claire", "profil bruno langue:en").ok


def test_unknown_users_are_created_only_by_explicit_reference(bot: Conversation) -> None:
    assert bot.say("sgmap", "role slack:U0123ABCD coordinateur region:corse").ok
    said = bot.say("sgmap", "profil slack:U0123ABCD")
    assert "Corse" in said
