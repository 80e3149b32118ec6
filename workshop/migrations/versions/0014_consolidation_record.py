"""consolidation record

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

issue 13, consolidation as a first-class record: a consolidation's published versions and
its public page's key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables only: nothing is copied, so no cascade can fire on SQLite.
    op.create_table(
        "consolidation_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "consolidation_id",
            sa.Integer(),
            sa.ForeignKey("consolidations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.UniqueConstraint("consolidation_id", "number", name="uq_consolidation_version"),
        sa.CheckConstraint("number >= 1", name="ck_consolidation_version_number"),
    )
    op.create_index(
        "ix_consolidation_versions_consolidation_id",
        "consolidation_versions",
        ["consolidation_id"],
    )
    op.create_table(
        "consolidation_pages",
        sa.Column(
            "consolidation_id",
            sa.Integer(),
            sa.ForeignKey("consolidations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("consolidation_pages")
    op.drop_index("ix_consolidation_versions_consolidation_id", "consolidation_versions")
    op.drop_table("consolidation_versions")
