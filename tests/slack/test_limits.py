"""Slack's limits over signed HTTP: tables of French names with `&`, `<`, `>` and App Home with many long titles
are answered and published (slack_sdk refused the whole message before)."""

from __future__ import annotations

from labbot.messages import Request
from tests.slack.conftest import Workspace, text_of, wait_for

PARTNER = "Ville & Agglo <Quimper> & Communauté « Cornouaille » > Pays"


def as_alice(slack: Workspace, text: str) -> None:
    reply = slack.app.bot.handle(
        Request(platform="slack", user_id="U0ALICE", display_name="Alice Martin", text=text)
    )
    assert reply.outcome.value == "done", reply


def test_a_table_full_of_ampersands_is_answered(slack: Workspace) -> None:
    as_alice(slack, 'idee "Lab Bretagne" region:bretagne services:"DREAL & DDTM"')
    for number in range(24):
        as_alice(slack, f'reunion 1 partenaire:"{PARTNER} {number}" categorie:collectivite duree:1h')
    _, url = slack.command("U0ALICE", "partenaires 1")
    [answer] = slack.answers(url)
    sections = [
        block["text"]["text"] for block in answer["blocks"] if block.get("text", {}).get("type") == "mrkdwn"
    ]
    assert "Ville &amp; Agglo &lt;Quimper&gt;" in "".join(sections)
    assert all(len(text) <= 3000 for text in sections)
    assert text_of(answer).count("Ville &amp; Agglo") >= 20


def test_app_home_is_published_however_long_and_many_the_titles(slack: Workspace) -> None:
    for number in range(40):
        title = f"{number} {PARTNER} " * 3
        as_alice(slack, f'idee "{title[:150]}" region:bretagne services:"DREAL & DDTM"')
    slack.event({"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home"})
    home = wait_for(lambda: slack.api.home_view_of("U0ALICE"), "the published home")
    said = text_of(home)
    assert "#1 0 Ville &amp; Agglo" in said
    assert "/lab projets" in said  # those that do not fit are one command away
    assert all(len(block.get("text", {}).get("text", "")) <= 3000 for block in home["blocks"])
