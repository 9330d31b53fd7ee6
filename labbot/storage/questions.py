"""Queries about questions to SGMAP and the FAQ they become, with French full-text search of the FAQ."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from labbot.search import folded_words, fts5_query
from labbot.states import Role
from labbot.storage import search_index
from labbot.storage.models import FaqEntry, Person, Question


def get(session: Session, question_id: int) -> Question | None:
    """A question by number."""
    return session.get(Question, question_id)


def lock(session: Session, question_id: int) -> Question | None:
    """A question, its row held until the transaction ends (two admins answering at once: one wins)."""
    return session.scalar(select(Question).where(Question.id == question_id).with_for_update())


def listing(session: Session, states: Sequence[str], limit: int) -> list[tuple[Question, str]]:
    """Questions in `states` with their asker's name, oldest first (the longest waiting on top)."""
    query = (
        select(Question, Person.display_name)
        .join(Person, Person.id == Question.asker_id)
        .where(Question.state.in_(states))
        .order_by(Question.created_at, Question.id)
        .limit(limit)
    )
    return [(question, name) for question, name in session.execute(query)]


def count(session: Session, states: Sequence[str]) -> int:
    """How many questions are in `states`."""
    return int(session.scalar(select(func.count(Question.id)).where(Question.state.in_(states))) or 0)


def admins(session: Session) -> Sequence[Person]:
    """SGMAP's administrators, who answer questions and support requests."""
    return session.scalars(select(Person).where(Person.role == Role.ADMIN).order_by(Person.id)).all()


def faq_entry(session: Session, question_id: int) -> FaqEntry | None:
    """The FAQ entry published from question `question_id`."""
    return session.get(FaqEntry, question_id)


def latest_faq(session: Session, limit: int) -> Sequence[FaqEntry]:
    """The most recently published FAQ entries."""
    return session.scalars(select(FaqEntry).order_by(FaqEntry.created_at.desc()).limit(limit)).all()


def faq_count(session: Session) -> int:
    """How many entries the FAQ holds."""
    return int(session.scalar(select(func.count()).select_from(FaqEntry)) or 0)


# PostgreSQL: the query's words folded like the indexed text (labbot.search.folded_words), stemmed by the
# `french` configuration into two queries (all the words, any of them); entries with all the words come first.
# Each query contributes at most CANDIDATES entries, so that a word found in most entries costs a bounded time;
# the candidates are ranked from their `tsvector` alone and only the best `limit` rows are read whole (joining
# every candidate back to its row had the planner scan the whole table).
# SQLite: FTS5 over the stems, ranked by BM25 (below).
_POSTGRESQL_FAQ = text(
    """
    WITH best AS (
        SELECT question_id, search @@ :all_words AS every, ts_rank(search, :any_word) AS rank
        FROM (
            (SELECT question_id, search FROM faq_entries WHERE search @@ :all_words LIMIT :candidates)
            UNION ALL
            (SELECT question_id, search FROM faq_entries
             WHERE search @@ :any_word AND NOT search @@ :all_words LIMIT :candidates)
        ) AS candidate
        ORDER BY every DESC, rank DESC, question_id DESC
        LIMIT :limit
    )
    SELECT faq_entries.question_id, faq_entries.title, faq_entries.question, faq_entries.answer,
        faq_entries.published_by_id, faq_entries.created_at, faq_entries.updated_at
    FROM best JOIN faq_entries USING (question_id)
    ORDER BY best.every DESC, best.rank DESC, question_id DESC
    """
).bindparams(bindparam("all_words", type_=TSQUERY), bindparam("any_word", type_=TSQUERY))
# SQLite: entries with all the words first, as on PostgreSQL, then those with some of them (run only when the
# first are fewer than `limit`: scoring every entry that has any of two common words was most of the time).
# Each is ranked from the FTS5 index alone (rowid and BM25) and only the best `limit` rows are read whole:
# joining first had SQLite sort every match's whole row (~2 000 for two common words), twice the time.
_SQLITE_FAQ = text(
    "WITH best AS (SELECT rowid AS question_id, bm25(faq_search) AS score FROM faq_search "
    "WHERE faq_search MATCH :match ORDER BY score, question_id DESC LIMIT :limit) "
    "SELECT faq_entries.* FROM best JOIN faq_entries USING (question_id) ORDER BY best.score, question_id DESC"
)
CANDIDATES = 500


def search_faq(session: Session, words: str, stems: list[str], limit: int) -> list[FaqEntry]:
    """The FAQ entries best matching `words` (whose French stems are `stems`): those with all the words first,
    best first."""
    if not stems:
        return []
    if session.get_bind().dialect.name == "postgresql":
        every, any_word = search_index.postgresql_queries(session, folded_words(words))
        if not any_word:
            return []
        statement = _POSTGRESQL_FAQ.bindparams(
            all_words=every, any_word=any_word, candidates=CANDIDATES, limit=limit
        )
        return list(session.scalars(select(FaqEntry).from_statement(statement)))
    every = fts5_query(stems, every=True)
    found = _sqlite_faq(session, every, limit)
    if len(found) < limit and len(stems) > 1:
        found += _sqlite_faq(session, f"({fts5_query(stems)}) NOT ({every})", limit - len(found))
    return found


def _sqlite_faq(session: Session, match: str, limit: int) -> list[FaqEntry]:
    statement = _SQLITE_FAQ.bindparams(match=match, limit=limit)
    return list(session.scalars(select(FaqEntry).from_statement(statement)))
