""".ics invitations calendar clients update (RFC 5545, 5546): DTSTAMP is when the file is made, SEQUENCE grows
with each change of the event, the UID is the event's own, random and kept; read back with `icalendar`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
from alembic import command as alembic_command
from sqlalchemy import select, text

from adapters.bootstrap import bootstrap
from labbot.clock import PARIS
from labbot.config import call_events
from labbot.scheduling.audience import Reach
from labbot.scheduling.reminders import event_reminders
from labbot.storage.database import Database, alembic_config
from labbot.storage.models import Event, OutboxMessage
from tests.conftest import Conversation, make_settings

_UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}@labbot$")


def _invitations(bot: Conversation, filename: str) -> list[icalendar.Event]:
    """Every invitation queued so far with `filename`, oldest first, parsed."""
    with bot.app.database.transaction() as session:
        files = session.scalars(
            select(OutboxMessage.attachment)
            .where(OutboxMessage.attachment_name == filename)
            .order_by(OutboxMessage.id)
        ).all()
    parsed = []
    for content in files:
        assert content is not None
        [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
        parsed.append(vevent)
    return parsed


def _event(bot: Conversation, key: str) -> Event:
    with bot.app.database.transaction() as session:
        event = session.scalar(select(Event).where(Event.key == key))
        assert event is not None
        return event


def test_a_reminder_is_stamped_when_made_with_the_events_own_uid(bot: Conversation) -> None:
    bot.ok("alice", "inscription decouverte")
    now = datetime(2016, 6, 30, 9, 0, tzinfo=PARIS)  # J-7 before 07/07/2016
    with bot.app.database.transaction() as session:
        assert event_reminders(session, bot.app.settings, Reach(None), now.date(), now) == 1
    [invitation] = _invitations(bot, "decouverte.ics")
    assert invitation.decoded("dtstamp") == now  # not the event's start
    assert invitation.decoded("dtstart") == datetime(2016, 7, 7, 9, 0, tzinfo=PARIS)
    assert invitation["sequence"] == 0
    assert _UID.match(str(invitation["uid"]))
    assert str(invitation["uid"]) == _event(bot, "decouverte").uid


def test_each_change_of_the_event_raises_the_sequence_and_keeps_the_uid(bot: Conversation) -> None:
    bot.ok("alice", "inscription regroupement")
    bot.ok("sgmap", 'evenement regroupement date:"12/09/2016 09:30" fin:"12/09/2016 17:30"')
    bot.clock.moment += timedelta(hours=2)
    bot.ok("sgmap", 'evenement regroupement lieu:"Paris, Ségur"')
    bot.clock.moment += timedelta(hours=2)
    bot.ok("sgmap", "evenement regroupement places:200")  # the invitation says nothing of seats
    bot.ok("sgmap", 'evenement regroupement lieu:"Paris, Ségur"')  # the same place again: no change
    first, second, seats, same = _invitations(bot, "regroupement.ics")
    assert [int(i["sequence"]) for i in (first, second, seats, same)] == [1, 2, 2, 2]
    assert len({str(i["uid"]) for i in (first, second, seats, same)}) == 1
    assert first.decoded("dtstamp") < second.decoded("dtstamp") == seats.decoded("dtstamp") - timedelta(hours=2)
    assert seats.decoded("dtstamp") == bot.clock.now()
    assert "location" not in first
    assert str(second["location"]) == "Paris, Ségur"


def test_a_changed_configuration_file_raises_the_sequence_at_start(bot: Conversation, database_url: str) -> None:
    uid = _event(bot, "decouverte").uid
    unchanged = bootstrap(make_settings(database_url), clock=bot.clock)
    unchanged.database.dispose()
    assert (_event(bot, "decouverte").sequence, _event(bot, "decouverte").uid) == (0, uid)
    moved = [e.model_copy(update={"place": "Lyon"}) if e.key == "decouverte" else e for e in call_events()]
    restarted = bootstrap(make_settings(database_url, events=moved), clock=bot.clock)
    restarted.database.dispose()
    assert (_event(bot, "decouverte").sequence, _event(bot, "decouverte").uid) == (1, uid)
    assert _event(bot, "camp").sequence == 0


def test_two_installations_never_share_an_events_uid(bot: Conversation, tmp_path: Path) -> None:
    other = bootstrap(make_settings(f"sqlite:///{tmp_path / 'other.db'}"), clock=bot.clock)
    with other.database.transaction() as session:
        elsewhere = session.scalar(select(Event.uid).where(Event.key == "camp"))
    other.database.dispose()
    here = _event(bot, "camp").uid
    assert _UID.match(here)
    assert elsewhere is not None
    assert here != elsewhere
    with bot.app.database.transaction() as session:
        uids = session.scalars(select(Event.uid)).all()
    assert len(set(uids)) == len(uids) == 3


def test_the_migration_gives_existing_events_distinct_uids(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    with database.engine.begin() as connection:
        config = alembic_config(database.url)
        config.attributes["connection"] = connection
        alembic_command.upgrade(config, "0005_support")
        for key in ("camp", "decouverte"):
            connection.execute(
                text("INSERT INTO events (key, title, place, capacity, tentative) VALUES (:k, 't', '', 1, '')"),
                {"k": key},
            )
    database.upgrade()
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT uid, sequence FROM events")).all()
    database.dispose()
    assert [sequence for _uid, sequence in rows] == [0, 0]
    assert all(_UID.match(uid) for uid, _sequence in rows)
    assert rows[0][0] != rows[1][0]
