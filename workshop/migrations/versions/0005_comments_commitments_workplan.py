"""comments commitments workplan

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Comments, commitments, retained activities, consolidations (issue 7), and three display
toggles on workshops (false for existing rows).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consolidations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "consolidation_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consolidation_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(workshop_id IS NULL) <> (document IS NULL)", name="ck_source_local_or_imported"
        ),
        sa.ForeignKeyConstraint(["consolidation_id"], ["consolidations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consolidation_id", "workshop_id", name="uq_source_workshop"),
    )
    with op.batch_alter_table("consolidation_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consolidation_sources_consolidation_id"),
            ["consolidation_id"],
            unique=False,
        )

    op.create_table(
        "consolidation_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consolidation_id", sa.Integer(), nullable=False),
        sa.Column("left_source_id", sa.Integer(), nullable=False),
        sa.Column("left_activity", sa.Integer(), nullable=False),
        sa.Column("right_source_id", sa.Integer(), nullable=False),
        sa.Column("right_activity", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'rejected')", name="ck_link_decision"),
        sa.CheckConstraint("left_source_id < right_source_id", name="ck_link_order"),
        sa.ForeignKeyConstraint(["consolidation_id"], ["consolidations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["left_source_id"], ["consolidation_sources.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["right_source_id"], ["consolidation_sources.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "consolidation_id",
            "left_source_id",
            "left_activity",
            "right_source_id",
            "right_activity",
            name="uq_consolidation_link",
        ),
    )
    with op.batch_alter_table("consolidation_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consolidation_links_consolidation_id"),
            ["consolidation_id"],
            unique=False,
        )

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('visible', 'hidden')", name="ck_comment_status"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_comments_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_comments_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("organisation_key", sa.String(length=360), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("timeframe", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=280), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'co_lead', 'partner', 'support')", name="ck_commitment_role"
        ),
        sa.CheckConstraint("status IN ('proposed', 'confirmed')", name="ck_commitment_status"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_groups.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["made_by_id"], ["participants.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("activity_id", "organisation_key", name="uq_commitment_organisation"),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitments_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitments_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "retained_activities",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("activity_id"),
    )
    with op.batch_alter_table("retained_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retained_activities_workshop_id"), ["workshop_id"], unique=False
        )

    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("commitments_open", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("show_comments", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("show_workplan", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("show_workplan")
        batch_op.drop_column("show_comments")
        batch_op.drop_column("commitments_open")

    with op.batch_alter_table("retained_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retained_activities_workshop_id"))

    op.drop_table("retained_activities")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_activity_id"))

    op.drop_table("commitments")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_comments_participant_id"))
        batch_op.drop_index(batch_op.f("ix_comments_activity_id"))

    op.drop_table("comments")
    with op.batch_alter_table("consolidation_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consolidation_links_consolidation_id"))

    op.drop_table("consolidation_links")
    with op.batch_alter_table("consolidation_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consolidation_sources_consolidation_id"))

    op.drop_table("consolidation_sources")
    op.drop_table("consolidations")
