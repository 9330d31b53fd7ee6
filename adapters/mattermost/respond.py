"""A slash command's answer posted to its response_url by the command worker that ran it.

The server's event loop only checks the token, acks and hands the command over: rendering the answer and
POSTing it happen in the worker. What the worker cannot answer there (a reply with files, which a
response_url cannot carry; a response_url that refused or could not be reached) goes back to the server,
which posts it through the API, in the person's direct conversation when it is private.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from functools import cache
from typing import Any

import aiohttp

from adapters.answer_http import post_with_session
from adapters.mattermost.buttons import ANY_MEMBER
from adapters.mattermost.render import Buttons, Post, render
from labbot.messages import Reply, Visibility

log = logging.getLogger(__name__)


def command_response(reply: Reply, buttons: Buttons | None, user_id: str) -> dict[str, Any]:
    """The slash command's JSON answer; a long reply continues in `extra_responses`. Its buttons are for the
    person who typed the command, or for any member when the answer is shown to the channel."""
    shared = reply.visibility is Visibility.CHANNEL
    kind = "in_channel" if shared else "ephemeral"
    audience = ANY_MEMBER if shared else user_id
    first, *more = [_post_response(post, kind) for post in render(reply, buttons, audience)]
    return {**first, "extra_responses": more} if more else first


def _post_response(post: Post, kind: str) -> dict[str, Any]:
    return {"response_type": kind, "text": post.message, **post.props}


@cache
def _certificates(ca_file: str | None) -> ssl.SSLContext | bool:
    """The response_url is on the Mattermost server: the same certificate check as the API's (read once)."""
    return ssl.create_default_context(cafile=ca_file) if ca_file else True


@dataclass(frozen=True)
class Responded:
    """Whether the worker answered through the response_url; if not, the server posts the whole reply."""

    shown: bool


@dataclass(frozen=True)
class RespondOnce:
    """Presents a reply by POSTing it to the command's response_url (picklable, run in the worker).

    Says whether it was answered there; not shown leaves the answer to the server."""

    response_url: str
    user_id: str
    buttons: Buttons | None = None
    ca_file: str | None = None

    def __call__(self, reply: Reply) -> Responded:
        if reply.files or not self.response_url:
            return Responded(shown=False)
        body = command_response(reply, self.buttons, self.user_id)

        async def post(session: aiohttp.ClientSession) -> int:
            certificates = _certificates(self.ca_file)
            async with session.post(self.response_url, json=body, ssl=certificates) as answered:
                await answered.read()
                return answered.status

        try:
            status = post_with_session(post)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("the response_url could not be reached: %s", type(error).__name__)
            return Responded(shown=False)
        if status != 200:
            log.warning("the response_url answered %s", status)
            return Responded(shown=False)
        return Responded(shown=True)
