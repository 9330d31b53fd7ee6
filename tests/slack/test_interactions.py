"""Buttons, App Home, mentions and DMs, Events API retries, rate limits and Slack failures."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from labbot.storage.models import HourEntry
from tests.slack.conftest import CHANNEL, Workspace, text_of, wait_for


def buttons(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(block id, button) of every button in a message."""
    return [
        (block["block_id"], element)
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def click(slack: Workspace, user: str, message: dict[str, Any], command: str) -> tuple[dict[str, Any], str]:
    """The block_actions payload of `user` clicking the button that runs `command`."""
    block_id, button = next((b, e) for b, e in buttons(message) if e["value"] == command)
    response_url = slack.api.new_response_url()
    payload = {
        "type": "block_actions",
        "team": {"id": slack.api.team_id, "domain": "labbot-test"},
        "user": {"id": user, "username": user.lower(), "team_id": slack.api.team_id},
        "api_app_id": slack.api.app_id,
        "container": {"type": "message", "message_ts": "1465550000.000200", "is_ephemeral": True},
        "trigger_id": "13345.98765.abcd",
        "channel": {"id": CHANNEL, "name": "lab-bretagne"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": block_id,
                "value": button["value"],
                "text": button["text"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return payload, response_url


def events_card(slack: Workspace, user: str) -> dict[str, Any]:
    _, url = slack.command(user, "evenements")
    return slack.answers(url)[0]


def test_signup_button_waitlist_and_promotion(slack: Workspace) -> None:
    payload, url = click(slack, "U0ALICE", events_card(slack, "U0ALICE"), "inscription atelier")
    assert slack.interact(payload).status_code == 200
    [signed_up] = slack.answers(url)
    assert signed_up["replace_original"] is True  # the card is updated in place
    assert "Atelier design" in text_of(signed_up)

    bruno_payload, bruno_url = click(slack, "U0BRUNO", events_card(slack, "U0BRUNO"), "inscription atelier")
    slack.interact(bruno_payload)
    assert "attente" in text_of(slack.answers(bruno_url)[0])

    cancel, cancel_url = click(slack, "U0ALICE", signed_up, "desinscription atelier")
    slack.interact(cancel)
    slack.answers(cancel_url)
    bruno_dm = slack.api.dm_channel_of("U0BRUNO")
    [promotion] = wait_for(lambda: slack.api.messages_in(bruno_dm), "Bruno's promotion message")
    assert "place" in text_of(promotion)
    assert "Atelier design" in text_of(promotion)


def test_double_click_runs_once(slack: Workspace) -> None:
    card = events_card(slack, "U0ALICE")
    first, first_url = click(slack, "U0ALICE", card, "inscription atelier")
    second, second_url = click(slack, "U0ALICE", card, "inscription atelier")
    slack.interact(first)
    slack.interact(second)
    one, two = slack.answers(first_url)[0], slack.answers(second_url)[0]
    assert text_of(one) == text_of(two)  # the same answer, not "already registered"


def test_app_home_is_published_when_opened(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    slack.answers(url)
    _, url = slack.command("U0ALICE", "heures 1 2h30")
    slack.answers(url)
    slack.event({"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home"})
    home = wait_for(
        lambda: (v := slack.api.home_view_of("U0ALICE")) and "2 h 30" in _spaced(text_of(v)) and v,
        "the refreshed home",
    )
    said = text_of(home)
    assert "#1 Lab Bretagne" in said
    assert "Atelier design" in said
    assert "Saisir des heures" in said


def test_mention_is_answered_in_its_thread_privately(slack: Workspace) -> None:
    mention = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@U0LABBOT> aide heures",
        "ts": "1465550000.000300",
        "channel": CHANNEL,
        "event_ts": "1465550000.000300",
    }
    slack.event(mention)
    [answer] = wait_for(lambda: slack.api.ephemerals_in(CHANNEL), "the answer to the mention")
    assert answer["user"] == "U0ALICE"
    assert answer["thread_ts"] == "1465550000.000300"
    assert "heures" in text_of(answer)


def test_direct_message_is_answered_in_thread_and_a_retry_writes_once(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    slack.answers(url)
    message = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0ALICE",
        "user": "U0ALICE",
        "text": "heures 1 2h",
        "ts": "1465550000.000400",
    }
    slack.event(message, event_id="Ev0DM")
    slack.event(message, event_id="Ev0DM", retry=1)
    [answer] = wait_for(lambda: slack.api.messages_in("D0ALICE"), "the answer to the DM")
    assert answer["thread_ts"] == "1465550000.000400"
    assert "2 h" in _spaced(text_of(answer))
    slack.event({**message, "text": "aide", "ts": "1465550000.000500"})
    wait_for(lambda: len(slack.api.messages_in("D0ALICE")) == 2, "the answer to the next DM")
    with slack.app.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(HourEntry)) == 1


def test_rate_limited_answer_is_retried_after_retry_after(slack: Workspace) -> None:
    slack.api.fail_next("chat.postEphemeral", status=429, retry_after=1)
    slack.event(
        {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": "<@U0LABBOT> evenements",
            "ts": "1.2",
            "channel": CHANNEL,
        }
    )
    wait_for(lambda: slack.api.ephemerals_in(CHANNEL), "the answer after the rate limit")
    first, second = slack.api.calls_to("chat.postEphemeral")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1  # it waited for Retry-After


def test_slack_refusing_the_answer_is_told_to_the_user_by_dm(slack: Workspace) -> None:
    slack.api.fail_next("chat.postEphemeral", error="not_in_channel")
    slack.event(
        {"type": "app_mention", "user": "U0ALICE", "text": "<@U0LABBOT> aide", "ts": "1.3", "channel": CHANNEL}
    )
    dm = slack.api.dm_channel_of("U0ALICE")
    [told] = wait_for(lambda: slack.api.messages_in(dm), "the failure message")
    assert "Slack a refusé" in text_of(told)
    assert "not_in_channel" in text_of(told)


def _spaced(text: str) -> str:
    """Durations are written with narrow no-break spaces (`2 h 30`): read them as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
