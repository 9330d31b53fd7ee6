"""Mattermost payloads to the core's neutral requests, and replies back, shared by HTTP and websocket."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine, Mapping
from typing import Any

from adapters.mattermost.directory import Profile, UserDirectory
from adapters.mattermost.messenger import MattermostMessenger
from adapters.mentions import typed_back
from adapters.runner import CommandRunner, keep_reply
from adapters.tasks import BackgroundTasks
from labbot.attachments import split_by_size
from labbot.engine import MAX_COMMAND_LENGTH
from labbot.messages import Reply, Request, Visibility
from labbot.ports import DeliveryFailed

log = logging.getLogger(__name__)
PLATFORM = "mattermost"
# A Mattermost @username (not the "@" inside an e-mail address).
_MENTION = re.compile(r"(?<![\w.@-])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_BROADCAST_WORDS = {"channel", "all", "here", "everyone"}
# Distinct @names looked up in one command; no command names more people than this.
MAX_NAME_LOOKUPS = 10


class MattermostAdapter:
    """Runs commands for Mattermost users through the command runner; replies posted through the API."""

    def __init__(self, runner: CommandRunner, directory: UserDirectory, messenger: MattermostMessenger) -> None:
        self.runner = runner
        self.directory = directory
        self.messenger = messenger
        self._background = BackgroundTasks("Mattermost")
        # The server's largest file (FileSettings.MaxFileSize); larger ones are replaced by a note.
        self.max_file_bytes = 100 * 1024 * 1024

    async def run(self, request: Request) -> Reply:
        """Run a request (`request_of`) and keep its reply for the server to post."""
        return (await self.runner.run(request, keep_reply)).reply

    async def request_of(
        self,
        user_id: str,
        username: str,
        text: str,
        *,
        channel_id: str | None,
        key: str | None,
        raw: dict[str, Any],
        arguments: Mapping[str, str | list[str]] | None = None,
        channel_name: str | None = None,
    ) -> Request:
        """The neutral request of a Mattermost user typing `text`: their profile from the cache when it holds
        it and the text names nobody, else from the API, off the event loop."""

        def of(profile: Profile, command: str) -> Request:
            return Request(
                platform=PLATFORM,
                user_id=profile.user_id,
                text=command,
                display_name=profile.display_name,
                locale=profile.locale,
                email=profile.email,
                channel_id=channel_id,
                idempotency_key=key,
                raw=raw,
                arguments=arguments,
                channel_name=channel_name,
            )

        def lookup() -> Request:
            return of(self.directory.profile(user_id, username), self.with_user_ids(typed_back(text)))

        known = self.directory.cached(user_id) if "@" not in text else None
        return of(known, typed_back(text)) if known is not None else await asyncio.to_thread(lookup)

    def with_user_ids(self, text: str) -> str:
        """`@bruno` → `mattermost:<bruno's id>`, so commands about people (role, profil) find the account
        even before its owner has talked to labbot, and never by a display name that others may share.

        Lookups cost an API call each: a text the core will refuse as too long is left alone, and only the
        first few distinct names are looked up."""
        if "@" not in text or len(text) > MAX_COMMAND_LENGTH:
            return text
        looked_up: set[str] = set()

        def resolved(match: re.Match[str]) -> str:
            name = match.group(1).rstrip(".-_")
            if name.lower() in _BROADCAST_WORDS:
                return match.group(0)
            if name.lower() not in looked_up and len(looked_up) >= MAX_NAME_LOOKUPS:
                return match.group(0)
            looked_up.add(name.lower())
            profile = self.directory.by_username(name)
            if profile is None:
                return match.group(0)
            return f"{PLATFORM}:{profile.user_id}" + match.group(1)[len(name) :]

        return _MENTION.sub(resolved, text)

    def deliver(self, reply: Reply, *, user_id: str, channel_id: str | None, root_id: str = "") -> None:
        """Post a reply later: to the channel when it is for everyone, else in the user's direct conversation."""
        try:
            if reply.files:
                self._deliver_with_files(reply, user_id=user_id, channel_id=channel_id, root_id=root_id)
            elif reply.visibility is Visibility.CHANNEL and channel_id:
                self.messenger.send_to_channel(channel_id, reply, root_id=root_id)
            else:
                self.messenger.send_direct(user_id, reply)
        except DeliveryFailed as failure:
            log.error("could not post a reply to Mattermost user %s: %s", user_id, failure.reason)

    def _deliver_with_files(self, reply: Reply, *, user_id: str, channel_id: str | None, root_id: str) -> None:
        """The answer and its files in one post: in the channel when it is for everyone, else in the person's
        direct conversation (Mattermost's ephemeral posts carry no files, and an export is for its asker)."""
        shared = reply.visibility is Visibility.CHANNEL and channel_id
        destination = channel_id if shared and channel_id else self.messenger.direct_channel(user_id)
        fitting, notes = split_by_size(reply, self.max_file_bytes)
        answer = reply.model_copy(update={"files": fitting, "notes": [*reply.notes, *notes]})
        self.messenger.send_with_files(destination, answer, fitting, root_id=root_id if shared else "")

    async def post(self, reply: Reply, *, user_id: str, channel_id: str | None, root_id: str = "") -> None:
        """`deliver`, off the event loop."""
        await asyncio.to_thread(self.deliver, reply, user_id=user_id, channel_id=channel_id, root_id=root_id)

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` after the current answer; kept until done so stop() can wait."""
        self._background.start(work)

    async def drain(self) -> None:
        """Wait for background work (commands still running, replies still being posted)."""
        await self._background.drain()
