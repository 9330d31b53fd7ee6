"""labbot's outbound side on Mattermost: direct messages, channel posts, files, and markers to find them."""

from __future__ import annotations

import io
import threading
from typing import Any

from mattermostdriver import Driver

from adapters.mattermost.buttons import ANY_MEMBER
from adapters.mattermost.render import Buttons, render
from adapters.mattermost.rest import call
from labbot.messages import Address, Attachment, Reply

MARKER_PROP = "labbot_marker"
# Posts read back when looking for a marker: the outbox asks soon after a send, so recent ones suffice.
MARKER_SCAN = 100


class MattermostMessenger:
    """Implements labbot.ports.Messenger with mattermostdriver. Raises DeliveryFailed; never retries."""

    platform = "mattermost"

    def __init__(self, driver: Driver, buttons: Buttons | None = None) -> None:
        self.driver = driver
        self.buttons = buttons
        self._bot_user_id: str | None = None
        self._direct_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def bot_user_id(self) -> str:
        """The bot account's id (asked once)."""
        if self._bot_user_id is None:
            me = call("get the bot user", self.driver.users.get_user, "me")
            self._bot_user_id = str(me["id"])
        return self._bot_user_id

    def direct_channel(self, user_id: str) -> str:
        """The id of the bot's direct conversation with `user_id` (created by Mattermost on first use)."""
        with self._lock:
            known = self._direct_channels.get(user_id)
        if known is not None:
            return known
        channel = call(
            "open a direct channel",
            self.driver.channels.create_direct_message_channel,
            [self.bot_user_id(), user_id],
        )
        with self._lock:
            self._direct_channels[user_id] = str(channel["id"])
        return str(channel["id"])

    def send_direct(self, user_id: str, reply: Reply, *, marker: str | None = None) -> str:
        """Post `reply` in the direct conversation with the user."""
        return self.send_to_channel(self.direct_channel(user_id), reply, marker=marker, audience=user_id)

    def send_to_channel(
        self,
        channel_id: str,
        reply: Reply,
        *,
        marker: str | None = None,
        root_id: str = "",
        audience: str = ANY_MEMBER,
    ) -> str:
        """Post `reply` in a channel (in a thread under `root_id` if given); returns the last post's id. Its
        buttons are for `audience`: any member of the channel unless it is someone's direct conversation.

        The marker rides on the last post, so a split reply counts as delivered only once it is all posted.
        """
        posts = render(reply, self.buttons, audience)
        post_id = ""
        for number, post in enumerate(posts, start=1):
            props = dict(post.props)
            if marker is not None and number == len(posts):
                props[MARKER_PROP] = marker
            post_id = self._create_post(channel_id, post.message, props, root_id=root_id)
        return post_id

    def send_file(
        self, *, target: Address, filename: str, content: bytes, comment: Reply, marker: str | None = None
    ) -> str:
        """Upload a file to the user's direct conversation or the channel, then post it with `comment` (the file
        and the marker on its last post)."""
        channel_id = self._channel_of(target)
        uploaded = call(
            "upload a file",
            self.driver.files.upload_file,
            channel_id,
            {"files": (filename, io.BytesIO(content))},
        )
        file_ids = [str(info["id"]) for info in uploaded["file_infos"]]
        *leading, last = render(comment, self.buttons, target.user_id if not target.channel_id else ANY_MEMBER)
        for post in leading:
            self._create_post(channel_id, post.message, dict(post.props))
        props = dict(last.props) | ({MARKER_PROP: marker} if marker is not None else {})
        return self._create_post(channel_id, last.message, props, file_ids=file_ids)

    def send_with_files(self, channel_id: str, reply: Reply, files: list[Attachment], *, root_id: str = "") -> str:
        """Upload `files` to the channel, then post `reply` with them on its last post (an export, a chart)."""
        file_ids: list[str] = []
        for attachment in files:
            uploaded = call(
                "upload a file",
                self.driver.files.upload_file,
                channel_id,
                {"files": (attachment.filename, io.BytesIO(attachment.content), attachment.media_type)},
            )
            file_ids += [str(info["id"]) for info in uploaded["file_infos"]]
        *leading, last = render(reply, self.buttons)
        for post in leading:
            self._create_post(channel_id, post.message, dict(post.props), root_id=root_id)
        return self._create_post(channel_id, last.message, dict(last.props), root_id=root_id, file_ids=file_ids)

    def find_marked(self, target: Address, marker: str) -> str | None:
        """A recent post of the bot to `target` carrying `marker`, or None."""
        channel_id = self._channel_of(target)
        page = call(
            "read recent posts",
            self.driver.posts.get_posts_for_channel,
            channel_id,
            params={"page": 0, "per_page": MARKER_SCAN},
        )
        posts: dict[str, Any] = page.get("posts") or {}
        for post_id in page.get("order") or []:
            props = (posts.get(post_id) or {}).get("props") or {}
            if props.get(MARKER_PROP) == marker:
                return str(post_id)
        return None

    def _channel_of(self, target: Address) -> str:
        return target.channel_id or self.direct_channel(target.user_id)

    def _create_post(
        self,
        channel_id: str,
        message: str,
        props: dict[str, Any],
        *,
        root_id: str = "",
        file_ids: list[str] | None = None,
    ) -> str:
        body: dict[str, Any] = {"channel_id": channel_id, "message": message, "props": props}
        if root_id:
            body["root_id"] = root_id
        if file_ids:
            body["file_ids"] = file_ids
        created = call("create a post", self.driver.posts.create_post, body)
        return str(created["id"])
