"""`labbot doctor` against the Slack and Mattermost stand-ins: all green, then each failure made to happen."""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from alembic import command as alembic_command
from sqlalchemy.engine import make_url

from adapters.bootstrap import bootstrap
from adapters.cli import main
from adapters.http import build_http_app
from adapters.mattermost.rest import driver_for
from adapters.mattermost.settings import MattermostSettings
from adapters.mattermost.setup import register_command
from adapters.slack.doctor import manifest_scopes
from labbot.scheduling.background import BackgroundWork
from labbot.scheduling.leadership import LOCK_KEY, current_leader, libpq_url
from labbot.storage.database import Database, alembic_config
from tests.conftest import POSTGRES_ADMIN_URL, make_settings
from tests.mattermost.conftest import ACTIONS_SECRET, Server
from tests.platforms.mattermost_api import MattermostApiStandIn
from tests.platforms.slack_api import SlackApiStandIn

ROOT = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "doctor-signing-secret"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "labbot.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def doctor(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str) -> tuple[int, list[str]]:
    """Run `labbot --config … doctor` and return its exit status and printed lines."""
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    capsys.readouterr()
    status = main(["--config", str(path), "doctor"])
    return status, capsys.readouterr().out.splitlines()


def line(lines: list[str], name: str) -> str:
    """The line of check `name`."""
    found = [text for text in lines if text[2:].startswith(name + ":")]
    assert found, f"no {name!r} line in:\n" + "\n".join(lines)
    return found[0]


@pytest.fixture
def leader(sqlite_url: str) -> Iterator[BackgroundWork]:
    """A labbot process's scheduler election, won, on the test's database."""
    app = bootstrap(make_settings(sqlite_url), in_background=True, platforms=[])
    work = app.background
    work.start()
    deadline = time.monotonic() + 10
    while not work.leading:
        assert time.monotonic() < deadline, "never elected"
        time.sleep(0.02)
    yield work
    work.stop()
    app.database.dispose()


# ---- configuration, database, leader ---------------------------------------------------------------


def test_a_bad_configuration_is_the_first_and_only_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    status, lines = doctor(tmp_path, capsys, '[http]\nport = "trois mille"\n')
    assert status == 2
    assert len(lines) == 1
    assert lines[0].startswith("❌ configuration:")
    assert "port" in lines[0]
    assert "→ fix the file" in lines[0]


def test_database_missing_behind_and_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    status, lines = doctor(tmp_path, capsys, f'[database]\nurl = "sqlite:///{tmp_path}/none.db"\n')
    assert status == 2
    assert "no SQLite file" in line(lines, "database")
    assert "labbot db upgrade" in line(lines, "database")
    assert not (tmp_path / "none.db").exists()  # the doctor never creates a database

    alembic_command.stamp(alembic_config(sqlite_url), "0002")  # as if an upgrade had not been run
    status, lines = doctor(tmp_path, capsys, f'[database]\nurl = "{sqlite_url}"\n')
    assert status == 2
    assert "schema at 0002" in line(lines, "database")
    assert "labbot db upgrade" in line(lines, "database")

    unreachable = f"postgresql://labbot@127.0.0.1:{closed_port()}/labbot"
    status, lines = doctor(tmp_path, capsys, f'[database]\nurl = "{unreachable}"\n')
    assert status == 2
    assert "unreachable" in line(lines, "database")
    assert line(lines, "scheduler leader").startswith("❌")


def test_no_leader_is_a_failure_that_says_what_to_start(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sqlite_url: str,
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    config = f'[database]\nurl = "{sqlite_url}"\n'
    status, lines = doctor(tmp_path, capsys, config)
    assert status == 2
    assert "no process runs the scheduler" in line(lines, "scheduler leader")
    assert "start `labbot run`" in line(lines, "scheduler leader")


def test_all_green_with_a_leader_exits_0(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sqlite_url: str,
    leader: BackgroundWork,
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    status, lines = doctor(tmp_path, capsys, f'[database]\nurl = "{sqlite_url}"\n[metrics]\nenabled = true\n')
    assert [text[:1] for text in lines] == ["✅", "✅", "✅"], lines
    assert status == 0
    assert "since" in line(lines, "scheduler leader")
    assert f"pid {os.getpid()}" in line(lines, "scheduler leader")
    assert leader.leading  # looking did not take the lock away


@pytest.mark.postgres
def test_the_leader_on_postgresql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    config = f'[database]\nurl = "{postgres_url}"\n'
    app = bootstrap(make_settings(postgres_url), in_background=True, platforms=[])
    work = app.background
    work.start()
    try:
        deadline = time.monotonic() + 10
        while not work.leading:
            assert time.monotonic() < deadline, "never elected"
            time.sleep(0.02)
        status, lines = doctor(tmp_path, capsys, config)
        assert status == 0, lines
        assert "since" in line(lines, "scheduler leader")
    finally:
        work.stop()
        app.database.dispose()
    status, lines = doctor(tmp_path, capsys, config)
    assert status == 2
    assert "no process runs the scheduler" in line(lines, "scheduler leader")  # released on stop


@pytest.mark.postgres
def test_the_leader_of_another_database_on_the_server_is_not_named(postgres_url: str) -> None:
    """pg_locks lists the whole server's locks: another deployment (or a parallel test session) leading its
    own database on the same server is not this database's leader."""
    other, ours = make_url(POSTGRES_ADMIN_URL).database, make_url(postgres_url).database
    for database, seen in ((other, False), (ours, True)):
        holder_url = make_url(postgres_url).set(database=database).render_as_string(hide_password=False)
        with psycopg.connect(libpq_url(holder_url), autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            assert (current_leader(postgres_url) is not None) is seen, database


# ---- Slack --------------------------------------------------------------------------------------------


def test_the_manifest_scopes_are_read_as_yaml_reads_them() -> None:
    manifest = yaml.safe_load((ROOT / "adapters" / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    assert manifest_scopes() == manifest["oauth_config"]["scopes"]["bot"]


def slack_config(url: str, api_base_url: str, mode: str = "http") -> str:
    return f'[database]\nurl = "{url}"\n[slack]\nmode = "{mode}"\napi_base_url = "{api_base_url}"\n'


@pytest.fixture
def slack_env(monkeypatch: pytest.MonkeyPatch, slack_api: SlackApiStandIn) -> SlackApiStandIn:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_api.token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    slack_api.scopes = manifest_scopes()
    return slack_api


def test_slack_all_green(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sqlite_url: str, slack_env: SlackApiStandIn, leader: object
) -> None:
    status, lines = doctor(tmp_path, capsys, slack_config(sqlite_url, slack_env.base_url))
    assert status == 0, lines
    names = [text[2:].split(":")[0] for text in lines]
    assert names == [
        "configuration",
        "database",
        "Slack secrets",
        "Slack bot token",
        "Slack scopes",
        "scheduler leader",
    ]
    assert "bot labbot" in line(lines, "Slack bot token")


def test_slack_refused_token(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    sqlite_url: str,
    slack_env: SlackApiStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    status, lines = doctor(tmp_path, capsys, slack_config(sqlite_url, slack_env.base_url))
    assert status == 2
    assert "invalid_auth" in line(lines, "Slack bot token")
    assert "SLACK_BOT_TOKEN" in line(lines, "Slack bot token")
    assert "xoxb-revoked" not in "\n".join(lines)


def test_slack_missing_scope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sqlite_url: str, slack_env: SlackApiStandIn
) -> None:
    slack_env.scopes = [scope for scope in manifest_scopes() if scope != "files:write"]
    status, lines = doctor(tmp_path, capsys, slack_config(sqlite_url, slack_env.base_url))
    assert status == 2
    assert line(lines, "Slack scopes").startswith("❌ Slack scopes: the token lacks files:write →")
    assert "Install to Workspace" in line(lines, "Slack scopes")


def test_slack_missing_signing_secret_in_http_mode(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    sqlite_url: str,
    slack_env: SlackApiStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    status, lines = doctor(tmp_path, capsys, slack_config(sqlite_url, slack_env.base_url))
    assert status == 2
    assert "needs SLACK_SIGNING_SECRET" in line(lines, "Slack secrets")
    assert "Signing Secret" in line(lines, "Slack secrets")


def test_slack_socket_mode_app_token_missing_then_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    sqlite_url: str,
    slack_env: SlackApiStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = slack_config(sqlite_url, slack_env.base_url, mode="socket")
    status, lines = doctor(tmp_path, capsys, config)
    assert status == 2
    assert "needs SLACK_APP_TOKEN" in line(lines, "Slack secrets")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-wrong")
    status, lines = doctor(tmp_path, capsys, config)
    assert status == 2
    assert "refused for Socket Mode" in line(lines, "Slack app token")
    monkeypatch.setenv("SLACK_APP_TOKEN", slack_env.app_token)
    status, lines = doctor(tmp_path, capsys, config)
    assert line(lines, "Slack app token").startswith("✅")


def test_slack_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sqlite_url: str, slack_env: SlackApiStandIn
) -> None:
    status, lines = doctor(tmp_path, capsys, slack_config(sqlite_url, f"http://127.0.0.1:{closed_port()}/api/"))
    assert status == 2
    assert "Slack unreachable" in line(lines, "Slack bot token")


# ---- Mattermost ---------------------------------------------------------------------------------------


class MattermostSite:
    """The stand-in with team `labs`, labbot's `/healthz` served at public_url, and the secrets set."""

    def __init__(
        self, api: MattermostApiStandIn, url: str, public_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.api, self.url, self.public_url = api, url, public_url
        self.team_id = api.add_team("labs")
        self.monkeypatch = monkeypatch
        monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
        monkeypatch.setenv("MATTERMOST_BOT_TOKEN", api.token)
        monkeypatch.setenv("LABBOT_ACTIONS_SECRET", ACTIONS_SECRET)

    def config(self, *, server: str | None = None, public_url: str | None = None) -> str:
        return (
            f'[database]\nurl = "{self.url}"\n[mattermost]\nurl = "{server or self.api.url}"\nteam = "labs"\n'
            f'public_url = "{public_url or self.public_url}"\n'
        )

    def register(self, public_url: str | None = None) -> None:
        """`labbot mattermost setup`, and its token in the environment."""
        section = MattermostSettings(url=self.api.url, team="labs", public_url=public_url or self.public_url)
        token, _created = register_command(driver_for(section, self.api.token), section)
        self.monkeypatch.setenv("MATTERMOST_COMMAND_TOKEN", token)


@pytest.fixture
def site(
    sqlite_url: str, mattermost_api: MattermostApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MattermostSite]:
    database = Database(sqlite_url)
    with Server(build_http_app(database, [], [])) as labbot:
        yield MattermostSite(mattermost_api, sqlite_url, labbot.url, monkeypatch)
    database.dispose()


def test_mattermost_all_green(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: MattermostSite, leader: object
) -> None:
    site.api.add_team_member(site.team_id, site.api.bot_user_id)
    site.register()
    status, lines = doctor(tmp_path, capsys, site.config())
    assert status == 0, lines
    names = [text[2:].split(":")[0] for text in lines]
    assert names == [
        "configuration",
        "database",
        "Mattermost secrets",
        "Mattermost server",
        "Mattermost bot token",
        "Mattermost team",
        "/lab command",
        "public URL",
        "scheduler leader",
    ]


def test_mattermost_unreachable_and_refused_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: MattermostSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.api.add_team_member(site.team_id, site.api.bot_user_id)
    site.register()
    status, lines = doctor(tmp_path, capsys, site.config(server=f"http://127.0.0.1:{closed_port()}"))
    assert status == 2
    assert "unreachable" in line(lines, "Mattermost server")
    monkeypatch.setenv("MATTERMOST_BOT_TOKEN", "not-the-token")
    status, lines = doctor(tmp_path, capsys, site.config())
    assert status == 2
    assert line(lines, "Mattermost bot token").startswith("❌")
    assert "Bot Accounts" in line(lines, "Mattermost bot token")
    assert "not-the-token" not in "\n".join(lines)


def test_mattermost_bot_outside_the_team(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: MattermostSite
) -> None:
    site.register()
    status, lines = doctor(tmp_path, capsys, site.config())
    assert status == 2
    assert "is not a member of 'labs'" in line(lines, "Mattermost team")
    assert "Add Members" in line(lines, "Mattermost team")


def test_mattermost_command_missing_misdirected_or_with_another_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: MattermostSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.api.add_team_member(site.team_id, site.api.bot_user_id)
    monkeypatch.setenv("MATTERMOST_COMMAND_TOKEN", "from-an-old-setup")
    status, lines = doctor(tmp_path, capsys, site.config())
    assert status == 2
    assert "not registered" in line(lines, "/lab command")
    site.register(public_url="https://old-host.example.gouv.fr")
    status, lines = doctor(tmp_path, capsys, site.config())
    assert "posts to https://old-host.example.gouv.fr/mattermost/command" in line(lines, "/lab command")
    site.register()
    monkeypatch.setenv("MATTERMOST_COMMAND_TOKEN", "from-an-old-setup")
    status, lines = doctor(tmp_path, capsys, site.config())
    assert status == 2
    assert "is not the command's token" in line(lines, "/lab command")


def test_mattermost_public_url_not_answering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: MattermostSite
) -> None:
    site.api.add_team_member(site.team_id, site.api.bot_user_id)
    elsewhere = f"http://127.0.0.1:{closed_port()}"
    site.register(public_url=elsewhere)
    status, lines = doctor(tmp_path, capsys, site.config(public_url=elsewhere))
    assert status == 2
    assert line(lines, "/lab command").startswith("✅")
    assert "does not answer" in line(lines, "public URL")
    assert "reverse proxy" in line(lines, "public URL")


def test_mattermost_missing_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: MattermostSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MATTERMOST_COMMAND_TOKEN", raising=False)
    status, lines = doctor(tmp_path, capsys, site.config())
    assert status == 2
    assert "MATTERMOST_COMMAND_TOKEN missing" in line(lines, "Mattermost secrets")
