"""Events: the call's three events, signup with a waiting list promoted in order, attendees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import bootstrap
from labbot.clock import FixedClock
from labbot.ports import RecordingNotifier
from tests.conftest import TEST_START, Conversation, make_settings


@pytest.fixture
def small_camp(database_url: str, tmp_path: Path) -> Iterator[Conversation]:
    """A labbot whose camp has two seats."""
    events = [
        {"key": "camp", "title": "Project camp", "starts": "2016-06-27T09:30:00", "place": "Paris", "capacity": 2}
    ]
    clock, notifier = FixedClock(TEST_START), RecordingNotifier()
    app = bootstrap(make_settings(database_url, events=events), notifier=notifier, clock=clock)
    yield Conversation(app, clock, notifier, tmp_path / "files")
    app.database.dispose()


def test_the_calls_events_are_listed_with_their_seats(bot: Conversation) -> None:
    said = bot.ok("alice", "evenements")
    assert "27/05/2016 09:30" in said
    assert "07/07/2016 – 08/07/2016" in said
    assert "début septembre 2016" in said
    assert "120" in said
    assert "inscription decouverte" in said
    assert "inscription camp" not in said  # the camp has taken place: signups are closed


def test_waiting_list_is_promoted_in_order_and_the_promoted_person_is_told(small_camp: Conversation) -> None:
    small_camp.ok("alice", "inscription camp")
    small_camp.ok("bruno", "signup camp")
    third = small_camp.ok("chloe", "inscription camp")
    assert "1" in third
    assert "attente" in third.text.lower()
    fourth = small_camp.ok("dave", "inscription camp")
    assert "2" in fourth
    small_camp.ok("bruno", "desinscription camp")
    assert any("camp" in text.lower() for text in small_camp.sent_to("chloe"))
    assert small_camp.sent_to("dave") == []
    small_camp.ok("claire", "aide")  # known once they have spoken
    small_camp.ok("sgmap", "role claire coordinateur region:bretagne")
    attendees = small_camp.ok("claire", "inscrits camp")
    assert "alice" in attendees
    assert "chloe" in attendees
    assert "dave" in attendees
    assert "bruno" not in attendees


def test_double_signup_unknown_event_and_cancel_without_signup_are_refused(bot: Conversation) -> None:
    bot.ok("alice", "inscription decouverte")
    assert not bot.say("alice", "inscription decouverte").ok
    unknown = bot.say("alice", "inscription fete")
    assert not unknown.ok
    assert "decouverte" in unknown
    assert not bot.say("bruno", "desinscription decouverte").ok


def test_signup_for_a_project_must_name_a_real_project(bot: Conversation) -> None:
    assert not bot.say("alice", "inscription decouverte projet:7").ok
    bot.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    bot.ok("alice", "inscription decouverte projet:1")
    bot.ok("claire", "aide")  # known once they have spoken
    bot.ok("sgmap", "role claire coordinateur region:bretagne")
    assert "#1" in bot.ok("claire", "attendees decouverte")


def test_agents_cannot_list_attendees(bot: Conversation) -> None:
    said = bot.say("alice", "inscrits camp")
    assert not said.ok
    assert "coordinateur" in said.text.lower()
