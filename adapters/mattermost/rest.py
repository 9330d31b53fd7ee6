"""mattermostdriver's REST client, with its errors told apart the way the outbox needs them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import (
    ContentTooLarge,
    InvalidOrMissingParameters,
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
)

from adapters.mattermost.settings import MattermostSettings
from labbot.ports import DeliveryFailed

log = logging.getLogger(__name__)
T = TypeVar("T")
# A refusal that a later attempt cannot change: bad request, bad token, no permission, unknown user or channel.
_PERMANENT = (
    InvalidOrMissingParameters,
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
    ContentTooLarge,
)


def driver_for(settings: MattermostSettings, token: str) -> Driver:
    """A REST client authenticated by the bot token, without a login round trip."""
    driver = Driver(settings.driver_options(token))
    driver.client.token = token
    return driver


def call(what: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one REST call; failures become DeliveryFailed (permanent, or transient with Retry-After).

    Never retried here: the caller (the outbox) decides when to try again.
    """
    try:
        return function(*args, **kwargs)
    except _PERMANENT as error:
        raise DeliveryFailed(f"{what}: {type(error).__name__}: {error}", permanent=True) from error
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else 0
        retry_after = _retry_after(error.response) if status == 429 else None
        raise DeliveryFailed(f"{what}: HTTP {status}", permanent=False, retry_after=retry_after) from error
    except requests.RequestException as error:
        raise DeliveryFailed(f"{what}: {type(error).__name__}: {error}", permanent=False) from error


def _retry_after(response: requests.Response | None) -> float | None:
    """Seconds to wait, from Retry-After (or Mattermost's X-Ratelimit-Reset)."""
    if response is None:
        return None
    for header in ("Retry-After", "X-Ratelimit-Reset"):
        value = response.headers.get(header, "")
        try:
            return max(0.0, float(value))
        except ValueError:
            continue
    return None
