"""`labbot db backup PATH`: SQLite's online backup, read back with sqlite3; PostgreSQL is told to use pg_dump."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from adapters.cli import main


def run(tmp_path: Path, url: str, *args: str) -> int:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return main(["--config", str(config), *args])


def test_a_backup_holds_what_was_committed_and_passes_the_doctor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    url = f"sqlite:///{tmp_path}/labbot.db"
    assert run(tmp_path, url, "say", "--as", "alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL"') == 0
    copy = tmp_path / "copie.db"
    assert run(tmp_path, url, "db", "backup", str(copy)) == 0
    assert "labbot doctor" in capsys.readouterr().out
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("SELECT title FROM projects").fetchall() == [("Lab Bretagne",)]
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    status = run(tmp_path, f"sqlite:///{copy}", "doctor")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("✅ database:"), lines
    assert status == 2  # nothing leads the scheduler on a copy: the doctor says so

    assert run(tmp_path, url, "db", "backup", str(copy)) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err
    assert run(tmp_path, url, "db", "backup") == 2
    assert "labbot db backup PATH" in capsys.readouterr().err


def test_postgresql_is_told_to_use_pg_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    assert run(tmp_path, "postgresql://labbot@127.0.0.1:1/labbot", "db", "backup", str(tmp_path / "x.db")) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
