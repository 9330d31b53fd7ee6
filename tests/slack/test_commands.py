"""`/lab` end to end: signed slash commands, answers through response_url, language, retries, forgeries."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from sqlalchemy import func, select

from labbot.messages import Request
from labbot.storage.models import HourEntry, Project
from tests.platforms.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.slack.conftest import Workspace, add_people, build_workspace, signed_headers, text_of, wait_for


def mrkdwn_texts(value: object) -> list[str]:
    if isinstance(value, dict):
        own = [value["text"]] if value.get("type") == "mrkdwn" else []
        return own + [t for item in value.values() for t in mrkdwn_texts(item)]
    if isinstance(value, list):
        return [t for item in value for t in mrkdwn_texts(item)]
    return []


def count(slack: Workspace, model: type[object]) -> int:
    with slack.app.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_slash_command_acks_then_answers_privately_in_french(slack: Workspace) -> None:
    response, url = slack.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    assert response.status_code == 200
    assert response.text == ""  # the ack carries nothing: the answer comes through response_url
    [answer] = slack.answers(url)
    assert answer["response_type"] == "ephemeral"
    assert "Idée n° 1 enregistrée" in text_of(answer) or "Idée #1 enregistrée" in text_of(answer)
    assert count(slack, Project) == 1


def test_english_slack_locale_gets_english(slack: Workspace) -> None:
    _, url = slack.command("U0EMMA", "aide")
    [answer] = slack.answers(url)
    assert "Commands" in text_of(answer) or "commands" in text_of(answer)
    assert "Commandes" not in text_of(answer)


def test_forged_stale_and_missing_signatures_are_refused_and_write_nothing(slack: Workspace) -> None:
    body, url = slack.command_body("U0ALICE", 'idee "Forgé" region:bretagne services:"DREAL"')
    form = "application/x-www-form-urlencoded"
    forged = slack.post(body, form, {"X-Slack-Signature": "v0=" + "0" * 64})
    stale_headers = signed_headers(body, form, timestamp=int(time.time()) - 6 * 60)
    stale = slack.http.post("/slack/events", content=body, headers=stale_headers)
    unsigned = slack.http.post("/slack/events", content=body, headers={"Content-Type": form})
    assert [forged.status_code, stale.status_code, unsigned.status_code] == [401, 401, 401]
    _, later_url = slack.command("U0ALICE", "aide")
    slack.answers(later_url)  # proves the app is working, so the refused ones had their chance
    assert slack.api.responses_to(url) == []
    assert count(slack, Project) == 0


def test_a_retried_slash_command_writes_one_entry(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    slack.answers(url)
    body, retry_url = slack.command_body("U0ALICE", "heures 1 2h")
    form = "application/x-www-form-urlencoded"
    slack.post(body, form)
    slack.post(body, form, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    answers = slack.answers(retry_url, count=2)
    # Durations are written `2 h`, with a no-break space however the message carries it.
    assert all(re.search(r"\b2\s?h\b", text_of(a)) for a in answers)
    assert count(slack, HourEntry) == 1


def test_bad_input_names_the_field_with_an_example_and_writes_nothing(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", 'idee "Lab" region:atlantide services:"DREAL"')
    [answer] = slack.answers(url)
    said = text_of(answer)
    assert "region" in said.lower() or "région" in said.lower()
    assert "Exemple" in said
    assert count(slack, Project) == 0


def test_user_text_cannot_ping_or_link(slack: Workspace) -> None:
    _, url = slack.command(
        "U0ALICE", 'idee "<!channel> @here <https://evil.example|clic>" region:bretagne services:"DREAL"'
    )
    [answer] = slack.answers(url)
    # Slack reads the fallback text and mrkdwn objects for mentions and links; plain_text shows as typed.
    raw = " ".join([answer["text"], *mrkdwn_texts(answer["blocks"])])
    assert "clic" in raw
    assert "<!channel>" not in raw
    assert "@here" not in raw
    assert "<https://evil" not in raw


def test_users_info_is_asked_once_per_user(slack: Workspace) -> None:
    for text in ("aide", "evenements", "projets"):
        _, url = slack.command("U0ALICE", text)
        slack.answers(url)
    assert len(slack.api.calls_to("users.info")) == 1


def test_read_only_commands_do_not_refresh_app_home_but_changes_do(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", "evenements")
    slack.answers(url)
    assert slack.api.calls_to("views.publish") == []
    _, url = slack.command("U0ALICE", "inscription camp")
    slack.answers(url)
    home = wait_for(lambda: slack.api.home_view_of("U0ALICE"), "App Home published after a signup")
    assert "Project camp" in text_of(home)


def test_a_reply_too_long_for_slack_is_summarised_with_the_full_version_as_a_file(slack: Workspace) -> None:
    for n in range(30):
        slack.app.bot.handle(Request(platform="console", user_id=f"agent{n:02d}", text="inscription camp"))
    _, url = slack.command("U0SGMAP", "inscrits camp")
    [answer] = slack.answers(url)
    assert "5 lignes de plus dans le fichier joint" in text_of(answer)
    [upload] = wait_for(lambda: slack.api.uploaded_files, "the full version as a file")
    assert b"agent29" in upload.content
    assert upload.channels == (slack.api.dm_channel_of("U0SGMAP"),)


def test_commands_in_worker_processes_write_and_answer(
    database_url: str, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The production setting: commands run in lower-priority worker processes, on the same database."""
    add_people(slack_api)
    workspace = build_workspace(database_url, slack_api, monkeypatch, "http", command_processes=1)
    with workspace.http:
        _, url = workspace.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
        [answer] = workspace.answers(url, timeout=60)
        assert "Lab Bretagne" in text_of(answer)
        assert count(workspace, Project) == 1
        home = wait_for(lambda: slack_api.home_view_of("U0ALICE"), "App Home after the change")
        assert "#1 Lab Bretagne" in text_of(home)
    workspace.app.database.dispose()


def test_an_answer_slack_rate_limits_is_posted_again_after_retry_after_and_once(
    database_url: str, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker posts once without waiting; a 429 hands the answer back to the server, whose post waits out
    a second 429's Retry-After: the person gets it once, and the worker's next answers go through as before."""
    add_people(slack_api)
    workspace = build_workspace(database_url, slack_api, monkeypatch, "http", command_processes=1)
    with workspace.http:
        slack_api.fail_next(RESPONSE_URL, status=429, retry_after=1, count=2)
        refused_at = time.monotonic()
        _, url = workspace.command("U0ALICE", "aide")
        [answer] = workspace.answers(url, timeout=60)
        assert time.monotonic() - refused_at >= 1
        refused = slack_api.refused_responses_to(url)
        assert [r.body["blocks"] for r in refused] == [answer["blocks"]] * 2
        for _ in range(2):
            _, again = workspace.command("U0ALICE", "aide")
            assert len(workspace.answers(again, timeout=60)) == 1
        time.sleep(0.3)
        assert len(slack_api.responses_to(url)) == 1
    workspace.app.database.dispose()


def test_a_burst_of_first_commands_asks_users_info_once(slack: Workspace) -> None:
    async def burst() -> list[str]:
        users = slack.platform.bridge.users
        found = await asyncio.gather(*(users.get("U0BRUNO") for _ in range(8)))
        return [user.display_name for user in found]

    assert slack.http.portal.call(burst) == ["bruno"] * 8  # on the app's event loop
    assert len(slack.api.calls_to("users.info")) == 1
