"""Support requests end to end: opened by the team, moved by SGMAP, listed by region, reminded on working days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from labbot.clock import PARIS
from labbot.scheduling import jobs
from labbot.scheduling.audience import Reach
from labbot.scheduling.jobs import JobRuntime
from labbot.scheduling.support_reminders import working_days_since
from labbot.storage.models import AuditEntry, SupportRequest
from tests.conftest import Conversation


@pytest.fixture
def support(lab: Conversation) -> Iterator[Conversation]:
    """The lab (#1 Bretagne: alice, bruno; claire coordinates Bretagne), david coordinating Normandie, and the
    scheduler's jobs runnable in-process."""
    lab.ok("david", "aide")
    lab.ok("sgmap", "role david coordinateur region:normandie")
    app = lab.app
    jobs.install(JobRuntime(app.database, app.settings, lab.clock, Reach(None), app.worker.run_until_idle))
    lab.notifier.sent.clear()
    yield lab
    jobs.install(None)


def requests_written(chat: Conversation) -> tuple[int, int]:
    with chat.app.database.transaction() as session:
        rows = int(session.scalar(select(func.count(SupportRequest.id))) or 0)
        audits = int(session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "support")) or 0)
    return rows, audits


def test_the_team_asks_sgmap_moves_and_the_team_is_told(support: Conversation) -> None:
    opened = support.ok("bruno", 'appui 1 type:methodologique "Animer un atelier de design de services"')
    assert "1" in opened.text
    [notice] = support.sent_to("sgmap")
    assert "atelier de design de services" in notice
    listing = support.ok("sgmap", "appuis")
    assert "Lab Bretagne" in listing.text
    assert "méthodologique" in listing.text
    assert "Lab Bretagne" in support.ok("claire", "appuis").text
    support.notifier.sent.clear()
    support.ok("sgmap", 'appui 1 statut:en-cours note:"Atelier le 20/06" responsable:@claire')
    for member in ("alice", "bruno"):
        [told] = support.sent_to(member)
        assert "Atelier le 20/06" in told
    assert "en cours" in support.ok("sgmap", "appuis").text
    support.ok("claire", "appui 1 statut:clos")
    assert "Lab Bretagne" not in support.ok("sgmap", "appuis").text
    assert "Lab Bretagne" in support.ok("sgmap", "appuis statut:clos").text
    closed = support.say("sgmap", "appui 1 statut:en-cours")
    assert not closed.ok
    assert requests_written(support) == (1, 3)
    english = support.ok("bruno", 'support 1 kind:promotion "Show the lab at the regrouping day"', lang="en")
    assert "promotion" in english.text
    assert "valorisation" not in english.text


def test_coordinators_see_their_region_only(support: Conversation) -> None:
    support.ok("alice", 'appui 1 type:technique "Héberger un prototype"')
    assert "Lab Bretagne" not in support.ok("david", "appuis").text
    refused = support.say("david", "appuis region:bretagne")
    assert not refused.ok
    assert not support.say("alice", "appuis").ok  # agents: not at all
    moved = support.say("david", "appui 1 statut:en-cours")
    assert not moved.ok
    assert "Bretagne" in moved.text


def test_bad_input_is_refused_with_the_choices_and_writes_nothing(support: Conversation) -> None:
    for user, command, fragments in (
        ("david", 'appui 1 type:technique "Un serveur"', ["#1"]),  # not on the team
        ("claire", 'appui 1 type:technique "Un serveur"', ["#1"]),  # coordinating is not being on the team
        ("bruno", 'appui 1 type:juridique "Un avis"', ["technique", "methodologique", "valorisation"]),
        ("bruno", 'appui 1 "Un avis"', ["type", "technique"]),
        ("bruno", "appui 1 type:technique", ["besoin"]),
        ("bruno", 'appui 1 type:technique ""', ["besoin"]),
        ("bruno", 'appui 9 type:technique "Un serveur"', ["9"]),
        ("bruno", 'appui 1 type:technique statut:clos "Un serveur"', ["type"]),
    ):
        refused = support.say(user, command)
        assert not refused.ok, command
        for fragment in fragments:
            assert fragment in refused.text, (command, refused.text)
    assert requests_written(support) == (0, 0)
    support.ok("bruno", 'appui 1 type:technique "Un serveur"')
    for user, command, fragments in (
        ("sgmap", "appui 1 statut:fini", ["en-cours", "clos"]),
        ("sgmap", "appui 1 statut:ouvert", ["en-cours", "clos"]),
        ("sgmap", "appui 2 statut:clos", ["2"]),
        ("sgmap", "appui 1 statut:clos responsable:@personne", ["personne"]),
        ("bruno", "appui 1 statut:clos", ["Bretagne"]),  # the team asks; SGMAP and coordinators move
        ("sgmap", 'appui 1 statut:clos "autre besoin"', ["note"]),
    ):
        refused = support.say(user, command)
        assert not refused.ok, command
        for fragment in fragments:
            assert fragment in refused.text, (command, refused.text)
    assert requests_written(support) == (1, 1)


def at(chat: Conversation, day: str) -> None:
    chat.clock.moment = datetime.fromisoformat(day).replace(hour=9, tzinfo=PARIS)


def test_a_request_without_a_move_is_reminded_on_working_days(support: Conversation) -> None:
    support.ok("bruno", 'appui 1 type:valorisation "Présenter le lab"')  # Friday 10 June 2016
    support.notifier.sent.clear()
    at(support, "2016-06-14")  # Tuesday: two working days
    jobs.run_reminders("support")
    assert support.sent_to("sgmap") == []
    at(support, "2016-06-15")  # Wednesday: three working days, the default
    jobs.run_reminders("support")
    jobs.run_reminders("support")  # fired twice: reminded once
    [reminder] = support.sent_to("sgmap")
    assert "Présenter le lab" in reminder
    assert "3" in reminder
    support.notifier.sent.clear()
    at(support, "2016-06-18")  # a Saturday: nothing goes out
    jobs.run_reminders("support")
    at(support, "2016-06-17")  # Friday: five working days, not yet six
    jobs.run_reminders("support")
    assert support.sent_to("sgmap") == []
    at(support, "2016-06-20")  # Monday: six working days, reminded again
    jobs.run_reminders("support")
    assert len(support.sent_to("sgmap")) == 1
    support.notifier.sent.clear()
    support.ok("claire", "appui 1 statut:en-cours")  # a move starts the count again
    at(support, "2016-06-22")
    jobs.run_reminders("support")
    assert support.sent_to("sgmap") == []


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = date(2016, 7, 8)
    assert working_days_since(friday, date(2016, 7, 11)) == 1  # the weekend does not count
    assert working_days_since(friday, date(2016, 7, 15)) == 4  # nor 14 July
