"""`labbot doctor`'s Slack checks: the secrets the mode needs, the bot token, its scopes against the manifest."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.doctor import Check
from adapters.slack.settings import _WHERE, SlackSettings
from labbot.config import ConfigError, Settings

_TIMEOUT_SECONDS = 10
_MANAGE_APP = "in the app's settings (api.slack.com/apps)"


def manifest_scopes() -> list[str]:
    """The bot scopes `adapters/slack/manifest.yml` asks for (read without a YAML library: a plain list)."""
    lines = (resources.files("adapters") / "slack" / "manifest.yml").read_text(encoding="utf-8").splitlines()
    scopes: list[str] = []
    inside = False
    for line in lines:
        stripped = line.split("#", 1)[0].rstrip()
        if stripped.strip() == "bot:":
            inside = True
        elif inside and stripped.lstrip().startswith("- "):
            scopes.append(stripped.lstrip()[2:].strip())
        elif inside and stripped.strip():
            break
    return scopes


def checks(settings: Settings) -> Iterator[Check]:
    """The Slack checks, in order."""
    try:
        slack = settings.section("slack", SlackSettings)
    except ConfigError as error:
        yield Check("Slack settings", False, str(error), "fix [slack] in the configuration file")
        return
    if slack is None:
        return
    yield from _secrets(slack.mode)
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not token:
        return
    client = WebClient(token=token, base_url=slack.api_base_url, timeout=_TIMEOUT_SECONDS, retry_handlers=[])
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error")
        yield Check(
            "Slack bot token",
            False,
            f"refused by Slack ({reason})",
            f"copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions {_MANAGE_APP} into SLACK_BOT_TOKEN",
        )
        return
    except Exception as error:  # network: DNS, TLS, proxy, timeout
        yield Check(
            "Slack bot token",
            False,
            f"Slack unreachable at {slack.api_base_url}: {type(error).__name__}: {error}",
            "check this host's outbound HTTPS access to slack.com (proxy, firewall)",
        )
        return
    yield Check("Slack bot token", True, f"accepted: bot {answer.get('user')} in workspace {answer.get('team')}")
    yield _scopes(answer.headers)
    if slack.mode == "socket" and os.environ.get("SLACK_APP_TOKEN"):
        yield _app_token(client, os.environ["SLACK_APP_TOKEN"])


def _secrets(mode: str) -> Iterator[Check]:
    # Where each variable's value is found in the app's settings.
    inbound = "SLACK_SIGNING_SECRET" if mode == "http" else "SLACK_APP_TOKEN"
    needed = {name: _WHERE[name] for name in ("SLACK_BOT_TOKEN", inbound)}
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        where = "; ".join(f"{name}: {needed[name]}" for name in missing)
        yield Check(
            "Slack secrets",
            False,
            f"mode {mode!r} needs {', '.join(missing)} in the environment",
            f"set them from the app's settings ({where})",
        )
        return
    yield Check("Slack secrets", True, f"{', '.join(needed)} present for mode {mode!r}")


def _scopes(headers: Mapping[str, Any]) -> Check:
    lowered = {str(key).lower(): str(value) for key, value in headers.items()}
    granted_header = lowered.get("x-oauth-scopes")
    if granted_header is None:
        return Check(
            "Slack scopes",
            False,
            "Slack did not say which scopes the token has",
            "reinstall the app to the workspace",
        )
    granted = {scope.strip() for scope in granted_header.split(",") if scope.strip()}
    missing = [scope for scope in manifest_scopes() if scope not in granted]
    if missing:
        return Check(
            "Slack scopes",
            False,
            f"the token lacks {', '.join(missing)}",
            "paste adapters/slack/manifest.yml into the app's manifest, then Install to Workspace again "
            "(OAuth & Permissions) and copy the new token",
        )
    return Check("Slack scopes", True, f"all {len(manifest_scopes())} scopes of the manifest granted")


def _app_token(client: WebClient, app_token: str) -> Check:
    try:
        client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        return Check(
            "Slack app token",
            False,
            f"refused for Socket Mode ({error.response.get('error')})",
            "generate an app-level token with scope connections:write (Basic Information → App-Level Tokens)",
        )
    except Exception as error:
        return Check("Slack app token", False, f"Slack unreachable: {error}", "check outbound access to slack.com")
    return Check("Slack app token", True, "accepted for Socket Mode")
