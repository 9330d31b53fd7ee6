"""A command's answer posted to its response_url by the command worker that ran it, not by the event loop.

The server's event loop is what Slack times (the ack): rendering Block Kit and a POST per command there took
CPU from the acks. The worker tries once, without waiting: when Slack asks it to wait (429, Retry-After) or
the connection fails, it hands the rendered answer back and the server posts it with the interactive retry
handlers (bridge.py), as it did before, so that no worker sleeps through a Retry-After.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.answer_http import ANSWER_TIMEOUT_S, post_with_session
from adapters.slack.blocks import Rendered, render
from labbot.messages import Reply, Visibility

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Responded:
    """What the worker did with the answer: posted it, or handed it back for the server to post."""

    posted: bool
    # For the server: the whole answer when not posted; when posted, only a reply cut to fit (its full text
    # is shared as a file in the person's DM). None otherwise: nothing more crosses back.
    rendered: Rendered | None = None

    @property
    def shown(self) -> bool:
        """Slack shows the answer (adapters/runner.py: then only the reply's receipt crosses back)."""
        return self.posted


@dataclass(frozen=True)
class RespondOnce:
    """Presents a reply by rendering it and posting it to `response_url` (picklable, run in the worker)."""

    response_url: str
    replace_original: bool = False

    def __call__(self, reply: Reply) -> Responded:
        rendered = render(reply)
        in_channel = reply.visibility is Visibility.CHANNEL

        async def post(session: aiohttp.ClientSession) -> WebhookResponse:
            webhook = AsyncWebhookClient(self.response_url, session=session, retry_handlers=[])
            return await webhook.send(
                text=rendered.text,
                blocks=rendered.blocks,
                response_type="in_channel" if in_channel and not self.replace_original else "ephemeral",
                replace_original=self.replace_original,
            )

        try:
            response = post_with_session(post)
        except TimeoutError:
            # It may have arrived: posting again could answer twice.
            log.warning("response_url did not answer within %s s", ANSWER_TIMEOUT_S)
            return Responded(posted=True, rendered=rendered if rendered.full_text else None)
        except (aiohttp.ClientError, OSError) as error:
            log.info("response_url not reached from the worker (%s); the server retries", type(error).__name__)
            return Responded(posted=False, rendered=rendered)
        if response.status_code == 429:
            return Responded(posted=False, rendered=rendered)
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
        return Responded(posted=True, rendered=rendered if rendered.full_text else None)
