"""participant merge recovery

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

issue 12, participants: merge, removal, recovery codes. Participants get a status and the
keyed hash of their recovery code, added in place (participants is a parent table: a table
copy on SQLite would cascade-delete its votes); the merge and removal records are new tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("recovery_hash", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_participant_recovery", "participants", ["workshop_id", "recovery_hash"], unique=True
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a constraint in place
        op.create_check_constraint(
            "ck_participant_status", "participants", "status IN ('active', 'merged', 'removed')"
        )

    op.create_table(
        "participant_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('merge', 'removal')", name="ck_participant_change_kind"),
        sa.CheckConstraint(
            "(kind = 'merge') = (kept_id IS NOT NULL)", name="ck_participant_change_kept"
        ),
        sa.ForeignKeyConstraint(["kept_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_participant_changes_workshop_id", "participant_changes", ["workshop_id"])
    op.create_index(
        "ix_participant_changes_participant_id", "participant_changes", ["participant_id"]
    )

    op.create_table(
        "participant_change_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("value_before", sa.Integer(), nullable=True),
        sa.Column("value_after", sa.Integer(), nullable=True),
        sa.Column("created_before", sa.DateTime(), nullable=True),
        sa.Column("updated_before", sa.DateTime(), nullable=True),
        sa.CheckConstraint("value_before IS NULL OR value_before >= 1", name="ck_pchange_before"),
        sa.CheckConstraint("value_after IS NULL OR value_after >= 1", name="ck_pchange_after"),
        sa.CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_pchange_some"
        ),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["change_id"], ["participant_changes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("change_id", "participant_id", "activity_id", name="uq_pchange_vote"),
    )
    op.create_index(
        "ix_participant_change_votes_change_id", "participant_change_votes", ["change_id"]
    )

    op.create_table(
        "participant_change_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('activity', 'comment', 'commitment', 'operation')", name="ck_pchange_move"
        ),
        sa.ForeignKeyConstraint(["change_id"], ["participant_changes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("change_id", "kind", "row_id", name="uq_pchange_move"),
    )
    op.create_index(
        "ix_participant_change_moves_change_id", "participant_change_moves", ["change_id"]
    )


def downgrade() -> None:
    op.drop_table("participant_change_moves")
    op.drop_table("participant_change_votes")
    op.drop_table("participant_changes")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_participant_status", "participants", type_="check")
    op.drop_index("uq_participant_recovery", table_name="participants")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("recovery_hash")
        batch_op.drop_column("status")
