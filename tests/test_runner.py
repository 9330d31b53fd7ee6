"""The command runner heals itself: workers start whatever the database does, are replaced when they die or
cannot start, and every command gets an answer (the apology when it could not run)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from starlette.testclient import TestClient

from adapters.bootstrap import Application, bootstrap
from adapters.http import build_http_app
from adapters.runner import CommandRunner, keep_reply
from adapters.worker_pool import WorkerLost, WorkerPool
from labbot.messages import Outcome, Reply, Request
from labbot.storage.database import normalize_url
from tests.conftest import make_settings

APOLOGY = "Désolé, une erreur s'est produite de notre côté"


def workers(database_url: str, processes: int) -> Application:
    return bootstrap(make_settings(database_url, commands={"processes": processes}))


def ask(user: str, text: str) -> Request:
    return Request(platform="slack", user_id=user, text=text, display_name=user.title())


async def answer(runner: CommandRunner, user: str, text: str) -> Reply:
    return (await runner.run(ask(user, text), keep_reply)).reply


@contextmanager
def database_held(database_url: str) -> Iterator[None]:
    """Another program holds the whole database: SQLite's exclusive lock, or PostgreSQL's table locks."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    url = normalize_url(database_url).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE alembic_version, people IN ACCESS EXCLUSIVE MODE")
        yield
        holder.rollback()


def test_workers_started_while_the_database_is_locked_answer_the_next_commands(database_url: str) -> None:
    app = workers(database_url, processes=2)

    async def scenario() -> list[Reply]:
        with database_held(database_url):
            await app.runner.start()  # workers neither migrate nor read at start: the lock does not stop them
            assert app.runner.down() is None
            waiting = asyncio.ensure_future(answer(app.runner, "U0ALICE", "aide"))
            await asyncio.sleep(0.5)
        replies = [await waiting]
        for user in ("U0ALICE", "U0BRUNO", "U0EMMA"):
            replies.append(await answer(app.runner, user, 'idee "Lab" region:bretagne services:"A, B"'))
        await app.runner.stop()
        return replies

    replies = asyncio.run(scenario())
    assert [reply.outcome for reply in replies] == [Outcome.DONE] * 4
    assert [reply.wrote for reply in replies] == [False, True, True, True]
    app.database.dispose()


def test_a_worker_killed_mid_command_gets_an_answer_and_is_replaced(database_url: str) -> None:
    app = workers(database_url, processes=1)

    async def scenario() -> tuple[Reply, Reply, str | None]:
        await app.runner.start()
        (worker,) = multiprocessing.active_children()
        with database_held(database_url):
            idea = 'idee "Lab" region:bretagne services:"A"'
            running = asyncio.ensure_future(answer(app.runner, "U0ALICE", idea))
            await asyncio.sleep(1.0)  # the command waits for the database in the worker
            os.kill(worker.pid or 0, signal.SIGKILL)
            killed = await running
            down_meanwhile = app.runner.down()
        deadline = time.monotonic() + 60
        while app.runner.down() is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        after = await answer(app.runner, "U0ALICE", 'idee "Lab" region:bretagne services:"A"')
        await app.runner.stop()
        return killed, after, down_meanwhile

    killed, after, down_meanwhile = asyncio.run(scenario())
    assert killed.outcome is Outcome.FAILED
    assert killed.text.startswith(APOLOGY)
    assert down_meanwhile == "commands"
    assert after.outcome is Outcome.DONE
    assert "#1" in after.text  # the killed command wrote nothing
    app.database.dispose()


def test_workers_that_cannot_start_are_apologised_for_and_healthz_names_them(database_url: str) -> None:
    app = workers(database_url, processes=0)
    # Workers of a database whose driver is not installed: their start fails, every time.
    broken = CommandRunner(app.bot, make_settings("mysql://labbot@127.0.0.1/labbot"), 1, wake=lambda: None)
    health = build_http_app(app.database, [], [broken], health=[broken.down])
    with TestClient(health) as client:
        response = client.get("/healthz")
        reply = client.portal.call(answer, broken, "U0EMMA", "aide")  # type: ignore[union-attr]
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "down": "commands"}
    assert reply.outcome is Outcome.FAILED
    assert reply.text.startswith(APOLOGY)
    app.database.dispose()


def test_commands_reach_the_workers_without_a_thread_in_the_server(database_url: str) -> None:
    # The event loop writes to the workers' pipes and reads their answers itself: no manager or feeder
    # thread wakes at each command to take the GIL from the acks.
    app = workers(database_url, processes=2)

    async def scenario() -> tuple[int, int, list[Reply]]:
        before = threading.active_count()
        await app.runner.start()
        replies = await asyncio.gather(*(answer(app.runner, f"U0{n}", "aide") for n in range(6)))
        during = threading.active_count()
        await app.runner.stop()
        return before, during, list(replies)

    before, during, replies = asyncio.run(scenario())
    assert during == before
    assert [reply.outcome for reply in replies] == [Outcome.DONE] * 6
    assert multiprocessing.active_children() == []
    app.database.dispose()


@dataclass(frozen=True)
class ShownOnPlatform:
    """A presenter that says whether the platform showed the reply (as the response_url POSTs do)."""

    shown: bool

    def __call__(self, reply: Reply) -> ShownOnPlatform:
        return self


def test_only_a_receipt_crosses_back_once_the_platform_showed_the_reply(database_url: str) -> None:
    app = workers(database_url, processes=0)

    async def scenario() -> tuple[Reply, Reply]:
        await app.runner.start()
        idea = 'idee "Lab" region:bretagne services:"A, B"'
        shown = await app.runner.run(ask("U0ALICE", idea), ShownOnPlatform(shown=True))
        kept = await app.runner.run(ask("U0BRUNO", idea), ShownOnPlatform(shown=False))
        await app.runner.stop()
        return shown.reply, kept.reply

    receipt, whole = asyncio.run(scenario())
    # What the server still acts on: how it ended and what it changed (App Home, deliveries, files).
    assert (receipt.outcome, receipt.wrote, receipt.command) == (Outcome.DONE, True, "idee")
    assert receipt.language == "fr"
    assert (receipt.text, receipt.title, receipt.fields, receipt.actions) == ("", None, [], [])
    # Not shown: the server posts it, so all of it comes back.
    assert whole.outcome is Outcome.DONE
    assert whole.wrote
    assert "#2" in whole.text + str(whole.title) + " ".join(f.value for f in whole.fields)
    app.database.dispose()


def setup_that_fails(_argument: object) -> None:
    """A worker's setup that cannot succeed (run in the spawned worker)."""
    raise RuntimeError("this worker cannot start")


def test_stopping_while_the_only_worker_fails_to_start_answers_the_waiting_job() -> None:
    async def scenario() -> tuple[BaseException | None, float]:
        pool = WorkerPool(1, setup_that_fails, None)
        starting = asyncio.ensure_future(pool.start())
        await asyncio.sleep(0)  # the worker is spawned and starting: jobs wait for it
        waiting = asyncio.ensure_future(pool.call(len, "never run"))
        await asyncio.sleep(0)
        began = time.monotonic()
        await asyncio.wait_for(pool.stop(), timeout=60)  # before: waited forever for the job
        stopped_in = time.monotonic() - began
        assert await starting is False
        return waiting.exception(), stopped_in

    error, stopped_in = asyncio.run(scenario())
    assert isinstance(error, WorkerLost)
    assert stopped_in < 30
    assert multiprocessing.active_children() == []
