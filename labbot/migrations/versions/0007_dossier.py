"""The dossier path: indicators and their measures, the funding plan and co-funding, frozen dossier
versions, and the decision on a project (award, window start, reason).

Revision ID: 0007_dossier
Revises: 0006_i11_invitations
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_dossier"
down_revision: str | None = "0006_i11_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _project_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["project_id"], ["projects.id"], name=op.f(f"fk_{table}_project_id_projects"), ondelete="CASCADE"
    )


def _person_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["people.id"], name=op.f(f"fk_{table}_{column}_people"), ondelete="SET NULL"
    )


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("award_cents", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("award_starts_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("baseline", sa.String(40), nullable=True),
        sa.Column("target", sa.String(40), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _project_fk("indicators"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_indicators_project_id")),
    )
    op.create_table(
        "indicator_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(40), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_measures_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        _person_fk("indicator_measures", "recorded_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_measures")),
    )
    op.create_index("ix_indicator_measures_indicator", "indicator_measures", ["indicator_id", "measured_on", "id"])
    op.create_table(
        "plan_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("category", sa.String(3), nullable=True),
        sa.Column("minutes", sa.BigInteger(), nullable=True),
        sa.Column("rate_cents", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _project_fk("plan_lines"),
        _person_fk("plan_lines", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_lines")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_plan_lines_project_id")),
    )
    op.create_table(
        "cofundings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(200), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _project_fk("cofundings"),
        _person_fk("cofundings", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cofundings")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_cofundings_project_id")),
    )
    op.create_table(
        "dossier_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("odt", sa.LargeBinary(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _project_fk("dossier_versions"),
        _person_fk("dossier_versions", "filed_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_versions")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_dossier_versions_project_id")),
    )


def downgrade() -> None:
    op.drop_table("dossier_versions")
    op.drop_table("cofundings")
    op.drop_table("plan_lines")
    op.drop_index("ix_indicator_measures_indicator", table_name="indicator_measures")
    op.drop_table("indicator_measures")
    op.drop_table("indicators")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("decision_reason")
        batch.drop_column("award_starts_on")
        batch.drop_column("award_cents")
