"""Who a Mattermost user is (name, locale, e-mail), asked of the API once and kept for a while."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mattermostdriver import Driver

from adapters.mattermost.rest import call
from labbot.ports import DeliveryFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """What labbot needs to know about a Mattermost user."""

    user_id: str
    username: str
    display_name: str
    locale: str | None
    email: str | None


def profile_from_user(user: dict[str, Any]) -> Profile:
    """A profile from Mattermost's user object: full name, else nickname, else username."""
    full_name = " ".join(filter(None, [user.get("first_name", ""), user.get("last_name", "")])).strip()
    username = str(user.get("username") or user["id"])
    return Profile(
        user_id=str(user["id"]),
        username=username,
        display_name=full_name or str(user.get("nickname") or "") or username,
        locale=user.get("locale") or None,
        # Only a verified address links accounts across platforms: anyone could type someone else's.
        email=(user.get("email") or None) if user.get("email_verified") else None,
    )


class UserDirectory:
    """Profiles by user id, cached for `ttl` seconds (names and locales change rarely; e-mails almost never)."""

    def __init__(
        self,
        driver: Driver,
        *,
        ttl: float = 3600.0,
        failure_ttl: float = 60.0,
        max_size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._driver = driver
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._max_size = max_size
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, Profile]] = OrderedDict()
        self._ids_by_username: dict[str, str] = {}
        self._lock = threading.Lock()

    def cached(self, user_id: str) -> Profile | None:
        """The cached profile, if still fresh (no API call)."""
        with self._lock:
            entry = self._cache.get(user_id)
            if entry is None or entry[0] < self._clock():
                return None
            self._cache.move_to_end(user_id)
            return entry[1]

    def by_username(self, username: str) -> Profile | None:
        """The profile of `@username`, or None when Mattermost knows no such user."""
        with self._lock:
            user_id = self._ids_by_username.get(username.lower())
        if user_id is not None and (known := self.cached(user_id)) is not None:
            return known
        try:
            user = call("find a user by name", self._driver.users.get_user_by_username, username)
        except DeliveryFailed as failure:
            if not failure.permanent:
                log.warning("could not look up Mattermost user @%s: %s", username, failure.reason)
            return None
        return self._keep(profile_from_user(user))

    def profile(self, user_id: str, username: str = "") -> Profile:
        """The user's profile; when the API cannot answer, a bare one from what the platform sent."""
        if (known := self.cached(user_id)) is not None:
            return known
        try:
            user = call("get a user", self._driver.users.get_user, user_id)
        except DeliveryFailed as failure:
            log.warning("could not read Mattermost user %s: %s", user_id, failure.reason)
            # Kept briefly, so that an unreachable API costs one attempt a minute, not one per command.
            bare = Profile(user_id, username or user_id, username or user_id, None, None)
            return self._keep(bare, ttl=self._failure_ttl)
        return self._keep(profile_from_user(user))

    def _keep(self, profile: Profile, ttl: float | None = None) -> Profile:
        with self._lock:
            self._cache[profile.user_id] = (self._clock() + (self._ttl if ttl is None else ttl), profile)
            self._ids_by_username[profile.username.lower()] = profile.user_id
            while len(self._cache) > self._max_size:
                _evicted, (_expiry, old) = self._cache.popitem(last=False)
                self._ids_by_username.pop(old.username.lower(), None)
        return profile
