"""Between Slack and the core: who is asking, run the command through the runner, answer, refresh App Home."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.mentions import typed_back
from adapters.runner import Answer, CommandRunner
from adapters.slack.blocks import Rendered, render
from adapters.slack.home import build_home
from adapters.slack.respond import Responded, RespondOnce
from adapters.slack.users import SlackUser, UserDirectory
from adapters.tasks import BackgroundTasks
from labbot.attachments import split_by_size
from labbot.engine import LabBot
from labbot.forms import Forms
from labbot.i18n import Language, _, language_from_hint, use_locale
from labbot.messages import Outcome, Reply, Request, Visibility

log = logging.getLogger(__name__)
SlackFailure = (SlackApiError, SlackClientError, OSError)
SlackAnswer = Answer[Rendered]
P = TypeVar("P")
_SEEN_LIMIT = 10_000


def retrying_handlers() -> list[Any]:
    """Interactive answers wait out a 429 (Retry-After) or a dropped connection, a couple of times."""
    return [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncConnectionErrorRetryHandler()]


def interactive_client(token: str, base_url: str) -> AsyncWebClient:
    """The client for answers a person is waiting for (respond, ephemerals, views)."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=retrying_handlers())


class SlackBridge:
    """Runs core commands for Slack users and delivers the answers."""

    def __init__(self, bot: LabBot, client: AsyncWebClient, users: UserDirectory, commands: CommandRunner) -> None:
        self.bot = bot
        self.client = client
        self.users = users
        self._background = BackgroundTasks("Slack")
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.commands = commands
        self.forms = Forms(bot.registry)
        self._http: aiohttp.ClientSession | None = None
        self.max_file_bytes = 1_000_000_000

    async def open(self) -> None:
        """Share one HTTP connection pool for every Slack call (a session per call costs a TCP handshake)."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
            # A client of our own: Bolt copies its client into lazy listeners, and a live session cannot be.
            self.client = AsyncWebClient(
                token=self.client.token,
                base_url=self.client.base_url,
                session=self._http,
                retry_handlers=retrying_handlers(),
            )
            self.users.client = self.client

    # ---- running commands ------------------------------------------------------------------

    async def run(
        self,
        user_id: str,
        text: str,
        *,
        channel_id: str | None,
        key: str | None,
        raw: Mapping[str, Any],
        arguments: Mapping[str, str | list[str]] | None = None,
        channel_name: str | None = None,
    ) -> SlackAnswer:
        """Run `text` as the Slack user, rendered for Slack; refresh their home when it changed something."""
        return await self.run_presented(
            user_id, text, render, channel_id=channel_id, key=key, raw=raw, arguments=arguments,
            channel_name=channel_name,
        )  # fmt: skip

    async def run_presented(
        self,
        user_id: str,
        text: str,
        present: Callable[[Reply], P],
        *,
        channel_id: str | None,
        key: str | None,
        raw: Mapping[str, Any],
        arguments: Mapping[str, str | list[str]] | None = None,
        channel_name: str | None = None,
    ) -> Answer[P]:
        """Run `text` as the Slack user and `present` the reply where it ran; refresh their home when it
        changed something."""
        user = await self.users.get(user_id)
        request = Request(
            platform="slack",
            user_id=user_id,
            text=typed_back(text),
            display_name=user.display_name,
            locale=user.locale,
            email=user.email,
            channel_id=channel_id,
            idempotency_key=key,
            raw=raw,
            arguments=arguments,
            channel_name=channel_name,
        )
        # Presented where the command ran, off the event loop.
        answer = await self.commands.run(request, present)
        if answer.reply.wrote and answer.reply.outcome is Outcome.DONE:
            self.in_background(self.refresh_home(user))
        return answer

    def first_time(self, key: str) -> bool:
        """False for a key this process already saw (a Slack retry of an event being or already answered)."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > _SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    async def language_of(self, user_id: str) -> Language:
        """The language to speak to a user before any command ran (their Slack locale, else French)."""
        user = await self.users.get(user_id)
        return language_from_hint(user.locale) or "fr"

    # ---- answering -------------------------------------------------------------------------

    async def answer_through(
        self, response_url: str, user_id: str, text: str, *, replace_original: bool = False, **command: Any
    ) -> Reply:
        """Run `text` and answer through `response_url` from the command's worker (the server posts only what
        the worker handed back: a rate-limited or unreachable response_url, a reply's full text as a file)."""
        answer = await self.run_presented(
            user_id, text, RespondOnce(response_url, replace_original=replace_original), **command
        )
        await self.finish(response_url, answer, user_id=user_id, replace_original=replace_original)
        return answer.reply

    async def finish(
        self, response_url: str, answer: Answer[Responded], *, user_id: str, replace_original: bool = False
    ) -> None:
        """What is left of an answer after its worker tried the response_url."""
        responded = answer.presented
        if not responded.posted:
            rendered = responded.rendered or render(answer.reply)
            await self.respond(
                response_url, Answer(answer.reply, rendered), user_id=user_id, replace_original=replace_original
            )
            return
        if responded.rendered is not None and responded.rendered.full_text:
            try:
                await self.attach_full_text(responded.rendered, channel=user_id)
            except SlackFailure as error:
                await self.tell_failure(user_id, error, response_url=response_url)

    async def respond(
        self, response_url: str, answer: SlackAnswer, *, user_id: str | None = None, replace_original: bool = False
    ) -> None:
        """Answer through a response_url: only the person sees it unless the reply is for the channel.

        A reply cut to fit is followed by its full text as a file in the person's DM (`user_id`).
        """
        reply, rendered = answer.reply, answer.presented
        webhook = AsyncWebhookClient(response_url, session=self._http, retry_handlers=retrying_handlers())
        in_channel = reply.visibility is Visibility.CHANNEL
        try:
            response = await webhook.send(
                text=rendered.text,
                blocks=rendered.blocks,
                response_type="in_channel" if in_channel and not replace_original else "ephemeral",
                replace_original=replace_original,
            )
        except SlackFailure as error:
            log.warning("response_url failed: %s", error)
            return
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
        if user_id and rendered.full_text:
            try:
                await self.attach_full_text(rendered, channel=user_id)
            except SlackFailure as error:
                await self.tell_failure(user_id, error, response_url=response_url)

    async def post(
        self, channel: str, answer: SlackAnswer, *, thread_ts: str | None = None, only_for: str | None = None
    ) -> None:
        """Post in a channel (or, with `only_for`, an ephemeral message only that user sees)."""
        rendered = answer.presented
        blocks = rendered.block_dicts()
        if only_for:
            await self.client.chat_postEphemeral(
                channel=channel, user=only_for, text=rendered.text, blocks=blocks, thread_ts=thread_ts
            )
        else:
            await self.client.chat_postMessage(
                channel=channel, text=rendered.text, blocks=blocks, thread_ts=thread_ts
            )
        await self.attach_full_text(rendered, channel=only_for or channel, thread_ts=thread_ts)

    async def attach_full_text(self, rendered: Rendered, *, channel: str, thread_ts: str | None = None) -> None:
        """Share the full version of a reply that was cut to fit a message."""
        if not rendered.full_text:
            return
        if channel.startswith(("U", "W")):
            channel = str((await self.client.conversations_open(users=channel))["channel"]["id"])
        await self.client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, filename="labbot.txt", content=rendered.full_text
        )

    async def share_files(
        self, reply: Reply, *, user_id: str, channel_id: str | None, thread_ts: str | None = None
    ) -> None:
        """Upload the reply's files (files upload v2) into the conversation where the command was typed.

        A private reply typed in a shared channel gets its files in the person's DM instead: Slack has no
        ephemeral files, and an export is for the person who asked. Files too large are replaced by a note.
        """
        if not reply.files:
            return
        fitting, notes = split_by_size(reply, self.max_file_bytes)
        shared = reply.visibility is Visibility.CHANNEL or (channel_id or "").startswith("D")
        destination = channel_id if shared and channel_id else await self._dm_of(user_id)
        try:
            for attachment in fitting:
                await self.client.files_upload_v2(
                    channel=destination,
                    thread_ts=thread_ts if shared else None,
                    filename=attachment.filename,
                    content=attachment.content,
                    title=attachment.filename,
                    alt_txt=attachment.description[:1000] or None,
                )
            if notes:
                note = Reply(text="\n".join(notes), outcome=Outcome.REFUSED, language=reply.language)
                await self.post(destination, Answer(note, render(note)))
        except SlackFailure as error:
            await self.tell_failure(user_id, error)

    async def _dm_of(self, user_id: str) -> str:
        return str((await self.client.conversations_open(users=user_id))["channel"]["id"])

    async def tell_failure(self, user_id: str, error: Exception, *, response_url: str | None = None) -> None:
        """Say plainly that Slack refused something, by the response_url or else by DM."""
        language = await self.language_of(user_id)
        with use_locale(language):
            text = _("Slack refused to show this ({error}). Please try again in a moment.").format(
                error=_slack_error(error)
            )
        reply = Reply(text=text, outcome=Outcome.FAILED, language=language)
        answer = Answer(reply, render(reply))
        if response_url:
            await self.respond(response_url, answer)
            return
        try:
            await self.post(user_id, answer)
        except SlackFailure:
            log.exception("could not tell %s that Slack failed", user_id)

    # ---- App Home --------------------------------------------------------------------------

    async def refresh_home(self, user: SlackUser) -> None:
        """Publish the person's App Home."""
        view = await asyncio.to_thread(build_home, self.bot, user)
        try:
            await self.client.views_publish(user_id=user.id, view=view)
        except SlackFailure as error:
            log.warning("views.publish failed for %s: %s", user.id, error)

    async def refresh_home_of(self, user_id: str) -> None:
        """Publish the App Home of a user known by id."""
        await self.refresh_home(await self.users.get(user_id))

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` after the answer."""
        self._background.start(work)

    async def close(self) -> None:
        """Wait for background work, then release the connections (on shutdown)."""
        await self._background.drain()
        if self._http is not None:
            await self._http.close()
            self._http = None


def _slack_error(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__
