"""Who may change what: every role and standing × every command that the policy guards, as a table.

The standings: an agent with no part in project #1 (zoe), a team member (bruno), the project's lead (alice,
who registered it), the coordinator of its region (claire, Bretagne), a coordinator of another region (hugo,
Occitanie) and an SGMAP administrator (sgmap). Each case runs on a fresh lab; a refusal must write nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from labbot.messages import Request
from labbot.storage.models import AuditEntry
from tests.conftest import Conversation

ACTORS = ("zoe", "bruno", "alice", "claire", "hugo", "sgmap")
#           command                                          zoe    bruno  alice  claire hugo   sgmap
TABLE = [
    ('modifier 1 objectif:"Simplifier"',                     (False, True,  True,  True,  False, True)),
    ("modifier 1 region:normandie",                          (False, False, False, True,  False, True)),
    ("modifier 1 porteur:bruno",                             (False, False, True,  True,  False, True)),
    ("statut 1 en-preparation",                              (False, False, True,  True,  False, True)),
    ("retirer 1 bruno",                                      (False, False, True,  True,  False, True)),
    ("profil bruno categorie:C",                             (False, False, False, True,  False, True)),
    ("profil alice taux:60",                                 (False, False, False, True,  False, True)),
    ("profil bruno",                                         (False, True,  False, True,  False, True)),
    ("budget 1",                                             (False, False, False, True,  False, True)),
    ("rapport 1",                                            (False, False, False, True,  False, True)),
    ("depense 1 100 type:autre libelle:Divers date:01/06/2016", (False, False, False, True, False, True)),
    ('reunion 1 partenaire:"Rennes" categorie:collectivite', (False, True,  True,  True,  False, True)),
    ("partenaires 1",                                        (False, True,  True,  True,  False, True)),
    ("heures 1 1h",                                          (False, True,  True,  False, False, False)),
    ("inscrits decouverte",                                  (False, False, False, True,  True,  True)),
    ("role zoe coordinateur region:corse",                   (False, False, False, False, False, True)),
    ('indicateur 1 "Délai de traitement" cible:30',          (False, True,  True,  True,  False, True)),
    ("prevision 1 materiel 100 libelle:Ecrans",              (False, True,  True,  True,  False, True)),
    ("cofinancement 1 partenaire:Rennes categorie:usagers montant:100", (False, True, True, True, False, True)),
    ("plan 1",                                               (False, True,  True,  True,  False, True)),
    ("dossier 1",                                            (False, True,  True,  True,  False, True)),
]  # fmt: skip
CASES = [
    pytest.param(actor, command, allowed, id=f"{actor}:{command.split()[0]}:{command.split()[-1][:16]}")
    for command, row in TABLE
    for actor, allowed in zip(ACTORS, row, strict=True)
]


@pytest.fixture
def standings(lab: Conversation) -> Conversation:
    """The lab, plus an outsider agent and a coordinator of another region."""
    lab.ok("zoe", "aide")
    lab.ok("hugo", "aide")
    lab.ok("sgmap", "role hugo coordinateur region:occitanie")
    return lab


def _audit_rows(bot: Conversation) -> int:
    with bot.app.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize(("actor", "command", "allowed"), CASES)
def test_every_standing_against_every_guarded_command(
    standings: Conversation, actor: str, command: str, allowed: bool
) -> None:
    before = _audit_rows(standings)
    said = standings.say(actor, command)
    assert said.ok is allowed, f"{actor}: {command}\n{said.text}"
    if not allowed:
        assert said.text.strip()  # every refusal says why
        assert _audit_rows(standings) == before  # and writes nothing


def test_nobody_raises_the_value_of_their_own_hours(standings: Conversation) -> None:
    refused = standings.say("alice", "profil categorie:A+")
    assert not refused.ok
    assert "coordinateur" in refused.text  # says whom to ask
    assert not standings.say("claire", "profil taux:90").ok  # a coordinator neither
    assert not standings.say("claire", "profil claire taux:90").ok
    english = standings.say("alice", "profile categorie:A+", lang="en")
    assert "coordinator of your region" in english


def test_a_region_move_tells_both_regions_coordinators(standings: Conversation) -> None:
    standings.ok("david", "aide")
    standings.ok("sgmap", "role david coordinateur region:normandie")
    standings.ok("claire", "modifier 1 region:normandie")
    assert any("Normandie" in text for text in standings.sent_to("david"))
    standings.ok("david", "budget 1")
    assert not standings.say("claire", "budget 1").ok  # now Normandy's


def test_the_team_edits_the_description_and_the_lead_is_told(standings: Conversation) -> None:
    standings.ok("bruno", 'modifier 1 gouvernance:"Comité mensuel"')
    assert any("gouvernance" in text for text in standings.sent_to("alice"))


def test_the_lead_hands_over_and_removes_members(standings: Conversation) -> None:
    refused = standings.say("alice", "modifier 1 porteur:zoe")
    assert not refused.ok
    assert "rejoindre 1" in refused  # the new lead must be on the team
    standings.ok("alice", "modifier 1 porteur:bruno")
    assert "Porteur : bruno" in standings.ok("zoe", "projet 1")
    assert not standings.say("alice", "statut 1 en-preparation").ok  # no longer the lead
    standings.ok("bruno", "statut 1 en-preparation")
    assert not standings.say("alice", "retirer 1 bruno").ok
    leads = standings.say("bruno", "retirer 1 bruno")
    assert not leads.ok
    assert "porteur:@nom" in leads  # hand the lead over first
    standings.ok("bruno", "retirer 1 alice")
    assert any("retiré" in text for text in standings.sent_to("alice"))
    assert not standings.say("alice", "heures 1 1h").ok  # off the team
    with standings.app.database.transaction() as session:
        removal = session.scalar(select(AuditEntry).where(AuditEntry.action == "remove_member"))
        assert removal is not None


def _in_channel(bot: Conversation, user: str, text: str) -> bool:
    reply = bot.app.bot.handle(
        Request(platform="console", user_id=user, display_name=user, text=text, channel_id="C-LAB")
    )
    return reply.outcome.value == "done"


def test_channel_subscriptions_belong_to_those_who_made_them_and_the_regions_coordinators(
    standings: Conversation,
) -> None:
    assert not _in_channel(standings, "bruno", "canal ajouter projet:1")  # a member, not the lead
    assert not _in_channel(standings, "zoe", "canal ajouter region:bretagne")
    assert _in_channel(standings, "claire", "canal ajouter region:bretagne")
    # Someone else's subscription: neither another region's coordinator nor the lead may re-point it.
    assert not _in_channel(standings, "hugo", "canal ajouter region:occitanie")
    assert not _in_channel(standings, "alice", "canal ajouter projet:1")
    assert not _in_channel(standings, "alice", "canal retirer")
    assert _in_channel(standings, "sgmap", "canal ajouter projet:1")
    assert _in_channel(standings, "claire", "canal retirer")  # the project is in her region
    assert _in_channel(standings, "alice", "canal ajouter projet:1")  # the lead, on a free channel
    assert _in_channel(standings, "alice", "canal retirer")
