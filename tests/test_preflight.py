"""The configuration is checked whole before anything happens: one line naming the problem, exit 2, nothing
created (no database file, no migration), never a traceback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.cli import main
from adapters.doctor import diagnose
from adapters.preflight import OPTIONAL_TABLES
from labbot.config import Settings


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current directory; the database would be ./labbot.db."""
    monkeypatch.chdir(tmp_path)
    for variable in ("LABBOT_CONFIG", "LABBOT_DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def _refused(workdir: Path, capsys: pytest.CaptureFixture[str], config: str, action: str = "say") -> str:
    (workdir / "config.toml").write_text(config)
    arguments = ["say", "aide"] if action == "say" else [action]
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err, err
    assert "Traceback" not in err
    assert not (workdir / "labbot.db").exists(), "a side effect happened before the check"
    return err


def test_a_misspelt_table_is_named_with_the_close_one(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(workdir, capsys, "[budgett]\ncap = 1000\n")
    assert "unknown table [budgett] (did you mean [budget]?)" in err


def test_an_unknown_key_in_an_optional_table_is_named(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(workdir, capsys, "[console]\nfile_dir = 'x'\n")
    assert "console.file_dir" in err


def test_a_bad_http_port_is_found_before_migrating(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(workdir, capsys, "[http]\nport = 70000\n", action="run")
    assert "http.port" in err
    assert "70000" in err


def test_a_port_in_use_is_named(workdir: Path, capsys: pytest.CaptureFixture[str], busy_port: int) -> None:
    err = _refused(workdir, capsys, f"[http]\nport = {busy_port}\n", action="run")
    assert f"[http] port: 127.0.0.1:{busy_port} is not available" in err


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql://labbot@localhost/labbot", "labbot runs on SQLite or PostgreSQL, not mysql"),
        ("nonsense", "is not a database URL"),
        ("sqlite:///no/such/folder/labbot.db", "the folder no/such/folder of the SQLite file"),
        (
            "postgresql://postgres@127.0.0.1:1/labbot",
            "cannot connect to postgresql+psycopg://postgres@127.0.0.1:1",
        ),
    ],
)
def test_an_unusable_database_is_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], url: str, named: str
) -> None:
    err = _refused(workdir, capsys, f"[database]\nurl = '{url}'\n")
    assert named in err


def test_the_database_override_is_checked_too(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABBOT_DATABASE_URL", "mysql://labbot@localhost/labbot")
    assert main(["db", "upgrade"]) == 2
    assert "not mysql" in capsys.readouterr().err


def test_doctor_names_an_unknown_table(workdir: Path) -> None:
    (workdir / "config.toml").write_text("[budgett]\ncap = 1000\n")
    first = next(iter(diagnose(None)))
    assert not first.ok
    assert "unknown table [budgett]" in first.line()


def test_a_real_process_prints_one_line_and_exits_2(workdir: Path) -> None:
    script = Path(sys.executable).parent / "labbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]
    env = {**os.environ, "LABBOT_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/labbot"}
    done = subprocess.run(
        [*command, "say", "aide"], env=env, cwd=workdir, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "cannot connect" in done.stderr


def test_every_table_of_the_example_configuration_is_known() -> None:
    example = (Path(__file__).resolve().parents[1] / "config.example.toml").read_text(encoding="utf-8")
    tables = {found.split(".")[0] for found in re.findall(r"^(?:# )?\[\[?([a-z_.]+)\]", example, re.MULTILINE)}
    known = {*Settings.model_fields, *OPTIONAL_TABLES}
    assert tables - known == set()
    assert {"slack", "mattermost", "http", "metrics", "logging", "console"} <= tables
