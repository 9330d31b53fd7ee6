"""Questions to SGMAP and the FAQ, end to end through the console, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select, text

from adapters.bootstrap import bootstrap
from adapters.mattermost.render import as_text as mattermost_text
from adapters.slack.blocks import render
from labbot.clock import FixedClock
from labbot.messages import Outcome, Reply, Request, Visibility
from labbot.ports import RecordingNotifier
from labbot.storage.models import AuditEntry, FaqEntry, ProcessedRequest, Question
from tests.conftest import TEST_START, Conversation, make_settings
from tests.test_mentions_never_ping import mattermost_pings, slack_pings, slack_text_objects


def count(chat: Conversation, model: type[Question] | type[FaqEntry]) -> int:
    with chat.app.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def published(chat: Conversation, question: str, answer: str, title: str) -> int:
    """Ask, answer and publish one FAQ entry; its number."""
    asked = chat.ok("alice", f'question "{question}"')
    number = int(re.findall(r"question (\d+)", asked.text, re.IGNORECASE)[0])
    if "question confirmer" in asked.text:
        chat.ok("alice", f"question confirmer {number}")
    chat.ok("sgmap", f'repondre {number} "{answer}"')
    chat.ok("sgmap", f'faq ajouter {number} titre:"{title}"')
    return number


def test_a_question_reaches_the_admins_and_its_answer_reaches_the_asker(lab: Conversation) -> None:
    lab.notifier.sent.clear()
    asked = lab.ok("alice", 'question "Quels frais le PIA finance-t-il ?" projet:1')
    assert "question 1 " in asked.text.lower()
    assert "message" in asked.text  # the answer comes in a direct message
    [notice] = lab.sent_to("sgmap")
    assert "Quels frais le PIA finance-t-il ?" in notice
    listing = lab.ok("sgmap", "questions")
    assert "Quels frais" in listing.text
    assert "#1" in listing.text
    lab.ok("sgmap", 'repondre 1 "Les frais de prestataires, dans la limite du plafond."')
    [answer] = lab.sent_to("alice")
    assert "Les frais de prestataires" in answer
    assert "Quels frais" not in lab.ok("sgmap", "questions").text  # closed
    assert "Quels frais" in lab.ok("sgmap", "questions statut:repondues").text
    assert "Quels frais" in lab.ok("sgmap", "questions statut:toutes").text


def test_english_replies_are_wholly_english(lab: Conversation) -> None:
    asked = lab.ok("alice", 'ask "Which costs are eligible?"', lang="en")
    assert "is sent to SGMAP" in asked.text
    refused = lab.say("sgmap", "questions status:pending", lang="en")
    assert not refused.ok
    assert "Choose one of: open, answered, all." in refused.text  # the reader's words, not the stored keys
    assert "Choose one of" in refused.text


def test_faq_search_ignores_accents_and_plurals_best_first(lab: Conversation) -> None:
    published(
        lab,
        "Comment mesurer les résultats du laboratoire ?",
        "Définissez des indicateurs d’évaluations dès le dépôt du dossier.",
        "Évaluation du laboratoire",
    )
    published(lab, "Où trouver un lieu ?", "Un tiers-lieu ouvert aux usagers convient.", "Un lieu ouvert")
    published(lab, "Qui évalue les dossiers ?", "Le jury national, après avis du préfet.", "Sélection")
    found = lab.ok("bruno", "faq evaluation")
    assert "Évaluation du laboratoire" in found.text
    assert "*évaluations*" in found.text  # the extract shows where the word is
    assert "Un lieu ouvert" not in found.text
    assert found.text.index("Évaluation du laboratoire") < found.text.index("Sélection")
    assert "Un lieu ouvert" in lab.ok("bruno", "faq USAGER").text
    assert "Un lieu ouvert" in lab.ok("bruno", "faq").text  # the latest entries
    assert "No FAQ entry" in lab.ok("bruno", "faq cornichon", lang="en").text


def test_faq_entries_with_every_word_come_first_on_both_databases(lab: Conversation) -> None:
    # "plafond" three times in a short entry scores higher by its words alone than one entry holding both words;
    # the rule of both databases puts the entries with every word first.
    published(lab, "Plafond ?", "Plafond, plafond.", "Plafond seul")
    published(
        lab,
        "Quel budget pour un laboratoire, et quel plafond ?",
        "Le budget total, temps des agents compris, reste sous le plafond fixé par l'appel à projets.",
        "Budget et plafond",
    )
    for number in range(3):
        published(lab, f"Le budget {number} ?", "Le budget se suit chaque mois.", f"Suivi {number}")
    found = lab.ok("bruno", "faq budget plafond").text
    assert found.index("Budget et plafond") < found.index("Plafond seul") < found.index("Suivi")
    assert "FAQ: 5 entries" in lab.ok("bruno", "faq budget plafond", lang="en").text


def test_the_latest_entries_are_counted_in_good_grammar(lab: Conversation) -> None:
    published(lab, "Quel plafond ?", "500 000 € par projet.", "Plafond")
    assert "FAQ: 1 entry" in lab.ok("bruno", "faq", lang="en").text
    assert "FAQ : 1 entrée" in lab.ok("bruno", "faq").text
    published(lab, "Quelle durée ?", "18 mois financés par le PIA.", "Durée")
    assert "FAQ: the latest of 2 entries" in lab.ok("bruno", "faq", lang="en").text


def test_a_question_first_shows_the_closest_entries_and_is_filed_on_confirmation(lab: Conversation) -> None:
    published(lab, "Quel est le plafond du budget ?", "500 000 € par projet.", "Plafond du budget")
    lab.notifier.sent.clear()
    asked = lab.ok("bruno", 'question "Le budget a-t-il un plafond par projet ?"')
    assert "peut-être déjà une réponse" in asked.text
    assert "Plafond du budget" in asked.text
    assert "question confirmer 2" in asked.text
    assert lab.sent_to("sgmap") == []  # nothing filed yet
    assert "Le budget a-t-il" not in lab.ok("sgmap", "questions").text
    assert not lab.say("alice", "question confirmer 2").ok  # someone else's draft
    lab.ok("bruno", "question confirmer 2")
    assert len(lab.sent_to("sgmap")) == 1
    assert "Le budget a-t-il" in lab.ok("sgmap", "questions").text
    assert not lab.say("bruno", "question confirmer 2").ok  # sent once


def test_publishing_anonymises_and_edits_and_withdrawals_keep_the_index_in_step(lab: Conversation) -> None:
    lab.ok("alice", 'profil nom:"Alice Martin"')
    lab.ok(
        "alice",
        'question "Bonjour, je suis Alice Martin (alice@dreal.gouv.fr, 02 99 00 00 00) : délai de dépôt ?"',
    )
    lab.ok("sgmap", 'repondre 1 "Le 30/09, @alice."')
    shown = lab.ok("sgmap", "faq ajouter 1")
    assert "alice" not in shown.text.split("FAQ")[-1]
    assert "02 99" not in shown.text
    with lab.app.database.transaction() as session:
        entry = session.get(FaqEntry, 1)
        assert entry is not None
        assert "alice" not in (entry.question + entry.answer).lower()
        assert "martin" not in entry.question.lower()
        assert "dépôt" in entry.question
    assert "FAQ 1" in lab.ok("bruno", "faq depot")
    lab.ok("sgmap", 'faq modifier 1 titre:"Date limite" reponse:"Le 30 septembre 2016, auprès du préfet."')
    assert "préfet" in lab.ok("bruno", "faq prefets").text
    assert "No FAQ entry" in lab.ok("bruno", "faq arobase alice", lang="en").text
    lab.ok("sgmap", "faq retirer 1")
    assert "No FAQ entry" in lab.ok("bruno", "faq prefet", lang="en").text
    with lab.app.database.transaction() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "faq")))
    assert actions == ["create", "update", "delete"]
    lab.ok("sgmap", "faq ajouter 1")  # may be published again
    assert "FAQ 1" in lab.ok("bruno", "faq depot")


def test_a_rolled_back_faq_change_leaves_the_index_as_it_was(lab: Conversation) -> None:
    number = published(lab, "Quel plafond ?", "500 000 € par projet.", "Plafond")
    refused = lab.say("sgmap", f'faq modifier {number} reponse:"Un tout autre texte" titre:"x"')
    assert not refused.ok  # the title is too short: the whole change is refused
    assert "FAQ 1" in lab.ok("bruno", "faq plafond")
    assert "No FAQ entry" in lab.ok("bruno", "faq autre texte", lang="en").text


def test_bad_input_is_refused_with_the_choices_and_writes_nothing(lab: Conversation) -> None:
    for command in ('question ""', "question", 'question "  "'):
        refused = lab.say("alice", command)
        assert not refused.ok, command
        assert "texte" in refused.text
    assert not lab.say("alice", 'question "Un délai ?" projet:99').ok
    assert count(lab, Question) == 0
    lab.ok("alice", 'question "Un délai de dépôt ?"')
    for command, fragment in (
        ('repondre 1 ""', "texte"),
        ("repondre 1", "texte"),
        ('repondre 7 "Oui."', "7"),
        ('repondre abc "Oui."', "numero"),
    ):
        refused = lab.say("sgmap", command)
        assert not refused.ok, command
        assert fragment in refused.text, command
    assert not lab.say("alice", 'repondre 1 "Oui."').ok  # administrators only
    assert not lab.say("sgmap", "faq ajouter 1").ok  # not answered yet
    lab.ok("sgmap", 'repondre 1 "Le 30/09."')
    closed = lab.say("sgmap", 'repondre 1 "Encore ?"')
    assert not closed.ok
    assert "déjà" in closed.text
    assert not lab.say("alice", "faq ajouter 1").ok  # administrators only
    assert not lab.say("sgmap", 'faq depot titre:"Dépôt"').ok  # titre: only with ajouter/modifier
    assert not lab.say("sgmap", "faq modifier 1").ok  # not in the FAQ
    assert count(lab, FaqEntry) == 0
    with lab.app.database.transaction() as session:
        assert session.scalar(select(Question.answer).where(Question.id == 1)) == "Le 30/09."
        if session.get_bind().dialect.name == "sqlite":
            assert session.scalar(text("SELECT count(*) FROM faq_search")) == 0


def test_the_support_channel_hears_of_new_questions_without_pings(database_url: str, tmp_path: Path) -> None:
    clock = FixedClock(TEST_START)
    notifier = RecordingNotifier()
    settings = make_settings(database_url, support={"channel": {"console": "support-sgmap"}})
    app = bootstrap(settings, notifier=notifier, clock=clock)
    chat = Conversation(app, clock, notifier, tmp_path / "files")
    try:
        chat.ok("sgmap", "aide")
        chat.ok("alice", 'question "Qui contacter ? @channel <!here>"', lang="en")
        [reply] = [r for a, r in notifier.sent if a.channel_id == "support-sgmap"]
        assert (reply.title or "").startswith("Question 1 de ")  # the channel's language, not the asker's
        assert "Qui contacter ?" in reply.text
        # Mentions are platform syntax: each chat adapter renders them harmless.
        assert not mattermost_pings(mattermost_text(reply))
        slack = render(reply)
        assert not [m for o in slack_text_objects(slack.block_dicts()) for m in slack_pings(o["text"], o["type"])]
    finally:
        app.database.dispose()


def test_search_syntax_in_the_words_is_just_text(lab: Conversation) -> None:
    published(lab, "Quel plafond ?", "500 000 € par projet.", "Plafond")
    for words in (
        '"plafond" OR "x"',
        "NEAR(plafond x)",
        "plafond*",
        "^plafond",
        "-plafond",
        "{body}: plafond",
        "'; --",
    ):
        for verb in ("faq", "labs"):
            said = lab.say("bruno", f"{verb} {words}")
            assert said.outcome is not Outcome.FAILED, (verb, words, said.text)
    assert "Plafond" in lab.ok("bruno", 'faq "plafond" OR "x"').text


def test_a_faq_search_is_a_read_and_a_faq_change_is_a_write_answered_once(lab: Conversation) -> None:
    number = published(lab, "Quel est le délai de dépôt ?", "Le 30/09.", "Délai")

    def handle(text: str, key: str, user: str = "bruno") -> Reply:
        request = Request(platform="console", user_id=user, text=text, idempotency_key=key)
        return lab.app.bot.handle(request)

    def recorded(key: str) -> bool:
        with lab.app.database.transaction() as session:
            return session.get(ProcessedRequest, key) is not None

    search = handle("faq délai", "search-1")
    assert search.outcome is Outcome.DONE
    assert not search.wrote
    assert not recorded("search-1")  # a read: no idempotency record, nothing to replay
    shared = handle("publier faq délai", "share-1")  # and it may be shared to the channel
    assert shared.outcome is Outcome.DONE
    assert shared.visibility is Visibility.CHANNEL
    withdrawn = handle(f"faq retirer {number}", "withdraw-1", user="sgmap")
    again = handle(f"faq retirer {number}", "withdraw-1", user="sgmap")  # a platform's retry
    assert withdrawn.outcome is Outcome.DONE
    assert withdrawn.wrote
    assert recorded("withdraw-1")
    assert again.text == withdrawn.text
    assert again.outcome is Outcome.DONE
    assert count(lab, FaqEntry) == 0
