"""Partner meetings: logging them and the coverage of the call's six partner categories."""

from __future__ import annotations

import pytest

from tests.conftest import Conversation


def test_meetings_and_category_coverage(lab: Conversation) -> None:
    said = lab.ok(
        "alice",
        'reunion 1 partenaire:"Pôle emploi Bretagne" categorie:operateur date:03/06/2016 duree:1h30 '
        'notes:"Accord"',
    )
    assert "Pôle emploi Bretagne" in said
    assert "1/6" in said
    lab.ok("bruno", 'meeting 1 partenaire:"Rennes Métropole" categorie:"collectivité territoriale"')
    listing = lab.ok("claire", "partenaires 1")
    assert "2/6" in listing
    assert "Rennes Métropole" in listing
    assert "1 h 30" in listing
    assert "✅" in listing
    assert "⬜" in listing


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ('reunion 1 partenaire:"X" categorie:ministere', "categorie"),
        ("reunion 1 categorie:association", "partenaire"),
        ('reunion 1 partenaire:"X" categorie:association date:32/01/2016', "date"),
        ('reunion 1 partenaire:"X" categorie:association duree:0min', "duree"),
        (f'reunion 1 partenaire:"X" categorie:association notes:"{"n" * 2001}"', "notes"),
    ],
)
def test_bad_meetings_name_the_field(lab: Conversation, command: str, field: str) -> None:
    said = lab.say("alice", command)
    assert not said.ok
    assert field in said
    assert "0/6" in lab.ok("alice", "partenaires 1")


def test_outsiders_cannot_log_or_read_meetings(lab: Conversation) -> None:
    assert not lab.say("zoe", 'reunion 1 partenaire:"X" categorie:association').ok
    assert not lab.say("zoe", "partenaires 1").ok
