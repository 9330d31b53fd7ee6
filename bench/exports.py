"""Exports and charts at national scale: `export heures` of a region (~55 000 entries at full scale, xlsx
streamed), `export budget` of the project with most entries (PDF and xlsx), `budget <ref> graphique`.

Latency in-process (p50/p99 over the scale's samples), peak RSS in a fresh `labbot say` process. The issue's
aims: exports under 5 s p99 and 200 MiB; a chart under 1 s.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from adapters.bootstrap import Application
from bench.generate import Layout
from bench.memory import peak_rss
from bench.stats import summary_ms
from labbot.messages import Outcome, Request
from labbot.storage.models import HourEntry, Project

AIM_EXPORT_P99_MS = 5000.0
AIM_EXPORT_RSS_MIB = 200.0
AIM_CHART_P99_MS = 1000.0


def largest_project(application: Application) -> tuple[int, str, int]:
    """The project with most hour entries: its number, region and entry count."""
    with application.database.transaction() as session:
        row = session.execute(
            select(HourEntry.project_id, Project.region, func.count(HourEntry.id))
            .join(Project, Project.id == HourEntry.project_id)
            .group_by(HourEntry.project_id, Project.region)
            .order_by(func.count(HourEntry.id).desc())
            .limit(1)
        ).one()
    return int(row[0]), str(row[1]), int(row[2])


def region_entries(application: Application, region: str) -> int:
    """How many entries a region's export holds."""
    with application.database.transaction() as session:
        return int(
            session.scalar(
                select(func.count(HourEntry.id))
                .join(Project, Project.id == HourEntry.project_id)
                .where(Project.region == region)
            )
            or 0
        )


def _time(application: Application, user: str, command: str, samples: int) -> tuple[dict[str, float], int]:
    durations: list[float] = []
    size = 0
    for i in range(samples + 1):  # the first run warms caches and imports
        started = time.perf_counter()
        reply = application.bot.handle(Request(platform="console", user_id=user, text=command))
        seconds = time.perf_counter() - started
        if reply.outcome is not Outcome.DONE or not reply.files:
            raise RuntimeError(f"{command!r} made no file: {reply.text} {reply.notes}")
        size = sum(len(f.content) for f in reply.files)
        if i:
            durations.append(seconds)
    return summary_ms(durations), size


def measure(application: Application, plan: Layout, samples: int, url: str, workdir: Any) -> dict[str, Any]:
    """Time and size each export and the chart; peak RSS of each export in its own process."""
    project, region, project_entries = largest_project(application)
    region_index = plan.regions.index(region)
    user = plan.console_id(plan.coordinator_id(region_index))
    runs = max(3, samples // 10)  # an export takes seconds: fewer samples than the chat's commands
    commands = {
        "export heures (region, xlsx)": f"export heures region:{region}",
        "export budget (pdf)": f"export budget {project}",
        "export budget (xlsx)": f"export budget {project} format:xlsx",
        "budget graphique": f"budget {project} graphique",
    }
    results: dict[str, Any] = {
        "region": region,
        "region_entries": region_entries(application, region),
        "project": project,
        "project_entries": project_entries,
        "commands": {},
        "aim": {
            "export_p99_ms": AIM_EXPORT_P99_MS,
            "export_rss_mib": AIM_EXPORT_RSS_MIB,
            "chart_p99_ms": AIM_CHART_P99_MS,
        },
    }
    for name, command in commands.items():
        latency, size = _time(application, user, command, runs)
        entry: dict[str, Any] = {"command": command, "latency": latency, "bytes": size}
        if name.startswith("export heures") or name == "export budget (pdf)":
            entry["memory"] = peak_rss(url, user, command, workdir)
        results["commands"][name] = entry
    return results
