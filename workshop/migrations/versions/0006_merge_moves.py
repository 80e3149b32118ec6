"""merge moves

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Comments and commitments follow a merge (issue 6 x issue 7): what each merge moved, for its undo.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "merge_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("from_activity_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('comment', 'commitment')", name="ck_merge_move_kind"),
        sa.ForeignKeyConstraint(["from_activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merge_id"], ["merges.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("merge_id", "kind", "row_id", name="uq_merge_move"),
    )
    with op.batch_alter_table("merge_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_moves_merge_id"), ["merge_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("merge_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_moves_merge_id"))

    op.drop_table("merge_moves")
