"""follow up links

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Issue 13, follow-up by organisation: commitments get a contact and a budget/resources field,
added in place (no table copy on SQLite: nothing can cascade);
the follow-up links and the changes sent through them are new tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("resources", sa.String(length=280), nullable=False, server_default="")
        )

    op.create_table(
        "follow_up_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("organisation_key", sa.String(length=360), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_follow_up_links_workshop_id", "follow_up_links", ["workshop_id"])

    op.create_table(
        "follow_up_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("activity_title", sa.String(length=120), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=280), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('confirm', 'amend', 'withdraw', 'propose')", name="ck_follow_up_kind"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected', 'superseded')",
            name="ck_follow_up_status",
        ),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="ck_follow_up_decided"
        ),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["link_id"], ["follow_up_links.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_up_changes_workshop_id", "follow_up_changes", ["workshop_id"])
    op.create_index("ix_follow_up_changes_link_id", "follow_up_changes", ["link_id"])


def downgrade() -> None:
    op.drop_table("follow_up_changes")
    op.drop_table("follow_up_links")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_column("resources")
        batch_op.drop_column("contact")
