"""`labbot mattermost setup`: register or update the `/lab` slash command, idempotently."""

from __future__ import annotations

from typing import Any

from mattermostdriver import Driver

from adapters.mattermost.rest import call, driver_for
from adapters.mattermost.routes import COMMAND_PATH
from adapters.mattermost.settings import COMMAND_TOKEN_VARIABLE, MattermostSecrets, MattermostSettings
from labbot.config import ConfigError, Settings
from labbot.ports import DeliveryFailed


def command_definition(settings: MattermostSettings, team_id: str) -> dict[str, Any]:
    """What `/lab` should be: trigger, URL, and its autocomplete in French (Mattermost shows one language)."""
    return {
        "team_id": team_id,
        "trigger": settings.trigger,
        "method": "P",
        "url": settings.public_url + COMMAND_PATH,
        "username": "labbot",
        "display_name": "labbot",
        "description": "Laboratoires d'innovation territoriale : idées, équipes, heures, budgets",
        "auto_complete": True,
        "auto_complete_desc": "Idées, équipes, événements, heures et budgets des laboratoires (aide : /lab aide)",
        "auto_complete_hint": "aide | idee | heures <projet> <durée> | projets | evenements",
    }


def register_command(driver: Driver, settings: MattermostSettings) -> tuple[str, bool]:
    """Create `/lab` in the team, or bring the existing one up to date; returns (its token, created?)."""
    team = call("find the team", driver.teams.get_team_by_name, settings.team)
    wanted = command_definition(settings, str(team["id"]))
    existing = call(
        "list the team's commands",
        driver.commands.list_commands_for_team,
        params={"team_id": team["id"], "custom_only": True},
    )
    current = next((c for c in existing if c.get("trigger") == settings.trigger and not c.get("delete_at")), None)
    if current is None:
        created = call("create the command", driver.commands.create_command, wanted)
        return str(created["token"]), True
    if any(current.get(key) != value for key, value in wanted.items()):
        # Not driver.commands.update_command: it drops the "/" before the id (PUT /api/v4/commands<id>).
        path = f"/commands/{current['id']}"
        call("update the command", driver.client.put, path, options={**current, **wanted})
    return str(current["token"]), False


def setup_command(settings: Settings) -> str:
    """Run the setup from the configuration; the text to print, with the token to put in the environment."""
    section = settings.section("mattermost", MattermostSettings)
    if section is None:
        raise ConfigError("Add a [mattermost] table to the configuration first (see config.example.toml).")
    secrets = MattermostSecrets.from_environment(command_token_required=False)
    try:
        token, created = register_command(driver_for(section, secrets.bot_token), section)
    except DeliveryFailed as failure:
        raise ConfigError(f"Mattermost at {section.url} refused the setup: {failure.reason}") from None
    done = "created" if created else "up to date"
    return (
        f"/{section.trigger} {done} in team {section.team}, posting to {section.public_url + COMMAND_PATH}.\n"
        f"Put its token in labbot's environment:\n{COMMAND_TOKEN_VARIABLE}={token}"
    )
