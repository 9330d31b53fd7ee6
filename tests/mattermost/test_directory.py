"""Mattermost profiles: cached, refreshed after their time, and an unreachable API asked once a minute."""

from __future__ import annotations

from adapters.mattermost.directory import UserDirectory
from adapters.mattermost.rest import driver_for
from adapters.mattermost.settings import MattermostSettings
from tests.platforms.mattermost_api import MattermostApiStandIn


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _directory(url: str, token: str, clock: Clock) -> UserDirectory:
    settings = MattermostSettings(url=url, team="labs", public_url="https://labbot.example.gouv.fr")
    return UserDirectory(driver_for(settings, token), ttl=3600, failure_ttl=60, clock=clock)


def test_profiles_are_cached_then_refreshed(mattermost_api: MattermostApiStandIn) -> None:
    clock = Clock()
    alice = mattermost_api.add_user("alice", "alice@dreal.gouv.fr", first_name="Alice", last_name="Martin")
    directory = _directory(mattermost_api.url, mattermost_api.token, clock)
    assert directory.profile(alice).display_name == "Alice Martin"
    mattermost_api.users[alice]["last_name"] = "Durand"
    clock.now = 3599
    assert directory.profile(alice).display_name == "Alice Martin"
    clock.now = 3601
    assert directory.profile(alice).display_name == "Alice Durand"
    assert directory.by_username("ALICE") == directory.profile(alice)
    assert directory.by_username("nobody") is None
    assert len(mattermost_api.calls_to("GET", "/api/v4/users/{user_id}")) == 2
    assert len(mattermost_api.calls_to("GET", "/api/v4/users/username/{username}")) == 1  # "nobody"


def test_an_unreachable_api_is_asked_once_a_minute() -> None:
    clock = Clock()
    directory = _directory("http://127.0.0.1:9", "token", clock)
    first = directory.profile("u" * 26, "alice")
    assert (first.display_name, first.email, first.locale) == ("alice", None, None)
    assert directory.cached("u" * 26) == first
    clock.now = 61
    assert directory.cached("u" * 26) is None
