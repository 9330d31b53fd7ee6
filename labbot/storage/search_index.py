"""SQLite's full-text indexes of the FAQ and of projects, kept in step with their rows in the same flush.

PostgreSQL needs none of this: its `tsvector` columns are generated from the row (migration 0005_support).
On SQLite, an `after_flush` hook writes the French stems (labbot.search) of every new or changed FAQ entry and
project into the FTS5 tables `faq_search` and `project_search`, and removes deleted ones, inside the flush's
transaction: a FAQ change and its index commit or roll back together. Bulk loads that bypass the ORM call
`rebuild`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from labbot.search import index_text
from labbot.storage.models import FaqEntry, Project


def faq_body(title: str, question: str, answer: str) -> str:
    """What a FAQ entry is searched by."""
    return index_text(f"{title} {question} {answer}")


def project_public(title: str, summary: str, services: list[str], planned_partners: str) -> str:
    """What anyone searches a project by: the text its public card shows."""
    return index_text(" ".join([title, summary, *services, planned_partners]))


def project_hallmarks(objective: str, indicators: str, place: str, governance: str, portfolio: str) -> str:
    """The hallmarks' text, searched by the project's team, its coordinators and administrators."""
    return index_text(" ".join([objective, indicators, place, governance, portfolio]))


def _faq_row(entry: FaqEntry) -> dict[str, Any]:
    return {"id": entry.question_id, "body": faq_body(entry.title, entry.question, entry.answer)}


def _project_row(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "public": project_public(project.title, project.summary, project.services, project.planned_partners),
        "hallmarks": project_hallmarks(
            project.objective, project.indicators, project.place, project.governance, project.portfolio
        ),
    }


_FAQ_DELETE = text("DELETE FROM faq_search WHERE rowid = :id")
_FAQ_INSERT = text("INSERT INTO faq_search (rowid, body) VALUES (:id, :body)")
_PROJECT_DELETE = text("DELETE FROM project_search WHERE rowid = :id")
_PROJECT_INSERT = text("INSERT INTO project_search (rowid, public, hallmarks) VALUES (:id, :public, :hallmarks)")


def keep_in_step(session: Session, _flush_context: object) -> None:
    """After each flush on SQLite: re-index the FAQ entries and projects it wrote, drop the deleted ones."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    for obj in session.deleted:
        if isinstance(obj, FaqEntry):
            connection.execute(_FAQ_DELETE, {"id": obj.question_id})
        elif isinstance(obj, Project):
            connection.execute(_PROJECT_DELETE, {"id": obj.id})
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, FaqEntry) and session.is_modified(obj):
            row = _faq_row(obj)
            connection.execute(_FAQ_DELETE, row)
            connection.execute(_FAQ_INSERT, row)
        elif isinstance(obj, Project) and session.is_modified(obj):
            row = _project_row(obj)
            connection.execute(_PROJECT_DELETE, row)
            connection.execute(_PROJECT_INSERT, row)


_POSTGRESQL_QUERIES = text(
    "SELECT CAST(plainto_tsquery('french', :words) AS text), "
    "replace(CAST(plainto_tsquery('french', :words) AS text), '&', '|')"
)


def postgresql_queries(session: Session, folded: str) -> tuple[str, str]:
    """The `tsquery` texts of folded words on PostgreSQL: (all the words, any of them), empty when no word is
    meaningful. Parsed once here, then passed as typed values: inside a prepared (generic) plan an expression
    would be parsed again for every row it filters."""
    row = session.execute(_POSTGRESQL_QUERIES, {"words": folded}).one()
    return str(row[0]), str(row[1])


def rebuild(connection: Connection) -> None:
    """Index every FAQ entry and project again (SQLite), after rows were written outside the ORM."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text("DELETE FROM faq_search"))
    connection.execute(text("DELETE FROM project_search"))
    faq = connection.execute(text("SELECT question_id, title, question, answer FROM faq_entries"))
    faq_rows = [{"id": i, "body": faq_body(t, q, a)} for i, t, q, a in faq]
    if faq_rows:
        connection.execute(_FAQ_INSERT, faq_rows)
    projects = connection.execute(
        text(
            "SELECT id, title, summary, services, planned_partners, objective, indicators, place, governance, "
            "portfolio FROM projects"
        )
    )
    project_rows = []
    for row in projects:
        services = row.services if isinstance(row.services, list) else _json_list(row.services)
        project_rows.append(
            {
                "id": row.id,
                "public": project_public(row.title, row.summary, services, row.planned_partners),
                "hallmarks": project_hallmarks(
                    row.objective, row.indicators, row.place, row.governance, row.portfolio
                ),
            }
        )
    if project_rows:
        connection.execute(_PROJECT_INSERT, project_rows)


def _json_list(value: object) -> list[str]:
    loaded = json.loads(str(value or "[]"))
    return [str(item) for item in loaded] if isinstance(loaded, list) else []
