"""Mentions and direct messages over the websocket; reconnection; TLS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.mattermost.mentions import MentionListener
from adapters.serve import assemble, platforms_app
from labbot.storage.models import HourEntry
from tests.mattermost.conftest import Mattermost, Server, mattermost_settings, wait_until
from tests.platforms.mattermost_api import MattermostApiStandIn


def test_direct_message_gets_a_reply_post(mattermost: Mattermost) -> None:
    dm = mattermost.dm_with(mattermost.alice)
    mattermost.api.emit_posted(dm, mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    (reply,) = wait_until(lambda: mattermost.bot_posts(dm))
    assert "Idée #1 enregistrée" in reply["message"]


def test_channel_mention_runs_the_command_and_answers_privately(mattermost: Mattermost) -> None:
    api = mattermost.api
    api.emit_posted(mattermost.channel_id, mattermost.alice, "bonjour à tous")  # not for the bot
    api.emit_posted(mattermost.channel_id, mattermost.alice, 'idee "Lab" region:bretagne services:"A, B"')
    api.emit_posted(mattermost.channel_id, mattermost.bruno, "@labbot aide", props={"from_bot": "true"})
    api.emit_posted(
        mattermost.channel_id, mattermost.alice, 'merci @labbot idee "Lab" region:bretagne services:"A, B"'
    )
    dm = mattermost.dm_with(mattermost.alice)
    (reply,) = wait_until(lambda: mattermost.bot_posts(dm))
    assert "Idée #1 enregistrée" in reply["message"]
    assert mattermost.bot_posts(mattermost.channel_id) == []
    assert mattermost.bot_posts(mattermost.dm_with(mattermost.bruno)) == []  # a bot's post is never answered


def test_shared_reply_goes_to_the_thread_of_the_mention(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    mention = mattermost.api.emit_posted(mattermost.channel_id, mattermost.bruno, "@LabBot publier projets")
    (reply,) = wait_until(lambda: mattermost.bot_posts(mattermost.channel_id))
    assert reply["root_id"] == mention["id"]
    assert "| # | Title | Region | Status | Team |" in reply["message"]
    assert "| ---: | --- | --- | --- | ---: |" in reply["message"]


def test_after_a_dropped_websocket_the_next_mention_is_answered_once(mattermost: Mattermost) -> None:
    api = mattermost.api
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    assert api.drop_websockets() == 1
    api.wait_for_websockets(1, timeout=30)
    dm = mattermost.dm_with(mattermost.alice)
    api.emit_posted(dm, mattermost.alice, "heures 1 2h")
    wait_until(lambda: mattermost.bot_posts(dm))
    api.resend_last_events(2)  # Mattermost may replay recent events to a reconnected client
    api.emit_posted(dm, mattermost.alice, "mesheures")  # answered after any duplicate would have been
    wait_until(lambda: len(mattermost.bot_posts(dm)) >= 2)
    assert len(mattermost.bot_posts(dm)) == 2
    assert mattermost.count(HourEntry) == 1


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted", "untrusted"])
def test_wss_with_a_self_signed_certificate(
    tmp_path: Path,
    mattermost_api_tls: MattermostApiStandIn,
    mattermost_env: Callable[[MattermostApiStandIn], None],
    caplog: pytest.LogCaptureFixture,
    trusted: bool,
) -> None:
    api = mattermost_api_tls
    mattermost_env(api)
    extra = {"ca_file": str(api.ca_file)} if trusted else {}
    database = f"sqlite:///{tmp_path}/labbot.db"
    application, (platform,) = assemble(mattermost_settings(database, api, **extra))
    caplog.set_level(logging.INFO, "adapters.mattermost.websocket")
    with Server(platforms_app(application, [platform])):
        if trusted:
            api.wait_for_websockets(1, timeout=10)
            assert api.connected_websockets == 1
        else:
            wait_until(lambda: "TLS verification failed" in caplog.text)
            assert api.connected_websockets == 0
    application.database.dispose()


def test_a_post_delivered_again_after_a_restart_logs_nothing_twice(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    dm = mattermost.dm_with(mattermost.alice)
    post = mattermost.api.emit_posted(dm, mattermost.alice, "heures 1 2h")
    wait_until(lambda: mattermost.bot_posts(dm))
    # A new process has forgotten which posts it saw; the database has not.
    asyncio.run(MentionListener(mattermost.platform.adapter).answer(post, "D"))
    assert mattermost.count(HourEntry) == 1
