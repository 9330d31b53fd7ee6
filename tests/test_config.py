"""Configuration: resolution order, environment override, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from labbot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_example_config_is_valid_and_holds_the_calls_three_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    settings = load_settings(str(ROOT / "config.example.toml"))
    assert [event.key for event in settings.events] == ["camp", "decouverte", "regroupement"]
    camp = settings.events[0].starts_at()
    assert camp is not None
    assert camp.isoformat() == "2016-05-27T09:30:00+02:00"
    assert settings.budget.cap_cents == 50_000_000
    assert settings.valuation.rate_cents("B") > 0


def test_without_a_file_the_defaults_use_sqlite_and_the_calls_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LABBOT_CONFIG", raising=False)
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.database.url == "sqlite:///labbot.db"
    assert len(settings.events) == 3


def test_resolution_order_and_database_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///local.db"\n')
    other = tmp_path / "other.toml"
    other.write_text('[database]\nurl = "sqlite:///other.db"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    monkeypatch.delenv("LABBOT_CONFIG", raising=False)
    assert load_settings().database.url == "sqlite:///local.db"
    monkeypatch.setenv("LABBOT_CONFIG", str(other))
    assert load_settings().database.url == "sqlite:///other.db"
    assert load_settings(str(tmp_path / "config.toml")).database.url == "sqlite:///local.db"
    monkeypatch.setenv("LABBOT_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert load_settings().database.url == "postgresql://postgres@127.0.0.1/test"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("[budget]\ncap = 'beaucoup'\n", "budget.cap"),
        ("[budget]\npia_share = 2\n", "budget.pia_share"),
        ("[roles]\nadmins = ['sgmap']\n", "roles.admins"),
        ("[valuation.hourly_rates]\nA = 50\n", "hourly_rates lacks A+, B, C"),
        ("[[events]]\nkey = 'Camp 2016'\ntitle = 'x'\ncapacity = 10\nstarts = 2016-05-27\n", "events.0.key"),
        ("[[events]]\nkey = 'camp'\ntitle = 'x'\ncapacity = 0\nstarts = 2016-05-27\n", "events.0.capacity"),
        ("[[events]]\nkey = 'camp'\ntitle = 'x'\ncapacity = 5\n", "events.0"),
        ("[database]\nurl = 'sqlite:///x.db'\npool = 3\n", "database.pool"),
        ("[budget\ncap = 1\n", "not valid TOML"),
    ],
)
def test_a_bad_config_names_the_key_and_the_expected_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, named: str
) -> None:
    monkeypatch.delenv("LABBOT_DATABASE_URL", raising=False)
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as error:
        load_settings(str(path))
    assert named in str(error.value)
    assert str(path) in str(error.value)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(str(tmp_path / "absent.toml"))
