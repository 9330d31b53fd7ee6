"""`GET /metrics`: off by default, on the same port or its own, no personal data; commands, HTTP requests and
the outbox's backlog read the way Prometheus reads them (prometheus_client's own text parser)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from adapters.bootstrap import bootstrap
from adapters.serve import http_app
from labbot.clock import FixedClock
from labbot.config import Settings
from labbot.messages import Address, Reply
from labbot.metrics.exposition import render, scrape_registry
from labbot.ports import RecordingNotifier
from labbot.storage import outbox
from labbot.storage.outbox import Recipient
from tests.conftest import TEST_START, Conversation, make_settings
from tests.mattermost.conftest import ACTIONS_SECRET, COMMAND_TOKEN
from tests.platforms.mattermost_api import MattermostApiStandIn

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def metered(database_url: str, tmp_path: Any) -> Iterator[Conversation]:
    """A console labbot with `[metrics] enabled` (values in this process: no worker processes here)."""
    clock = FixedClock(TEST_START)
    notifier = RecordingNotifier()
    app = bootstrap(make_settings(database_url, metrics={"enabled": True}), notifier=notifier, clock=clock)
    yield Conversation(app, clock, notifier, tmp_path / "files")
    app.database.dispose()


def scrape(bot: Conversation, leading: Callable[[], bool] = lambda: False) -> Samples:
    return parse(render(scrape_registry(bot.app.database, leading)).decode())


def test_commands_are_counted_by_family_outcome_and_platform_without_people(metered: Conversation) -> None:
    before = scrape(metered)
    metered.ok("alice", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    metered.ok("alice", "heures 1 2h")
    metered.say("alice", "heures 1 30h")  # refused: more than a day
    metered.say("alice", "n'importe quoi")
    after = scrape(metered)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("labbot_commands_total", family="ideas", outcome="done", platform="console") == 1
    assert delta("labbot_commands_total", family="hours", outcome="done", platform="console") == 1
    assert delta("labbot_commands_total", family="hours", outcome="refused", platform="console") == 1
    assert delta("labbot_commands_total", family="unknown", outcome="refused", platform="console") == 1
    assert delta("labbot_command_duration_seconds_count", family="hours", platform="console") == 2
    assert delta("labbot_command_duration_seconds_sum", family="hours", platform="console") > 0
    text = render(scrape_registry(metered.app.database, lambda: False)).decode()
    for personal in ("alice", "Lab Bretagne", "bretagne", "2h"):
        assert personal not in text


def test_the_outbox_backlog_is_counted_in_the_database_at_scrape_time(metered: Conversation) -> None:
    samples = scrape(metered)
    assert value(samples, "labbot_outbox_oldest_pending_seconds") == 0
    queued_at = TEST_START - timedelta(minutes=5)  # the fixed clock is in 2016: the age is measured from now
    with metered.app.database.transaction() as session:
        outbox.enqueue(
            session,
            kind="announcement",
            reply=Reply(text="Dépôt des dossiers"),
            recipients=[Recipient(Address("slack", f"U{n}")) for n in range(3)]
            + [Recipient(Address("mattermost", "m1"))],
            now=queued_at,
        )
    samples = scrape(metered, leading=lambda: True)
    assert value(samples, "labbot_outbox_deliveries", state="pending", platform="slack") == 3
    assert value(samples, "labbot_outbox_deliveries", state="pending", platform="mattermost") == 1
    assert value(samples, "labbot_outbox_oldest_pending_seconds") > 300
    assert value(samples, "labbot_scheduler_leader") == 1
    assert ("labbot_db_pool_connections_in_use", frozenset()) in samples
    metered.app.worker.run_until_idle()  # the console delivers them
    samples = scrape(metered)
    assert value(samples, "labbot_outbox_deliveries", state="pending", platform="slack") == 0
    assert value(samples, "labbot_outbox_oldest_pending_seconds") == 0
    assert value(samples, "labbot_scheduler_leader") == 0


@pytest.fixture
def mattermost_settings_for(
    mattermost_api: MattermostApiStandIn, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> Callable[..., Settings]:
    """Settings for `labbot run` with [mattermost] on the stand-in, and `[metrics]` as given."""
    mattermost_api.add_team("labs")
    monkeypatch.setenv("MATTERMOST_BOT_TOKEN", mattermost_api.token)
    monkeypatch.setenv("MATTERMOST_COMMAND_TOKEN", COMMAND_TOKEN)
    monkeypatch.setenv("LABBOT_ACTIONS_SECRET", ACTIONS_SECRET)
    section = {"url": mattermost_api.url, "team": "labs", "public_url": "https://labbot.example.gouv.fr"}

    def settings(**metrics: object) -> Settings:
        return make_settings(
            database_url,
            mattermost=section,
            commands={"processes": 0},
            **({"metrics": metrics} if metrics else {}),
        )

    return settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_metrics_are_off_unless_enabled(mattermost_settings_for: Callable[..., Settings]) -> None:
    asgi, application = http_app(mattermost_settings_for())
    with TestClient(asgi) as client:
        assert client.get("/metrics").status_code == 404
    application.database.dispose()


def test_http_requests_by_route_and_status_and_acks_on_the_same_port(
    mattermost_settings_for: Callable[..., Settings],
) -> None:
    asgi, application = http_app(mattermost_settings_for(enabled=True))
    with TestClient(asgi) as client:
        before = parse(client.get("/metrics").text)
        client.get("/healthz")
        client.get("/wp-admin/install.php")
        client.post("/mattermost/command", data={"token": "wrong", "text": "aide"})
        response = client.get("/metrics")
    application.database.dispose()
    assert response.headers["content-type"].startswith("text/plain")
    after = parse(response.text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("labbot_http_requests_total", route="/healthz", status="200") == 1
    assert delta("labbot_http_requests_total", route="other", status="404") == 1  # scanners add no series
    assert delta("labbot_http_requests_total", route="/mattermost/command", status="401") == 1
    assert delta("labbot_ack_duration_seconds_count", platform="mattermost") == 1
    assert "wp-admin" not in response.text


def test_metrics_on_a_port_of_their_own(mattermost_settings_for: Callable[..., Settings]) -> None:
    port = free_port()
    asgi, application = http_app(mattermost_settings_for(enabled=True, port=port))
    with TestClient(asgi) as client:
        assert client.get("/metrics").status_code == 404  # not on the public port
        scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    application.database.dispose()
    assert scraped.status_code == 200
    assert "labbot_scheduler_leader" in scraped.text
    with pytest.raises(httpx.ConnectError):  # stopped with the server
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
