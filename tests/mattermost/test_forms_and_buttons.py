"""Interactive dialogs (per-field errors) and signed message-attachment buttons."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from adapters.mattermost.buttons import signed_context
from adapters.mattermost.signing import ContextSigner
from labbot.storage.models import HourEntry, Membership, PartnerMeeting, Signup
from tests.mattermost.conftest import ACTIONS_SECRET, Mattermost, wait_until


def _opened_dialog(mattermost: Mattermost, user_id: str, verb: str) -> dict[str, Any]:
    answer = mattermost.slash(user_id, verb, trigger_id=f"trigger-{verb}", answered=False)
    assert answer.status_code == 200
    assert answer.json() == {}  # nothing posted: the dialog opens instead
    (opened,) = mattermost.api.dialogs
    assert opened["trigger_id"] == f"trigger-{verb}"
    assert opened["url"] == "https://labbot.example.gouv.fr/mattermost/dialog"
    return dict(opened["dialog"])


def _submit(mattermost: Mattermost, user_id: str, dialog: dict[str, Any], submission: dict[str, Any]) -> Any:
    payload = {
        "type": "dialog_submission",
        "callback_id": dialog["callback_id"],
        "state": dialog["state"],
        "user_id": user_id,
        "channel_id": mattermost.channel_id,
        "team_id": mattermost.team_id,
        "submission": submission,
        "cancelled": False,
    }
    return mattermost.http.post("/mattermost/dialog", json=payload)


def test_hours_dialog_bad_field_then_corrected(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    dialog = _opened_dialog(mattermost, mattermost.alice, "heures")
    assert dialog["title"] == "Saisir des heures"
    assert [e["name"] for e in dialog["elements"]] == ["projet", "duree", "date", "activite"]

    bad = _submit(mattermost, mattermost.alice, dialog, {"projet": "1", "duree": "beaucoup", "date": None})
    assert bad.status_code == 200
    errors = bad.json()["errors"]
    assert list(errors) == ["duree"]
    assert "beaucoup" in errors["duree"]
    assert "Exemple" in errors["duree"]
    assert mattermost.count(HourEntry) == 0

    good = _submit(mattermost, mattermost.alice, dialog, {"projet": "1", "duree": "2h30", "activite": "Atelier"})
    assert good.status_code == 200
    assert good.json() == {}
    assert mattermost.count(HourEntry) == 1
    # The confirmation reaches Alice in her direct conversation with the bot.
    dm = mattermost.dm_with(mattermost.alice)
    (post,) = wait_until(lambda: mattermost.bot_posts(dm))
    assert "2h30" in post["message"].replace("\u202f", "").replace(" ", "")


def test_idea_dialog_lists_regions_and_registers(mattermost: Mattermost) -> None:
    dialog = _opened_dialog(mattermost, mattermost.alice, "idee")
    region = next(e for e in dialog["elements"] if e["name"] == "region")
    assert {"text": "Bretagne", "value": "bretagne"} in region["options"]
    submitted = {"titre": 'Lab "Océan"', "region": "bretagne", "services": "DREAL, DDTM"}
    assert _submit(mattermost, mattermost.alice, dialog, submitted).json() == {}
    assert "Lab «" not in mattermost.slash(mattermost.alice, "projet 1").json()["text"]
    assert 'Lab "Océan"' in mattermost.slash(mattermost.alice, "projet 1").json()["text"].replace("\\", "")


def test_forged_dialog_state_is_refused(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    dialog = _opened_dialog(mattermost, mattermost.alice, "heures")
    # Bruno replays Alice's dialog state as his own: the signature binds it to Alice.
    replay = _submit(mattermost, mattermost.bruno, dialog, {"projet": "1", "duree": "2h"})
    forged = _submit(mattermost, mattermost.alice, {**dialog, "state": "0.0"}, {"projet": "1", "duree": "2h"})
    assert (replay.status_code, forged.status_code) == (403, 403)
    assert mattermost.count(HourEntry) == 0


def _join_button(mattermost: Mattermost) -> dict[str, Any]:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    card = mattermost.slash(mattermost.bruno, "projet 1").json()
    (button,) = card["attachments"][0]["actions"]
    assert button["name"] == "Join"  # Bruno's Mattermost is in English
    assert button["integration"]["url"] == "https://labbot.example.gouv.fr/mattermost/actions"
    return dict(button)


def spaced(text: str) -> str:
    """`text` with no-break spaces shown as spaces (French puts them before `;` and `:`)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _click(mattermost: Mattermost, user_id: str, context: Any, post_id: str = "p" * 26) -> Any:
    payload = {
        "user_id": user_id,
        "user_name": mattermost.api.users[user_id]["username"],
        "channel_id": mattermost.channel_id,
        "team_id": mattermost.team_id,
        "post_id": post_id,
        "trigger_id": f"click-{time.monotonic_ns()}",  # Mattermost gives each click its own
        "type": "",
        "context": context,
    }
    return mattermost.http.post("/mattermost/actions", json=payload)


def test_signed_button_runs_as_the_clicker_once(mattermost: Mattermost) -> None:
    context = _join_button(mattermost)["integration"]["context"]
    first = _click(mattermost, mattermost.bruno, context)
    double = _click(mattermost, mattermost.bruno, context)
    assert first.status_code == 200
    assert "Lab Bretagne" in first.json()["ephemeral_text"]
    assert double.json() == first.json()
    assert mattermost.count(Membership) == 2


def test_forged_button_context_is_refused(mattermost: Mattermost) -> None:
    context = _join_button(mattermost)["integration"]["context"]
    forged = {"command": "role bruno admin", "signature": context["signature"]}
    refused = _click(mattermost, mattermost.bruno, forged)
    unsigned = _click(mattermost, mattermost.bruno, {"command": context["command"]})
    widened = _click(mattermost, mattermost.alice, {**context, "audience": "*"})
    prolonged = _click(mattermost, mattermost.bruno, {**context, "expires": context["expires"] + 86400})
    # 200 with the reason: Mattermost turns any other status into a generic error the person cannot read.
    for refusal in (refused, unsigned, widened, prolonged):
        assert refusal.status_code == 200
    for refusal in (refused, unsigned, prolonged):  # Bruno reads English
        assert refusal.json()["ephemeral_text"] == "This button was not made by labbot; nothing was done."
    assert spaced(widened.json()["ephemeral_text"]) == "Ce bouton ne vient pas de labbot ; rien n'a été fait."
    assert mattermost.count(Membership) == 1


def test_a_button_is_for_the_person_it_was_shown_to(mattermost: Mattermost) -> None:
    context = _join_button(mattermost)["integration"]["context"]
    assert context["audience"] == mattermost.bruno
    # Alice replays the context of Bruno's private card as herself: refused, in her language (French).
    replayed = _click(mattermost, mattermost.alice, context)
    assert replayed.status_code == 200
    assert spaced(replayed.json()["ephemeral_text"]) == (
        "Ce bouton a été montré à quelqu'un d'autre ; rien n'a été fait. Pour le faire vous-même, tapez : "
        "/lab rejoindre 1"
    )
    assert mattermost.count(Membership) == 1


def test_a_button_past_its_expiry_is_refused_readably(mattermost: Mattermost) -> None:
    context = _join_button(mattermost)["integration"]["context"]
    assert context["expires"] > time.time() + 13 * 86400  # two weeks to click
    signer = ContextSigner(ACTIONS_SECRET)
    expired = signed_context(signer, context["command"], mattermost.bruno, int(time.time()) - 1)
    answer = _click(mattermost, mattermost.bruno, expired)
    assert answer.status_code == 200
    assert (
        answer.json()["ephemeral_text"]
        == "This button has expired; nothing was done. To do it now, type: /lab rejoindre 1"
    )
    # Made before buttons carried an audience and an expiry: expired too, not "forged".
    older = {"command": context["command"], "signature": signer.sign("action", context["command"])}
    assert "expired" in _click(mattermost, mattermost.bruno, older).json()["ephemeral_text"]
    assert mattermost.count(Membership) == 1


def test_a_card_shown_to_the_channel_may_be_clicked_by_any_member(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    shared = mattermost.slash(mattermost.bruno, "publier projet 1").json()
    assert shared["response_type"] == "in_channel"
    (button,) = shared["attachments"][0]["actions"]
    assert button["integration"]["context"]["audience"] == "*"
    claire = mattermost.api.add_user("claire", "claire@sgar.gouv.fr")
    joined = _click(mattermost, claire, button["integration"]["context"])
    assert "Lab Bretagne" in joined.json()["ephemeral_text"]
    assert mattermost.count(Membership) == 2


def test_a_click_or_submission_whose_body_is_not_a_json_object_is_400(mattermost: Mattermost) -> None:
    for path in ("/mattermost/actions", "/mattermost/dialog"):
        for body in (b"[1, 2]", b"{oops", b"\xff\xfe", b"", b'"text"'):
            answer = mattermost.http.post(path, content=body)
            assert answer.status_code == 400, (path, body)


def test_meeting_dialog_offers_the_partner_categories_and_logs_the_meeting(mattermost: Mattermost) -> None:
    mattermost.slash(mattermost.alice, 'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM"')
    dialog = _opened_dialog(mattermost, mattermost.alice, "reunion")
    category = next(e for e in dialog["elements"] if e["name"] == "categorie")
    assert [o["value"] for o in category["options"]] == [
        "operateur", "collectivite", "recherche", "entreprise", "association", "usagers",
    ]  # fmt: skip
    answers = {"projet": "9", "partenaire": "Pôle emploi", "categorie": "operateur"}
    unknown = _submit(mattermost, mattermost.alice, dialog, answers).json()
    assert unknown == {
        "error": "Aucun projet «\u00a09\u00a0». Liste des projets et de leurs numéros\u00a0: projets"
    }
    assert _submit(mattermost, mattermost.alice, dialog, {**answers, "projet": "1"}).json() == {}
    assert mattermost.count(PartnerMeeting) == 1


def test_a_button_clicked_again_later_runs_again(mattermost: Mattermost) -> None:
    listing = mattermost.slash(mattermost.alice, "evenements").json()
    actions = listing["attachments"][0]["actions"]
    context = next(a for a in actions if a["name"] == "S'inscrire\u00a0: camp")["integration"]["context"]
    first = _click(mattermost, mattermost.alice, context, post_id="q" * 26)
    assert "Inscription confirmée" in first.json()["ephemeral_text"]
    mattermost.slash(mattermost.alice, "desinscription camp")
    clicks = mattermost.platform.endpoints.clicks
    clicks.clock = lambda: float("inf")  # the double-click window is over
    again = _click(mattermost, mattermost.alice, context, post_id="q" * 26)
    assert "Inscription confirmée" in again.json()["ephemeral_text"]
    with mattermost.app.database.transaction() as session:
        states = session.scalars(select(Signup.state)).all()
    assert states.count("inscrit") == 1
