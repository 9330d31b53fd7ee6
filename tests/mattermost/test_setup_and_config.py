"""`labbot mattermost setup`, the [mattermost] table and its secrets, one person across platforms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.cli import main
from adapters.mattermost.platform import from_settings
from labbot.config import ConfigError
from labbot.messages import Reply, Request
from labbot.storage.models import HourEntry, Identity, Person
from tests.conftest import make_settings
from tests.mattermost.conftest import Mattermost, mattermost_settings
from tests.platforms.mattermost_api import MattermostApiStandIn


def _config(tmp_path: Path, api: MattermostApiStandIn, public_url: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/labbot.db"\n\n'
        f'[mattermost]\nurl = "{api.url}"\nteam = "labs"\npublic_url = "{public_url}"\n',
        encoding="utf-8",
    )
    return str(path)


def test_setup_twice_makes_one_command_and_prints_its_token(
    tmp_path: Path,
    mattermost_api: MattermostApiStandIn,
    mattermost_env: Callable[[MattermostApiStandIn], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api = mattermost_api
    team_id = api.add_team("labs")
    mattermost_env(api)
    monkeypatch.delenv("MATTERMOST_COMMAND_TOKEN")  # not known yet: setup is what gives it
    assert main(["--config", _config(tmp_path, api, "https://labbot.example.gouv.fr"), "mattermost", "setup"]) == 0
    first = capsys.readouterr().out
    assert main(["--config", _config(tmp_path, api, "https://bot.example.gouv.fr"), "mattermost", "setup"]) == 0
    second = capsys.readouterr().out
    (command,) = [c for c in api.commands.values() if not c["delete_at"]]
    assert command["team_id"] == team_id
    assert command["trigger"] == "lab"
    assert command["method"] == "P"
    assert command["url"] == "https://bot.example.gouv.fr/mattermost/command"  # updated in place
    assert command["auto_complete"] is True
    assert "aide" in command["auto_complete_hint"]
    assert f"MATTERMOST_COMMAND_TOKEN={command['token']}" in first
    assert f"MATTERMOST_COMMAND_TOKEN={command['token']}" in second
    assert "created" in first
    assert "up to date" in second
    assert len(api.calls_to("POST", "/api/v4/commands")) == 1
    assert len(api.calls_to("PUT", "/api/v4/commands/{command_id}")) == 1


def test_setup_with_an_unknown_team_says_so(
    tmp_path: Path,
    mattermost_api: MattermostApiStandIn,
    mattermost_env: Callable[[MattermostApiStandIn], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    mattermost_env(mattermost_api)
    config = _config(tmp_path, mattermost_api, "https://labbot.example.gouv.fr")
    assert main(["--config", config, "mattermost", "setup"]) == 2
    assert "refused the setup" in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["MATTERMOST_BOT_TOKEN", "MATTERMOST_COMMAND_TOKEN", "LABBOT_ACTIONS_SECRET"])
def test_a_missing_secret_is_named(
    missing: str,
    mattermost_api: MattermostApiStandIn,
    mattermost_env: Callable[[MattermostApiStandIn], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mattermost_env(mattermost_api)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        from_settings(mattermost_settings("sqlite://", mattermost_api))


def test_a_bad_table_names_the_key() -> None:
    settings = make_settings("sqlite://", mattermost={"url": "mattermost.example.gouv.fr", "team": "labs"})
    with pytest.raises(ConfigError) as error:
        from_settings(settings)
    assert "mattermost.url" in str(error.value)
    assert "mattermost.public_url" in str(error.value)


def test_no_table_no_platform() -> None:
    assert from_settings(make_settings("sqlite://")) is None


def test_same_email_on_slack_and_mattermost_is_one_person_with_one_set_of_hours(mattermost: Mattermost) -> None:
    # Alice first uses labbot from Slack (her Slack profile has the same e-mail as her Mattermost account).
    slack = mattermost.app.bot
    slack_alice = Request(
        platform="slack", user_id="U0ALICE", text="", display_name="Alice", email="Alice@dreal.gouv.fr"
    )
    for text in ('idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"', "heures 1 3h"):
        assert slack.handle(Request(**{**slack_alice.__dict__, "text": text})).outcome.value == "done"
    mattermost.slash(mattermost.alice, "heures 1 2h")
    mine = mattermost.slash(mattermost.alice, "mesheures").json()
    rows = [line for line in mine["text"].split("\n") if line.startswith("| ") and "Lab Bretagne" in line]
    assert len(rows) == 2  # the Slack entry and the Mattermost one, in one list
    assert mattermost.count(Person) == 1
    assert mattermost.count(Identity) == 2
    with mattermost.app.database.transaction() as session:
        assert {entry.person_id for entry in session.scalars(select(HourEntry))} == {1}


def test_a_worker_builds_the_messenger_without_the_bot(
    mattermost_api: MattermostApiStandIn, mattermost_env: Callable[[MattermostApiStandIn], None]
) -> None:
    mattermost_env(mattermost_api)
    platform = from_settings(mattermost_settings("sqlite://", mattermost_api))
    assert platform is not None
    alice = mattermost_api.add_user("alice")
    post_id = platform.messenger.send_direct(alice, Reply(text="Bonjour"))
    assert mattermost_api.posts[post_id]["message"] == "Bonjour"
