"""screen scene and session details

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

What the big screen shows (one scene at a time, issue 11) and what the printed report says of
the session: its date, venue and time zone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCENES = "'auto', 'join', 'proposals', 'results', 'comments', 'workplan'"


def upgrade() -> None:
    # Columns only: SQLite adds them in place (no table copy, so no cascade on the copy).
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("screen_scene", sa.String(length=16), nullable=False, server_default="auto")
        )
        batch_op.add_column(sa.Column("session_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("venue", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "time_zone",
                sa.String(length=64),
                nullable=False,
                server_default="Africa/Casablanca",
            )
        )
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a constraint in place
        op.create_check_constraint(
            "ck_workshop_screen_scene", "workshops", f"screen_scene IN ({_SCENES})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_workshop_screen_scene", "workshops", type_="check")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
        batch_op.drop_column("venue")
        batch_op.drop_column("session_date")
        batch_op.drop_column("screen_scene")
