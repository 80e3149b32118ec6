"""outcome page

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Issue 13: the public outcome page of a workshop, its key and what the facilitator made public.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: nothing is copied, so no cascade can fire on SQLite.
    op.create_table(
        "outcome_pages",
        sa.Column(
            "workshop_id",
            sa.Integer(),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("show_results", sa.Boolean(), nullable=False),
        sa.Column("show_workplan", sa.Boolean(), nullable=False),
        sa.Column("show_comments", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('auto', 'published', 'unpublished')", name="ck_outcome_state"
        ),
    )


def downgrade() -> None:
    op.drop_table("outcome_pages")
