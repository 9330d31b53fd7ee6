"""`labbot run` wiring: the shared HTTP app, its health check, services' lifespan, and the no-platform refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from adapters.cli import main
from adapters.http import build_http_app
from labbot.storage.database import Database


class RecordingService:
    def __init__(self, name: str, journal: list[str]) -> None:
        self.name, self.journal = name, journal

    async def start(self) -> None:
        self.journal.append(f"start {self.name}")

    async def stop(self) -> None:
        self.journal.append(f"stop {self.name}")


def test_healthz_answers_when_the_database_does(database_url: str) -> None:
    database = Database(database_url)
    database.upgrade()
    with TestClient(build_http_app(database, [], [])) as client:
        response = client.get("/healthz")
    database.dispose()
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path}/missing-dir/labbot.db")
    with TestClient(build_http_app(database, [], [])) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_healthz_names_the_part_down_never_the_raw_error(tmp_path: Path) -> None:
    # The database's own words (its address, a path, a driver message) are for the log, not for any caller.
    for url in (
        f"sqlite:///{tmp_path}/missing-dir/labbot.db",
        "postgresql+psycopg://labbot:s3cret-password@127.0.0.1:1/labbot?connect_timeout=2",
    ):
        database = Database(url)
        with TestClient(build_http_app(database, [], [])) as client:
            response = client.get("/healthz")
        database.dispose()
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "down": "database"}


def test_services_start_in_order_and_stop_in_reverse(database_url: str) -> None:
    journal: list[str] = []
    database = Database(database_url)
    services = [RecordingService("slack", journal), RecordingService("worker", journal)]
    with TestClient(build_http_app(database, [], services)):
        assert journal == ["start slack", "start worker"]
    database.dispose()
    assert journal == ["start slack", "start worker", "stop worker", "stop slack"]


def test_run_without_any_platform_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/labbot.db"\n')
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    assert main(["--config", str(config), "run"]) == 2
    assert "[slack] or [mattermost]" in capsys.readouterr().err
