"""Every benchmark runs on tiny data, so the harness cannot rot. No timing is asserted: only that each step
ran on valid data (every command carried out), counted what it should, and wrote both reports.

The steps run as separate tests (each on a data set of its own, as `python -m bench <step> --tiny` does), so
that parallel workers share them out: together they took two minutes of a serial run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bench import __main__ as bench_main
from bench import answer_post
from bench.databases import POSTGRES_ADMIN_URL
from bench.latency import FAMILIES
from bench.scale import TINY
from tests.conftest import POSTGRES_REQUIRED
from tests.platforms.slack_fixtures import load_slack_spec

CORE_STEPS = {"latency", "memory", "exports", "dossier"}


def test_the_tests_cover_every_step() -> None:
    """A step added to the bench needs a smoke test here: the tests below name every step between them."""
    assert {*CORE_STEPS, "http", "broadcast"} == set(bench_main.STEPS)


def _run_tiny(steps: set[str], out: Path) -> tuple[dict[str, Any], str]:
    """Run `steps` on sqlite at the tiny scale; the results and the Markdown report, after checking that both
    reports were written."""
    results = bench_main.run(TINY, ["sqlite"], steps, out)
    assert json.loads((out / "report.json").read_text())["scale"]["name"] == "tiny"
    return results, (out / "report.md").read_text()


def _check_dataset(data: dict[str, object]) -> None:
    generation = data["generation"]
    assert isinstance(generation, dict)
    assert generation["rows"]["hour_entries"] == TINY.hour_entries
    assert generation["rows"]["projects"] == TINY.projects
    assert generation["rows"]["signups"] == TINY.signups
    latency = data["latency"]
    assert isinstance(latency, dict)
    assert set(latency) == {family.name for family in FAMILIES}
    assert all(figures["n"] == TINY.latency_samples for figures in latency.values())
    exports = data["exports"]
    assert isinstance(exports, dict)
    assert exports["region_entries"] > 0
    assert all(entry["bytes"] > 0 for entry in exports["commands"].values())
    assert exports["commands"]["export heures (region, xlsx)"]["memory"]["status"] == 0
    memory = data["memory"]
    assert isinstance(memory, dict)
    assert memory["largest_report"]["status"] == 0
    assert memory["largest_report"]["output_chars"] > memory["baseline"]["output_chars"] // 10


def test_core_benchmarks_run_on_tiny_data_with_sqlite(tmp_path: Path) -> None:
    results, report = _run_tiny(CORE_STEPS, tmp_path)
    _check_dataset(results["datasets"]["sqlite"])
    dossier = results["datasets"]["sqlite"]["dossier"]
    assert dossier["latency"]["n"] == TINY.latency_samples
    assert dossier["project"]["meetings"] == 200
    assert dossier["bytes"]["pdf"] > 0
    assert dossier["memory"]["status"] == 0
    assert "log hours (heures)" in report
    assert "### Dossier (.odt + PDF), sqlite" in report


def test_http_benchmark_runs_on_tiny_data_with_sqlite(tmp_path: Path) -> None:
    load_slack_spec()  # the Slack stand-in checks calls against the shared specs
    results, report = _run_tiny({"http"}, tmp_path)
    for platform in ("slack", "mattermost"):
        measured = results["http"]["platforms"][platform]
        assert [r["errors"] for r in measured["bare"]] == [0] * TINY.http_rounds
        assert all(r["n"] == TINY.http_requests for r in measured["bare"] + (measured["labbot"] or []))
    assert "## HTTP: signed slash commands over loopback (labbot on sqlite)" in report


def test_broadcast_benchmark_runs_on_tiny_data_with_sqlite(tmp_path: Path) -> None:
    load_slack_spec()  # the broadcast's stand-in checks calls against the shared specs
    results, report = _run_tiny({"broadcast"}, tmp_path)
    runs = results["broadcast"]["runs"]
    assert runs["slack_sdk reference (no outbox)"]["recipients"] == TINY.broadcast_recipients
    everyone = 1 + TINY.regions + TINY.agents  # `annonce … a:tous`: the admin, the coordinators, the agents
    assert [run["recipients"] for run in runs.values()] == [TINY.broadcast_recipients, everyone, everyone]
    assert [(run["duplicates"], run["losses"]) for run in runs.values()] == [(0, 0)] * 3
    assert 0 < runs["labbot outbox, killed midway"]["sent_before_kill"] < everyone  # it really was interrupted
    assert results["broadcast"]["violations"] == 0
    assert "## Broadcast" in report


@pytest.mark.postgres
def test_core_benchmarks_run_on_tiny_data_with_postgresql(tmp_path: Path) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        message = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error}"
        if POSTGRES_REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    results = bench_main.run(TINY, ["postgresql"], {"latency", "memory", "exports"}, tmp_path)
    _check_dataset(results["datasets"]["postgresql"])


def test_answer_post_benchmark_posts_both_ways() -> None:
    """`python -m bench.answer_post`: both ways of posting reach the receiver (it raises on any not taken)."""
    figures = answer_post.measure(3)
    assert list(figures) == ["WebhookClient, a connection per answer", "RespondOnce, kept-alive session"]
    assert all(way["wall_us"] > 0 for way in figures.values())
