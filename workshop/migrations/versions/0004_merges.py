"""merges

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Merging activities (issue 6): merge records kept for undo, activities.merged_into_id, and the
'merged' status.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["target_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merges_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "merge_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("status_before", sa.String(length=16), nullable=False),
        sa.CheckConstraint("status_before IN ('visible', 'hidden')", name="ck_merge_source_status"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merge_id"], ["merges.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("merge_id", "activity_id", name="uq_merge_source"),
    )
    with op.batch_alter_table("merge_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_sources_merge_id"), ["merge_id"], unique=False)

    op.create_table(
        "merge_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("value_before", sa.Integer(), nullable=True),
        sa.Column("value_after", sa.Integer(), nullable=True),
        sa.Column("created_before", sa.DateTime(), nullable=True),
        sa.Column("updated_before", sa.DateTime(), nullable=True),
        sa.CheckConstraint("value_after IS NULL OR value_after >= 1", name="ck_merge_vote_after"),
        sa.CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_merge_vote_some"
        ),
        sa.CheckConstraint(
            "value_before IS NULL OR value_before >= 1", name="ck_merge_vote_before"
        ),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merge_id"], ["merges.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("merge_id", "participant_id", "activity_id", name="uq_merge_vote"),
    )
    with op.batch_alter_table("merge_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_votes_merge_id"), ["merge_id"], unique=False)

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_activities_merged_into_id",
            "activities",
            ["merged_into_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint("ck_activity_status", type_="check")
        batch_op.create_check_constraint(
            "ck_activity_status", "status IN ('visible', 'hidden', 'merged')"
        )
        batch_op.create_check_constraint(
            "ck_activity_merged", "(status = 'merged') = (merged_into_id IS NOT NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint("ck_activity_merged", type_="check")
        batch_op.drop_constraint("ck_activity_status", type_="check")
        batch_op.create_check_constraint("ck_activity_status", "status IN ('visible', 'hidden')")
        batch_op.drop_constraint("fk_activities_merged_into_id", type_="foreignkey")
        batch_op.drop_column("merged_into_id")

    with op.batch_alter_table("merge_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_votes_merge_id"))

    op.drop_table("merge_votes")
    with op.batch_alter_table("merge_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_sources_merge_id"))

    op.drop_table("merge_sources")
    with op.batch_alter_table("merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merges_workshop_id"))

    op.drop_table("merges")
