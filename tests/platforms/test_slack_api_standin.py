"""The Slack Web API stand-in, driven by the real slack_sdk clients (sync and async)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.platforms.slack_api import RateLimiter, SlackApiStandIn
from tests.platforms.slack_fixtures import fail_on_violations, load_slack_spec
from tests.platforms.slack_spec import SPECS_DIR_ENV
from tests.platforms.specs import REQUIRE_SPECS_ENV

HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Bienvenue"}}]}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Idée"}, "blocks": []}


@pytest.fixture
def alice(slack_api: SlackApiStandIn) -> str:
    slack_api.add_user("U0ALICE", "alice", "Alice Martin", "Alice@Example.fr", locale="fr-FR")
    return "U0ALICE"


def _expect_violation(slack_api: SlackApiStandIn, method: str, fragment: str) -> None:
    """Assert that exactly one violation was recorded, then forget it so the fixture passes."""
    violations = slack_api.pop_violations()
    assert [v.method for v in violations] == [method]
    assert fragment in violations[0].detail
    with pytest.raises(pytest.fail.Exception, match="spec violation"):
        fail_on_violations(violations)


# ---- spec ------------------------------------------------------------------------------------


def test_spec_is_read_from_the_shared_folder_with_the_upload_supplement() -> None:
    spec = load_slack_spec()
    post = spec.method("chat.postMessage")
    assert post is not None
    assert post.requires_token
    assert post.params["channel"] is True
    assert not post.from_supplement
    upload = spec.method("files.getUploadURLExternal")
    assert upload is not None
    assert upload.from_supplement
    assert "files.uploadV2" not in spec


@pytest.mark.parametrize(
    ("required", "outcome", "says"),
    [("", pytest.skip.Exception, "set LABBOT_SPECS_DIR"), ("1", pytest.fail.Exception, "Slack specs missing")],
)
def test_missing_specs_skip_or_fail_where_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, required: str, outcome: type[BaseException], says: str
) -> None:
    monkeypatch.setenv(SPECS_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(REQUIRE_SPECS_ENV, required)
    with pytest.raises(outcome, match=says) as raised:
        load_slack_spec()
    assert "\n" not in str(raised.value)


def test_check_accepts_a_bearer_header_for_the_token() -> None:
    spec = load_slack_spec()
    assert spec.check("users.info", {"user": "U1"}, has_bearer=True) == []
    assert spec.check("users.info", {"user": "U1"}, has_bearer=False) == [
        "required parameter 'token' of users.info is missing"
    ]


# ---- basic calls ------------------------------------------------------------------------------


def test_post_message_sync(slack_api: SlackApiStandIn) -> None:
    response = slack_api.web_client().chat_postMessage(channel="C0LAB", text="Bonjour")

    assert response["ok"]
    assert response["channel"] == "C0LAB"
    assert slack_api.messages_in("C0LAB") == [response["message"]]
    (call,) = slack_api.calls_to("chat.postMessage")
    assert call.params == {"channel": "C0LAB", "text": "Bonjour"}
    assert call.headers["authorization"] == f"Bearer {slack_api.token}"
    assert call.ok


def test_async_client_posts_in_a_user_dm(slack_api: SlackApiStandIn, alice: str) -> None:
    async def post() -> tuple[str, str]:
        client = slack_api.async_web_client()
        opened = await client.conversations_open(users=alice)
        posted = await client.chat_postMessage(channel=alice, text="Salut", thread_ts=None)
        return opened["channel"]["id"], posted["channel"]

    opened, posted = asyncio.run(post())

    assert opened == posted == slack_api.dm_channel_of(alice)
    assert [m["text"] for m in slack_api.messages_in(opened)] == ["Salut"]
    info = slack_api.web_client().conversations_info(channel=opened)
    assert info["channel"]["is_im"]
    assert info["channel"]["user"] == alice


def test_update_delete_and_ephemeral(slack_api: SlackApiStandIn, alice: str) -> None:
    client = slack_api.web_client()
    ts = client.chat_postMessage(channel="C0LAB", text="v1")["ts"]
    client.chat_update(channel="C0LAB", ts=ts, text="v2")
    client.chat_postEphemeral(channel="C0LAB", user=alice, text="rien que pour toi")
    assert [m["text"] for m in slack_api.messages_in("C0LAB")] == ["v2"]
    assert slack_api.ephemerals_in("C0LAB")[0]["user"] == alice

    client.chat_delete(channel="C0LAB", ts=ts)
    assert slack_api.messages_in("C0LAB") == []
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_delete(channel="C0LAB", ts=ts)


def test_users_info_honours_include_locale(slack_api: SlackApiStandIn, alice: str) -> None:
    client = slack_api.web_client()
    with_locale = client.users_info(user=alice, include_locale=True)["user"]
    without = client.users_info(user=alice)["user"]

    assert with_locale["locale"] == "fr-FR"
    assert with_locale["tz"] == "Europe/Paris"
    assert "locale" not in without
    assert client.users_lookupByEmail(email="alice@example.fr")["user"]["id"] == alice
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U0NOBODY")


def test_auth_is_checked(slack_api: SlackApiStandIn) -> None:
    assert slack_api.web_client().auth_test()["user_id"] == slack_api.bot_user_id
    with pytest.raises(SlackApiError, match="invalid_auth"):
        slack_api.web_client(token="xoxb-wrong").auth_test()


# ---- spec violations --------------------------------------------------------------------------


def test_undeclared_parameter_is_a_violation(slack_api: SlackApiStandIn) -> None:
    with pytest.raises(SlackApiError) as raised:
        slack_api.web_client().chat_postMessage(channel="C0LAB", text="x", markdown_text="**x**")

    assert raised.value.response["error"] == "spec_violation"
    assert raised.value.response.status_code == 200
    _expect_violation(slack_api, "chat.postMessage", "'markdown_text' is not declared")


def test_missing_required_parameter_is_a_violation(slack_api: SlackApiStandIn) -> None:
    with pytest.raises(SlackApiError, match="spec_violation"):
        slack_api.web_client().api_call("chat.postMessage", json={"text": "sans canal"})

    _expect_violation(slack_api, "chat.postMessage", "'channel' of chat.postMessage is missing")


def test_unknown_method_is_a_violation(slack_api: SlackApiStandIn) -> None:
    with pytest.raises(SlackApiError, match="spec_violation"):
        slack_api.web_client().api_call("chat.postMessages", json={"channel": "C0LAB"})

    _expect_violation(slack_api, "chat.postMessages", "unknown method")
    assert len(slack_api.calls) == 1


# ---- failures and rate limits ----------------------------------------------------------------


def test_429_is_retried_after_retry_after(slack_api: SlackApiStandIn) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    client = slack_api.web_client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])

    assert client.chat_postMessage(channel="C0LAB", text="enfin")["ok"]

    first, second = slack_api.calls_to("chat.postMessage")
    assert (first.status, first.response["error"]) == (429, "ratelimited")
    assert second.status == 200
    assert second.at - first.at >= 1


def test_fail_next_with_a_slack_error(slack_api: SlackApiStandIn) -> None:
    slack_api.fail_next("conversations.info", error="channel_not_found")
    slack_api.add_channel("C0LAB", "lab")
    client = slack_api.web_client()

    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.conversations_info(channel="C0LAB")
    assert client.conversations_info(channel="C0LAB")["channel"]["name"] == "lab"


def test_rate_limiter_token_buckets() -> None:
    limiter = RateLimiter(per_channel_per_second=1, global_per_second=2, per_channel_burst=2, global_burst=5)

    assert [limiter.admit("C1", 0.0) for _ in range(3)] == [0.0, 0.0, 1.0]  # a refused call costs nothing
    assert limiter.admit("C2", 0.0) == 0.0  # channels are independent
    assert limiter.admit("C1", 0.5) == pytest.approx(0.5)
    assert limiter.admit("C1", 1.0) == 0.0
    # Global bucket: 5 - 3 at t=0, + 2 by t=1, - 1 for C1: 3 left for new channels.
    assert [limiter.admit(f"G{i}", 1.0) for i in range(5)] == [0.0, 0.0, 0.0, 0.5, 0.5]


def test_rate_limiter_answers_429_then_lets_retries_in(slack_api: SlackApiStandIn) -> None:
    slack_api.set_rate_limits(per_channel_per_second=2, per_channel_burst=2)
    plain = slack_api.web_client()
    plain.chat_postMessage(channel="C1", text="1")
    plain.chat_postMessage(channel="C1", text="2")
    with pytest.raises(SlackApiError) as raised:
        plain.chat_postMessage(channel="C1", text="3")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["retry-after"] == "1"
    plain.chat_postMessage(channel="C2", text="other channel")

    patient = slack_api.web_client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)])
    burst = [threading.Thread(target=patient.chat_postMessage, kwargs={"channel": "C1", "text": t}) for t in "45"]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join()

    assert sorted(m["text"] for m in slack_api.messages_in("C1")) == ["1", "2", "4", "5"]
    assert [c.status for c in slack_api.calls_to("chat.postMessage")].count(429) >= 2


# ---- files, views, response_url ---------------------------------------------------------------


def test_files_upload_v2_end_to_end(slack_api: SlackApiStandIn, alice: str) -> None:
    response = slack_api.web_client().files_upload_v2(
        content="nom;ville\nLab;Lyon\n",
        filename="labs.csv",
        title="Labs",
        channel="C0LAB",
        initial_comment="Voici",
    )

    (uploaded,) = slack_api.uploaded_files
    assert response["file"]["id"] == uploaded.id
    assert (uploaded.filename, uploaded.title, uploaded.content) == (
        "labs.csv",
        "Labs",
        b"nom;ville\nLab;Lyon\n",
    )
    assert uploaded.channels == ("C0LAB",)
    (shared,) = slack_api.messages_in("C0LAB")
    assert shared["text"] == "Voici"
    assert shared["files"][0]["id"] == uploaded.id


def test_files_upload_v2_async(slack_api: SlackApiStandIn) -> None:
    asyncio.run(slack_api.async_web_client().files_upload_v2(content=b"\x00\x01", filename="a.bin"))

    assert [f.content for f in slack_api.uploaded_files] == [b"\x00\x01"]


def test_views_publish_keeps_the_latest_home(slack_api: SlackApiStandIn, alice: str) -> None:
    client = slack_api.web_client()
    first = client.views_publish(user_id=alice, view=HOME)["view"]
    second = client.views_publish(user_id=alice, view={**HOME, "blocks": []}, hash=first["hash"])["view"]

    assert second["id"] == first["id"]
    assert slack_api.home_view_of(alice) == second
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_publish(user_id=alice, view=HOME, hash=first["hash"])


def test_views_open_then_update(slack_api: SlackApiStandIn) -> None:
    client = slack_api.web_client()
    opened = client.views_open(trigger_id="123.456.abc", view=MODAL)["view"]
    client.views_update(view_id=opened["id"], view={**MODAL, "private_metadata": "x"})

    view = slack_api.view(opened["id"])
    assert view is not None
    assert view["private_metadata"] == "x"


def test_response_url_bodies_are_recorded(slack_api: SlackApiStandIn) -> None:
    url = slack_api.new_response_url()

    response = WebhookClient(url).send(text="C'est noté", response_type="ephemeral")

    assert (response.status_code, response.body) == (200, "ok")
    assert [r.body for r in slack_api.responses_to(url)] == [{"text": "C'est noté", "response_type": "ephemeral"}]
    assert WebhookClient(f"{slack_api.url}/response/forged").send(text="x").status_code == 404
    _expect_violation(slack_api, "response_url", "never issued")
