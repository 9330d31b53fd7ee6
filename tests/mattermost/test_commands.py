"""`/lab` as a Mattermost slash command, end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

from labbot.engine import LabBot
from labbot.messages import Reply, Request
from labbot.storage import people
from labbot.storage.models import HourEntry, Person, Project
from tests.mattermost.conftest import Mattermost, wait_until
from tests.test_mentions_never_ping import mattermost_pings


def test_right_token_runs_the_command_and_answers_in_french(mattermost: Mattermost) -> None:
    answer = mattermost.slash(
        mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM" methodes:"design"'
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    assert "Idée #1 enregistrée" in body["text"]
    assert body["text"].startswith("#### #1 Lab Bretagne\n")
    assert {"title": "Région", "value": "Bretagne", "short": True} in body["attachments"][0]["fields"]
    assert mattermost.count(Project) == 1


def test_wrong_or_missing_token_is_refused_and_nothing_written(mattermost: Mattermost) -> None:
    wrong = mattermost.slash(mattermost.alice, 'idee "Lab" region:bretagne services:"A, B"', token="forged")
    missing = mattermost.http.post("/mattermost/command", data={"user_id": mattermost.alice, "text": "aide"})
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert mattermost.count(Project) == 0
    assert mattermost.count(Person) == 0


def test_identity_from_the_api_is_cached(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.bruno, "profil")
    second = mattermost.slash(mattermost.bruno, "profil")
    # Bruno's Mattermost locale is English: labbot answers him in English, and asked the API about him once.
    body = second.json()
    assert body["text"] == "#### Bruno Le Gall"
    fields = {field["title"]: field["value"] for field in body["attachments"][0]["fields"]}
    assert fields["Role"] == "agent"
    assert fields["Accounts"] == f"mattermost:{mattermost.bruno}"
    assert len(mattermost.api.calls_to("GET", f"/api/v4/users/{mattermost.bruno}")) == 1


def test_hours_and_retries_never_double(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    first = mattermost.slash(mattermost.alice, "heures 1 2h", trigger_id="same-trigger")
    again = mattermost.slash(mattermost.alice, "heures 1 2h", trigger_id="same-trigger")
    # The same answer; only its buttons' expiry (and so their signatures) follows the second it was rendered in.
    assert _unsigned(first.json()) == _unsigned(again.json())
    assert mattermost.count(HourEntry) == 1


def _unsigned(value: Any) -> Any:
    """`value` without the buttons' `expires` and `signature`."""
    if isinstance(value, dict):
        return {k: _unsigned(v) for k, v in value.items() if k not in ("expires", "signature")}
    if isinstance(value, list):
        return [_unsigned(item) for item in value]
    return value


def test_broadcast_words_and_markup_are_neutralised(mattermost: Mattermost) -> None:
    answer = mattermost.slash(
        mattermost.alice, 'idee "@channel [clic](http://x.example) @all" region:bretagne services:"A, B @here"'
    )
    text = answer.json()["text"]
    for word in ("@channel", "@all", "@here", "[clic](http"):
        assert word not in text
    assert "@\u200bchannel" in text
    assert "\\[clic\\]" in text


def test_mentions_glued_to_underscores_or_punctuation_do_not_ping(mattermost: Mattermost) -> None:
    title = "Alerte @here_ (@all_) x.@channel_ _@HERE @sgmap."
    mattermost.slash(mattermost.alice, f'idee "{title}" region:bretagne services:"A, B"')
    answer = mattermost.slash(mattermost.alice, "publier projet 1")
    body = answer.json()
    assert body["response_type"] == "in_channel"
    assert "Alerte" in body["text"]
    everything = [body["text"], *(f["value"] for a in body.get("attachments", []) for f in a["fields"])]
    # What the Mattermost server would read as mentions in what labbot answered (a port of its parser).
    assert [mattermost_pings(text) for text in everything] == [[] for _ in everything]
    assert mattermost_pings(title)  # the same words, typed by a person, do ping


class HeldBot:
    """The real bot, held until the test releases it: a command slower than Mattermost's timeout."""

    def __init__(self, bot: LabBot) -> None:
        self.bot = bot
        self.release = threading.Event()

    def handle(self, request: Request) -> Reply:
        self.release.wait(timeout=30)
        return self.bot.handle(request)


def test_a_slow_command_is_acked_at_once_then_answered_through_the_response_url(
    mattermost: Mattermost, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldBot(mattermost.app.bot)
    monkeypatch.setattr(mattermost.app.runner, "bot", held)
    ack = mattermost.slash(
        mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"', answered=False
    )
    assert ack.json() == {}  # Mattermost shows nothing for it; the request held no worker
    assert mattermost.count(Project) == 0
    hook = list(mattermost.api.command_responses)[-1]
    assert mattermost.api.command_responses[hook] == []
    held.release.set()
    (late,) = wait_until(lambda: mattermost.api.command_responses[hook])
    assert late["response_type"] == "ephemeral"
    assert "Idée #1 enregistrée" in late["text"]
    assert mattermost.count(Project) == 1


def test_a_role_granted_to_at_username_reaches_that_account(mattermost: Mattermost) -> None:
    grant = f"role mattermost:{mattermost.alice} admin"
    assert (
        mattermost.app.bot.handle(Request(platform="console", user_id="sgmap", text=grant)).outcome.value == "done"
    )
    # Bruno has never talked to labbot: Alice names him as Mattermost users do, by @username.
    granted = mattermost.slash(mattermost.alice, "role @bruno coordinateur region:bretagne")
    assert granted.status_code == 200
    profile = mattermost.slash(mattermost.bruno, "profil").json()
    fields = {field["title"]: field["value"] for field in profile["attachments"][0]["fields"]}
    assert fields["Role"] == "coordinator (Brittany)"
    assert fields["Accounts"] == f"mattermost:{mattermost.bruno}"
    assert mattermost.count(Person) == 3  # sgmap, Alice, Bruno: no one made up from "@bruno"
    # Once he has spoken, labbot knows his name and address: his Slack account joins the same person.
    slack = Request(
        platform="slack", user_id="U0BRUNO", text="profil", display_name="Bruno", email="bruno@ddtm.gouv.fr"
    )
    on_slack = {f.label: f.value for f in mattermost.app.bot.handle(slack).fields}
    assert on_slack["Rôle"] == "coordinateur (Bretagne)"
    assert on_slack["Comptes"] == f"mattermost:{mattermost.bruno}, slack:U0BRUNO"
    with mattermost.app.database.transaction() as session:
        assert people.by_identity(session, "mattermost", mattermost.bruno).display_name == "Bruno Le Gall"


def test_an_unverified_email_links_nothing(mattermost: Mattermost) -> None:
    mattermost.app.bot.handle(
        Request(
            platform="slack", user_id="U0ALICE", text="aide", display_name="Alice", email="alice@dreal.gouv.fr"
        )
    )
    impostor = mattermost.api.add_user("mallory", "alice@dreal.gouv.fr")
    mattermost.api.users[impostor]["email_verified"] = False
    accounts = mattermost.slash(impostor, "profil").json()["attachments"][0]["fields"]
    assert {"title": "Comptes", "value": f"mattermost:{impostor}", "short": True} in accounts
    assert mattermost.count(Person) == 2


def test_publier_answers_in_the_channel(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    shared = mattermost.slash(mattermost.alice, "publier projets").json()
    assert shared["response_type"] == "in_channel"
    assert "| 1 | Lab Bretagne | Bretagne | idée | 1 |" in shared["text"]


@pytest.mark.parametrize("hook", ["used up", "unreachable"])
def test_an_answer_the_response_url_refuses_reaches_the_person_through_the_api(
    mattermost: Mattermost, monkeypatch: pytest.MonkeyPatch, hook: str
) -> None:
    """The worker's POST is refused (a hook already used up) or cannot connect: the server posts the answer
    instead, privately, once."""
    issue = mattermost.api.new_response_url
    if hook == "used up":
        monkeypatch.setattr(mattermost.api, "new_response_url", lambda uses=5: issue(uses=0))
    else:
        with socket.socket() as probe:  # a port nobody listens on once the probe is closed
            probe.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hooks/commands/gone"
        monkeypatch.setattr(mattermost.api, "new_response_url", lambda uses=5: closed)
    acked = mattermost.slash(mattermost.alice, "aide", answered=False)
    assert acked.status_code == 200
    assert acked.json() == {}
    (post,) = wait_until(lambda: mattermost.bot_posts(mattermost.dm_with(mattermost.alice)))
    assert "/lab" in post["message"]
    assert not any(mattermost.api.command_responses.values())


def test_an_answer_after_the_server_dropped_an_idle_connection_comes_in_place(mattermost: Mattermost) -> None:
    """The stand-in (uvicorn) closes a connection idle for 5 s; the worker's session drops it first. A POST on the
    closed one failed, and the answer came the slow way, as a direct message."""
    mattermost.slash(mattermost.alice, "aide")
    time.sleep(5.5)
    answer = mattermost.slash(mattermost.alice, "aide")  # waits for the answer through the response_url
    assert "/lab" in answer.json()["text"]
    assert not mattermost.bot_posts(mattermost.dm_with(mattermost.alice))
