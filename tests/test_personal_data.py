"""Personal data: the record read back (JSON, openpyxl), erasure after a confirmation, totals unchanged."""

from __future__ import annotations

import json

import openpyxl
from sqlalchemy import func, select

from labbot.storage.models import AuditEntry, Identity, Signup
from tests.conftest import Conversation


def test_my_data_as_json_and_spreadsheet(lab: Conversation) -> None:
    lab.ok("alice", 'heures 1 2h date:02/06/2016 activite:"Atelier usagers"')
    lab.ok("alice", "inscription decouverte")
    said = lab.ok("alice", "mesdonnees")
    json_path, xlsx_path = lab.saved_files(said)
    record = json.loads(json_path.read_text(encoding="utf-8"))
    assert record["profile"]["display_name"] == "alice"
    assert record["profile"]["service"] == "DREAL Bretagne"
    assert [a["external_id"] for a in record["accounts"]] == ["alice"]
    assert [(h["minutes"], h["activity"]) for h in record["hours"]] == [(120, "Atelier usagers")]
    assert [s["state"] for s in record["signups"]] == ["inscrit"]
    assert any(a["action"] == "valuation" for a in record["audit"])  # claire set her category
    book = openpyxl.load_workbook(xlsx_path)
    hours = book["Heures"]
    assert [cell.value for cell in hours[1]][:5] == ["project", "id", "project_id", "worked_on", "minutes"]
    assert hours["E2"].value == 120
    assert book.sheetnames[-1] == "À propos"


def test_erasure_asks_then_keeps_every_total(lab: Conversation) -> None:
    lab.ok("alice", 'heures 1 2h date:02/06/2016 activite:"Atelier usagers"')
    lab.ok("bruno", "heures 1 1h30 date:03/06/2016")
    lab.ok("alice", "inscription decouverte")
    before = lab.ok("claire", "rapport 1")
    asked = lab.ok("alice", "effacer-mes-donnees")
    assert "agent n°" in asked
    assert "effacer-mes-donnees confirmer" in asked
    assert "alice" in lab.ok("claire", "rapport 1")  # nothing erased before the confirmation
    done = lab.ok("alice", "effacer-mes-donnees confirmer")
    assert "effacées" in done
    after = lab.ok("claire", "rapport 1")
    assert "alice" not in after.text
    assert "agent n°" in after
    # The total line, to the cent (only the column's width changed with the longer name).
    assert before.text.splitlines()[-1].split() == after.text.splitlines()[-1].split()
    assert "152,50 €" in after
    with lab.app.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Signup)) == 0
        accounts = session.scalars(select(Identity.external_id)).all()
        assert "alice" not in accounts
        [erasure] = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).all()
        assert "alice" not in json.dumps(erasure.after)
    # Typing again makes a new, empty person: nothing comes back.
    fresh = lab.ok("alice", "mesdonnees")
    record = json.loads(lab.saved_files(fresh)[0].read_text(encoding="utf-8"))
    assert record["hours"] == []


def test_only_admins_erase_someone_else_and_it_is_audited(lab: Conversation) -> None:
    refused = lab.say("claire", "effacer @bruno confirmer")
    assert not refused.ok
    assert "administrateur" in refused
    asked = lab.ok("sgmap", "effacer bruno")
    assert "effacer bruno confirmer" in asked
    lab.ok("sgmap", "effacer bruno confirmer")
    with lab.app.database.transaction() as session:
        [erasure] = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).all()
        assert erasure.actor_id != erasure.entity_id  # done by the admin, to bruno
    assert not lab.say("alice", "effacer-mes-donnees oui").ok
