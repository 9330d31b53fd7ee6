"""SGMAP's support: the states of questions and support requests, their vocabularies, and anonymising."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from labbot.i18n import N_
from labbot.vocabulary import Term, Vocabulary


class QuestionState(StrEnum):
    """A question: shown the closest FAQ entries (draft), then filed (open), then answered."""

    DRAFT = "brouillon"
    OPEN = "ouverte"
    ANSWERED = "repondue"


# What `questions statut:` lists.
QUESTION_FILTERS = Vocabulary(
    Term("ouvertes", N_("open questions"), ("ouverte",), english="open"),
    Term("repondues", N_("answered questions"), ("repondue",), english="answered"),
    Term("toutes", N_("all questions"), ("tout",), english="all"),
)
FILTER_STATES: dict[str, tuple[str, ...]] = {
    "ouvertes": (QuestionState.OPEN,),
    "repondues": (QuestionState.ANSWERED,),
    "toutes": (QuestionState.OPEN, QuestionState.ANSWERED),
}


class SupportStatus(StrEnum):
    """A support request, from filed to closed."""

    OPEN = "ouvert"
    IN_PROGRESS = "en-cours"
    CLOSED = "clos"


SUPPORT_STATUSES = Vocabulary(
    Term("ouvert", N_("open"), ("ouverte",), english="open"),
    Term("en-cours", N_("in progress"), ("encours",), english="in-progress"),
    Term("clos", N_("closed"), ("close", "ferme"), english="closed"),
)
# What a support request may be moved to (`appui <n> statut:`): it is opened by `appui <ref> type:`.
SUPPORT_MOVES = Vocabulary(*(t for t in SUPPORT_STATUSES.terms if t.key != SupportStatus.OPEN))
# The call's three kinds of support: technical, methodological, and promotion at events.
SUPPORT_TYPES = Vocabulary(
    Term("technique", N_("technical"), ("tech",), english="technical"),
    Term("methodologique", N_("methodological"), ("methode", "methodo"), english="methodological"),
    Term("valorisation", N_("promotion"), ("valoriser",), english="promotion"),
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"(?<![\w@])@[\w.-]+|<[@!][^>]*>")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


def anonymised(text: str, names: Iterable[str]) -> str:
    """`text` without e-mail addresses, phone numbers, mentions, or the given people's names."""
    text = _EMAIL.sub("[…]", text)
    text = _PHONE.sub("[…]", text)
    text = _MENTION.sub("[…]", text)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[…]", text, flags=re.IGNORECASE)
    return text
