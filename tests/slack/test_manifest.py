"""The shipped manifest grants every scope the adapter's Web API calls and events need, and no more."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ADAPTER = Path(__file__).resolve().parents[2] / "adapters" / "slack"
# Bot scopes each Web API method needs (api.slack.com/methods/<name>); an empty set needs none.
SCOPES_OF_METHOD: dict[str, set[str]] = {
    "auth.test": set(),
    "apps.connections.open": set(),  # Socket Mode: the app-level token's connections:write, no bot scope
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "conversations.open": {"im:write"},
    # DMs, public and private channels: the outbox looks for its markers in all three.
    "conversations.history": {"im:history", "channels:history", "groups:history"},
    "users.info": {"users:read", "users:read.email"},  # email only with users:read.email
    "views.open": set(),
    "views.publish": set(),
    "files.upload.v2": {"files:write"},
}
SCOPES_OF_EVENT = {"app_mention": {"app_mentions:read"}, "message.im": {"im:history"}, "app_home_opened": set()}
_CALL = re.compile(r"client\.([a-z]+_\w+)\(|_call\(\s*\"([a-z]+_\w+)\"")


def manifest() -> dict[str, Any]:
    text = resources.files("adapters").joinpath("slack", "manifest.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def called_methods() -> set[str]:
    """Web API methods named in the adapter's source (`client.chat_postMessage(`, `_call("users_info"`)."""
    found = set()
    for source in ADAPTER.glob("*.py"):
        for match in _CALL.finditer(source.read_text(encoding="utf-8")):
            found.add((match.group(1) or match.group(2)).replace("_", "."))
    return found


def test_every_called_method_is_known_here() -> None:
    called = called_methods()
    assert {"chat.postMessage", "conversations.history", "views.publish"} <= called  # the scan works
    assert called <= SCOPES_OF_METHOD.keys(), f"declare the scopes of {called - SCOPES_OF_METHOD.keys()}"


def test_manifest_scopes_are_exactly_what_calls_and_events_need() -> None:
    app = manifest()
    granted = set(app["oauth_config"]["scopes"]["bot"])
    events = app["settings"]["event_subscriptions"]["bot_events"]
    needed = {"commands"}.union(*(SCOPES_OF_METHOD[m] for m in called_methods()))
    needed = needed.union(*(SCOPES_OF_EVENT[e] for e in events))
    assert granted == needed


def test_manifest_declares_the_command_shortcuts_and_home() -> None:
    app = manifest()
    [command] = app["features"]["slash_commands"]
    assert command["command"] == "/lab"
    assert command["usage_hint"]
    assert {s["callback_id"] for s in app["features"]["shortcuts"]} == {
        "labbot_new_idea",
        "labbot_log_hours",
        "labbot_partner_meeting",
    }
    assert app["features"]["app_home"]["home_tab_enabled"] is True
    assert app["settings"]["interactivity"]["is_enabled"] is True
