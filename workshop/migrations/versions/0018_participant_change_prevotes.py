"""participant change prevotes

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

A participant merge combines the tables' pre-votes as it combines votes: what each merge
changed, for its undo (participant_change_prevotes, as participant_change_votes for votes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "participant_change_prevotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("working_group_id", sa.Integer(), nullable=False),
        sa.Column("value_before", sa.Integer(), nullable=True),
        sa.Column("value_after", sa.Integer(), nullable=True),
        sa.Column("created_before", sa.DateTime(), nullable=True),
        sa.Column("updated_before", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "value_before IS NULL OR value_before >= 1", name="ck_pchange_prevote_before"
        ),
        sa.CheckConstraint(
            "value_after IS NULL OR value_after >= 1", name="ck_pchange_prevote_after"
        ),
        sa.CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_pchange_prevote_some"
        ),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["change_id"], ["participant_changes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["working_group_id"], ["working_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "change_id", "participant_id", "activity_id", name="uq_pchange_prevote"
        ),
    )
    with op.batch_alter_table("participant_change_prevotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_change_prevotes_change_id"), ["change_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("participant_change_prevotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_change_prevotes_change_id"))
    op.drop_table("participant_change_prevotes")
