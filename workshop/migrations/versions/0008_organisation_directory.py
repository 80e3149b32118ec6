"""organisation directory

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

issue 12, the organisation directory: organisations with their aliases, the merges of a spelling
onto an organisation (and what they moved, for the undo), commitments pointing at the directory.
Commitment keys are folded again with the directory's rule (Arabic letter variants and
punctuation too), except where that would join two commitments of one activity.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workshop.services.organisations import organisation_key

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("acronym", sa.String(length=20), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_ar", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_groups.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisations_workshop_id"), ["workshop_id"], unique=False
        )
    op.create_table(
        "organisation_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=360), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "kind IN ('acronym', 'fr', 'ar', 'en', 'alias')", name="ck_organisation_alias_kind"
        ),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workshop_id", "key", name="uq_organisation_alias_key"),
    )
    with op.batch_alter_table("organisation_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_aliases_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "organisation_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=360), nullable=False),
        sa.Column("alias_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["alias_id"], ["organisation_aliases.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisation_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_merges_workshop_id"), ["workshop_id"], unique=False
        )
    op.create_table(
        "organisation_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('commitment', 'removed')", name="ck_organisation_move_kind"),
        sa.ForeignKeyConstraint(["merge_id"], ["organisation_merges.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisation_moves", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_moves_merge_id"), ["merge_id"], unique=False
        )
    # commitments is no parent table: a batch copy of it on SQLite cascades nothing
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_commitments_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_commitments_organisation_id",
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _refold_commitments()


def _refold_commitments() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, activity_id, organisation, organisation_key FROM commitments")
    ).all()
    taken = {(r.activity_id, r.organisation_key) for r in rows}
    for row in rows:
        key = organisation_key(row.organisation)
        if key == row.organisation_key or (row.activity_id, key) in taken:
            continue  # unchanged, or it would merge two commitments: left to the facilitator
        conn.execute(
            sa.text("UPDATE commitments SET organisation_key = :k WHERE id = :i"),
            {"k": key, "i": row.id},
        )
        taken.discard((row.activity_id, row.organisation_key))
        taken.add((row.activity_id, key))


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_commitments_organisation_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_commitments_organisation_id"))
        batch_op.drop_column("organisation_id")
    for table, index in (
        ("organisation_moves", "ix_organisation_moves_merge_id"),
        ("organisation_merges", "ix_organisation_merges_workshop_id"),
        ("organisation_aliases", "ix_organisation_aliases_organisation_id"),
        ("organisations", "ix_organisations_workshop_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(index))
        op.drop_table(table)
