"""plan versions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Issue 13: the plan of the room frozen at closing (version 1) and the versions published after.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: nothing is copied, so no cascade can fire on SQLite.
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Integer(),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.UniqueConstraint("workshop_id", "number"),
        sa.CheckConstraint("number >= 1", name="plan_version_number_positive"),
    )


def downgrade() -> None:
    op.drop_table("plan_versions")
