"""What the figures were measured on, and how busy the machine was."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.databases import POSTGRES_ADMIN_URL


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def postgres_version() -> str | None:
    """The PostgreSQL server's version, or None when it cannot be reached."""
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except Exception:
        return None
    finally:
        engine.dispose()


def describe() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python and database versions, and the load average now."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
