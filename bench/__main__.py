"""`python -m bench all --quick|--full`: every benchmark, then a Markdown and a JSON report.

Run from the project root with the project's venv. `--tiny` is the smoke size the tests use.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import broadcast, databases, dossier, exports, generate, http_bench, latency, machine, memory
from bench.report import markdown
from bench.scale import SCALES, Scale

STEPS = ("latency", "memory", "dossier", "exports", "http", "broadcast")


def _dataset(dialect: str, scale: Scale, workdir: Path, steps: set[str]) -> tuple[dict[str, Any], str]:
    print(f"[{dialect}] generating the {scale.name} data set…", flush=True)
    # A name of its own, so two runs (two CI jobs, two engineers' suites) never drop each other's database.
    url = databases.fresh_url(dialect, f"labbot_bench_{scale.name}_{uuid.uuid4().hex[:8]}", workdir)
    application = latency.open_application(url)
    try:
        result: dict[str, Any] = {"generation": dataclasses.asdict(generate.generate(application.database, scale))}
        plan = generate.layout(scale)
        if "latency" in steps:
            print(f"[{dialect}] core latency…", flush=True)
            result["latency"] = latency.measure(application, plan, scale.latency_samples)
        if "dossier" in steps:
            print(f"[{dialect}] dossier of a large project…", flush=True)
            result["dossier"] = dossier.measure(application, plan, scale.latency_samples, url, workdir)
        if "exports" in steps:
            print(f"[{dialect}] exports and a chart…", flush=True)
            result["exports"] = exports.measure(application, plan, scale.latency_samples, url, workdir)
    finally:
        application.database.dispose()
    if "memory" in steps:
        print(f"[{dialect}] memory of the largest report…", flush=True)
        result["memory"] = memory.measure(generate.layout(scale), url, workdir)
    return result, url


def run(scale: Scale, dialects: list[str], steps: set[str], out: Path) -> dict[str, Any]:
    """Run the benchmarks, write `out/report.md` and `out/report.json`, return the results."""
    out = out.resolve()  # child processes run elsewhere; a relative SQLite path would name another file
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(),
        "scale": dataclasses.asdict(scale),
        "datasets": {},
    }
    urls: dict[str, str] = {}
    for dialect in dialects:
        results["datasets"][dialect], urls[dialect] = _dataset(dialect, scale, out, steps)
    plan = generate.layout(scale)
    if "http" in steps:
        served = "postgresql" if "postgresql" in urls else dialects[0]
        print(f"[http] on {served}…", flush=True)
        results["http"] = {"database": served, "platforms": http_bench.measure(plan, urls[served], out)}
    if "broadcast" in steps:
        served = "postgresql" if "postgresql" in urls else dialects[0]
        print(f"[broadcast] on {served}…", flush=True)
        results["broadcast"] = {"database": served, **broadcast.measure(plan, urls[served], out)}
    for dialect, url in urls.items():
        databases.drop(dialect, url)
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    # More runnable processes than cores before or after: other work shared the machine.
    results["contended"] = max(results["machine"]["load_average"][0], results["load_average_after"][0]) > 1.0
    (out / "report.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    (out / "report.md").write_text(markdown(results))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("what", choices=["all", *STEPS], help="every benchmark, or one of them")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_const", dest="scale", const="full", help="national scale")
    size.add_argument("--quick", action="store_const", dest="scale", const="quick", help="a tenth of it")
    size.add_argument("--tiny", action="store_const", dest="scale", const="tiny", help="smoke test")
    parser.add_argument("--dialects", default=",".join(databases.DIALECTS), help="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=Path("bench/out"), help="where the reports go")
    args = parser.parse_args()
    steps = set(STEPS) if args.what == "all" else {args.what}
    results = run(SCALES[args.scale or "quick"], args.dialects.split(","), steps, args.out)
    print(f"done in {results['duration_s']} s: {args.out / 'report.md'} and {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
