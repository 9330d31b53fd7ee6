"""`[mattermost]` settings from the config file, secrets from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labbot.config import ConfigError
from labbot.logs import register_secret

BOT_TOKEN_VARIABLE = "MATTERMOST_BOT_TOKEN"  # noqa: S105 - a variable name
COMMAND_TOKEN_VARIABLE = "MATTERMOST_COMMAND_TOKEN"  # noqa: S105 - a variable name
ACTIONS_SECRET_VARIABLE = "LABBOT_ACTIONS_SECRET"  # noqa: S105 - a variable name


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"should be an http(s) URL such as https://mattermost.example.gouv.fr (got {value!r})")
    return value.rstrip("/")


class MattermostSettings(BaseModel):
    """`[mattermost]`: the server, the team where `/lab` lives, and where Mattermost reaches labbot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="the Mattermost server, e.g. https://mattermost.example.gouv.fr")
    team: str = Field(min_length=1, description="the team's name (as in its URL), e.g. labs")
    public_url: str = Field(
        description="labbot's address as Mattermost sees it, e.g. https://labbot.example.gouv.fr"
    )
    trigger: str = Field(default="lab", pattern=r"^[a-z0-9_-]{1,128}$")
    ca_file: Path | None = None  # a private CA bundle for the Mattermost server's certificate
    # The server's FileSettings.MaxFileSize (100 MiB by default): larger files are refused with a message.
    max_file_bytes: int = Field(default=100 * 1024 * 1024, ge=1)

    @field_validator("url", "public_url")
    @classmethod
    def _is_http_url(cls, value: str) -> str:
        return _http_url(value)

    def driver_options(self, token: str) -> dict[str, Any]:
        """Options for mattermostdriver's Driver (it wants the URL in pieces)."""
        parts = urlsplit(self.url)
        https = parts.scheme == "https"
        return {
            "scheme": parts.scheme,
            "url": parts.hostname,
            "port": parts.port or (443 if https else 80),
            "basepath": parts.path.rstrip("/") + "/api/v4",
            "token": token,
            "verify": str(self.ca_file) if self.ca_file else True,
            "request_timeout": 10,
        }


# The model of this platform's configuration table (adapters/preflight.py validates it first).
TABLE = MattermostSettings


@dataclass(frozen=True)
class MattermostSecrets:
    """Tokens read from the environment, never from the file."""

    bot_token: str
    command_token: str
    actions_secret: str

    @classmethod
    def from_environment(cls, *, command_token_required: bool = True) -> MattermostSecrets:
        """Read the three secrets; a missing one is a ConfigError naming its variable."""
        required = [BOT_TOKEN_VARIABLE, ACTIONS_SECRET_VARIABLE]
        if command_token_required:
            required.append(COMMAND_TOKEN_VARIABLE)
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                f"[mattermost] needs the environment variable(s) {', '.join(missing)}: "
                f"{BOT_TOKEN_VARIABLE} is the bot account's access token, {COMMAND_TOKEN_VARIABLE} the /lab "
                f"command's token (printed by `labbot mattermost setup`), {ACTIONS_SECRET_VARIABLE} a long "
                "random string that signs buttons (e.g. `openssl rand -hex 32`)."
            )
        for name in (BOT_TOKEN_VARIABLE, COMMAND_TOKEN_VARIABLE, ACTIONS_SECRET_VARIABLE):
            register_secret(os.environ.get(name))
        return cls(
            bot_token=os.environ[BOT_TOKEN_VARIABLE],
            command_token=os.environ.get(COMMAND_TOKEN_VARIABLE, ""),
            actions_secret=os.environ[ACTIONS_SECRET_VARIABLE],
        )
