"""Lint, types and architecture are part of the suite, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param((str(BIN / "ruff"), "check", "."), id="ruff-check"),
        pytest.param((str(BIN / "ruff"), "format", "--check", "."), id="ruff-format"),
        pytest.param((str(BIN / "lint-imports"),), id="import-contracts"),
        pytest.param((str(BIN / "mypy"),), id="mypy-strict"),
    ],
)
def test_static_check_passes(command: tuple[str, ...]) -> None:
    done = run(*command)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_no_dead_code() -> None:
    """vulture ([tool.vulture] in pyproject.toml) finds nothing unused in labbot, commands or adapters; tests and
    benchmarks are read as users of the code, not checked."""
    done = run(str(BIN / "vulture"))
    dead = [line for line in done.stdout.splitlines() if line.startswith(("labbot/", "commands/", "adapters/"))]
    assert dead == [], "\n".join(dead)
