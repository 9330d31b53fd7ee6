"""Automatic reminders under a controllable clock: J-7/J-1 with holiday shifts, nudges, deadlines, digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select

from adapters.bootstrap import bootstrap
from labbot.clock import PARIS, FixedClock
from labbot.ports import RecordingNotifier
from labbot.scheduling import jobs
from labbot.scheduling.audience import Reach
from labbot.scheduling.jobs import JobRuntime
from labbot.storage.models import OutboxMessage
from tests.conftest import TEST_START, Conversation, make_settings

EVENTS = [
    # J-7 falls on 14 July (Bastille Day); J-1 on a Wednesday.
    {"key": "fete", "title": "Atelier Fête", "starts": "2016-07-21T09:30:00", "place": "Rennes", "capacity": 10},
    # J-1 falls on a Sunday, and the next working day is the event itself: it goes out on the Friday before.
    {"key": "lundi", "title": "Atelier Lundi", "starts": "2016-08-01T09:30:00", "place": "Brest", "capacity": 10},
]
DEADLINES = [{"title": "Dépôt des dossiers", "on": "2016-09-30", "region": "bretagne", "days_before": [7]}]


@pytest.fixture
def team(database_url: str, tmp_path: Path) -> Iterator[Conversation]:
    """Project #1 in Bretagne (alice, bruno), claire coordinates Bretagne, david coordinates Normandie."""
    clock = FixedClock(TEST_START)
    notifier = RecordingNotifier()
    settings = make_settings(database_url, events=EVENTS, reminders={"deadlines": DEADLINES})
    app = bootstrap(settings, notifier=notifier, clock=clock)
    chat = Conversation(app, clock, notifier, tmp_path / "files")
    chat.ok("claire", "aide")  # known once they have spoken
    chat.ok("sgmap", "role claire coordinateur region:bretagne")
    chat.ok("david", "aide")  # known once they have spoken
    chat.ok("sgmap", "role david coordinateur region:normandie")
    chat.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    chat.ok("bruno", "rejoindre 1 competence:developpeur")
    jobs.install(JobRuntime(app.database, settings, clock, Reach(None), app.worker.run_until_idle))
    notifier.sent.clear()
    yield chat
    jobs.install(None)
    app.database.dispose()


def on(chat: Conversation, day: str, hour: int = 9) -> None:
    chat.clock.moment = datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def run_on(chat: Conversation, day: str, kind: str) -> None:
    on(chat, day)
    jobs.run_reminders(kind)


def test_event_reminders_come_at_j7_and_j1_moved_off_holidays_and_weekends(team: Conversation) -> None:
    team.ok("alice", "inscription fete")
    team.ok("alice", "inscription lundi")
    team.ok("bruno", "inscription fete")
    team.ok("bruno", "rappels off")
    for day in ("2016-07-13", "2016-07-14"):
        run_on(team, day, "events")
    assert team.sent_to("alice") == []  # J-7 is a public holiday: not sent

    run_on(team, "2016-07-15", "events")
    run_on(team, "2016-07-15", "events")  # a second run that day queues nothing more
    [j7] = team.sent_to("alice")
    assert "Atelier Fête" in j7
    assert "21/07/2016 09:30" in j7
    assert "Rennes" in j7
    assert team.sent_to("bruno") == []  # muted

    run_on(team, "2016-07-20", "events")
    assert len(team.sent_to("alice")) == 2
    run_on(team, "2016-07-29", "events")  # Friday before Monday 1 August
    assert "Atelier Lundi" in team.sent_to("alice")[-1]
    for day in ("2016-07-30", "2016-07-31"):
        run_on(team, day, "events")
    assert len(team.sent_to("alice")) == 3


def test_event_reminders_carry_an_ics_invitation(team: Conversation) -> None:
    team.ok("alice", "inscription fete")
    run_on(team, "2016-07-15", "events")
    with team.app.database.transaction() as session:
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        assert message is not None
        assert message.attachment is not None
        assert message.attachment_name == "fete.ics"
        [event] = icalendar.Calendar.from_ical(message.attachment).walk("VEVENT")
    assert str(event["summary"]) == "Atelier Fête"
    assert event.decoded("dtstart") == datetime(2016, 7, 21, 9, 30, tzinfo=PARIS)
    assert str(event["location"]) == "Rennes"


def test_the_weekly_nudge_skips_those_who_logged_hours_and_moves_off_holidays(team: Conversation) -> None:
    team.ok("alice", "heures 1 2h date:06/06/2016")
    run_on(team, "2016-06-10", "nudge")  # Friday
    assert team.sent_to("alice") == []
    [nudge] = team.sent_to("bruno")
    assert "06/06/2016" in nudge
    run_on(team, "2016-06-10", "nudge")
    assert len(team.sent_to("bruno")) == 1

    run_on(team, "2016-11-11", "nudge")  # Armistice, a Friday
    assert len(team.sent_to("bruno")) == 1
    run_on(team, "2016-11-14", "nudge")  # the Monday after: still about the week of 7 November
    assert "07/11/2016" in team.sent_to("bruno")[-1]
    assert len(team.sent_to("alice")) == 1


def test_deadlines_reach_the_coordinators_of_their_region(team: Conversation) -> None:
    run_on(team, "2016-09-22", "deadlines")
    assert team.sent_to("claire") == []
    run_on(team, "2016-09-23", "deadlines")
    [reminder] = team.sent_to("claire")
    assert "Dépôt des dossiers" in reminder
    assert "30/09/2016" in reminder
    assert team.sent_to("david") == []


def test_the_digest_matches_the_budget_report(team: Conversation) -> None:
    on(team, "2016-06-10")
    team.ok("alice", "heures 1 3h30 date:08/06/2016")
    team.ok("bruno", "heures 1 2h date:09/06/2016")
    team.ok("claire", 'depense 1 "12 345,50" type:prestataire libelle:"Atelier usagers"')
    budget = team.ok("claire", "budget 1").text
    run_on(team, "2016-06-13", "digest")  # Monday: the digest of the week before
    [table] = [reply.table for address, reply in team.notifier.sent if address.user_id == "claire"]
    assert table is not None
    [row] = table.rows
    assert row[0] == "#1 Lab Bretagne"
    valued, used, ratio = row[3], row[4], row[5]
    for figure in (valued, used, ratio):
        assert figure.replace("\u202f", " ").replace("\u00a0", " ") in budget
    assert row[1] == row[2]  # every hour was logged that week
    assert team.sent_to("david") != []  # Normandie's coordinator gets an empty digest
