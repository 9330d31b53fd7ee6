"""Kept-alive HTTP for the answers that command workers POST (Slack's and Mattermost's response_url).

A worker answers many commands: a new connection per answer cost a TCP handshake and a new connection on both
ends, ~0.1 ms of the poster's CPU and ~0.3 ms of the receiver's per answer (`python -m bench.answer_post`,
bench/results/answer-post-2026-12-07.md). slack_sdk reuses connections only in its asyncio client, over an
aiohttp session; so each thread that posts answers (a command worker's, or the server's apology thread) keeps
one event loop and one aiohttp session, and runs each POST to completion on them.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp

T = TypeVar("T")
ANSWER_TIMEOUT_S = 10
# An idle connection is dropped after this long, before the other end does (uvicorn: 5 s; Go's servers,
# Mattermost's among them, longer): a POST on a connection the server had just closed failed, and that answer
# went the slow way (the server's re-post, or a DM on Mattermost).
IDLE_CONNECTION_S = 4

_local = threading.local()


class _Poster:
    """One thread's event loop and session (an aiohttp session belongs to the loop it was opened on)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.session = self.loop.run_until_complete(self._open())
        # Closed when its thread ends (the thread-local holding it goes with the thread) or at exit: a pool's
        # threads come and go, and each kept a loop and its sockets open.
        weakref.finalize(self, _close, self.loop, self.session)

    @staticmethod
    async def _open() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_S),
            timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S),
        )


def _close(loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession) -> None:
    if loop.is_closed():
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop runs on this thread: close it here
        loop.run_until_complete(session.close())
        loop.close()
    else:  # collected on an event loop's thread, which cannot run another loop: close it beside it
        threading.Thread(target=_close, args=(loop, session), name="answer-session-close").start()


def post_with_session(post: Callable[[aiohttp.ClientSession], Awaitable[T]]) -> T:
    """Run `post` with this thread's kept-alive session, and return its result (a blocking call: never from
    a running event loop)."""
    poster: _Poster | None = getattr(_local, "poster", None)
    if poster is None or poster.loop.is_closed():
        poster = _local.poster = _Poster()
    return poster.loop.run_until_complete(post(poster.session))
