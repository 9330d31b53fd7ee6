"""Events at every edge: signups close at the start, capacity changes, projet: of one's own, and admins
setting a tentative event's date and place from chat, kept over the configuration file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import bootstrap
from labbot.clock import FixedClock
from labbot.ports import RecordingNotifier
from tests.conftest import TEST_START, Conversation, make_settings

SMALL = {
    "key": "atelier",
    "title": "Atelier design",
    "starts": "2016-06-20T09:00:00",
    "place": "Rennes",
    "capacity": 1,
}
TENTATIVE = {
    "key": "regroupement",
    "title": "Journée de regroupement",
    "tentative": "début septembre 2016",
    "capacity": 2,
}


@pytest.fixture
def events_bot(database_url: str, tmp_path: Path) -> Iterator[Conversation]:
    """A one-seat workshop on 20/06/2016 and a regrouping day with no date nor place yet."""
    clock, notifier = FixedClock(TEST_START), RecordingNotifier()
    app = bootstrap(make_settings(database_url, events=[SMALL, TENTATIVE]), notifier=notifier, clock=clock)
    yield Conversation(app, clock, notifier, tmp_path / "files")
    app.database.dispose()


def test_signups_close_when_the_event_starts(events_bot: Conversation) -> None:
    events_bot.clock.advance(days=10)  # 20/06/2016 10:00, an hour after the start
    refused = events_bot.say("alice", "inscription atelier")
    assert not refused.ok
    assert "closes" in refused
    assert "started" in events_bot.say("alice", "signup atelier", lang="en")


def test_a_raised_capacity_goes_to_the_waiting_list_in_order_before_anyone_new(events_bot: Conversation) -> None:
    events_bot.ok("alice", "inscription atelier")
    events_bot.ok("bruno", "inscription atelier")  # waiting #1
    events_bot.ok("chloe", "inscription atelier")  # waiting #2
    said = events_bot.ok("sgmap", "evenement atelier places:2")
    assert "1" in said
    assert any("place" in text for text in events_bot.sent_to("bruno"))
    assert events_bot.sent_to("chloe") == []
    newcomer = events_bot.ok("dave", "inscription atelier")
    assert "attente" in newcomer.text  # chloe stays ahead


def test_a_lowered_capacity_promotes_nobody_until_the_count_is_below_it(events_bot: Conversation) -> None:
    events_bot.ok("sgmap", "evenement atelier places:3")
    for person in ("alice", "bruno", "chloe"):
        events_bot.ok(person, "inscription atelier")
    events_bot.ok("sgmap", "evenement atelier places:1")
    events_bot.ok("dave", "inscription atelier")  # waiting
    events_bot.ok("alice", "desinscription atelier")  # 2 left for 1 seat: nobody promoted
    assert events_bot.sent_to("dave") == []
    listing = events_bot.ok("sgmap", "inscrits atelier")
    assert "Complet, 1 en liste d'attente" in listing
    events_bot.ok("bruno", "desinscription atelier")  # 1 for 1 seat: still full
    assert events_bot.sent_to("dave") == []
    events_bot.ok("chloe", "desinscription atelier")
    assert any("place" in text for text in events_bot.sent_to("dave"))


def test_projet_must_be_a_project_of_ones_own(events_bot: Conversation) -> None:
    events_bot.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    refused = events_bot.say("bruno", "inscription atelier projet:1")
    assert not refused.ok
    assert "rejoindre 1" in refused
    events_bot.ok("alice", "inscription atelier projet:1")


def test_an_event_with_no_place_says_so(events_bot: Conversation) -> None:
    assert "lieu à préciser" in events_bot.ok("alice", "evenements")
    assert "place to be set" in events_bot.ok("alice", "events", lang="en")


def test_admins_set_date_and_place_from_chat_registrants_get_an_updated_invitation(
    events_bot: Conversation, database_url: str, tmp_path: Path
) -> None:
    events_bot.ok("alice", "inscription regroupement")
    assert not events_bot.say("alice", 'evenement regroupement lieu:"Paris"').ok  # admins only
    for bad, field in (
        ('evenement regroupement date:"31/02/2017 09:30"', "date"),
        ('evenement regroupement date:"01/01/2016 09:30"', "date"),  # already past
        ('evenement regroupement date:"12/09/2016 09:30" fin:"11/09/2016 09:00"', "fin"),
        ("evenement regroupement places:0", "places"),
        ("evenement regroupement", "date:"),
    ):
        said = events_bot.say("sgmap", bad)
        assert not said.ok, bad
        assert field in said.text, said.text
    events_bot.ok(
        "sgmap", 'evenement regroupement date:"12/09/2016 09:30" fin:"12/09/2016 17:30" lieu:"Paris, Ségur"'
    )
    told = events_bot.sent_to("alice")
    assert any("12/09/2016 09:30" in text and "Ségur" in text for text in told)
    assert any("regroupement.ics" in note for _a, reply in events_bot.notifier.sent for note in reply.notes)
    # A restart re-reads the configuration file: what was set in chat wins.
    restarted = bootstrap(make_settings(database_url, events=[SMALL, TENTATIVE]), clock=events_bot.clock)
    again = Conversation(restarted, events_bot.clock, RecordingNotifier(), tmp_path / "again")
    listing = again.ok("bruno", "evenements")
    assert "12/09/2016" in listing
    assert "Paris, Ségur" in listing
    assert "début septembre" not in listing
    restarted.database.dispose()
