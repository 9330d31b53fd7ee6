"""The kept-alive session of a thread that posts answers: reused while the thread lives, closed when it ends."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import aiohttp
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from adapters.answer_http import post_with_session
from tests.mattermost.conftest import Server

THREADS = 20


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[int]]]:
    """A response_url on a real server in this process, and the client port of every answer it took."""
    ports: list[int] = []

    async def answered(request: Request) -> PlainTextResponse:
        await request.body()
        assert request.client is not None
        ports.append(request.client.port)
        return PlainTextResponse("ok")

    with Server(Starlette(routes=[Route("/answer", answered, methods=["POST"])])) as server:
        yield f"{server.url}/answer", ports


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors through Linux's /proc")
def test_a_thread_reuses_its_connection_and_its_end_closes_it(receiver: tuple[str, list[int]]) -> None:
    url, ports = receiver

    async def post(session: aiohttp.ClientSession) -> int:
        async with session.post(url, json={"text": "ok"}) as answer:
            await answer.read()
            return answer.status

    def answer_twice() -> None:
        assert [post_with_session(post), post_with_session(post)] == [200, 200]

    answer_twice()  # this thread's session and its connection stay open
    assert ports[0] == ports[1]  # the same connection, kept alive
    before = _open_descriptors()
    threads = [threading.Thread(target=answer_twice) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
        thread.join()
    assert len(ports) == 2 * (THREADS + 1)  # every answer taken (a thread's failure would leave one out)
    # Each thread's loop and connection closed with it (each held a few descriptors: its epoll, its wake-up
    # pipe, its socket); the server may still hold a closing socket or two.
    assert _open_descriptors() <= before + 3
