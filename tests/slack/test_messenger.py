"""The Slack messenger the outbox relies on: markers found again, no internal retry, failures classified."""

from __future__ import annotations

import pytest

from adapters.slack.messenger import SlackMessenger, web_client
from adapters.slack.platform import from_settings
from adapters.slack.settings import SlackSettings, secrets_from_environment
from labbot.config import ConfigError, Settings
from labbot.messages import Action, Address, Reply, Table
from labbot.ports import DeliveryFailed
from tests.platforms.slack_api import SlackApiStandIn
from tests.slack.conftest import CHANNEL, add_people, text_of


@pytest.fixture
def messenger(slack_api: SlackApiStandIn) -> SlackMessenger:
    add_people(slack_api)
    # The production client, so that "no internal retry" is what labbot really ships.
    return SlackMessenger(web_client(SlackSettings(api_base_url=slack_api.base_url), slack_api.token))


def test_a_marked_direct_message_is_found_again(messenger: SlackMessenger, slack_api: SlackApiStandIn) -> None:
    ts = messenger.send_direct("U0ALICE", Reply(text="Bonjour"), marker="outbox-42")
    messenger.send_direct("U0ALICE", Reply(text="Autre"), marker="outbox-43")
    alice = Address("slack", "U0ALICE")
    assert messenger.find_marked(alice, "outbox-42") == ts
    assert messenger.find_marked(alice, "outbox-44") is None
    [first, _second] = slack_api.messages_in(slack_api.dm_channel_of("U0ALICE"))
    assert first["text"] == "Bonjour"  # the marker is not in what people read
    assert "outbox-42" not in text_of(first)


def test_channel_post_too_long_gets_its_full_text_as_a_file(
    messenger: SlackMessenger, slack_api: SlackApiStandIn
) -> None:
    rows = [[f"agent {n}", f"{n}h"] for n in range(80)]
    ts = messenger.send_to_channel(
        CHANNEL, Reply(title="Rapport", table=Table(columns=["Agent", "Heures"], rows=rows))
    )
    [posted] = [m for m in slack_api.messages_in(CHANNEL) if m["ts"] == ts]
    assert "55 lignes de plus" in text_of(posted)
    [upload] = slack_api.uploaded_files
    assert b"agent 79" in upload.content
    assert upload.thread_ts == ts


def test_file_to_a_user_carries_the_marker_on_its_comment(
    messenger: SlackMessenger, slack_api: SlackApiStandIn
) -> None:
    alice = Address("slack", "U0ALICE")
    comment = Reply(
        text="Votre invitation",
        title="Project camp",
        actions=[Action(label="Se désinscrire", command="desinscription camp")],
    )
    ts = messenger.send_file(
        target=alice, filename="camp.ics", content=b"BEGIN:VCALENDAR", comment=comment, marker="m-7"
    )
    assert messenger.find_marked(alice, "m-7") == ts
    [message] = [m for m in slack_api.messages_in(slack_api.dm_channel_of("U0ALICE")) if m["ts"] == ts]
    # The reminder keeps its title and its button beside the file.
    assert message["blocks"][0]["type"] == "header"
    assert any(b["type"] == "actions" for b in message["blocks"])
    [upload] = slack_api.uploaded_files
    assert (upload.filename, upload.content, upload.thread_ts) == ("camp.ics", b"BEGIN:VCALENDAR", ts)


def test_rate_limit_is_not_retried_inside_but_raised_with_retry_after(
    messenger: SlackMessenger, slack_api: SlackApiStandIn
) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(DeliveryFailed) as failure:
        messenger.send_to_channel(CHANNEL, Reply(text="Annonce"))
    assert (failure.value.permanent, failure.value.retry_after) == (False, 7.0)
    assert len(slack_api.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("error", "status", "permanent"),
    [("channel_not_found", 200, True), ("is_archived", 200, True), (None, 503, False)],
)
def test_failures_are_classified(
    messenger: SlackMessenger, slack_api: SlackApiStandIn, error: str | None, status: int, permanent: bool
) -> None:
    slack_api.fail_next("chat.postMessage", status=status, error=error)
    with pytest.raises(DeliveryFailed) as failure:
        messenger.send_to_channel(CHANNEL, Reply(text="Annonce"))
    assert failure.value.permanent is permanent


def test_sending_needs_only_the_bot_token_serving_needs_the_signing_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert from_settings(Settings()) is None
    settings = Settings.model_validate({"slack": {"mode": "http"}})
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        secrets_from_environment("http", inbound=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert secrets_from_environment("http", inbound=False).bot_token == "xoxb-1"
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        from_settings(settings)


def test_socket_mode_needs_the_app_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        from_settings(Settings.model_validate({"slack": {"mode": "socket"}}))


def test_a_bad_slack_table_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"slack\.mode"):
        from_settings(Settings.model_validate({"slack": {"mode": "carrier-pigeon"}}))
