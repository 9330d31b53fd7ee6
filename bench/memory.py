"""Peak memory of `labbot say` producing the largest report at scale, against a command that reads nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.generate import Layout

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _labbot() -> str:
    beside = Path(sys.executable).with_name("labbot")
    return str(beside) if beside.exists() else shutil.which("labbot") or "labbot"


def peak_rss(database_url: str, user: str, command: str, workdir: Path) -> dict[str, Any]:
    """Run one command in a fresh `labbot say` process; its exit status, peak RSS and reply size."""
    # Built-in defaults and the benchmark database; the working directory holds no config.toml.
    env = {key: value for key, value in os.environ.items() if key != "LABBOT_CONFIG"}
    env["LABBOT_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bench.rss", "--", _labbot(), "say", "--as", user, command],
        capture_output=True, text=True, check=True, env=env, cwd=workdir,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    if result["status"] != 0:
        raise RuntimeError(f"labbot say {command!r} as {user} exited with {result['status']}")
    return {"command": command, **result}


def measure(plan: Layout, database_url: str, workdir: Path) -> dict[str, Any]:
    """Baseline (help) and the largest report: a region's hours per agent, aggregated in SQL."""
    coordinator = plan.console_id(plan.coordinator_id(0))
    region_entries = plan.scale.hour_entries // len(plan.regions)
    return {
        "baseline": peak_rss(database_url, coordinator, "aide", workdir),
        "largest_report": {
            **peak_rss(database_url, coordinator, "rapport par:agent", workdir),
            "entries_summed": region_entries,
        },
    }
