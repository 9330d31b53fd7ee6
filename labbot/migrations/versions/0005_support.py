"""SGMAP's support: questions, the FAQ, support requests, and French full-text search of the FAQ and projects.

PostgreSQL: generated `tsvector` columns in the `french` configuration over accent-folded text, GIN-indexed, so
every change is indexed in its own statement. SQLite: FTS5 tables with an accent-removing tokenizer, holding
French stems computed by labbot.search (kept in step by labbot.storage.search_index in the same transaction).

Revision ID: 0005_support
Revises: 0004_ledger
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_support"
down_revision: str | None = "0004_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the generated columns must keep the definition they were created with.
_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"


def _folded_vector(expression: str) -> str:
    # As labbot.search folds words: no accents, no final plural s or x, then the `french` stemmer.
    folded = f"translate(lower({expression}), '{_ACCENTED}', '{_PLAIN}')"
    return f"to_tsvector('french', regexp_replace({folded}, '(\\w{{3,}})[sx]\\M', '\\1', 'g'))"


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["people.id"], name=op.f("fk_questions_asker_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_questions_project_id_projects"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["people.id"], name=op.f("fk_questions_answered_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_index("ix_questions_state_created", "questions", ["state", "created_at"])
    op.create_index(op.f("ix_questions_asker_id"), "questions", ["asker_id"])
    op.create_table(
        "faq_entries",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_faq_entries_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["people.id"],
            name=op.f("fk_faq_entries_published_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_faq_entries")),
    )
    op.create_table(
        "support_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("need", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_support_requests_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["people.id"],
            name=op.f("fk_support_requests_requested_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["people.id"], name=op.f("fk_support_requests_handler_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_requests")),
    )
    op.create_index("ix_support_requests_status_moved", "support_requests", ["status", "moved_at"])
    op.create_index(op.f("ix_support_requests_project_id"), "support_requests", ["project_id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_search()
    else:
        _sqlite_search()


def _postgresql_search() -> None:
    faq = _folded_vector("title || ' ' || question || ' ' || answer")
    op.execute(f"ALTER TABLE faq_entries ADD COLUMN search tsvector GENERATED ALWAYS AS ({faq}) STORED")
    op.execute("CREATE INDEX ix_faq_entries_search ON faq_entries USING gin (search)")
    # What every agent sees on a project's card, and the hallmarks its team and coordinators also search.
    public = _folded_vector("title || ' ' || summary || ' ' || services::text || ' ' || planned_partners")
    hallmarks = _folded_vector(
        "objective || ' ' || indicators || ' ' || place || ' ' || governance || ' ' || portfolio"
    )
    op.execute(f"ALTER TABLE projects ADD COLUMN search_public tsvector GENERATED ALWAYS AS ({public}) STORED")
    op.execute(
        f"ALTER TABLE projects ADD COLUMN search_hallmarks tsvector GENERATED ALWAYS AS ({hallmarks}) STORED"
    )
    op.execute("CREATE INDEX ix_projects_search_public ON projects USING gin (search_public)")
    op.execute("CREATE INDEX ix_projects_search_hallmarks ON projects USING gin (search_hallmarks)")


def _sqlite_search() -> None:
    tokenizer = "tokenize = 'unicode61 remove_diacritics 2'"
    op.execute(f"CREATE VIRTUAL TABLE faq_search USING fts5(body, {tokenizer})")
    op.execute(f"CREATE VIRTUAL TABLE project_search USING fts5(public, hallmarks, {tokenizer})")
    # Rows already there are indexed once here; from now on every flush keeps the tables in step.
    from labbot.storage import search_index  # noqa: PLC0415 - the stemmer lives in the application

    search_index.rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE projects DROP COLUMN search_hallmarks")
        op.execute("ALTER TABLE projects DROP COLUMN search_public")
    else:
        op.execute("DROP TABLE project_search")
        op.execute("DROP TABLE faq_search")
    op.drop_table("support_requests")
    op.drop_table("faq_entries")
    op.drop_table("questions")
