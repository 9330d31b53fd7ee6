"""The instruments labbot updates as it works. Imported only when metrics are on (see `labbot.metrics`).

Labels are bounded and hold no personal data: platforms, command families, outcomes, delivery states, routes.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from labbot.observation import CommandRecord

# In one process these are exposed from here; with worker processes, from the files they write to.
INSTRUMENTS = CollectorRegistry(auto_describe=True)
# Commands take milliseconds; an answer past a few seconds is what people notice.
_COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Slack gives up on an ack after 3 s.
_ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)

COMMANDS = Counter(
    "labbot_commands",
    "Commands handled, by command family, outcome (done, refused, failed) and platform.",
    ["family", "outcome", "platform"],
    registry=INSTRUMENTS,
)
COMMAND_SECONDS = Histogram(
    "labbot_command_duration_seconds",
    "Time to handle a command in the core (database included), by command family and platform.",
    ["family", "platform"],
    buckets=_COMMAND_BUCKETS,
    registry=INSTRUMENTS,
)
HTTP_REQUESTS = Counter(
    "labbot_http_requests",
    "HTTP requests answered, by route and status code.",
    ["route", "status"],
    registry=INSTRUMENTS,
)
ACK_SECONDS = Histogram(
    "labbot_ack_duration_seconds",
    "Time to answer a platform's HTTP request (Slack's ack, Mattermost's command response), by platform.",
    ["platform"],
    buckets=_ACK_BUCKETS,
    registry=INSTRUMENTS,
)
DELIVERIES = Counter(
    "labbot_deliveries",
    "Delivery attempts of the outbox, by platform and outcome (sent, failed, retried, rate_limited: a 429).",
    ["platform", "outcome"],
    registry=INSTRUMENTS,
)
REMINDERS_LAST_RUN = Gauge(
    "labbot_reminders_last_run_timestamp_seconds",
    "When each kind of automatic reminder last ran (Unix time), on the scheduler's leader.",
    ["kind"],
    multiprocess_mode="max",
    registry=INSTRUMENTS,
)


class PrometheusObserver:
    """Counts what the core reports into the instruments above."""

    def command_done(self, record: CommandRecord) -> None:
        COMMANDS.labels(record.family, record.outcome, record.platform).inc()
        COMMAND_SECONDS.labels(record.family, record.platform).observe(record.seconds)

    def delivery_done(self, platform: str, outcome: str) -> None:
        DELIVERIES.labels(platform, outcome).inc()

    def reminders_ran(self, kind: str, at: datetime) -> None:
        REMINDERS_LAST_RUN.labels(kind).set(at.timestamp())


def http_answered(route: str, status: int, seconds: float, platform: str | None) -> None:
    """One HTTP request answered; a platform's own route also times its ack."""
    HTTP_REQUESTS.labels(route, str(status)).inc()
    if platform is not None:
        ACK_SECONDS.labels(platform).observe(seconds)
