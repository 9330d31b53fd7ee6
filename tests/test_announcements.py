"""Announcements end to end through the console: preview, confirm, release, delivery, report, cancel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from labbot.messages import Request
from labbot.scheduling import jobs
from labbot.scheduling.audience import Reach
from labbot.scheduling.jobs import JobRuntime
from labbot.storage.models import Announcement
from tests.conftest import Conversation


@pytest.fixture
def admin(lab: Conversation) -> Iterator[Conversation]:
    """The lab, with the scheduler's jobs runnable in-process and the join notification forgotten."""
    app = lab.app
    jobs.install(JobRuntime(app.database, app.settings, lab.clock, Reach(None), app.worker.run_until_idle))
    lab.notifier.sent.clear()
    yield lab
    jobs.install(None)


def announcements_count(chat: Conversation) -> int:
    with chat.app.database.transaction() as session:
        return int(session.scalar(select(func.count(Announcement.id))) or 0)


def test_preview_then_confirm_then_everyone_in_the_region_gets_it_once(admin: Conversation) -> None:
    preview = admin.ok("sgmap", 'annonce "Dépôt le 30/09 @channel <!here>" region:bretagne')
    assert "3" in preview.text
    assert "annonce confirmer 1" in preview
    assert admin.notifier.sent == []  # nothing before confirmation
    admin.ok("sgmap", "annonce confirmer 1")
    jobs.release_announcement(1)
    jobs.release_announcement(1)  # fired twice (a restart, a retry): released once
    for user in ("alice", "bruno", "claire"):
        [text] = admin.sent_to(user)
        # Delivered as written; each chat adapter makes its mentions harmless (tests/test_mentions_never_ping.py).
        assert "Dépôt le 30/09 @channel <!here>" in text
    [report] = admin.sent_to("sgmap")
    assert "3" in report
    assert "0" in report
    listing = admin.ok("sgmap", "annonces")
    assert "Bretagne" in listing


def test_bad_input_names_the_field_and_writes_nothing(admin: Conversation) -> None:
    refused = admin.say("sgmap", 'annonce "Bonjour" region:atlantide')
    assert not refused.ok
    assert "region" in refused.text
    assert "bretagne" in refused.text
    refused = admin.say("sgmap", 'annonce "Bonjour" quand:"31/02/2016 10:00"')
    assert not refused.ok
    assert "quand" in refused.text
    assert 'quand:"10/07/2016 09:30"' in refused  # the example: thirty days after the clock, never past
    refused = admin.say("sgmap", 'annonce "Bonjour" quand:"01/06/2016 10:00"')
    assert not refused.ok
    assert "quand" in refused.text
    refused = admin.say("sgmap", 'annonce "Bonjour" region:bretagne projet:1')
    assert not refused.ok
    assert announcements_count(admin) == 0
    assert not admin.say("alice", 'annonce "Bonjour"').ok  # administrators only


def test_a_cancelled_announcement_is_never_sent(admin: Conversation) -> None:
    admin.ok("sgmap", 'annonce "Report" a:tous quand:"12/06/2016 09:30"')
    admin.ok("sgmap", "annonce confirmer 1")
    admin.ok("sgmap", "annonce annuler 1")
    jobs.release_announcement(1)
    assert admin.notifier.sent == []
    assert not admin.say("sgmap", "annonce confirmer 1").ok


def test_muted_reminders_do_not_mute_announcements(admin: Conversation) -> None:
    admin.ok("alice", "rappels off")
    admin.ok("sgmap", 'annonce "Important" projet:1')
    admin.ok("sgmap", "annonce confirmer 1")
    jobs.release_announcement(1)
    assert admin.sent_to("alice") == ["Important"]


def test_a_registered_lab_channel_receives_announcements(admin: Conversation) -> None:
    def in_channel(user: str, text: str) -> str:
        reply = admin.app.bot.handle(
            Request(platform="slack", user_id=user, text=text, channel_id="C9", channel_name="lab-bzh")
        )
        return reply.text

    admin.ok("sgmap", "role slack:UCLAIRE coordinateur region:bretagne")
    assert "lab-bzh" in in_channel("UCLAIRE", "canal ajouter region:bretagne")
    assert "lab-bzh" not in in_channel("UOTHER", "canal ajouter region:bretagne")  # an agent may not
    admin.ok("sgmap", 'annonce "Bonjour le canal" canal:lab-bzh')
    admin.ok("sgmap", "annonce confirmer 1")
    jobs.release_announcement(1)
    channel_posts = [(a.channel_id, r.text) for a, r in admin.notifier.sent if a.channel_id]
    assert channel_posts == [("C9", "Bonjour le canal")]
