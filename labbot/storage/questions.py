"""Queries about questions to SGMAP and the FAQ they become, with French full-text search of the FAQ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from labbot.search import fts5_query
from labbot.states import Role
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


@dataclass(frozen=True)
class FaqHit:
    """A FAQ entry found by a search, with its rank (higher is better)."""

    entry: FaqEntry
    rank: float


# PostgreSQL: the query's words folded like the indexed text, stemmed by the `french` configuration, any of
# them matching (`&` made `|`), ranked by cover density. SQLite: FTS5 over the stems, ranked by BM25.
_POSTGRESQL_FAQ = text(
    """
    WITH q AS (
        SELECT replace(plainto_tsquery('french', regexp_replace(
            translate(lower(:words), :accented, :plain), '(\\w{3,})[sx]\\M', '\\1', 'g'))::text, '&', '|') AS terms
    )
    SELECT question_id, ts_rank_cd(search, terms::tsquery) AS rank
    FROM faq_entries, q
    WHERE q.terms <> '' AND search @@ terms::tsquery
    ORDER BY rank DESC, question_id DESC
    LIMIT :limit
    """
)
_SQLITE_FAQ = text(
    "SELECT rowid, -bm25(faq_search) AS rank FROM faq_search WHERE faq_search MATCH :match "
    "ORDER BY bm25(faq_search), rowid DESC LIMIT :limit"
)
ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"


def search_faq(session: Session, words: str, stems: list[str], limit: int) -> list[FaqHit]:
    """The FAQ entries best matching `words` (whose French stems are `stems`), best first."""
    if not stems:
        return []
    if session.get_bind().dialect.name == "postgresql":
        params = {"words": words, "accented": ACCENTED, "plain": PLAIN, "limit": limit}
        ranked = [(int(i), float(r)) for i, r in session.execute(_POSTGRESQL_FAQ, params)]
    else:
        params = {"match": fts5_query(stems), "limit": limit}
        ranked = [(int(i), float(r)) for i, r in session.execute(_SQLITE_FAQ, params)]
    if not ranked:
        return []
    entries = {
        e.question_id: e
        for e in session.scalars(select(FaqEntry).where(FaqEntry.question_id.in_([i for i, _r in ranked])))
    }
    return [FaqHit(entries[i], rank) for i, rank in ranked if i in entries]
