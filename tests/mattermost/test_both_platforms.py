"""`labbot run` with [slack] and [mattermost]: one process, one HTTP port, one database, one person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select

from adapters.serve import assemble, platforms_app
from labbot.config import Settings
from labbot.storage.models import HourEntry, Identity, Person
from tests.mattermost.conftest import COMMAND_TOKEN, Server, wait_until
from tests.platforms.mattermost_api import MattermostApiStandIn
from tests.platforms.slack_api import SlackApiStandIn
from tests.slack.conftest import SIGNING_SECRET, signed_headers, text_of


def test_one_labbot_serves_slack_and_mattermost_on_one_port_and_one_database(
    database_url: str,
    slack_api: SlackApiStandIn,
    mattermost_api: MattermostApiStandIn,
    mattermost_env: Callable[[MattermostApiStandIn], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slack_api.add_user("U0ALICE", "alice", "Alice Martin", "alice@dreal.gouv.fr")
    slack_api.add_channel("C0LAB", "lab-bretagne")
    mattermost_api.add_team("labs")
    mm_alice = mattermost_api.add_user("alice", "Alice@DREAL.gouv.fr", first_name="Alice", last_name="Martin")
    mattermost_env(mattermost_api)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_api.token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    settings = {
        "database": {"url": database_url},
        "commands": {"processes": 0},
        "slack": {"mode": "http", "api_base_url": slack_api.base_url},
        "mattermost": {"url": mattermost_api.url, "team": "labs", "public_url": "https://labbot.example.gouv.fr"},
    }
    application, platforms = assemble(Settings.model_validate(settings))
    assert sorted(p.name for p in platforms) == ["mattermost", "slack"]
    with (
        Server(platforms_app(application, platforms)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        mattermost_api.wait_for_websockets(1, timeout=10)
        assert http.get("/healthz").json() == {"status": "ok"}

        # Alice registers an idea and logs 3 h from Slack…
        for text in ('idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"', "heures 1 3h"):
            response_url = slack_api.new_response_url()
            body = urlencode(
                {
                    "token": "unused", "team_id": slack_api.team_id, "team_domain": "labs", "channel_id": "C0LAB",
                    "channel_name": "lab-bretagne", "user_id": "U0ALICE", "user_name": "alice", "command": "/lab",
                    "text": text, "api_app_id": slack_api.app_id, "response_url": response_url,
                    "trigger_id": f"{text[:5]}.trigger",
                }
            ).encode()  # fmt: skip
            headers = signed_headers(body, "application/x-www-form-urlencoded")
            assert http.post("/slack/events", content=body, headers=headers).status_code == 200
            wait_until(lambda url=response_url: slack_api.responses_to(url))
        assert "enregistr" in text_of(slack_api.responses_to(response_url)[0].body)

        # …then 2 h from Mattermost, on the same port: the same person, the same project, one list of hours.
        form = {
            "token": COMMAND_TOKEN, "team_id": "t", "channel_id": "c", "user_id": mm_alice, "user_name": "alice",
            "command": "/lab", "trigger_id": "mm-1",
        }  # fmt: skip

        def answer_to(text: str, trigger_id: str) -> dict[str, Any]:
            """The answer that follows the ack, through the command's response_url."""
            url = mattermost_api.new_response_url()
            sent = {**form, "text": text, "trigger_id": trigger_id, "response_url": url}
            assert http.post("/mattermost/command", data=sent).status_code == 200
            return dict(wait_until(lambda: mattermost_api.responses_to(url))[0])

        answer_to("heures 1 2h", "mm-1")
        mine = answer_to("mesheures", "mm-2")
    rows = [line for line in mine["text"].split("\n") if line.startswith("| ") and "Lab Bretagne" in line]
    assert len(rows) == 2
    with application.database.transaction() as session:
        assert session.scalar(select(Person.id).where(Person.email.is_not(None))) is not None
        people = session.scalars(select(Person)).all()
        assert len(people) == 1
        assert sorted(i.platform for i in session.scalars(select(Identity))) == ["mattermost", "slack"]
        assert {e.person_id for e in session.scalars(select(HourEntry))} == {people[0].id}
    application.database.dispose()
