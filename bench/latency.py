"""Core latency per command family through `LabBot.handle`, the adapters' entry point.

Each sample is a different user or project (no warm cache of one row), every reply is checked to be a
success, and when a command's p99 passes the aim the slowest SQL statement it ran is EXPLAINed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import Engine, event, text

from adapters.bootstrap import Application, bootstrap
from bench.generate import TODAY, Layout
from bench.stats import summary_ms
from bench.support_texts import FAQ_QUERIES, LAB_QUERIES
from labbot.clock import PARIS, FixedClock
from labbot.config import Settings, call_events
from labbot.messages import Outcome, Request

AIM_P99_MS = 20.0
STRIDE = 7919  # a prime: sample i visits agent (i × STRIDE) mod agents, all different


@dataclass(frozen=True)
class Sample:
    """One command as one console user."""

    user: str
    text: str


@dataclass(frozen=True)
class Family:
    """A command family and how to build its i-th sample on the generated data."""

    name: str
    build: Callable[[Layout, int, list[str]], Sample]


def _agent(plan: Layout, i: int) -> int:
    return (i * STRIDE) % plan.scale.agents


def _member(plan: Layout, i: int) -> tuple[str, int]:
    index = _agent(plan, i)
    return plan.console_id(plan.agent_id(index)), plan.project_of_agent(index)


def _coordinator(plan: Layout, i: int) -> tuple[str, int]:
    project = (i * STRIDE) % plan.scale.projects + 1
    return plan.console_id(plan.coordinator_id(plan.region_of_project(project))), project


def _log_hours(plan: Layout, i: int, _events: list[str]) -> Sample:
    # Closed (`non-retenu`) projects take no hours: the next agent, on an open one.
    while plan.is_closed(_member(plan, i)[1]):
        i += 1
    user, project = _member(plan, i)
    return Sample(user, f"heures {project} 1h30 date:{TODAY:%d/%m/%Y} activite:Atelier")


def _signup(plan: Layout, i: int, events: list[str]) -> Sample:
    index = _agent(plan, i)
    # The generator signed agent k up for event k mod 3; the next event is one they are not on.
    return Sample(plan.console_id(plan.agent_id(index)), f"inscription {events[(index + 1) % len(events)]}")


def _faq(plan: Layout, i: int, _events: list[str]) -> Sample:
    return Sample(_member(plan, i)[0], f"faq {FAQ_QUERIES[i % len(FAQ_QUERIES)]}")


def _labs(plan: Layout, i: int, _events: list[str]) -> Sample:
    # Words alone, words with a facet, facets alone: in turn, as agents (who search public fields only).
    words = LAB_QUERIES[i % len(LAB_QUERIES)]
    facets = ("", f"region:{plan.regions[i % len(plan.regions)]}", "methode:design", "statut:en-cours")[i % 4]
    return Sample(_member(plan, i)[0], f"labs {words} {facets}".strip())


FAMILIES = (
    Family("log hours (heures)", _log_hours),
    Family("my hours (mesheures)", lambda p, i, _e: Sample(_member(p, i)[0], "mesheures mois:2017-03")),
    Family("project card (projet)", lambda p, i, _e: Sample(_member(p, i)[0], f"projet {_member(p, i)[1]}")),
    Family("budget", lambda p, i, _e: Sample(_coordinator(p, i)[0], f"budget {_coordinator(p, i)[1]}")),
    Family(
        "report by agent (rapport par:agent)",
        lambda p, i, _e: Sample(_coordinator(p, i)[0], f"rapport {_coordinator(p, i)[1]} par:agent"),
    ),
    Family(
        "report by month (rapport par:mois)",
        lambda p, i, _e: Sample(_coordinator(p, i)[0], f"rapport {_coordinator(p, i)[1]} par:mois"),
    ),
    Family(
        "region report (rapport par:projet)",
        lambda p, i, _e: Sample(_coordinator(p, i)[0], "rapport par:projet"),
    ),
    Family("events (evenements)", lambda p, i, _e: Sample(_member(p, i)[0], "evenements")),
    Family("signup (inscription)", _signup),
    Family("partners (partenaires)", lambda p, i, _e: Sample(_member(p, i)[0], f"partenaires {_member(p, i)[1]}")),
    Family("FAQ search (faq)", _faq),
    Family("labs search (labs)", _labs),
)


def bench_settings(url: str) -> Settings:
    """Default settings on `url` (the generator made person 1 an admin in the database), with the call's events
    moved after the data set's "today": signups close when an event starts."""
    events = [
        {
            "key": e.key,
            "title": e.title,
            "starts": TODAY + timedelta(days=60 + n),
            "place": "Paris",
            "capacity": e.capacity,
        }
        for n, e in enumerate(call_events())
    ]
    return Settings.model_validate({"database": {"url": url}, "events": events})


def open_application(url: str) -> Application:
    """labbot as the adapters get it, its clock at noon on the data set's "today"."""
    clock = FixedClock(datetime.combine(TODAY, clock_time(12, 0), tzinfo=PARIS))
    application = bootstrap(bench_settings(url), clock=clock)
    if application.database.checkpoints is not None:
        # As in `labbot run`, where the leader copies SQLite's WAL in the background (disposing stops it).
        application.database.checkpoints.start()
    return application


@dataclass
class StatementLog:
    """SQL statements run during one command, with their durations."""

    active: bool = False
    statements: list[tuple[float, str, Any]] = field(default_factory=list)


@contextmanager
def watching(engine: Engine) -> Iterator[StatementLog]:
    """Record every statement the engine runs while the block is active."""
    log = StatementLog()

    def before(_conn: Any, _cursor: Any, _statement: str, _parameters: Any, context: Any, _many: bool) -> None:
        context._bench_started = time.perf_counter()

    def after(_conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool) -> None:
        if log.active:
            log.statements.append((time.perf_counter() - context._bench_started, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(engine: Engine, statement: str, parameters: Any) -> str:
    """The plan of `statement` (PostgreSQL: with actual times and buffers)."""
    reads = statement.lstrip().upper().startswith(("SELECT", "WITH"))
    if engine.dialect.name == "sqlite":
        prefix = "EXPLAIN QUERY PLAN "
    else:
        # ANALYZE runs the statement: only for reads, a write would be done a second time.
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if reads else "EXPLAIN "
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            connection.rollback()
    except Exception as error:  # a plan is a diagnostic: report why it is missing, keep measuring
        return f"(no plan: {type(error).__name__}: {str(error)[:300]})"
    return "\n".join(" | ".join(str(v) for v in row) for row in rows)


@dataclass
class FamilyRuns:
    """What one family's measured runs gave: durations, the slowest statement, the slowest run's SQL share."""

    durations: list[float] = field(default_factory=list)
    slowest_statement: tuple[float, str, Any] | None = None
    slowest_run: tuple[float, float] = (0.0, 0.0)  # (wall seconds, seconds in SQL)

    def add(self, seconds: float, statements: list[tuple[float, str, Any]]) -> None:
        self.durations.append(seconds)
        worst = max(statements, default=None, key=lambda s: s[0])
        if worst and (self.slowest_statement is None or worst[0] > self.slowest_statement[0]):
            self.slowest_statement = worst
        if seconds > self.slowest_run[0]:
            self.slowest_run = (seconds, sum(s[0] for s in statements))

    def summary(self, engine: Engine) -> dict[str, Any]:
        result: dict[str, Any] = summary_ms(self.durations)
        result["slowest_run_sql_ms"] = round(self.slowest_run[1] * 1000, 2)
        if result["p99_ms"] > AIM_P99_MS and self.slowest_statement:
            seconds, statement, parameters = self.slowest_statement
            result["slowest_sql_ms"] = round(seconds * 1000, 2)
            result["slowest_sql"] = statement
            result["explain"] = explain(engine, statement, parameters)
        return result


def measure(application: Application, plan: Layout, samples: int) -> dict[str, Any]:
    """Latency of every family: `samples` runs each after a few unmeasured warm-up runs.

    Families take turns (one run of each, then the next round), so a burst of load from other processes on a
    shared machine falls on all of them rather than on whichever family happened to be running.
    """
    with application.database.engine.connect() as connection:
        events = [key for (key,) in connection.execute(text("SELECT key FROM events ORDER BY id"))]
    runs = {family.name: FamilyRuns() for family in FAMILIES}
    warmup = max(2, samples // 10)
    with watching(application.database.engine) as statements:
        for i in range(samples + warmup):
            for family in FAMILIES:
                statements.active, statements.statements = True, []
                seconds = _handle(application, family.build(plan, i, events))
                statements.active = False
                if i >= warmup:
                    runs[family.name].add(seconds, statements.statements)
    return {name: family_runs.summary(application.database.engine) for name, family_runs in runs.items()}


def _handle(application: Application, sample: Sample) -> float:
    request = Request(
        platform="console", user_id=sample.user, text=sample.text, idempotency_key=f"bench-{uuid.uuid4().hex}"
    )
    started = time.perf_counter()
    reply = application.bot.handle(request)
    seconds = time.perf_counter() - started
    if reply.outcome is not Outcome.DONE:
        raise RuntimeError(f"{sample.user}: {sample.text!r} was not carried out: {reply.text} {reply.notes}")
    return seconds
