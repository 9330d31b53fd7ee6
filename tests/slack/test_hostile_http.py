"""Hostile HTTP on /slack/events: every unsigned request is a 401 and every signed but malformed one a 400,
never a 500 nor a traceback; bodies over `[http] max_body_bytes` are a 413 before anything reads them."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from adapters.body_limit import DEFAULT_MAX_BODY_BYTES
from labbot.storage.models import Person
from tests.debug_logs import debug_logs
from tests.platforms.slack_api import SlackApiStandIn
from tests.slack.conftest import SIGNING_SECRET, Workspace, add_people, build_workspace, signed_headers, wait_for

FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = b"\xff\xfe\x00payload=\xc3"
JSON = "application/json"


def byte_signed(body: bytes, content_type: str) -> dict[str, str]:
    """Slack's v0 signature computed over bytes (slack_sdk's own signs text only, so cannot check these)."""
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}


def count_people(slack: Workspace) -> int:
    with slack.app.database.transaction() as session:
        return session.query(Person).count()


def unsigned_shapes(slack: Workspace) -> list[tuple[str, bytes, dict[str, str]]]:
    """Requests nobody signed, or signed wrongly: each must be a 401."""
    body, _url = slack.command_body("U0ALICE", 'idee "Lab" region:bretagne services:"A, B"')
    good = signed_headers(body, FORM)
    now = str(int(time.time()))
    return [
        ("no signature at all", body, {"Content-Type": FORM}),
        ("timestamp abc", body, {**good, "X-Slack-Request-Timestamp": "abc"}),
        ("timestamp empty", body, {**good, "X-Slack-Request-Timestamp": ""}),
        ("timestamp huge", body, {**good, "X-Slack-Request-Timestamp": "9" * 400}),
        ("timestamp negative", body, {**good, "X-Slack-Request-Timestamp": "-1"}),
        ("stale timestamp", body, signed_headers(body, FORM, timestamp=int(time.time()) - 3600)),
        ("wrong signature", body, {**good, "X-Slack-Signature": "v0=" + "0" * 64}),
        ("non-ASCII signature", body, {**good, "X-Slack-Signature": "v0=\xe9".encode("latin-1")}),
        ("signature of another body", body + b"&x=1", good),
        (
            "non-UTF-8 body, unsigned",
            b"\xff\xfe\x00payload=\xc3",
            {"Content-Type": FORM, "X-Slack-Request-Timestamp": now},
        ),
        ("non-JSON body, unsigned", b"{not json", {"Content-Type": JSON}),
        ("non-UTF-8 body, signed", NOT_UTF8, byte_signed(NOT_UTF8, FORM)),
        ("payload not an object, unsigned", urlencode({"payload": "[1, 2]"}).encode(), {"Content-Type": FORM}),
    ]


def signed_malformed_shapes() -> list[tuple[str, bytes, str]]:
    """Bodies only a holder of the signing secret could send, that Slack never would: each must be a 400."""
    return [
        ("non-JSON body", b"{not json", JSON),
        ("JSON array", b"[1, 2, 3]", JSON),
        ("JSON string", b'"event"', JSON),
        ("payload not JSON", urlencode({"payload": "{oops"}).encode(), FORM),
        ("payload a list", urlencode({"payload": json.dumps([{"type": "block_actions"}])}).encode(), FORM),
        ("payload a number", urlencode({"payload": "3"}).encode(), FORM),
        ("payload's key %-escaped", b"user_id=U1&pay%6Coad=%7Boops", FORM),
        ("empty body", b"", FORM),
        ("not a form", b"&&&", FORM),
    ]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_unsigned_requests_are_401_and_run_nothing(slack: Workspace, logs: pytest.LogCaptureFixture) -> None:
    before = count_people(slack)
    for name, body, headers in unsigned_shapes(slack):
        answer = slack.http.post("/slack/events", content=body, headers=headers)
        assert answer.status_code == 401, name
    assert count_people(slack) == before
    assert not slack.api.calls_to("users.info")  # Bolt never ran a listener
    assert not [r for r in logs.records if r.exc_info or r.levelno >= logging.ERROR]


def test_signed_but_malformed_requests_are_400(slack: Workspace, logs: pytest.LogCaptureFixture) -> None:
    for name, body, content_type in signed_malformed_shapes():
        answer = slack.post(body, content_type)
        assert answer.status_code == 400, (name, answer.status_code, answer.text)
    assert not [r for r in logs.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_signed_command_still_runs(slack: Workspace) -> None:
    answer, url = slack.command("U0ALICE", "aide")
    assert answer.status_code == 200
    assert slack.answers(url)


def test_bodies_over_the_cap_are_413_before_the_signature(slack: Workspace) -> None:
    big = b"payload=" + b"a" * DEFAULT_MAX_BODY_BYTES
    # Signed or not, the body is refused for its size: nothing is verified, parsed or run.
    assert slack.post(big, FORM).status_code == 413
    assert slack.http.post("/slack/events", content=big, headers={"Content-Type": FORM}).status_code == 413
    # Without a Content-Length (chunked), the count stops at the cap.
    chunks = (b"a" * 65536 for _ in range(40))
    answer = slack.http.post("/slack/events", content=chunks, headers={"Content-Type": FORM})
    assert answer.status_code == 413
    assert SIGNING_SECRET not in answer.text


def test_no_slack_secret_reaches_the_logs_even_in_debug(
    database_url: str, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    add_people(slack_api)
    with debug_logs(tmp_path / "labbot.log") as log_file:
        workspace = build_workspace(database_url, slack_api, monkeypatch, "http")
        with workspace.http:
            _, url = workspace.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
            workspace.answers(url)
            workspace.event({"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home"})
            wait_for(lambda: slack_api.home_view_of("U0ALICE"), "the home")
            workspace.http.post("/slack/events", content=b"x=1", headers={"Content-Type": FORM})
        workspace.app.database.dispose()
    logged = log_file.read_text(encoding="utf-8")
    assert " DEBUG " in logged
    # The stand-in's secrets are made of the test's own words ("labbot-test"): looked for whole.
    for secret in (slack_api.token, SIGNING_SECRET, slack_api.app_token):
        assert secret not in logged
