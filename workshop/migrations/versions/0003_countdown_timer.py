"""countdown timer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

The facilitator's countdown (issue 3): three nullable columns and their checks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timer_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("timer_ends_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("timer_remaining_ms", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "ck_workshop_timer_seconds", "timer_seconds IS NULL OR timer_seconds >= 1"
        )
        batch_op.create_check_constraint(
            "ck_workshop_timer_remaining", "timer_remaining_ms IS NULL OR timer_remaining_ms >= 0"
        )
        batch_op.create_check_constraint(
            "ck_workshop_timer_state", "timer_ends_at IS NULL OR timer_remaining_ms IS NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_constraint("ck_workshop_timer_state", type_="check")
        batch_op.drop_constraint("ck_workshop_timer_remaining", type_="check")
        batch_op.drop_constraint("ck_workshop_timer_seconds", type_="check")
        batch_op.drop_column("timer_remaining_ms")
        batch_op.drop_column("timer_ends_at")
        batch_op.drop_column("timer_seconds")
