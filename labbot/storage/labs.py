"""Searching projects across regions (`labs`): French full text over what the viewer may read, and facets."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, aliased

from labbot.search import folded_words, fts5_query
from labbot.states import Role
from labbot.storage import search_index
from labbot.storage.models import Membership, PartnerMeeting, Person, Project
from labbot.storage.rows import rows

# SQLite's FTS5 table of project texts (migration 0005_support), kept in step by labbot.storage.search_index.
_PROJECT_SEARCH = table("project_search", column("rowid"))
_LEAD = aliased(Person, name="lead")


@dataclass(frozen=True)
class LabFilters:
    """The facets of a search; None: any."""

    region: str | None = None
    method: str | None = None
    competence: str | None = None
    partner_category: str | None = None
    status: str | None = None


class _Reach(StrEnum):
    """Whose full records a viewer reads (as labbot.policy.require_team_or_oversight): every project, their
    region's and their teams', or their teams' only."""

    ALL = "all"
    REGION = "region"
    TEAM = "team"


def _reach(viewer: Person) -> _Reach:
    if viewer.role == Role.ADMIN:
        return _Reach.ALL
    return _Reach.REGION if viewer.role == Role.COORDINATOR and viewer.region else _Reach.TEAM


def _visible(reach: _Reach) -> ColumnElement[bool]:
    """Projects whose full record (hallmarks, partners met) the viewer reads; the viewer is bound when run."""
    if reach is _Reach.ALL:
        return true()
    on_team = exists().where(Membership.project_id == Project.id, Membership.person_id == bindparam("viewer_id"))
    if reach is _Reach.REGION:
        return or_(Project.region == bindparam("viewer_region"), on_team)
    return on_team


def _facets(dialect: str, reach: _Reach, facets: frozenset[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if "region" in facets:
        conditions.append(Project.region == bindparam("region"))
    if "status" in facets:
        conditions.append(Project.status == bindparam("status"))
    if "method" in facets:
        if dialect == "postgresql":
            has_method = text("CAST(projects.methods AS jsonb) ? :method")
        else:
            has_method = text("EXISTS (SELECT 1 FROM json_each(projects.methods) WHERE value = :method)")
        conditions.append(has_method)  # type: ignore[arg-type]
    if "competence" in facets:
        conditions.append(
            exists().where(Membership.project_id == Project.id, Membership.competence == bindparam("competence"))
        )
    if "partner_category" in facets:
        # Which partners a project met is part of its record: a facet on it only finds what the viewer reads.
        met = exists().where(
            PartnerMeeting.project_id == Project.id, PartnerMeeting.category == bindparam("partner_category")
        )
        conditions.append(and_(met, _visible(reach)))
    return conditions


class LabHit(NamedTuple):
    """A project found, as `labs` shows it: whether the viewer reads its full record, its lead's name and the
    partner categories it met (read in the same statement: two round trips fewer)."""

    id: int
    title: str
    region: str
    status: str
    methods: list[str]
    summary: str
    readable: bool
    lead: str | None
    categories: list[str]


_CARD = (Project.id, Project.title, Project.region, Project.status, Project.methods, Project.summary)
# Each hit's partner categories, one per meeting (SQLite's group_concat takes DISTINCT only without a separator):
# category keys are plain words, so a comma separates them; `_hits` keeps each once, sorted.
_MET = (
    select(func.aggregate_strings(PartnerMeeting.category, ","))
    .where(PartnerMeeting.project_id == Project.id)
    .scalar_subquery()
)
_MATCHED = text("project_search MATCH :every")
_PUBLIC_ONLY = text("projects.id IN (SELECT rowid FROM project_search WHERE project_search MATCH :public)")


_Hits = Select[int, str, str, str, list[str], str, bool, str, str]  # lead, categories: NULL when none


@lru_cache(maxsize=512)
def _statement(
    dialect: str, reach: _Reach, facets: frozenset[str], words: bool, limit: int, *, excluding: bool = False
) -> _Hits:
    """The search for one shape of request (dialect, reach, facets given, words or not, projects already found
    left out or not), built once; the viewer, facets, words and projects found are bound when run."""
    visible = _visible(reach)
    conditions = _facets(dialect, reach, facets)
    hit = select(*_CARD, visible, _LEAD.display_name, _MET)
    if not words:  # no meaningful word: the facets alone, newest first
        return (
            hit.outerjoin(_LEAD, _LEAD.id == Project.lead_id)
            .where(*conditions)
            .order_by(Project.id.desc())
            .limit(limit)
        )
    if dialect == "postgresql":
        # Any of the words matches; projects with all of them come first (as in the FAQ).
        all_terms = bindparam("all_words", type_=TSQUERY)
        terms = bindparam("any_word", type_=TSQUERY)
        public: ColumnElement[Any] = literal_column("projects.search_public")
        hallmarks: ColumnElement[Any] = literal_column("projects.search_hallmarks")
        in_public = public.op("@@")(terms)
        in_hallmarks = and_(visible, hallmarks.op("@@")(terms))
        # All the words in what the viewer reads: the public card, or the card and the hallmarks together.
        read_whole: ColumnElement[Any] = literal_column("(projects.search_public || projects.search_hallmarks)")
        every = or_(public.op("@@")(all_terms), and_(visible, read_whole.op("@@")(all_terms)))
        rank = case((every, 1.0), else_=0.0) + func.ts_rank(public, terms)
        rank = rank + case((visible, func.ts_rank(hallmarks, terms)), else_=0.0)
        return (
            hit.outerjoin(_LEAD, _LEAD.id == Project.lead_id)
            .where(or_(in_public, in_hallmarks), *conditions)
            .order_by(rank.desc(), Project.id.desc())
            .limit(limit)
        )
    # SQLite: the projects are ranked by BM25 from their numbers alone, and only the best `limit` are read whole
    # with their lead (joining every match's whole row first had SQLite sort them all: twice the time).
    score: ColumnElement[float] = literal_column("bm25(project_search)").label("score")
    if excluding:
        conditions.append(Project.id.not_in(bindparam("found", expanding=True)))
    best = (
        select(Project.id.label("id"), score)
        .select_from(_PROJECT_SEARCH)
        .join(Project, Project.id == _PROJECT_SEARCH.c.rowid)
        .where(_MATCHED, or_(visible, _PUBLIC_ONLY), *conditions)
        .order_by(score, Project.id.desc())
        .limit(limit)
        .cte("best")
    )
    return (
        hit.select_from(best)
        .join(Project, Project.id == best.c.id)
        .outerjoin(_LEAD, _LEAD.id == Project.lead_id)
        .order_by(best.c.score, best.c.id.desc())
    )


def search(
    session: Session, viewer: Person, words: str, stems: list[str], filters: LabFilters, *, limit: int
) -> list[LabHit]:
    """Projects matching `words` (any of their French stems; those with all of them in what `viewer` reads
    first) and the facets, best first; every project (newest first) matching the facets when there are no
    words. Hallmarks are searched only where `viewer` reads them."""
    dialect = session.get_bind().dialect.name
    given = (
        ("region", filters.region),
        ("status", filters.status),
        ("method", filters.method),
        ("competence", filters.competence),
        ("partner_category", filters.partner_category),
    )
    facets = {name: value for name, value in given if value}
    parameters: dict[str, Any] = {"viewer_id": viewer.id, "viewer_region": viewer.region, **facets}
    reach, shape = _reach(viewer), frozenset(facets)
    words_given = bool(stems)
    if dialect == "postgresql" and stems:
        every_text, any_text = search_index.postgresql_queries(session, folded_words(words))
        parameters.update(all_words=every_text, any_word=any_text)
        words_given = bool(any_text)
    elif len(stems) > 1:
        return _every_word_first(session, reach, shape, stems, parameters, limit=limit)
    elif stems:
        parameters.update(every=fts5_query(stems), public=fts5_query(stems, "public"))
    return _hits(session, _statement(dialect, reach, shape, words_given, limit), parameters)


def _every_word_first(
    session: Session,
    reach: _Reach,
    shape: frozenset[str],
    stems: list[str],
    parameters: dict[str, Any],
    *,
    limit: int,
) -> list[LabHit]:
    """SQLite, several words: the projects with all of them in what the viewer reads first, as on PostgreSQL;
    those with some of them only when the first are too few (scoring every project holding any of two common
    words was most of the time)."""
    every = {"every": fts5_query(stems, every=True), "public": fts5_query(stems, "public", every=True)}
    found = _hits(session, _statement("sqlite", reach, shape, True, limit), {**parameters, **every})
    if len(found) < limit:
        some = {"every": fts5_query(stems), "public": fts5_query(stems, "public"), "found": [h.id for h in found]}
        rest = _statement("sqlite", reach, shape, True, limit - len(found), excluding=True)
        found += _hits(session, rest, {**parameters, **some})
    return found


def _hits(session: Session, statement: _Hits, parameters: dict[str, Any]) -> list[LabHit]:
    found: list[LabHit] = []
    for number, title, region, status, methods, summary, readable, lead, met in rows(
        session, statement, parameters
    ):
        categories = sorted(set(met.split(","))) if met else []
        found.append(LabHit(number, title, region, status, methods, summary, bool(readable), lead, categories))
    return found
