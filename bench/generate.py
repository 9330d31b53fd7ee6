"""Fill an empty labbot database with a national-scale data set, by bulk inserts.

SQLite gets SQLAlchemy Core `insert()` executemany in chunks; PostgreSQL gets `COPY … FROM STDIN` through
psycopg. Rows are valid for the core: real regions, statuses, competences, categories, rates taken from the
default valuation settings, agents only log hours on their own team's project, one live signup per person
and event with the waiting list past capacity, costs well under the cap.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, text

from bench.scale import Scale
from bench.support_texts import faq_rows, project_summary
from labbot.config import Settings
from labbot.lifecycle import STATUSES
from labbot.storage import hour_totals, search_index, signup_counts
from labbot.storage.database import Database
from labbot.storage.models import Base, Event
from labbot.vocabulary import COMPETENCES, COST_TYPES, METHODS, PARTNER_CATEGORIES, REGIONS

SEED = 2016
# The benchmark's "today": hours span the school year before it, the PIA window of running projects is open.
TODAY = date(2017, 6, 30)
FIRST_WORK_DAY = date(2016, 9, 1)
STARTED_ON = date(2017, 1, 2)
CREATED_AT = datetime(2016, 6, 1, 8, 0, tzinfo=UTC)
CATEGORIES = ("A+", "A", "B", "C")
CATEGORY_WEIGHTS = (1, 5, 3, 1)
STATUS_WEIGHTS = {"idee": 2, "en-preparation": 2, "depose": 1, "retenu": 1, "non-retenu": 1, "en-cours": 6}
if not set(STATUS_WEIGHTS) <= set(STATUSES.codes()):
    raise RuntimeError(f"unknown status in {STATUS_WEIGHTS}")
CHUNK = 20_000
ADMIN_ID = 1


@dataclass(frozen=True)
class Layout:
    """Who is who in the generated data, so benchmarks can pick valid users and projects."""

    scale: Scale
    regions: tuple[str, ...]

    def coordinator_id(self, region_index: int) -> int:
        """The coordinator of the region at `region_index`."""
        return 2 + region_index

    @property
    def first_agent_id(self) -> int:
        """Agents' person ids follow the admin and the coordinators."""
        return 2 + len(self.regions)

    def agent_id(self, index: int) -> int:
        """The person id of agent number `index` (0-based)."""
        return self.first_agent_id + index

    def project_of_agent(self, index: int) -> int:
        """Every agent is on one team: agent i on project i mod P (1-based ids)."""
        return index % self.scale.projects + 1

    @staticmethod
    def is_closed(project_id: int) -> bool:
        """Every 13th project is `non-retenu` (its weight among the statuses): closed projects take no hours."""
        return project_id % 13 == 0

    def region_of_project(self, project_id: int) -> int:
        """Region index of a project."""
        return (project_id - 1) % len(self.regions)

    @staticmethod
    def slack_id(person_id: int) -> str:
        """The person's Slack user id."""
        return f"U{person_id:08d}"

    @staticmethod
    def mattermost_id(person_id: int) -> str:
        """The person's Mattermost user id (26 characters, as Mattermost's)."""
        return f"mm{person_id:024d}"

    @staticmethod
    def console_id(person_id: int) -> str:
        """The person's console user name."""
        return f"user{person_id}"


def layout(scale: Scale) -> Layout:
    """The layout of a data set at `scale`."""
    return Layout(scale, tuple(REGIONS.codes()[: scale.regions]))


@dataclass
class Generated:
    """Row counts and how long each table and the whole run took."""

    dialect: str
    rows: dict[str, int]
    seconds: dict[str, float]
    total_seconds: float


Rows = Iterator[tuple[Any, ...]]


class DataSet:
    """The rows of every table, produced lazily and deterministically."""

    def __init__(self, plan: Layout, event_ids: Sequence[tuple[int, int]]) -> None:
        self.plan = plan
        self.scale = plan.scale
        self.events = event_ids  # (id, capacity)
        self.random = random.Random(SEED)
        rates = Settings().valuation
        self.rates = {category: rates.rate_cents(category) for category in CATEGORIES}
        self.categories = self.random.choices(CATEGORIES, CATEGORY_WEIGHTS, k=self.scale.agents)

    def people(self) -> Rows:
        yield (ADMIN_ID, "SGMAP admin", "admin@sgmap.example", "fr", "admin", None, "SGMAP", "A+", CREATED_AT)
        for index, region in enumerate(self.plan.regions):
            pid = self.plan.coordinator_id(index)
            yield (pid, f"Coord {region}", f"coord{pid}@example.gouv.fr", "fr", "coordinateur", region,
                   f"SGAR {region}", "A", CREATED_AT)  # fmt: skip
        for index, category in enumerate(self.categories):
            pid = self.plan.agent_id(index)
            region = self.plan.regions[self.plan.region_of_project(self.plan.project_of_agent(index))]
            yield (pid, f"Agent {pid}", f"agent{pid}@example.gouv.fr", None, "agent", region,
                   f"DDT {region}", category, CREATED_AT)  # fmt: skip

    def identities(self) -> Rows:
        last = self.plan.agent_id(self.scale.agents - 1)
        number = 0
        for pid in range(1, last + 1):
            for platform, external in (
                ("console", self.plan.console_id(pid)),
                ("slack", self.plan.slack_id(pid)),
                ("mattermost", self.plan.mattermost_id(pid)),
            ):
                number += 1
                yield (number, pid, platform, external, self.plan.console_id(pid))

    def projects(self) -> Rows:
        open_weights = {status: weight for status, weight in STATUS_WEIGHTS.items() if status != "non-retenu"}
        methods = METHODS.codes()
        for pid in range(1, self.scale.projects + 1):
            region = self.plan.regions[self.plan.region_of_project(pid)]
            status = (
                "non-retenu"
                if self.plan.is_closed(pid)
                else self.random.choices(list(open_weights), list(open_weights.values()))[0]
            )
            filed = date(2016, 7, 15) if status in ("depose", "retenu", "non-retenu", "en-cours") else None
            decided = date(2016, 10, 1) if status in ("retenu", "non-retenu", "en-cours") else None
            started = STARTED_ON if status == "en-cours" else None
            yield (pid, f"lab-{pid}", f"Laboratoire {pid}", region,
                   json.dumps([f"DDT {region}", f"DREAL {region}"]), project_summary(pid),
                   json.dumps(self.random.sample(methods, 2)), "", "", "", "", "", "", status,
                   filed, decided, started, None, self.plan.agent_id(pid - 1), CREATED_AT)  # fmt: skip

    def memberships(self) -> Rows:
        competences = COMPETENCES.codes()
        for index in range(self.scale.agents):
            yield (index + 1, self.plan.project_of_agent(index), self.plan.agent_id(index),
                   self.random.choice(competences), None, CREATED_AT)  # fmt: skip

    def hour_entries(self) -> Rows:
        days = [FIRST_WORK_DAY + timedelta(days=n) for n in range((TODAY - FIRST_WORK_DAY).days)]
        per_agent, extra = divmod(self.scale.hour_entries, self.scale.agents)
        number = 0
        for index, category in enumerate(self.categories):
            count = per_agent + (index < extra)
            for day in sorted(self.random.sample(days, count)):
                number += 1
                minutes = 30 * self.random.randint(1, 16)
                project = self.plan.project_of_agent(index)
                yield (number, self.plan.agent_id(index), project, day, minutes, self.rates[category],
                       "Atelier", CREATED_AT, None)  # fmt: skip

    def meetings(self) -> Rows:
        categories = PARTNER_CATEGORIES.codes()
        span = (TODAY - FIRST_WORK_DAY).days
        for number in range(1, self.scale.meetings + 1):
            project = (number - 1) % self.scale.projects + 1
            yield (number, project, self.plan.agent_id(project - 1), f"Partenaire {number}",
                   self.random.choice(categories), FIRST_WORK_DAY + timedelta(days=self.random.randrange(span)),
                   60, "Compte rendu", CREATED_AT)  # fmt: skip

    def signups(self) -> Rows:
        taken: dict[int, int] = {}
        for number in range(1, self.scale.signups + 1):
            index = (number - 1) % self.scale.agents
            event_id, capacity = self.events[(number - 1) % len(self.events)]
            state = "inscrit" if taken.get(event_id, 0) < capacity else "attente"
            taken[event_id] = taken.get(event_id, 0) + 1
            yield (number, event_id, self.plan.agent_id(index), self.plan.project_of_agent(index), state,
                   CREATED_AT, None)  # fmt: skip

    def questions(self) -> Rows:
        yield from faq_rows(self.scale.faq_entries, self.plan.agent_id(0), ADMIN_ID)[0]

    def faq_entries(self) -> Rows:
        yield from faq_rows(self.scale.faq_entries, self.plan.agent_id(0), ADMIN_ID)[1]

    def cost_lines(self) -> Rows:
        kinds = COST_TYPES.codes()
        for number in range(1, self.scale.cost_lines + 1):
            project = (number - 1) % self.scale.projects + 1
            coordinator = self.plan.coordinator_id(self.plan.region_of_project(project))
            yield (number, project, self.random.choice(kinds), f"Dépense {number}",
                   self.random.randint(10_000, 2_000_000), STARTED_ON + timedelta(days=self.random.randrange(170)),
                   coordinator, CREATED_AT)  # fmt: skip


# Table name → (columns in the order DataSet yields them, the DataSet method producing them).
TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "people": (
        ("id", "display_name", "email", "language", "role", "region", "service", "category", "created_at"),
        "people",
    ),
    "identities": (("id", "person_id", "platform", "external_id", "username"), "identities"),
    "projects": (
        (
            "id",
            "slug",
            "title",
            "region",
            "services",
            "summary",
            "methods",
            "planned_partners",
            "objective",
            "indicators",
            "place",
            "governance",
            "portfolio",
            "status",
            "filed_on",
            "decided_on",
            "started_on",
            "ended_on",
            "created_by_id",
            "created_at",
        ),
        "projects",
    ),
    "memberships": (("id", "project_id", "person_id", "competence", "service", "joined_at"), "memberships"),
    "hour_entries": (
        (
            "id",
            "person_id",
            "project_id",
            "worked_on",
            "minutes",
            "rate_cents",
            "activity",
            "created_at",
            "updated_at",
        ),
        "hour_entries",
    ),
    "partner_meetings": (
        ("id", "project_id", "logged_by_id", "partner", "category", "held_on", "minutes", "notes", "created_at"),
        "meetings",
    ),
    "signups": (("id", "event_id", "person_id", "project_id", "state", "created_at", "cancelled_at"), "signups"),
    "cost_lines": (
        ("id", "project_id", "kind", "label", "amount_cents", "incurred_on", "created_by_id", "created_at"),
        "cost_lines",
    ),
}
TABLES["questions"] = (
    ("id", "asker_id", "project_id", "text", "state", "answer", "answered_by_id", "created_at", "answered_at"),
    "questions",
)
TABLES["faq_entries"] = (
    ("question_id", "title", "question", "answer", "published_by_id", "created_at", "updated_at"),
    "faq_entries",
)
JSON_COLUMNS = {"services", "methods"}


def _chunks(rows: Rows, size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert_core(connection: Connection, table: str, columns: Sequence[str], rows: Rows) -> int:
    target = Base.metadata.tables[table]
    count = 0
    decode = [name in JSON_COLUMNS for name in columns]
    for chunk in _chunks(rows, CHUNK):
        values = [
            {name: json.loads(v) if is_json else v for name, v, is_json in zip(columns, row, decode, strict=True)}
            for row in chunk
        ]
        connection.execute(insert(target), values)
        count += len(chunk)
    return count


def _insert_copy(connection: Connection, table: str, columns: Sequence[str], rows: Rows) -> int:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def generate(database: Database, scale: Scale) -> Generated:
    """Fill the (migrated, empty) database; return row counts and timings."""
    started = time.perf_counter()
    with database.engine.connect() as connection:
        events = [
            (e.id, e.capacity) for e in connection.execute(select(Event.id, Event.capacity).order_by(Event.id))
        ]
    data = DataSet(layout(scale), events)
    load = _insert_copy if database.dialect == "postgresql" else _insert_core
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    with database.engine.begin() as connection:
        for table, (columns, method) in TABLES.items():
            table_started = time.perf_counter()
            rows[table] = load(connection, table, columns, getattr(data, method)())
            seconds[table] = time.perf_counter() - table_started
        if database.dialect == "postgresql":
            for table in TABLES:
                if table == "faq_entries":
                    continue  # numbered as its questions: no sequence of its own
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")  # noqa: S608
                )
    totals_started = time.perf_counter()
    with database.engine.begin() as connection:
        hour_totals.rebuild(connection)  # the bulk load bypassed the ORM hooks that keep them
        signup_counts.rebuild(connection)
    seconds["hour_month_totals"] = time.perf_counter() - totals_started
    search_started = time.perf_counter()
    with database.engine.begin() as connection:
        search_index.rebuild(connection)  # SQLite's FTS5 tables, likewise (PostgreSQL's columns are generated)
    seconds["search_index"] = time.perf_counter() - search_started
    analyze_started = time.perf_counter()
    _analyze(database)
    seconds["analyze"] = time.perf_counter() - analyze_started
    return Generated(database.dialect, rows, seconds, time.perf_counter() - started)


def _analyze(database: Database) -> None:
    # Planner statistics, as PostgreSQL's autovacuum and SQLite's `PRAGMA optimize` would gather them.
    with database.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
