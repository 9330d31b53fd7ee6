"""Bolt listeners: every Slack entry point acks at once, and the work runs after the ack, in the background.

Only a form submission waits for the core, because Slack wants its field errors in the ack itself.
Idempotency keys are Slack's retry-stable ids: the trigger of a slash command, the event id, the view id,
and for a button its rendering (block id) + action + clicker, so a retry or a double click runs once.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack.blocks import RUN_ACTION_PREFIX, render
from adapters.slack.bridge import SlackBridge, SlackFailure
from adapters.slack.forms import FORM_CALLBACK_PREFIX, answers, field_errors, form_view, result_view
from adapters.slack.home import OPEN_FORM_ACTION
from labbot.forms import Form
from labbot.home import own_projects
from labbot.i18n import use_locale
from labbot.messages import Outcome, Visibility

Body = dict[str, Any]
SHORTCUTS = {"labbot_new_idea": "idee", "labbot_log_hours": "heures", "labbot_partner_meeting": "reunion"}
_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


Work = Callable[[Body], Coroutine[Any, Any, None]]
Listener = Callable[[AsyncAck, Body], Awaitable[None]]


def after_ack(bridge: SlackBridge, work: Work) -> Listener:
    """A listener that acks, then leaves `work` running in the background.

    Like Bolt's lazy listeners, but without their copy of the whole request per call: the ack is on the
    path Slack times, and this keeps it as short as a bare app's.
    """

    async def listener(ack: AsyncAck, body: Body) -> None:
        await ack()
        bridge.in_background(work(body))

    return listener


def register(app: AsyncApp, bridge: SlackBridge) -> None:
    """Attach every labbot listener to the Bolt app."""
    slash = SlashCommand(bridge)
    app.command("/lab")(after_ack(bridge, slash.run))
    app.action(re.compile("^" + re.escape(RUN_ACTION_PREFIX)))(after_ack(bridge, slash.button))
    app.action(re.compile("^" + re.escape(OPEN_FORM_ACTION)))(after_ack(bridge, slash.open_form_button))
    app.shortcut(re.compile("^labbot_"))(after_ack(bridge, slash.shortcut))
    app.view(re.compile("^" + re.escape(FORM_CALLBACK_PREFIX)))(slash.submit)
    conversation = Conversation(bridge)
    app.event("app_mention")(after_ack(bridge, conversation.mention))
    app.event("message")(after_ack(bridge, conversation.direct_message))
    app.event("app_home_opened")(after_ack(bridge, conversation.home_opened))


class SlashCommand:
    """`/lab …`, its buttons, its forms and the app's shortcuts."""

    def __init__(self, bridge: SlackBridge) -> None:
        self.bridge = bridge

    async def run(self, body: Body) -> None:
        """Run the command, or open its form when a form verb comes alone."""
        user_id, text = body["user_id"], body.get("text", "").strip()
        form = self.bridge.forms.for_bare_verb(text)
        if form is not None:
            await self.open_form(form, body["trigger_id"], user_id, body.get("channel_id"), body["response_url"])
            return
        reply = await self.bridge.answer_through(
            body["response_url"],
            user_id,
            text,
            channel_id=body.get("channel_id"),
            key=f"slack:command:{body['trigger_id']}",
            raw=body,
            channel_name=body.get("channel_name"),
        )
        await self.bridge.share_files(reply, user_id=user_id, channel_id=body.get("channel_id"))

    async def button(self, body: Body) -> None:
        """A button that runs a core command as the clicker; the message is updated in place."""
        action = body["actions"][0]
        user_id = body["user"]["id"]
        key = f"slack:button:{action['block_id']}:{action['action_id']}:{user_id}"
        channel_id = (body.get("channel") or {}).get("id")
        if body.get("response_url"):
            reply = await self.bridge.answer_through(
                body["response_url"], user_id, action["value"], replace_original=True,
                channel_id=channel_id, key=key, raw=body,
            )  # fmt: skip
            await self.bridge.share_files(reply, user_id=user_id, channel_id=channel_id)
            return
        answer = await self.bridge.run(user_id, action["value"], channel_id=channel_id, key=key, raw=body)
        # A button on App Home: the answer goes to the person's DM, the home refreshes itself.
        await self.bridge.post(user_id, answer)
        await self.bridge.share_files(answer.reply, user_id=user_id, channel_id=None)

    async def open_form_button(self, body: Body) -> None:
        """A home button that opens a form."""
        form = self.bridge.forms.get(body["actions"][0]["value"])
        if form is not None:
            await self.open_form(form, body["trigger_id"], body["user"]["id"], None, None)

    async def shortcut(self, body: Body) -> None:
        """A global or message shortcut that opens a form."""
        form = self.bridge.forms.get(SHORTCUTS.get(body.get("callback_id", ""), ""))
        if form is not None:
            channel = (body.get("channel") or {}).get("id")
            await self.open_form(form, body["trigger_id"], body["user"]["id"], channel, None)

    async def open_form(
        self, form: Form, trigger_id: str, user_id: str, channel_id: str | None, response_url: str | None
    ) -> None:
        """Open the form's modal in the user's language, with their projects in project fields."""
        language = await self.bridge.language_of(user_id)
        own = await _own_projects(self.bridge, user_id)
        with use_locale(language):
            view = form_view(form, own, channel_id=channel_id)
        try:
            await self.bridge.client.views_open(trigger_id=trigger_id, view=view)
        except SlackFailure as error:
            await self.bridge.tell_failure(user_id, error, response_url=response_url)

    async def submit(self, ack: AsyncAck, body: Body) -> None:
        """Run the form's command; errors go beside their field, success replaces the form."""
        view = body["view"]
        form = self.bridge.forms.get(view["callback_id"].removeprefix(FORM_CALLBACK_PREFIX))
        if form is None:
            await ack()
            return
        channel_id = (json.loads(view.get("private_metadata") or "{}") or {}).get("channel")
        user_id = body["user"]["id"]
        answer = await self.bridge.run(
            user_id,
            form.verb,
            channel_id=channel_id,
            key=f"slack:view:{view['id']}",
            raw=body,
            arguments=answers(form, view["state"]["values"]),
        )
        reply = answer.reply
        if reply.outcome is Outcome.REFUSED:
            await ack(response_action="errors", errors=field_errors(form, reply))
            return
        with use_locale(reply.language):
            done = result_view(reply.title or "labbot", render(reply, with_actions=False).blocks)
        await ack(response_action="update", view=done)


class Conversation:
    """Mentions in channels, direct messages, and App Home opening."""

    def __init__(self, bridge: SlackBridge) -> None:
        self.bridge = bridge

    async def mention(self, body: Body) -> None:
        """`@labbot heures 1 2h` in a channel: answered in the thread, privately unless shared."""
        await self._answer(body, direct=False)

    async def direct_message(self, body: Body) -> None:
        """The same text in a DM to the bot (message.im); other message events are ignored."""
        event = body["event"]
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._answer(body, direct=True)

    async def home_opened(self, body: Body) -> None:
        """Publish App Home when its tab is opened."""
        event = body["event"]
        if event.get("tab", "home") == "home":
            await self.bridge.refresh_home_of(event["user"])

    async def _answer(self, body: Body, *, direct: bool) -> None:
        event = body["event"]
        key = f"slack:event:{body.get('event_id') or event['ts']}"
        if not self.bridge.first_time(key):
            return
        user_id, channel = event["user"], event["channel"]
        text = _MENTION.sub(" ", event.get("text", "")).strip()
        answer = await self.bridge.run(user_id, text, channel_id=channel, key=key, raw=body)
        reply = answer.reply
        thread_ts = event.get("thread_ts") or event["ts"]
        private = not direct and reply.visibility is not Visibility.CHANNEL
        try:
            await self.bridge.post(channel, answer, thread_ts=thread_ts, only_for=user_id if private else None)
            await self.bridge.share_files(reply, user_id=user_id, channel_id=channel, thread_ts=thread_ts)
        except SlackFailure as error:
            await self.bridge.tell_failure(user_id, error)


async def _own_projects(bridge: SlackBridge, user_id: str) -> list[tuple[int, str]]:
    return await asyncio.to_thread(own_projects, bridge.bot, "slack", user_id)
