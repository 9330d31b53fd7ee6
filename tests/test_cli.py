"""The `labbot` command: say's exit statuses, configuration errors, and a real subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import main


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current directory, with no config: the built-in defaults apply."""
    monkeypatch.chdir(tmp_path)
    for variable in ("LABBOT_CONFIG", "LABBOT_DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def test_say_exit_statuses(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--as", "alice", "aide"]) == 0
    assert "heures 1 3h30" in capsys.readouterr().out
    assert main(["say", "--as", "alice", "heures", "1", "3x"]) == 1
    assert main(["say", "--as", "alice", "inconnu"]) == 1
    assert (workdir / "labbot.db").exists()


def test_a_bad_config_exits_2_with_the_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "config.toml").write_text("[budget]\ncap = 'x'\n")
    assert main(["say", "aide"]) == 2
    assert "budget.cap" in capsys.readouterr().err


def test_demo_then_the_whole_story_from_the_shell(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert main(["say", "--as", "claire", "budget", "1"]) == 0
    out = capsys.readouterr().out
    assert "45 000,00 €" in out.replace("\u202f", " ").replace("\u00a0", " ")
    assert main(["demo"]) == 0
    assert "no demo records" in capsys.readouterr().out


def test_db_upgrade(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "latest schema" in capsys.readouterr().out


def test_the_installed_command_runs_in_a_real_process(workdir: Path) -> None:
    script = Path(sys.executable).parent / "labbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]
    env = {**os.environ, "LABBOT_DATABASE_URL": f"sqlite:///{workdir / 'p.db'}"}
    done = subprocess.run([*command, "say", "--as", "alice", "projets"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    refused = subprocess.run([*command, "say", "--as", "alice", "projet 99"], env=env, capture_output=True,
                             text=True, timeout=60, check=False)  # fmt: skip
    assert refused.returncode == 1


def test_say_to_a_reader_who_went_away_ends_quietly(workdir: Path) -> None:
    # `labbot say … | head`: the reader closes the pipe before labbot prints the reply and the message it sends.
    script = Path(sys.executable).parent / "labbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]
    env = {**os.environ, "LABBOT_DATABASE_URL": f"sqlite:///{workdir / 'p.db'}"}
    subprocess.run([*command, "demo"], env=env, capture_output=True, timeout=60, check=True)
    gone = subprocess.Popen(
        [*command, "say", "--as", "sgmap", "role bruno coordinateur region:bretagne"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert gone.stdout is not None
    gone.stdout.close()
    _, errors = gone.communicate(timeout=60)
    assert gone.returncode == 0, errors
    assert b"Traceback" not in errors
    with sqlite3.connect(workdir / "p.db") as database:  # an independent reader of labbot's outbox
        states = database.execute(
            "SELECT state, error, next_attempt_at IS NOT NULL FROM outbox_deliveries WHERE user_id = 'bruno' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchall()
    assert states == [("sending", "the console's output is closed", 1)]  # not counted as shown: tried again
    again = subprocess.run([*command, "say", "--as", "claire", "budget", "1"], env=env, capture_output=True,
                           text=True, timeout=60, check=False)  # fmt: skip
    assert again.returncode == 0
    assert "Traceback" not in again.stderr


def test_the_console_shows_who_you_are_and_switches_user(workdir: Path) -> None:
    script = Path(sys.executable).parent / "labbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]
    env = {**os.environ, "LABBOT_DATABASE_URL": f"sqlite:///{workdir / 'c.db'}", "HOME": str(workdir)}
    typed = 'idee "Lab Corse" region:corse services:"DREAL, DDT"\n:as bruno\nrejoindre 1\n:q\n'
    done = subprocess.run([*command, "console", "--as", "alice"], input=typed, env=env, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "alice@labbot>" in done.stdout
    assert "bruno@labbot>" in done.stdout
    assert "Lab Corse" in done.stdout
    assert "bruno" in done.stdout


def test_say_loads_no_server_scheduler_or_file_library(workdir: Path) -> None:
    """A one-shot `labbot say` keeps its peak memory low (the dossier's aim is < 150 MiB): the HTTP server,
    the scheduler, reminders' calendars, invitations, SQLite's stemmer and the file writers load only where
    they are used."""
    env = {**os.environ, "LABBOT_DATABASE_URL": f"sqlite:///{workdir / 'm.db'}"}
    unused = ["uvicorn", "starlette", "apscheduler", "holidays", "icalendar", "snowballstemmer", "readline",
              "alembic", "psycopg", "fpdf", "odfdo", "numpy", "openpyxl", "matplotlib"]  # fmt: skip
    probe = (
        "import sys\nfrom adapters.cli import main\ncode = main(['say', '--as', 'alice', 'aide'])\n"
        f"print(code, sorted(m for m in {unused!r} if m in sys.modules))\n"
    )
    # The first run creates the database (Alembic); the second finds it at the newest migration.
    for _run in range(2):
        done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60,
                              check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 []"
