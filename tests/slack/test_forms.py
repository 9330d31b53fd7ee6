"""Modals: `/lab heures` alone opens a form; a bad field is answered beside it, in French; then it is saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from labbot.storage.models import HourEntry, Project
from tests.slack.conftest import Workspace, text_of, wait_for


def opened_view(slack: Workspace) -> dict[str, Any]:
    call = wait_for(lambda: [c for c in slack.api.calls_to("views.open") if c.ok], "views.open")[-1]
    return dict(call.response["view"])


def submission(
    slack: Workspace, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A view_submission payload with `values` as Slack nests them: block id → action id → state."""
    return {
        "type": "view_submission",
        "team": {"id": slack.api.team_id, "domain": "labbot-test"},
        "user": {"id": user, "username": user.lower(), "team_id": slack.api.team_id},
        "api_app_id": slack.api.app_id,
        "trigger_id": "12345.98765.abcd",
        "view": {**view, "state": {"values": {block: {"value": state} for block, state in values.items()}}},
    }


def text_input(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def test_hours_form_reports_a_bad_duration_beside_it_then_saves(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    slack.answers(url)
    slack.command("U0ALICE", "heures")
    view = opened_view(slack)
    assert view["callback_id"] == "labbot:form:heures"
    assert "Saisir des heures" in view["title"]["text"] or "heures" in view["title"]["text"].lower()
    project_field = next(b for b in view["blocks"] if b["block_id"] == "projet")
    assert project_field["element"]["options"][0]["value"] == "1"  # the person's own projects

    project = {"type": "static_select", "selected_option": {"value": "1"}}
    bad = submission(slack, "U0ALICE", view, {"projet": project, "duree": text_input("trois heures")})
    answer = slack.interact(bad)
    assert answer.status_code == 200
    assert answer.json()["response_action"] == "errors"
    error = answer.json()["errors"]["duree"]
    assert "trois heures" in error
    assert "3 h 30" in error  # the accepted forms, in French
    with slack.app.database.transaction() as session:
        assert session.scalars(select(HourEntry)).all() == []

    good = submission(
        slack,
        "U0ALICE",
        view,
        {
            "projet": project,
            "duree": text_input("3h30"),
            "date": {"type": "datepicker", "selected_date": "2016-06-09"},
            "activite": text_input("Atelier « usagers »"),
        },
    )
    done = slack.interact(good)
    assert done.json()["response_action"] == "update"
    assert "3 h 30" in text_of(done.json()["view"]).replace("\u202f", " ")
    again = slack.interact(good)  # a double submit of the same view
    assert again.json()["response_action"] == "update"
    with slack.app.database.transaction() as session:
        [entry] = session.scalars(select(HourEntry)).all()
        assert (entry.minutes, entry.worked_on.isoformat(), entry.activity) == (
            210,
            "2016-06-09",
            "Atelier « usagers »",
        )


def test_idea_form_with_region_select_and_method_checkboxes(slack: Workspace) -> None:
    slack.command("U0BRUNO", "idee")
    view = opened_view(slack)
    region = next(b for b in view["blocks"] if b["block_id"] == "region")
    assert any(o["value"] == "bretagne" for o in region["element"]["options"])
    values = {
        "titre": text_input('Le "lab" breton'),
        "region": {"type": "static_select", "selected_option": {"value": "bretagne"}},
        "services": text_input("DDTM, DREAL"),
        "resume": text_input("Simplifier\nles démarches"),
        "methodes": {
            "type": "checkboxes",
            "selected_options": [{"value": "open-data"}, {"value": "design-de-services"}],
        },
    }
    done = slack.interact(submission(slack, "U0BRUNO", view, values))
    assert done.json()["response_action"] == "update", done.text
    with slack.app.database.transaction() as session:
        [project] = session.scalars(select(Project)).all()
        assert project.title == 'Le "lab" breton'
        assert project.summary == "Simplifier\nles démarches"
        assert set(project.methods) == {"open-data", "design-de-services"}


def test_refusal_without_a_field_is_shown_on_the_first_field(slack: Workspace) -> None:
    slack.command("U0BRUNO", "reunion")
    view = opened_view(slack)
    assert next(b for b in view["blocks"] if b["block_id"] == "projet")["element"]["type"] == "plain_text_input"
    values = {
        "projet": text_input("42"),
        "partenaire": text_input("Pôle emploi"),
        "categorie": {"type": "static_select", "selected_option": {"value": "operateur"}},
    }
    answer = slack.interact(submission(slack, "U0BRUNO", view, values))
    assert answer.json()["response_action"] == "errors"
    assert "42" in answer.json()["errors"]["projet"]


def test_views_open_failure_is_told_to_the_user(slack: Workspace) -> None:
    slack.api.fail_next("views.open", error="expired_trigger_id")
    _, url = slack.command("U0ALICE", "heures")
    [answer] = slack.answers(url)
    assert "Slack" in text_of(answer)
    assert "expired_trigger_id" in text_of(answer)


def test_global_shortcut_and_home_button_open_their_forms(slack: Workspace) -> None:
    shortcut = {
        "type": "shortcut",
        "callback_id": "labbot_new_idea",
        "trigger_id": "2.shortcut",
        "team": {"id": slack.api.team_id, "domain": "labbot-test"},
        "user": {"id": "U0EMMA", "username": "emma", "team_id": slack.api.team_id},
        "api_app_id": slack.api.app_id,
        "action_ts": "1465550000.000600",
    }
    assert slack.interact(shortcut).status_code == 200
    idea = opened_view(slack)
    assert (idea["callback_id"], idea["title"]["text"]) == ("labbot:form:idee", "New idea")  # Emma reads English

    home_button = {
        "type": "block_actions",
        "team": {"id": slack.api.team_id, "domain": "labbot-test"},
        "user": {"id": "U0ALICE", "username": "alice", "team_id": slack.api.team_id},
        "api_app_id": slack.api.app_id,
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "3.home",
        "view": {"id": "V0HOME", "type": "home", "blocks": []},
        "actions": [
            {
                "type": "button",
                "action_id": "labbot:open-form:reunion",
                "block_id": "labbot:home:shortcuts",
                "value": "reunion",
                "action_ts": "1465550000.000700",
            }
        ],
    }
    assert slack.interact(home_button).status_code == 200
    wait_for(lambda: len(slack.api.calls_to("views.open")) == 2, "the meeting form")
    meeting = slack.api.calls_to("views.open")[1].response["view"]
    assert (meeting["callback_id"], meeting["title"]["text"]) == ("labbot:form:reunion", "Réunion partenaire")


def test_shared_reply_goes_to_the_channel(slack: Workspace) -> None:
    _, url = slack.command("U0ALICE", "publier evenements")
    [answer] = slack.answers(url)
    assert answer["response_type"] == "in_channel"
    assert "Atelier design" in text_of(answer)
