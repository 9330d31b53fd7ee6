"""The outbound side of Slack for the core and the outbox: DMs, channel posts, files, and delivery markers.

Its WebClient never retries by itself: a 429 becomes DeliveryFailed(permanent=False, retry_after=Retry-After)
so the outbox paces itself, and a permanent Slack error becomes DeliveryFailed(permanent=True).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.blocks import MARKER_PREFIX, render
from adapters.slack.settings import SlackSettings
from labbot.messages import Address, Reply
from labbot.ports import DeliveryFailed

log = logging.getLogger(__name__)

# Errors that no retry will cure: the target is gone, closed to the bot, or the request is malformed.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "msg_too_long",
        "invalid_blocks",
        "invalid_arguments",
        "restricted_action",
        "no_permission",
    }
)


class SlackMessenger:
    """`labbot.ports.Messenger` for Slack, on a synchronous WebClient usable from any thread."""

    platform = "slack"

    def __init__(self, client: WebClient, *, history_limit: int = 100) -> None:
        self.client = client
        self.history_limit = history_limit

    def send_direct(self, user_id: str, reply: Reply, *, marker: str | None = None) -> str:
        """Post in the user's direct conversation with the bot.

        Posting to the user id lets Slack find the conversation: `conversations.open` is a Tier 3 method
        (about 50 calls a minute), which would hold a broadcast to thousands of agents for hours.
        """
        return self._post(user_id, reply, marker)[1]

    def send_to_channel(self, channel_id: str, reply: Reply, *, marker: str | None = None) -> str:
        """Post in a channel; a reply too long for a message also gets its full text as a file."""
        return self._post(channel_id, reply, marker)[1]

    def _post(self, destination: str, reply: Reply, marker: str | None) -> tuple[str, str]:
        """Post to a channel or user id; return the conversation's id and the message's ts."""
        rendered = render(reply, marker=marker)
        response = self._call(
            "chat_postMessage", channel=destination, text=rendered.text, blocks=rendered.block_dicts()
        )
        channel, ts = str(response["channel"]), str(response["ts"])
        if rendered.full_text:
            self._after_post(
                "files_upload_v2", channel=channel, thread_ts=ts, filename="labbot.txt", content=rendered.full_text
            )
        return channel, ts

    def send_file(
        self, *, target: Address, filename: str, content: bytes, comment: Reply, marker: str | None = None
    ) -> str:
        """Post `comment` (carrying the marker) and the file in its thread; return the comment's ts.

        Slack's file-share messages cannot carry a block id, so the marker rides on the comment. A crash
        between the two calls leaves the comment without its file: the outbox then finds the marker and does
        not resend (the comment says what was meant; the file can be asked for again). A refused upload is
        treated the same way.
        """
        channel, ts = self._post(target.channel_id or target.user_id, comment, marker)
        self._after_post(
            "files_upload_v2", channel=channel, thread_ts=ts, filename=filename, content=content, title=filename
        )
        return ts

    def find_marked(self, target: Address, marker: str) -> str | None:
        """The ts of a recent message to `target` whose first block carries `marker`."""
        # Only after a crash or an uncertain answer: the one place that needs the DM's id.
        channel = target.channel_id or self._dm_channel(target.user_id)
        response = self._call("conversations_history", channel=channel, limit=self.history_limit)
        wanted = MARKER_PREFIX + marker
        for message in response.get("messages") or []:
            blocks = message.get("blocks") or []
            if blocks and blocks[0].get("block_id") == wanted:
                return str(message["ts"])
        return None

    def _dm_channel(self, user_id: str) -> str:
        response = self._call("conversations_open", users=user_id)
        return str(response["channel"]["id"])

    def _after_post(self, method: str, **arguments: Any) -> None:
        """A call made once the marked message is posted: its failure must not read as "nothing was sent".

        A 429 there would otherwise tell the outbox the post was refused, and the message would be posted again;
        without `retry_after` the outbox looks for the marker first, finds the message and does not resend.
        """
        try:
            self._call(method, **arguments)
        except DeliveryFailed as failure:
            raise _failed(f"{failure.reason} (after the message was posted)", permanent=False) from failure

    def _call(self, method: str, **arguments: Any) -> Any:
        try:
            return getattr(self.client, method)(**arguments)
        except SlackApiError as error:
            raise delivery_failure(method, error) from error
        except (SlackClientError, OSError) as error:  # network trouble: try again later
            raise _failed(f"{method}: {error}", permanent=False) from error


def delivery_failure(method: str, error: SlackApiError) -> DeliveryFailed:
    """Classify a Slack API error as the outbox needs it."""
    status = error.response.status_code
    code = str(error.response.get("error") or f"HTTP {status}")
    if status == 429:
        retry_after = float(
            error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1))
        )
        return _failed(f"{method}: rate limited", permanent=False, retry_after=retry_after)
    permanent = status < 500 and code in PERMANENT_ERRORS
    return _failed(f"{method}: {code}", permanent=permanent)


def _failed(reason: str, *, permanent: bool, retry_after: float | None = None) -> DeliveryFailed:
    log.warning("Slack delivery failed (%s): %s", "permanent" if permanent else "transient", reason)
    return DeliveryFailed(reason, permanent=permanent, retry_after=retry_after)


def web_client(settings: SlackSettings, token: str) -> WebClient:
    """A synchronous client that never retries (the outbox decides when to retry)."""
    return WebClient(token=token, base_url=settings.api_base_url, retry_handlers=[])
