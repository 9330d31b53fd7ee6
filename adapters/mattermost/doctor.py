"""`labbot doctor`'s Mattermost checks: server, bot token, team membership, `/lab`, and labbot's public URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
from mattermostdriver import Driver

from adapters.doctor import Check
from adapters.mattermost.rest import call, driver_for
from adapters.mattermost.routes import COMMAND_PATH
from adapters.mattermost.settings import (
    ACTIONS_SECRET_VARIABLE,
    BOT_TOKEN_VARIABLE,
    COMMAND_TOKEN_VARIABLE,
    MattermostSettings,
)
from labbot.config import ConfigError, Settings
from labbot.ports import DeliveryFailed

_TIMEOUT_SECONDS = 10


def checks(settings: Settings) -> Iterator[Check]:
    """The Mattermost checks, in order; each stops the ones that depend on it."""
    try:
        section = settings.section("mattermost", MattermostSettings)
    except ConfigError as error:
        yield Check("Mattermost settings", False, str(error), "fix [mattermost] in the configuration file")
        return
    if section is None:
        return
    missing = [
        name
        for name in (BOT_TOKEN_VARIABLE, COMMAND_TOKEN_VARIABLE, ACTIONS_SECRET_VARIABLE)
        if not os.environ.get(name)
    ]
    if missing:
        yield Check(
            "Mattermost secrets",
            False,
            f"{', '.join(missing)} missing from the environment",
            "see README, Connect to Mattermost › 2; `labbot mattermost setup` prints MATTERMOST_COMMAND_TOKEN",
        )
    else:
        yield Check("Mattermost secrets", True, "bot token, command token and actions secret present")
    reachable = _server(section)
    yield reachable
    token = os.environ.get(BOT_TOKEN_VARIABLE)
    if reachable.ok and token:
        yield from _bot_team_and_command(section, driver_for(section, token))
    yield _public_url(section)


def _verify(section: MattermostSettings) -> str | bool:
    return str(section.ca_file) if section.ca_file else True


def _server(section: MattermostSettings) -> Check:
    url = f"{section.url}/api/v4/system/ping"
    try:
        httpx.get(url, timeout=_TIMEOUT_SECONDS, verify=_verify(section))
    except httpx.HTTPError as error:
        return Check(
            "Mattermost server",
            False,
            f"unreachable at {section.url}: {type(error).__name__}: {error}",
            "check [mattermost] url, DNS and the firewall; a private CA goes in [mattermost] ca_file",
        )
    return Check("Mattermost server", True, f"reachable at {section.url}")


def _bot_team_and_command(section: MattermostSettings, driver: Driver) -> Iterator[Check]:
    try:
        me = call("read the bot account", driver.users.get_user, "me")
    except DeliveryFailed as failure:
        yield Check(
            "Mattermost bot token",
            False,
            f"refused ({failure.reason})",
            f"create a token in Integrations › Bot Accounts and put it in {BOT_TOKEN_VARIABLE}",
        )
        return
    yield Check("Mattermost bot token", True, f"accepted: @{me.get('username')}")
    try:
        team = call("find the team", driver.teams.get_team_by_name, section.team)
    except DeliveryFailed:
        yield Check(
            "Mattermost team",
            False,
            f"no team {section.team!r} visible to the bot",
            "set [mattermost] team to the team's name as in its URLs, and add the bot to it",
        )
        return
    try:
        call("check the bot's membership", driver.teams.get_team_member, team["id"], me["id"])
    except DeliveryFailed:
        yield Check(
            "Mattermost team",
            False,
            f"@{me.get('username')} is not a member of {section.team!r}",
            "add the bot to the team (team menu › Add Members)",
        )
        return
    yield Check("Mattermost team", True, f"@{me.get('username')} is a member of {section.team!r}")
    yield _command(section, driver, str(team["id"]))


def _command(section: MattermostSettings, driver: Driver, team_id: str) -> Check:
    wanted = section.public_url + COMMAND_PATH
    try:
        listed: list[dict[str, Any]] = call(
            "list the team's commands",
            driver.commands.list_commands_for_team,
            params={"team_id": team_id, "custom_only": True},
        )
    except DeliveryFailed as failure:
        return Check(
            f"/{section.trigger} command",
            False,
            f"cannot be listed ({failure.reason})",
            "let the bot manage integrations (README, Connect to Mattermost › 1)",
        )
    found = next((c for c in listed if c.get("trigger") == section.trigger and not c.get("delete_at")), None)
    name = f"/{section.trigger} command"
    if found is None:
        return Check(name, False, "not registered in the team", "run `labbot mattermost setup`")
    if found.get("url") != wanted:
        return Check(
            name,
            False,
            f"posts to {found.get('url')}, not to {wanted}",
            "run `labbot mattermost setup` again (it updates the command to [mattermost] public_url)",
        )
    expected_token = os.environ.get(COMMAND_TOKEN_VARIABLE)
    if expected_token and found.get("token") and found.get("token") != expected_token:
        return Check(
            name,
            False,
            f"{COMMAND_TOKEN_VARIABLE} is not the command's token: every /{section.trigger} would be refused",
            f"put the token `labbot mattermost setup` prints in {COMMAND_TOKEN_VARIABLE}",
        )
    return Check(name, True, f"registered, posting to {wanted}")


def _public_url(section: MattermostSettings) -> Check:
    url = f"{section.public_url}/healthz"
    try:
        answer = httpx.get(url, timeout=_TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        return Check(
            "public URL",
            False,
            f"{url} does not answer ({type(error).__name__})",
            "start `labbot run`, and make the reverse proxy forward [mattermost] public_url to [http] port",
        )
    if answer.status_code != 200:
        return Check(
            "public URL",
            False,
            f"{url} answered {answer.status_code}",
            "a 503 means labbot cannot reach its database; anything else, check the reverse proxy's route",
        )
    return Check("public URL", True, f"{url} answers (Mattermost can reach labbot)")
