"""Commands arriving at the same moment, as they do from a busy Slack workspace: nothing fails, nothing doubles."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from labbot.messages import Outcome, Request
from labbot.storage.models import HourEntry, Identity, Person
from tests.conftest import Conversation

THREADS = 8


def _run_all(conversation: Conversation, requests: list[Request]) -> list[Outcome]:
    with ThreadPoolExecutor(THREADS) as pool:
        return [reply.outcome for reply in pool.map(conversation.app.bot.handle, requests)]


def test_a_new_person_arriving_twice_at_once_becomes_one_person(bot: Conversation) -> None:
    # The same new user's first commands, concurrently: whoever creates the person first wins, the others
    # are retried and find it.
    requests = [
        Request(platform="slack", user_id="U0NEW", text="mesheures", display_name="Nadia", email="nadia@gouv.fr")
        for _ in range(THREADS)
    ]
    assert _run_all(bot, requests) == [Outcome.DONE] * THREADS
    with bot.app.database.transaction() as session:
        people = session.scalar(select(func.count()).select_from(Person).where(Person.email == "nadia@gouv.fr"))
        identities = session.scalar(select(func.count()).where(Identity.external_id == "U0NEW"))
    assert (people, identities) == (1, 1)


def test_a_day_never_holds_more_than_24_hours_even_when_entries_race(lab: Conversation) -> None:
    # Eight 4-hour entries for the same day at once: exactly six fit in 24 h, the others are refused.
    requests = [
        Request(platform="console", user_id="alice", text=f"heures 1 4h date:hier activite:essai{n}")
        for n in range(THREADS)
    ]
    outcomes = _run_all(lab, requests)
    assert outcomes.count(Outcome.DONE) == 6
    assert outcomes.count(Outcome.REFUSED) == 2
    with lab.app.database.transaction() as session:
        minutes = session.scalar(select(func.sum(HourEntry.minutes)))
    assert minutes == 24 * 60


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL's readers never wait
def test_a_read_is_answered_while_another_process_holds_the_write_lock(lab: Conversation) -> None:
    # SQLite: a read begins beside the writers on its WAL snapshot. Queued for the write lock, as every command
    # once was, it waited out the busy timeout and was answered with an apology.
    url = make_url(lab.app.database.url)
    writer = sqlite3.connect(str(url.database), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    try:
        hours = lab.say("alice", "mesheures")
        card = lab.say("bruno", "projet 1")
        newcomer = lab.say("nadia", "mesheures")  # a first contact must be written: it waits, as writes do
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert hours.ok, hours.text
    assert card.ok, card.text
    assert "Lab Bretagne" in card
    assert not newcomer.ok
    assert lab.say("nadia", "mesheures").ok  # once the lock is free, the read runs again as a write
    with lab.app.database.transaction() as session:
        assert session.scalar(select(func.count()).where(Identity.external_id == "nadia")) == 1
