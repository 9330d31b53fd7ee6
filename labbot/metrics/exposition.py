"""What a scrape returns: the instruments (of every process) and what is read at scrape time.

The outbox's backlog is counted in the database when Prometheus asks, so it is right whichever replica is
scraped; leadership and the connection pool are this process's own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from labbot.metrics import MULTIPROC_VARIABLE
from labbot.metrics.instruments import INSTRUMENTS
from labbot.storage import operations
from labbot.storage.database import Database

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class InstrumentsOfThisProcess(Collector):
    """The instruments' values when everything runs in one process."""

    def collect(self) -> Iterator[Metric]:
        yield from INSTRUMENTS.collect()


class OutboxBacklog(Collector):
    """Deliveries still to make by state and platform, and how long the oldest has waited."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "labbot_outbox_deliveries",
            "Deliveries still to make (the outbox's depth), by state (pending, sending) and platform.",
            labels=["state", "platform"],
        )
        oldest = GaugeMetricFamily(
            "labbot_outbox_oldest_pending_seconds",
            "Age of the oldest message with a delivery still to make (0 when the outbox is empty).",
        )
        with self.database.transaction() as session:
            counts = operations.backlog(session)
            since = operations.oldest_open_since(session)
        for (state, platform), count in sorted(counts.items()):
            depth.add_metric([state, platform], count)
        oldest.add_metric([], (datetime.now(UTC) - since).total_seconds() if since else 0.0)
        yield depth
        yield oldest


class ProcessState(Collector):
    """Whether this process leads the scheduler, and its database connections in use."""

    def __init__(self, database: Database, leading: Callable[[], bool]) -> None:
        self.database = database
        self.leading = leading

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "labbot_scheduler_leader",
            "1 on the replica that runs the scheduler and the delivery worker, 0 on the others.",
            value=1.0 if self.leading() else 0.0,
        )
        checked_out = getattr(self.database.engine.pool, "checkedout", lambda: 0)()
        yield GaugeMetricFamily(
            "labbot_db_pool_connections_in_use",
            "Database connections this server process has checked out of its pool.",
            value=float(checked_out),
        )


def scrape_registry(database: Database, leading: Callable[[], bool]) -> CollectorRegistry:
    """The registry `/metrics` renders."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_VARIABLE):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(InstrumentsOfThisProcess())
    registry.register(OutboxBacklog(database))
    registry.register(ProcessState(database, leading))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    """The Prometheus text format."""
    return generate_latest(registry)
