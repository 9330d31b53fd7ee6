"""The live signup counts behind `evenements` stay equal to a recount of the signups through every change."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.bootstrap import bootstrap
from labbot.clock import FixedClock
from labbot.messages import Outcome, Request
from labbot.ports import RecordingNotifier
from labbot.storage import signup_counts
from labbot.storage.models import Event, SignupCount
from tests.conftest import TEST_START, Conversation, make_settings

WORKSHOP = {"key": "atelier", "title": "Atelier", "starts": "2016-06-20T09:00:00", "place": "Brest", "capacity": 2}
DAY = {"key": "journee", "title": "Journée", "starts": "2016-06-21T09:00:00", "place": "Lyon", "capacity": 1}


@pytest.fixture
def events_bot(database_url: str, tmp_path: Path) -> Iterator[Conversation]:
    """A two-seat workshop and a one-seat day."""
    clock, notifier = FixedClock(TEST_START), RecordingNotifier()
    app = bootstrap(make_settings(database_url, events=[WORKSHOP, DAY]), notifier=notifier, clock=clock)
    yield Conversation(app, clock, notifier, tmp_path / "files")
    app.database.dispose()


def kept(bot: Conversation) -> dict[tuple[str, str], int]:
    """The kept counts, by event key and state (rows down to 0 left out, as a recount has none)."""
    with bot.app.database.transaction() as session:
        found = session.execute(
            select(Event.key, SignupCount.state, SignupCount.signups).join(Event, Event.id == SignupCount.event_id)
        ).all()
    return {(key, state): number for key, state, number in found if number}


def recounted(bot: Conversation) -> dict[tuple[str, str], int]:
    with bot.app.database.engine.begin() as connection:
        signup_counts.rebuild(connection)
    return kept(bot)


def test_counts_follow_signups_cancellations_promotions_and_capacity(events_bot: Conversation) -> None:
    for person in ("alice", "bruno", "chloe", "dave"):
        events_bot.ok(person, "inscription atelier")  # two seats, then chloe and dave wait
    events_bot.ok("alice", "inscription journee")
    events_bot.ok("bruno", "inscription journee")  # waits
    assert kept(events_bot) == {
        ("atelier", "inscrit"): 2,
        ("atelier", "attente"): 2,
        ("journee", "inscrit"): 1,
        ("journee", "attente"): 1,
    }
    events_bot.ok("alice", "desinscription atelier")  # chloe promoted
    events_bot.ok("sgmap", "evenement atelier places:3")  # dave promoted
    events_bot.ok("bruno", "desinscription journee")  # a waiting one leaves
    events_bot.ok("alice", "inscription atelier")  # back, waiting: the seats are taken
    expected = {("atelier", "inscrit"): 3, ("atelier", "attente"): 1, ("journee", "inscrit"): 1}
    assert kept(events_bot) == expected
    assert recounted(events_bot) == expected
    listing = events_bot.ok("alice", "evenements")
    [workshop] = [line for line in listing.text.splitlines() if line.startswith("atelier")]
    assert workshop.split()[-4:] == ["0", "1", "liste", "d'attente"]  # seats left, waiting, alice's state


def test_a_retried_or_doubled_signup_is_counted_once(events_bot: Conversation) -> None:
    retry = Request(platform="console", user_id="alice", text="inscription atelier", idempotency_key="k1")
    assert events_bot.app.bot.handle(retry).outcome is Outcome.DONE
    assert events_bot.app.bot.handle(retry).outcome is Outcome.DONE  # the platform's retry: replayed
    # bruno's signup sent eight times at once: one wins the live-signup index, the others are refused.
    same = [Request(platform="console", user_id="bruno", text="inscription atelier") for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        outcomes = [reply.outcome for reply in pool.map(events_bot.app.bot.handle, same)]
    assert outcomes.count(Outcome.DONE) == 1
    assert kept(events_bot) == {("atelier", "inscrit"): 2}
    assert recounted(events_bot) == {("atelier", "inscrit"): 2}


def test_concurrent_signups_for_the_last_seats_are_all_counted(events_bot: Conversation) -> None:
    people = [f"agent{n}" for n in range(8)]
    for person in people:
        events_bot.ok(person, "aide")
    requests = [Request(platform="console", user_id=person, text="inscription atelier") for person in people]
    with ThreadPoolExecutor(8) as pool:
        outcomes = [reply.outcome for reply in pool.map(events_bot.app.bot.handle, requests)]
    assert outcomes == [Outcome.DONE] * 8
    assert kept(events_bot) == {("atelier", "inscrit"): 2, ("atelier", "attente"): 6}
    assert recounted(events_bot) == kept(events_bot)


def test_an_erased_persons_signups_leave_the_counts(events_bot: Conversation) -> None:
    events_bot.ok("alice", "inscription journee")
    events_bot.ok("bruno", "inscription journee")  # waits
    events_bot.ok("bruno", "inscription atelier")
    events_bot.ok("bruno", "effacer-mes-donnees")
    events_bot.ok("bruno", "effacer-mes-donnees confirmer")
    assert kept(events_bot) == {("journee", "inscrit"): 1}
    assert recounted(events_bot) == {("journee", "inscrit"): 1}
