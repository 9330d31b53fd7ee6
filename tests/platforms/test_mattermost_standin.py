"""The Mattermost API stand-in: spec checks, recorded calls, state, and mattermostdriver's REST side."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from mattermostdriver import Driver
from mattermostdriver.exceptions import InvalidOrMissingParameters

from tests.platforms.mattermost_api import MattermostApiStandIn, new_id
from tests.platforms.mattermost_fixtures import assert_no_violations, require_mattermost_specs


def _client(api: MattermostApiStandIn, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token or api.token}"}
    return httpx.Client(base_url=api.url, headers=headers, timeout=5)


def test_ids_look_like_mattermost_ids() -> None:
    ids = {new_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 26 and i.isalnum() and i.islower() for i in ids)


def test_calls_are_recorded(mattermost_api: MattermostApiStandIn) -> None:
    with _client(mattermost_api) as http:
        me = http.get("/api/v4/users/me", params={"x": "1"}).json()
    assert me["id"] == mattermost_api.bot_user_id
    assert me["is_bot"] is True
    (call,) = mattermost_api.calls_to("GET", "/api/v4/users/me")
    assert call.query == {"x": "1"}
    assert call.headers["authorization"] == f"Bearer {mattermost_api.token}"
    assert call.template == "/api/v4/users/{user_id}"
    assert call.status == 200
    assert mattermost_api.calls_to("GET", "/api/v4/users/{user_id}") == [call]


def test_unknown_path_and_method_are_violations(mattermost_api: MattermostApiStandIn) -> None:
    with _client(mattermost_api) as http:
        unknown = http.get("/api/v4/no/such/thing")
        wrong_method = http.delete("/api/v4/posts")
    assert unknown.status_code == 400
    assert unknown.json()["id"] == "spec_violation"
    assert wrong_method.status_code == 400
    violations = mattermost_api.take_violations()
    assert [v.path for v in violations] == ["/api/v4/no/such/thing", "/api/v4/posts"]
    assert "no such path" in violations[0].message
    assert "method not in the spec" in violations[1].message


def test_missing_required_body_fields_are_violations(mattermost_api: MattermostApiStandIn) -> None:
    channel = mattermost_api.add_channel(mattermost_api.add_team("lab"), "town-square")
    with _client(mattermost_api) as http:
        no_message = http.post("/api/v4/posts", json={"channel_id": channel})
        bad_dm = http.post("/api/v4/channels/direct", json=[mattermost_api.bot_user_id])
        bad_dialog = http.post(
            "/api/v4/actions/dialogs/open", json={"trigger_id": "t", "url": "u", "dialog": {"title": "T"}}
        )
    assert [r.status_code for r in (no_message, bad_dm, bad_dialog)] == [400, 400, 400]
    messages = [str(v) for v in mattermost_api.take_violations()]
    assert "missing required field 'message'" in messages[0]
    assert "at least 2 items" in messages[1]
    assert "body.dialog: missing required field 'elements'" in messages[2]
    assert mattermost_api.posts == {}


def test_violations_fail_the_fixture_check(mattermost_api: MattermostApiStandIn) -> None:
    with _client(mattermost_api) as http:
        http.get("/api/v4/nowhere")
    with pytest.raises(pytest.fail.Exception, match="spec violations"):
        assert_no_violations(mattermost_api)
    mattermost_api.take_violations()
    assert_no_violations(mattermost_api)


def test_missing_specs_skip_locally_and_fail_where_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LABBOT_SPECS_DIR", str(tmp_path))
    monkeypatch.delenv("LABBOT_REQUIRE_SPECS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="set LABBOT_SPECS_DIR"):
        require_mattermost_specs()
    monkeypatch.setenv("LABBOT_REQUIRE_SPECS", "1")
    with pytest.raises(pytest.fail.Exception, match="not found"):
        require_mattermost_specs()


def test_token_is_required(mattermost_api: MattermostApiStandIn) -> None:
    with _client(mattermost_api, token="wrong") as http:
        assert http.get("/api/v4/users/me").status_code == 401
    with httpx.Client(base_url=mattermost_api.url) as http:
        assert http.get("/api/v4/users/me").status_code == 401


def test_fail_next_answers_429_once(mattermost_api: MattermostApiStandIn) -> None:
    channel = mattermost_api.add_channel(mattermost_api.add_team("lab"), "general")
    mattermost_api.fail_next("POST", "/api/v4/posts", retry_after=2)
    with _client(mattermost_api) as http:
        limited = http.post("/api/v4/posts", json={"channel_id": channel, "message": "a"})
        ok = http.post("/api/v4/posts", json={"channel_id": channel, "message": "a"})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["X-Ratelimit-Reset"] == "2"
    assert ok.status_code == 201


def test_users_teams_channels_posts(mattermost_api: MattermostApiStandIn) -> None:
    api = mattermost_api
    team = api.add_team("lab-13")
    alice = api.add_user("alice", "alice@lab.gouv.fr", first_name="Alice", last_name="Martin")
    bob = api.add_user("bob", locale="en")
    with _client(api) as http:
        assert http.get("/api/v4/teams/name/lab-13").json()["id"] == team
        assert http.get("/api/v4/users/username/alice").json()["first_name"] == "Alice"
        assert "is_bot" not in http.get(f"/api/v4/users/{alice}").json()
        assert http.get("/api/v4/users/username/nobody").status_code == 404
        by_ids = http.post("/api/v4/users/ids", json=[alice, bob, "unknown"]).json()
        assert [u["username"] for u in by_ids] == ["alice", "bob"]
        dm = http.post("/api/v4/channels/direct", json=[api.bot_user_id, alice]).json()
        again = http.post("/api/v4/channels/direct", json=[alice, api.bot_user_id]).json()
        assert dm["id"] == again["id"] == api.direct_channel(alice, api.bot_user_id)
        assert dm["type"] == "D"
        post = http.post("/api/v4/posts", json={"channel_id": dm["id"], "message": "Bonjour"}).json()
        assert len(post["id"]) == 26
        assert post["user_id"] == api.bot_user_id
        assert post["create_at"] > 0
        edited = http.put(f"/api/v4/posts/{post['id']}", json={"id": post["id"], "message": "Bonjour !"})
        assert edited.json()["edit_at"] > 0
        assert http.get(f"/api/v4/posts/{post['id']}").json()["message"] == "Bonjour !"
        foreign = api.add_channel(team, "closed", bot_member=False)
        assert http.post("/api/v4/posts", json={"channel_id": foreign, "message": "x"}).status_code == 403


def test_commands_dialogs_files(mattermost_api: MattermostApiStandIn) -> None:
    api = mattermost_api
    team = api.add_team("lab")
    channel = api.add_channel(team, "general")
    command = {"team_id": team, "method": "P", "trigger": "labbot", "url": "https://bot.example/cmd"}
    with _client(api) as http:
        created = http.post("/api/v4/commands", json=command).json()
        assert (
            http.post("/api/v4/commands", json=command).json()["id"] == "api.command.duplicate_trigger.app_error"
        )
        listed = http.get("/api/v4/commands", params={"team_id": team, "custom_only": "true"}).json()
        assert [c["id"] for c in listed] == [created["id"]]
        updated = http.put(f"/api/v4/commands/{created['id']}", json={**created, "url": "https://bot.example/v2"})
        assert updated.json()["url"] == "https://bot.example/v2"
        token = http.put(f"/api/v4/commands/{created['id']}/regen_token").json()["token"]
        assert token != created["token"]
        assert api.commands[created["id"]]["token"] == token
        dialog = {"trigger_id": "t", "url": "u", "dialog": {"title": "Inscription", "elements": []}}
        assert http.post("/api/v4/actions/dialogs/open", json=dialog).json() == {"status": "OK"}
        upload = http.post(
            "/api/v4/files",
            data={"channel_id": channel},
            files={"files": ("agenda.ics", b"BEGIN:VCALENDAR", "text/calendar")},
        )
        assert upload.status_code == 201
        (info,) = upload.json()["file_infos"]
        assert http.get(f"/api/v4/files/{info['id']}").content == b"BEGIN:VCALENDAR"
        assert http.get("/api/v4/system/ping").json() == {"status": "OK"}
        assert http.get(f"/api/v4/channels/{channel}/stats").json() == {}  # spec-valid, not modelled
    assert api.dialogs == [dialog]
    assert api.files[info["id"]].data == b"BEGIN:VCALENDAR"
    assert api.files[info["id"]].name == "agenda.ics"


def test_mattermostdriver_rest_side(mattermost_api: MattermostApiStandIn) -> None:
    api = mattermost_api
    team = api.add_team("lab")
    channel = api.add_channel(team, "general")
    driver = Driver(api.driver_options())
    me = driver.login()
    assert me["id"] == api.bot_user_id
    assert driver.client.userid == api.bot_user_id
    post = driver.posts.create_post({"channel_id": channel, "message": "Réunion à 14 h"})
    assert api.posts[post["id"]]["message"] == "Réunion à 14 h"
    command = driver.commands.create_command(
        {"team_id": team, "method": "P", "trigger": "lab", "url": "https://x/c"}
    )
    listed = driver.commands.list_commands_for_team({"team_id": team, "custom_only": "true"})
    assert [c["id"] for c in listed] == [command["id"]]
    infos = driver.files.upload_file(channel, {"files": ("notes.txt", b"hello")})
    assert infos["file_infos"][0]["size"] == 5
    # mattermostdriver forgets the "/" before the id in update_command and generate_new_token
    # ("/commands" + id): the spec check catches it; passing "/" + id works around it.
    with pytest.raises(InvalidOrMissingParameters):
        driver.commands.generate_new_token(command["id"])
    assert "no such path" in api.take_violations()[0].message
    assert driver.commands.generate_new_token("/" + command["id"])["token"]
    updated = driver.commands.update_command("/" + command["id"], options={**command, "trigger": "labo"})
    assert updated["trigger"] == "labo"


def test_mattermostdriver_over_tls(mattermost_api_tls: MattermostApiStandIn) -> None:
    driver = Driver(mattermost_api_tls.driver_options())
    assert driver.login()["username"] == "labbot"
    assert mattermost_api_tls.url.startswith("https://")


def test_standalone_start_stop() -> None:
    require_mattermost_specs()
    api = MattermostApiStandIn(token="fixed-token")
    api.start()
    try:
        with httpx.Client(base_url=api.url, headers={"Authorization": "Bearer fixed-token"}) as http:
            assert http.get("/api/v4/users/me").status_code == 200
    finally:
        api.stop()
    with pytest.raises(httpx.ConnectError), httpx.Client(base_url=api.url) as http:
        http.get("/api/v4/users/me")
