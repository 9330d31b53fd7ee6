"""The platforms' Web API stand-ins (tests/platforms) that labbot's adapters talk to during the HTTP benchmark.

labbot's Slack adapter looks its users up with users.info, the Mattermost adapter through REST; both answer
through the command's response_url, which the stand-in counts. Both stand-ins know the generated agents by
e-mail, so labbot links each platform account to the agent already in the database on first contact.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.generate import Layout
from tests.platforms.mattermost_api import MattermostApiStandIn
from tests.platforms.slack_api import DEFAULT_TOKEN, SlackApiStandIn
from tests.platforms.slack_spec import SlackWebSpec

STRIDE = 7919


@dataclass
class PlatformSide:
    """What labbot needs to reach a platform, and who sends commands."""

    section: dict[str, str]  # the platform's table in labbot's configuration
    env: dict[str, str]  # its secrets, as environment variables
    users: list[tuple[str, str]]  # (platform user id, command text)
    team: str = "T0BENCH"
    channel: str = "C0BENCH"
    response_url: str = "http://127.0.0.1:9/"
    delivered: Callable[[], int] = field(default=lambda: 0)  # replies received after the ack


def _agents(plan: Layout, count: int) -> list[int]:
    return [(i * STRIDE) % plan.scale.agents for i in range(min(count, plan.scale.agents))]


def _email(person_id: int) -> str:
    return f"agent{person_id}@example.gouv.fr"  # as bench.generate writes them


@contextmanager
def slack(plan: Layout, signing_secret: str, count: int = 300) -> Iterator[PlatformSide]:
    """The Slack Web API stand-in with `count` agents as workspace members."""
    with SlackApiStandIn(spec=SlackWebSpec.load()) as api:
        users = []
        for index in _agents(plan, count):
            person = plan.agent_id(index)
            user_id = plan.slack_id(person)
            api.add_user(user_id, f"agent{person}", f"Agent {person}", _email(person))
            users.append((user_id, f"projet {plan.project_of_agent(index)}"))
        response_url = api.new_response_url()
        yield PlatformSide(
            section={"mode": "http", "api_base_url": api.base_url},
            env={"SLACK_BOT_TOKEN": DEFAULT_TOKEN, "SLACK_SIGNING_SECRET": signing_secret},
            users=users,
            response_url=response_url,
            delivered=lambda: len(api.responses_to(response_url)),
        )


@contextmanager
def mattermost(plan: Layout, command_token: str, public_url: str, count: int = 300) -> Iterator[PlatformSide]:
    """The Mattermost API stand-in with a team, a channel and `count` agents."""
    api = MattermostApiStandIn()
    api.start()
    try:
        team = api.add_team("labs", "Laboratoires")
        users = []
        for index in _agents(plan, count):
            person = plan.agent_id(index)
            user_id = api.add_user(f"agent{person}", _email(person), first_name="Agent", last_name=str(person))
            users.append((user_id, f"projet {plan.project_of_agent(index)}"))
        channel = api.add_channel(
            team, "town-square", display_name="Town Square", member_ids=[u for u, _ in users]
        )
        # One hook for every command of the run (Mattermost gives each command its own, usable 5 times).
        response_url = api.new_response_url(uses=10**9)
        yield PlatformSide(
            section={"url": api.url, "team": "labs", "public_url": public_url},
            env={
                "MATTERMOST_BOT_TOKEN": api.token,
                "MATTERMOST_COMMAND_TOKEN": command_token,
                "LABBOT_ACTIONS_SECRET": secrets.token_hex(32),
            },
            users=users,
            team=team,
            channel=channel,
            response_url=response_url,
            delivered=lambda: len(api.responses_to(response_url)),
        )
    finally:
        api.stop()
