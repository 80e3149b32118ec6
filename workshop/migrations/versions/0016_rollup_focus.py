"""roll-up focus

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

issue 14, the rapporteur's view: the working group the big screen's roll-up scene shows while
its rapporteur speaks (NULL: every group, the pages turning). The column is added in place
(workshops is a parent table: a table copy on SQLite would cascade-delete its children).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_workshops_rollup_focus_group_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # in place: SQLite adds a column with its REFERENCES clause, NULL by default
        op.execute(
            "ALTER TABLE workshops ADD COLUMN rollup_focus_group_id INTEGER "
            "REFERENCES working_groups(id) ON DELETE SET NULL"
        )
    else:
        op.add_column("workshops", sa.Column("rollup_focus_group_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            _FK,
            "workshops",
            "working_groups",
            ["rollup_focus_group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_FK, "workshops", type_="foreignkey")
    op.drop_column("workshops", "rollup_focus_group_id")  # SQLite 3.35+ drops a column in place
