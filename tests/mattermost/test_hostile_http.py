"""Hostile HTTP and logs on Mattermost: bodies capped before the token check (and before being read), no secret
in debug logs, `@names` looked up only within bounds."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

from adapters.body_limit import DEFAULT_MAX_BODY_BYTES
from adapters.serve import assemble, platforms_app
from labbot.storage.models import Person
from tests.debug_logs import debug_logs, fragments
from tests.mattermost.conftest import (
    ACTIONS_SECRET,
    COMMAND_TOKEN,
    Mattermost,
    Server,
    mattermost_settings,
    wait_until,
)
from tests.platforms.mattermost_api import MattermostApiStandIn

USERNAME_LOOKUPS = "/api/v4/users/username/{username}"


def raw_exchange(url: str, request: bytes, timeout: float = 5.0) -> bytes:
    """Send `request` as is on a new connection; return what the server answered within `timeout`."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_declared_huge_body_is_refused_before_it_is_sent(mattermost: Mattermost) -> None:
    # 100 MB announced, not one byte sent: an answer now proves that nothing waited to read it.
    for path in ("/mattermost/command", "/mattermost/actions", "/mattermost/dialog"):
        head = (
            f"POST {path} HTTP/1.1\r\nHost: labbot\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000000\r\nConnection: close\r\n\r\n"
        )
        started = time.monotonic()
        answer = raw_exchange(mattermost.http.base_url.__str__(), head.encode())
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert time.monotonic() - started < 5


def test_an_oversized_body_is_413_even_with_the_right_token(mattermost: Mattermost) -> None:
    people = mattermost.count(Person)
    form = {"token": COMMAND_TOKEN, "user_id": mattermost.alice, "text": "aide " + "x" * DEFAULT_MAX_BODY_BYTES}
    assert mattermost.http.post("/mattermost/command", data=form).status_code == 413
    assert mattermost.http.post("/mattermost/actions", content=b"{" + b" " * (2 << 20) + b"}").status_code == 413
    assert mattermost.count(Person) == people


def test_a_thousand_names_in_a_message_are_not_looked_up(mattermost: Mattermost) -> None:
    dm = mattermost.dm_with(mattermost.alice)
    names = " ".join(f"@agent{number}" for number in range(1000))
    mattermost.api.emit_posted(dm, mattermost.alice, f"role {names} admin")
    (reply,) = wait_until(lambda: mattermost.bot_posts(dm))
    assert "trop longue" in reply["message"]
    assert not mattermost.api.calls_to("GET", USERNAME_LOOKUPS)
    # Within the length limit, a handful of names at most are looked up.
    many = " ".join(f"@agent{number}" for number in range(60))
    mattermost.api.emit_posted(dm, mattermost.alice, f"role {many} admin")
    wait_until(lambda: len(mattermost.bot_posts(dm)) == 2)
    assert 0 < len(mattermost.api.calls_to("GET", USERNAME_LOOKUPS)) <= 10


def test_no_secret_reaches_the_logs_even_in_debug(
    mattermost_api: MattermostApiStandIn,
    mattermost_env: Callable[[MattermostApiStandIn], None],
    tmp_path: Path,
) -> None:
    api = mattermost_api
    team_id = api.add_team("labs", "Laboratoires")
    alice = api.add_user("alice", "alice@dreal.gouv.fr")
    api.add_channel(team_id, "town-square", member_ids=[alice])
    mattermost_env(api)
    with debug_logs(tmp_path / "labbot.log") as log_file:
        application, (platform,) = assemble(mattermost_settings(f"sqlite:///{tmp_path}/labbot.db", api))
        with Server(platforms_app(application, [platform])) as server:
            api.wait_for_websockets(1, timeout=10)
            dm = api.direct_channel(api.bot_user_id, alice)
            api.emit_posted(dm, alice, "aide")
            wait_until(lambda: [p for p in api.posts.values() if p["channel_id"] == dm and p["user_id"] != alice])
            head = f"POST /mattermost/command HTTP/1.1\r\nHost: x\r\nContent-Length: {len(COMMAND_TOKEN) + 6}\r\n"
            raw_exchange(server.url, (head + f"Connection: close\r\n\r\ntoken={COMMAND_TOKEN}").encode())
        application.database.dispose()
    logged = log_file.read_text(encoding="utf-8")
    assert " DEBUG " in logged  # the level really was debug
    assert "Connected to" in logged
    # Not the secrets, nor any part of them long enough to matter (websockets cuts long frames short).
    for secret in (api.token, COMMAND_TOKEN, ACTIONS_SECRET):
        assert not [fragment for fragment in fragments(secret) if fragment in logged]
