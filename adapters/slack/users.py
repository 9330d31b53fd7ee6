"""Who a Slack user is (name, email, locale), from users.info, cached so that no request waits on it twice."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackUser:
    """What labbot needs of a Slack user."""

    id: str
    display_name: str
    locale: str | None = None
    email: str | None = None


class UserDirectory:
    """users.info (with locale) behind a cache of `ttl` seconds; Slack trouble falls back to the bare id."""

    def __init__(self, client: AsyncWebClient, ttl: float) -> None:
        self.client = client
        self.ttl = ttl
        self._cache: dict[str, tuple[float, SlackUser]] = {}
        # Lookups in flight: a person's first commands often arrive together (a burst, a retry); they share one.
        self._asking: dict[str, asyncio.Future[SlackUser]] = {}

    async def get(self, user_id: str) -> SlackUser:
        """The user, from the cache when fresh, else from the one users.info call in flight for them."""
        cached = self._cache.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        asking = self._asking.get(user_id)
        if asking is None:
            asking = self._asking[user_id] = asyncio.ensure_future(self._ask(user_id))
            asking.add_done_callback(lambda _done: self._asking.pop(user_id, None))
        return await asyncio.shield(asking)  # one caller cancelled does not cancel the others' lookup

    async def _ask(self, user_id: str) -> SlackUser:
        now = time.monotonic()
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, SlackClientError, OSError) as error:
            # Not fatal: the command still runs, in the person's profile language or French.
            log.warning("users.info failed for %s: %s", user_id, error)
            return SlackUser(user_id, user_id)
        user = _from_payload(user_id, response["user"])
        self._cache[user_id] = (now + self.ttl, user)
        return user


def _from_payload(user_id: str, payload: dict[str, object]) -> SlackUser:
    profile = payload.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    name = (
        profile.get("display_name") or profile.get("real_name") or payload.get("real_name") or payload.get("name")
    )
    locale = payload.get("locale")
    email = profile.get("email")
    return SlackUser(
        id=user_id,
        display_name=str(name or payload.get("name") or user_id),
        locale=str(locale) if locale else None,
        email=str(email) if email else None,
    )
