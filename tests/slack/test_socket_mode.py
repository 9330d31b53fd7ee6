"""Socket Mode: labbot connects through apps.connections.open, and an envelope reaches the same listeners."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from labbot.config import ConfigError
from labbot.storage.models import Project
from tests.platforms.slack_api import SlackApiStandIn
from tests.slack.conftest import CHANNEL, Workspace, add_people, build_workspace, text_of, wait_for


@pytest.fixture
def socket_slack(
    database_url: str, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Workspace]:
    """labbot in Socket Mode: no HTTP route for Slack, a websocket to the stand-in instead."""
    add_people(slack_api)
    workspace = build_workspace(database_url, slack_api, monkeypatch, "socket")
    assert workspace.platform.routes() == []
    with workspace.http:
        yield workspace
    workspace.app.database.dispose()
    assert slack_api.socket_connections == 0  # closed on shutdown


def test_a_slash_command_over_socket_mode_is_acked_and_carried_out(socket_slack: Workspace) -> None:
    api = socket_slack.api
    wait_for(lambda: api.socket_connections == 1, "the Socket Mode connection")
    assert api.calls_to("apps.connections.open")[0].headers["authorization"] == "Bearer xapp-labbot-test"
    response_url = api.new_response_url()
    command = {
        "team_id": api.team_id,
        "channel_id": CHANNEL,
        "user_id": "U0ALICE",
        "command": "/lab",
        "text": 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"',
        "api_app_id": api.app_id,
        "response_url": response_url,
        "trigger_id": f"1.{int(time.time())}.socket",
    }
    envelope = api.socket_send("slash_commands", command)
    wait_for(lambda: api.socket_ack(envelope), "the envelope's ack")
    [answer] = socket_slack.answers(response_url)
    assert "Idée n° 1 enregistrée" in text_of(answer) or "#1" in text_of(answer)
    with socket_slack.app.database.transaction() as session:
        assert [p.title for p in session.scalars(select(Project))] == ["Lab Bretagne"]


def test_a_refused_app_token_stops_the_start_with_a_clear_error(
    database_url: str, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = build_workspace(database_url, slack_api, monkeypatch, "socket")
    workspace.platform.secrets = replace(workspace.platform.secrets, app_token="xapp-revoked")
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"), workspace.http:
        pass
    workspace.app.database.dispose()
    assert slack_api.socket_connections == 0
