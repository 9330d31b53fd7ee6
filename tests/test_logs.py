"""Logs for operators: `[logging] format = "text" | "json"`, request ids that the apology's reference reuses,
and never a token, a message text or an e-mail address."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from commands import FAMILIES
from labbot.context import CommandContext
from labbot.engine import LabBot
from labbot.logs import LoggingSettings, configure_logging, masked
from labbot.messages import Outcome, Reply, Request
from labbot.registry import CommandFamily, CommandRegistry
from tests.conftest import Conversation

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def broken_bot(bot: Conversation) -> LabBot:
    family = CommandFamily("broken")

    @family.command("casse", "broken", summary="", example="casse", example_en="broken")
    def broken(_ctx: CommandContext, _args: object) -> Reply:
        raise RuntimeError("the disk is full")

    return LabBot(CommandRegistry([*FAMILIES, family]), bot.app.database, bot.app.settings, bot.clock)


def test_the_apology_reference_finds_the_commands_json_log_lines(
    bot: Conversation, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    configure_logging(LoggingSettings(format="json"), server=True)
    engine = broken_bot(bot)
    request = Request(platform="slack", user_id="U0ALICE", text="casse", email="claire@region.gouv.fr")
    reply = engine.handle(request)
    assert reply.outcome is Outcome.FAILED
    reference = re.search(r"SGMAP : (\w+)\.", reply.text.replace("\u202f", " ").replace("\u00a0", " "))
    assert reference, reply.text
    lines = [json.loads(text) for text in capsys.readouterr().err.splitlines()]
    mine = [entry for entry in lines if entry.get("request_id") == reference.group(1)]
    assert len(mine) == 2  # the traceback, and the command's own line with its duration
    failure, done = mine
    assert failure["level"] == "ERROR"
    assert "the disk is full" in failure["error"]
    assert done["message"].startswith("command failed in")
    assert done["family"] == "broken"
    assert done["platform"] == "slack"
    assert done["duration_ms"] > 0
    assert {"time", "level", "logger", "message"} <= done.keys()
    everything = json.dumps(lines)
    assert "claire@region.gouv.fr" not in everything
    assert '"casse' not in everything  # the text typed


def test_every_command_logs_one_line_with_its_family_and_duration(
    bot: Conversation, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    configure_logging(LoggingSettings(format="text", level="INFO"), server=False)
    bot.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    bot.say("alice", "heures 99 1h")
    lines = [text for text in capsys.readouterr().err.splitlines() if "labbot.engine" in text]
    assert len(lines) == 2, lines
    assert re.search(r"INFO labbot\.engine \[[0-9a-f]{12} console ideas\]: command done in [\d.]+ ms", lines[0])
    assert re.search(r"\[[0-9a-f]{12} console hours\]: command refused in", lines[1])
    assert "Lab Bretagne" not in "\n".join(lines)


def test_tokens_and_addresses_are_masked_whatever_logs_them() -> None:
    assert masked("token xoxb-1234-5678-abcdef refused for ana.lopez+lab@dreal.gouv.fr") == (
        "token <secret> refused for <e-mail>"
    )
    assert masked("Authorization: Bearer abcdefgh12345678") == "Authorization: <secret>"
    assert masked("xapp-1-A0-123-abc") == "<secret>"


def labbot(tmp_path: Path, config: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/labbot.db"\n{config}', encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "LABBOT_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(path), *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_json_lines_from_the_command_line(tmp_path: Path) -> None:
    done = labbot(
        tmp_path,
        '[logging]\nformat = "json"\nlevel = "INFO"\n',
        "say",
        "--as",
        "alice",
        'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM" resume:"écrire à alice@dreal.gouv.fr"',
    )
    assert done.returncode == 0, done.stderr
    entries = [json.loads(text) for text in done.stderr.splitlines()]  # every line is one JSON object
    [command] = [entry for entry in entries if entry["logger"] == "labbot.engine"]
    assert command["family"] == "ideas"
    assert command["platform"] == "console"
    assert re.fullmatch(r"[0-9a-f]{12}", command["request_id"])
    assert "alice@dreal.gouv.fr" not in done.stderr
    assert "Lab Bretagne" not in done.stderr


def test_a_bad_logging_table_is_a_configuration_error(tmp_path: Path) -> None:
    done = labbot(tmp_path, '[logging]\nformat = "xml"\n', "say", "aide")
    assert done.returncode == 2
    assert "logging.format" in done.stderr
