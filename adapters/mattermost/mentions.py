"""Mentions and direct messages received over the websocket, run like `/lab` commands."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from typing import Any

from adapters.mattermost.adapter import MattermostAdapter
from adapters.mattermost.routes import request_key
from labbot.messages import Visibility

log = logging.getLogger(__name__)
DIRECT = "D"


class MentionListener:
    """Turns `posted` events into commands: every post in a direct conversation, `@labbot …` elsewhere."""

    def __init__(self, adapter: MattermostAdapter) -> None:
        self.adapter = adapter
        self._bot: tuple[str, re.Pattern[str]] | None = None
        self._lock = threading.Lock()

    async def on_event(self, event: dict[str, Any]) -> None:
        """The websocket's event handler; returns at once, the command runs in a thread."""
        if event.get("event") != "posted":
            return
        data = event.get("data") or {}
        post = data.get("post")
        if not isinstance(post, dict) or post.get("type"):
            return  # system messages (joins, header changes) carry a type
        if str((post.get("props") or {}).get("from_bot", "")).lower() == "true":
            return  # other bots (and labbot itself): never answer a bot, so two bots cannot loop
        self.adapter.in_background(self.answer(post, str(data.get("channel_type", ""))))

    async def answer(self, post: dict[str, Any], channel_type: str) -> None:
        """Run the post's command if it is addressed to the bot, and post the reply."""
        bot_id, mention = await asyncio.to_thread(self._bot_identity)
        user_id = str(post.get("user_id", ""))
        if not user_id or user_id == bot_id:
            return
        message = str(post.get("message", ""))
        if channel_type != DIRECT:
            found = mention.search(message)
            if found is None:
                return
            message = message[found.end() :]  # "merci @labbot aide" asks for "aide"
        channel_id = str(post.get("channel_id", ""))
        request = await self.adapter.request_of(
            user_id, "", message.strip(), channel_id=channel_id, key=request_key("post", str(post.get("id", ""))),
            raw=post,
        )  # fmt: skip
        reply = await self.adapter.run(request)
        if channel_type == DIRECT:
            await self.adapter.post(reply, user_id=user_id, channel_id=channel_id)
            return
        if reply.visibility is Visibility.CHANNEL:
            # In the thread of the mention, so a busy channel keeps question and answer together.
            root = str(post.get("root_id") or post.get("id", ""))
            await self.adapter.post(reply, user_id=user_id, channel_id=channel_id, root_id=root)
        else:
            await self.adapter.post(reply, user_id=user_id, channel_id=None)

    def _bot_identity(self) -> tuple[str, re.Pattern[str]]:
        """The bot's id and a pattern of its @mention (asked of the API once)."""
        with self._lock:
            if self._bot is None:
                messenger = self.adapter.messenger
                bot_id = messenger.bot_user_id()
                username = self.adapter.directory.profile(bot_id).username
                pattern = re.compile(rf"(?<![\w.-])@{re.escape(username)}(?![\w.-])", re.IGNORECASE)
                self._bot = (bot_id, pattern)
            return self._bot
