"""The Mattermost messenger (labbot.ports.Messenger): posts, files, markers, and failures for the outbox."""

from __future__ import annotations

import pytest

from adapters.mattermost.messenger import MARKER_PROP, MattermostMessenger
from adapters.mattermost.render import POST_LIMIT, Buttons
from adapters.mattermost.rest import driver_for
from adapters.mattermost.settings import MattermostSettings
from adapters.mattermost.signing import ContextSigner
from labbot.messages import Action, Address, Reply, Table
from labbot.ports import DeliveryFailed
from tests.platforms.mattermost_api import MattermostApiStandIn


@pytest.fixture
def messenger(mattermost_api: MattermostApiStandIn) -> MattermostMessenger:
    """A messenger built from settings alone, as an outbox worker builds it (no bot, no HTTP server)."""
    settings = MattermostSettings(url=mattermost_api.url, team="labs", public_url="https://labbot.example.gouv.fr")
    buttons = Buttons("https://labbot.example.gouv.fr/mattermost/actions", ContextSigner("secret"))
    return MattermostMessenger(driver_for(settings, mattermost_api.token), buttons)


def test_direct_message_with_marker_is_found_again(
    mattermost_api: MattermostApiStandIn, messenger: MattermostMessenger
) -> None:
    alice = mattermost_api.add_user("alice")
    reply = Reply(
        title="Rappel", text="Journée de regroupement demain", actions=[Action(label="OK", command="evenements")]
    )
    post_id = messenger.send_direct(alice, reply, marker="outbox-42")
    post = mattermost_api.posts[post_id]
    assert post["channel_id"] == mattermost_api.direct_channel(mattermost_api.bot_user_id, alice)
    assert post["props"][MARKER_PROP] == "outbox-42"
    assert post["props"]["attachments"][0]["actions"][0]["name"] == "OK"
    messenger.send_direct(alice, Reply(text="autre chose"))
    assert messenger.find_marked(Address("mattermost", user_id=alice), "outbox-42") == post_id
    assert messenger.find_marked(Address("mattermost", user_id=alice), "outbox-43") is None
    # The direct channel is opened once, then remembered.
    assert len(mattermost_api.calls_to("POST", "/api/v4/channels/direct")) == 1


def test_long_reply_is_split_under_the_limit_with_the_marker_on_the_last_post(
    mattermost_api: MattermostApiStandIn, messenger: MattermostMessenger
) -> None:
    channel = mattermost_api.add_channel(mattermost_api.add_team("labs"), "rapports")
    rows = [[str(i), f"Agent {i} " + "x" * 60, "12 345,50 €"] for i in range(600)]
    reply = Reply(title="Rapport", table=Table(columns=["#", "Agent", "Montant"], rows=rows, numeric=[0, 2]))
    last = messenger.send_to_channel(channel, reply, marker="m1")
    posts = sorted(
        (p for p in mattermost_api.posts.values() if p["channel_id"] == channel), key=lambda p: p["create_at"]
    )
    assert len(posts) >= 3
    assert all(len(p["message"]) <= POST_LIMIT for p in posts)
    assert all(p["message"].count("| # | Agent | Montant |") == 1 for p in posts)  # header repeated
    shown = [line for p in posts for line in p["message"].split("\n") if line.startswith("| ") and "xxx" in line]
    assert len(shown) == 600  # every row once
    assert [p["id"] for p in posts if MARKER_PROP in p["props"]] == [last] == [posts[-1]["id"]]


def test_file_is_uploaded_and_posted(mattermost_api: MattermostApiStandIn, messenger: MattermostMessenger) -> None:
    channel = mattermost_api.add_channel(mattermost_api.add_team("labs"), "general")
    target = Address("mattermost", channel_id=channel)
    comment = Reply(
        text="L'invitation est jointe.",
        title="Project camp",
        actions=[Action(label="Se désinscrire", command="desinscription camp")],
    )
    post_id = messenger.send_file(
        target=target, filename="camp.ics", content=b"BEGIN:VCALENDAR", comment=comment, marker="f1"
    )
    (uploaded,) = mattermost_api.files.values()
    assert (uploaded.name, uploaded.data) == ("camp.ics", b"BEGIN:VCALENDAR")
    post = mattermost_api.posts[post_id]
    assert post["file_ids"] == [uploaded.id]
    # The reminder keeps its title and its button beside the file.
    assert "Project camp" in post["message"]
    [attachment] = post["props"]["attachments"]
    assert [action["name"] for action in attachment["actions"]] == ["Se désinscrire"]
    assert messenger.find_marked(target, "f1") == post_id


def test_rate_limit_is_transient_with_retry_after(
    mattermost_api: MattermostApiStandIn, messenger: MattermostMessenger
) -> None:
    channel = mattermost_api.add_channel(mattermost_api.add_team("labs"), "general")
    mattermost_api.fail_next("POST", "/api/v4/posts", status=429, retry_after=7)
    with pytest.raises(DeliveryFailed) as failed:
        messenger.send_to_channel(channel, Reply(text="bonjour"))
    assert (failed.value.permanent, failed.value.retry_after) == (False, 7.0)
    assert len(mattermost_api.calls_to("POST", "/api/v4/posts")) == 1  # no retry inside the messenger
    messenger.send_to_channel(channel, Reply(text="bonjour"))


def test_server_error_is_transient(mattermost_api: MattermostApiStandIn, messenger: MattermostMessenger) -> None:
    channel = mattermost_api.add_channel(mattermost_api.add_team("labs"), "general")
    mattermost_api.fail_next("POST", "/api/v4/posts", status=503)
    with pytest.raises(DeliveryFailed) as failed:
        messenger.send_to_channel(channel, Reply(text="bonjour"))
    assert failed.value.permanent is False


def test_unknown_user_and_foreign_channel_are_permanent(
    mattermost_api: MattermostApiStandIn, messenger: MattermostMessenger
) -> None:
    outside = mattermost_api.add_channel(mattermost_api.add_team("labs"), "secret", bot_member=False)
    with pytest.raises(DeliveryFailed) as unknown:
        messenger.send_direct("u" * 26, Reply(text="bonjour"))
    with pytest.raises(DeliveryFailed) as forbidden:
        messenger.send_to_channel(outside, Reply(text="bonjour"))
    assert unknown.value.permanent
    assert forbidden.value.permanent


def test_unreachable_server_is_transient() -> None:
    settings = MattermostSettings(
        url="http://127.0.0.1:9", team="labs", public_url="https://labbot.example.gouv.fr"
    )
    with pytest.raises(DeliveryFailed) as failed:
        MattermostMessenger(driver_for(settings, "token")).send_direct("u" * 26, Reply(text="bonjour"))
    assert failed.value.permanent is False
