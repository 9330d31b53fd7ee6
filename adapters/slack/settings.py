"""`[slack]` in the configuration file, and the secrets that only ever come from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from labbot.config import ConfigError
from labbot.logs import register_secret


class SlackSettings(BaseModel):
    """`[slack]`: how labbot reaches Slack. Tokens and the signing secret are environment variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # "http": Slack posts to https://<host>/slack/events; "socket": labbot opens a websocket to Slack.
    mode: Literal["http", "socket"] = "http"
    # Slack's Web API root; only changed for tests or an outbound proxy.
    api_base_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://.+/$")
    # How long a user's name and locale from users.info are reused before asking Slack again.
    user_cache_seconds: int = Field(default=3600, ge=0, le=86_400)
    # How many recent messages of a conversation the outbox searches for a delivery's marker.
    history_limit: int = Field(default=100, ge=1, le=999)
    # Files larger than this are not uploaded; the person is told to ask for a narrower export (Slack: 1 GB).
    max_file_bytes: int = Field(default=1_000_000_000, ge=1)


# The model of this platform's configuration table (adapters/preflight.py validates it first).
TABLE = SlackSettings


@dataclass(frozen=True)
class SlackSecrets:
    """Secrets read from the environment."""

    bot_token: str
    signing_secret: str | None
    app_token: str | None


def secrets_from_environment(
    mode: str, environ: Mapping[str, str] | None = None, *, inbound: bool = True
) -> SlackSecrets:
    """Read the tokens `mode` needs (only the bot token without `inbound`); a ConfigError names what is missing."""
    env = os.environ if environ is None else environ
    needed = ["SLACK_BOT_TOKEN"]
    if inbound:
        needed.append("SLACK_SIGNING_SECRET" if mode == "http" else "SLACK_APP_TOKEN")
    for name in needed:
        if not env.get(name):
            raise ConfigError(
                f"[slack] mode = {mode!r} needs the environment variable {name} "
                f"(see README, “Connect to Slack”: {_WHERE[name]})."
            )
    for name in _WHERE:
        register_secret(env.get(name))
    return SlackSecrets(
        bot_token=env["SLACK_BOT_TOKEN"],
        signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        app_token=env.get("SLACK_APP_TOKEN") or None,
    )


_WHERE = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token, xoxb-…",
    "SLACK_SIGNING_SECRET": "Basic Information → App Credentials → Signing Secret",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens, scope connections:write, xapp-…",
}
