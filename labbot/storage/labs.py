"""Searching projects across regions (`labs`): French full text over what the viewer may read, and facets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


def record_visible(viewer: Person) -> ColumnElement[bool]:
    """Projects whose full record (hallmarks, partners met) `viewer` reads: every one for administrators, their
    region's for coordinators, their own teams' for everyone (as labbot.policy.require_team_or_oversight)."""
    if viewer.role == Role.ADMIN:
        return true()
    on_team = exists().where(Membership.project_id == Project.id, Membership.person_id == viewer.id)
    if viewer.role == Role.COORDINATOR and viewer.region:
        return or_(Project.region == viewer.region, on_team)
    return on_team


def _facets(session: Session, viewer: Person, filters: LabFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.region:
        conditions.append(Project.region == filters.region)
    if filters.status:
        conditions.append(Project.status == filters.status)
    if filters.method:
        if session.get_bind().dialect.name == "postgresql":
            has_method = text("CAST(projects.methods AS jsonb) ? :method")
        else:
            has_method = text("EXISTS (SELECT 1 FROM json_each(projects.methods) WHERE value = :method)")
        conditions.append(has_method.bindparams(method=filters.method))  # type: ignore[arg-type]
    if filters.competence:
        conditions.append(
            exists().where(Membership.project_id == Project.id, Membership.competence == filters.competence)
        )
    if filters.partner_category:
        # Which partners a project met is part of its record: a facet on it only finds what the viewer reads.
        met = exists().where(
            PartnerMeeting.project_id == Project.id, PartnerMeeting.category == filters.partner_category
        )
        conditions.append(and_(met, record_visible(viewer)))
    return conditions


@dataclass(frozen=True)
class LabHit:
    """A project found, whether the viewer reads its full record, and its lead's name (read in the same
    statement: one round trip fewer)."""

    project: Project
    readable: bool
    lead: str | None


def search(
    session: Session, viewer: Person, words: str, stems: list[str], filters: LabFilters, *, limit: int
) -> list[LabHit]:
    """Projects matching `words` (any of their French stems) and the facets, best first; every project (newest
    first) matching the facets when there are no words. Hallmarks are searched only where `viewer` reads them."""
    conditions = _facets(session, viewer, filters)
    visible = record_visible(viewer)
    postgresql = session.get_bind().dialect.name == "postgresql"
    every_text, any_text = (
        search_index.postgresql_queries(session, folded_words(words)) if postgresql and stems else ("", "")
    )
    hit = select(Project, visible, _LEAD.display_name).outerjoin(_LEAD, _LEAD.id == Project.lead_id)
    if not stems or (postgresql and not any_text):  # no meaningful word: the facets alone
        return _hits(session, hit.where(*conditions).order_by(Project.id.desc()).limit(limit))
    if postgresql:
        # Any of the words matches; projects with all of them come first (as in the FAQ).
        all_terms = bindparam("all_words", every_text, type_=TSQUERY)
        terms = bindparam("any_word", any_text, type_=TSQUERY)
        public: ColumnElement[Any] = literal_column("projects.search_public")
        hallmarks: ColumnElement[Any] = literal_column("projects.search_hallmarks")
        in_public = public.op("@@")(terms)
        in_hallmarks = and_(visible, hallmarks.op("@@")(terms))
        every = or_(public.op("@@")(all_terms), and_(visible, hallmarks.op("@@")(all_terms)))
        rank = case((every, 1.0), else_=0.0) + func.ts_rank(public, terms)
        rank = rank + case((visible, func.ts_rank(hallmarks, terms)), else_=0.0)
        query = hit.where(or_(in_public, in_hallmarks), *conditions)
    else:
        matched = text("project_search MATCH :every").bindparams(every=fts5_query(stems))
        public_only = text(
            "projects.id IN (SELECT rowid FROM project_search WHERE project_search MATCH :public)"
        ).bindparams(public=fts5_query(stems, "public"))
        rank = -literal_column("bm25(project_search)")
        query = hit.join(_PROJECT_SEARCH, _PROJECT_SEARCH.c.rowid == Project.id).where(
            matched, or_(visible, public_only), *conditions
        )
    return _hits(session, query.order_by(rank.desc(), Project.id.desc()).limit(limit))


def _hits(session: Session, query: Select[Project, bool, str]) -> list[LabHit]:  # lead: NULL when none
    return [LabHit(project, bool(readable), lead) for project, readable, lead in session.execute(query)]


def partner_categories(session: Session, project_ids: Sequence[int]) -> dict[int, list[str]]:
    """The partner categories each project met."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(PartnerMeeting.project_id, PartnerMeeting.category)
        .where(PartnerMeeting.project_id.in_(project_ids))
        .distinct()
        .order_by(PartnerMeeting.project_id, PartnerMeeting.category)
    )
    for project_id, category in rows:
        found[project_id].append(category)
    return found
