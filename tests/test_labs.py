"""`labs`: projects of every region found by French full text and facets; hallmarks and partners met stay
with those who read the project's record."""

from __future__ import annotations

import pytest

from tests.conftest import Conversation


@pytest.fixture
def labs(lab: Conversation) -> Conversation:
    """#1 Lab Bretagne (alice, bruno; design and open data; met an operator; an objective set) and #2 in
    Occitanie by olga; claire coordinates Bretagne, david Normandie."""
    lab.ok("alice", 'modifier 1 resume:"Ateliers d\'évaluation des services avec les usagers"')
    lab.ok("alice", 'modifier 1 objectif:"Réduire les délais de traitement des subventions"')
    lab.ok("alice", 'reunion 1 partenaire:"CAF 35" categorie:operateur date:03/06/2016')
    lab.ok("olga", 'profil service:"DDCS Haute-Garonne"')
    lab.ok(
        "olga",
        'idee "Accueil CAF Toulouse" region:occitanie services:"DDCS, CAF" '
        'resume:"Parcours des allocataires repensé avec un usager témoin" methodes:design',
    )
    lab.ok("david", "aide")
    lab.ok("sgmap", "role david coordinateur region:normandie")
    return lab


def test_words_find_projects_of_every_region_whatever_the_accents_and_plurals(labs: Conversation) -> None:
    found = labs.ok("olga", "labs usagers")
    assert "#1 Lab Bretagne" in found.text
    assert "#2 Accueil CAF Toulouse" in found.text
    assert "Bretagne" in found.text
    assert "Contact : alice" in found.text  # the lead to contact
    evaluation = labs.ok("olga", "labs EVALUATION")
    assert "#1 Lab Bretagne" in evaluation.text
    assert "*évaluation*" in evaluation.text
    assert "#2" not in evaluation.text
    assert "No project matches" in labs.ok("olga", "labs cornichon", lang="en").text


def test_facets_narrow_the_search(labs: Conversation) -> None:
    only_occitanie = labs.ok("alice", "labs region:occitanie").text
    assert "#2" in only_occitanie
    assert "#1" not in only_occitanie
    both = labs.ok("alice", "labs methode:design").text
    assert "#1" in both
    assert "#2" in both
    open_data = labs.ok("alice", 'labs methode:"open data"').text
    assert "#1" in open_data
    assert "#2" not in open_data
    developers = labs.ok("olga", "labs competence:developpeur").text
    assert "#1" in developers
    assert "#2" not in developers
    assert "#2" in labs.ok("alice", "labs usager region:occitanie statut:idee").text
    assert "No project" in labs.ok("alice", "labs usager statut:termine", lang="en").text
    only_small_words = labs.ok("alice", "labs le la des region:occitanie").text  # no meaningful word: facets
    assert "#2" in only_small_words
    assert "#1" not in only_small_words


def test_hallmarks_and_partners_met_stay_with_those_who_read_the_record(labs: Conversation) -> None:
    for reader in ("alice", "claire", "sgmap"):
        assert "#1 Lab Bretagne" in labs.ok(reader, "labs subvention").text, reader
    for outsider in ("olga", "david"):
        assert "#1" not in labs.ok(outsider, "labs subvention").text, outsider
    assert "#1" not in labs.ok("olga", "labs partenaire:operateur").text
    assert "#1" in labs.ok("alice", "labs partenaire:operateur").text
    outside = labs.ok("olga", "labs region:bretagne", lang="en").text
    assert "1 of 6 categories" in outside
    assert "public operator" not in outside
    inside = labs.ok("claire", "labs region:bretagne", lang="en").text
    assert "public operator" in inside


def test_the_index_follows_edits_in_the_same_transaction(labs: Conversation) -> None:
    labs.ok("olga", 'modifier 2 titre:"Guichet unique des aidants"')
    assert "#2 Guichet unique des aidants" in labs.ok("alice", "labs aidant").text
    assert "#2" not in labs.ok("alice", "labs toulouse").text
    refused = labs.say("olga", 'modifier 2 titre:"Maison des solidarités" region:atlantide')
    assert not refused.ok
    assert "#2" not in labs.ok("alice", "labs solidarite").text


@pytest.mark.parametrize(
    ("command", "fragments"),
    [
        ("labs region:atlantide", ["region", "bretagne", "occitanie"]),
        ("labs statut:fini", ["statut", "idee", "en-cours"]),
        ("labs partenaire:ministere", ["partenaire", "operateur", "usagers"]),
        ("labs competence:chanteur", ["competence", "designer"]),
        ("labs couleur:bleu", ["couleur", "region:", "methode:"]),
    ],
)
def test_bad_facets_are_refused_with_the_choices(labs: Conversation, command: str, fragments: list[str]) -> None:
    refused = labs.say("olga", command)
    assert not refused.ok
    for fragment in fragments:
        assert fragment in refused.text, refused.text


def test_projects_with_every_word_in_one_field_come_first_on_both_databases(labs: Conversation) -> None:
    # #3 says "évaluation" three times in a short card: by its words alone it scores above #1, which holds
    # "évaluation" and "usagers" once each. The rule of both databases puts projects with every word first.
    labs.ok("olga", 'idee "Évaluation" region:occitanie services:"DDCS" resume:"Évaluation, évaluation."')
    for number in range(4):
        labs.ok("olga", f'idee "Guichet {number}" region:occitanie services:"DDCS" resume:"Un guichet unique."')
    found = labs.ok("olga", "labs usagers evaluation").text
    assert found.index("#1 Lab Bretagne") < found.index("#3 Évaluation")
    assert "#2 Accueil CAF Toulouse" in found  # one of the words is enough, after those with both


def test_every_word_counts_only_in_what_the_viewer_reads(labs: Conversation) -> None:
    # #1: "usagers" on its public card, "subventions" in its hallmarks; #2: "usager" on its card. Its team reads
    # both words in #1: it comes first. An outsider reads one word in each; #1's hallmarks stay hidden.
    inside = labs.ok("alice", "labs usagers subvention").text
    assert inside.index("#1 Lab Bretagne") < inside.index("#2 Accueil CAF Toulouse")
    outside = labs.ok("olga", "labs usagers subvention").text
    assert "#1 Lab Bretagne" in outside
    assert "#2 Accueil CAF Toulouse" in outside
    assert "délais" not in outside
