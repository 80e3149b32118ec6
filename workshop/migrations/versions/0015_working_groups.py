"""working groups

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

issue 14, working groups that roll up into the plenary: the groups (each with its phase,
countdown and table screen key), pre-votes, the plenary's ballot; participants, activities and
co-host links get their working group. Columns are added in place (participants, activities
and workshops are parent tables: a table copy on SQLite would cascade-delete their children).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the big screen's scenes before this revision (0007); this one adds 'rollup'
_SCENES = "'auto', 'join', 'proposals', 'results', 'comments', 'workplan'"

#: (table, column, ON DELETE) of the new references to working_groups
REFERENCES = (
    ("participants", "working_group_id", "SET NULL"),
    ("activities", "working_group_id", "SET NULL"),
    ("facilitator_links", "working_group_id", "CASCADE"),
)


def upgrade() -> None:
    op.create_table(
        "working_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Integer(),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("name_ar", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "track_id", sa.Integer(), sa.ForeignKey("tracks.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("timer_seconds", sa.Integer(), nullable=True),
        sa.Column("timer_ends_at", sa.DateTime(), nullable=True),
        sa.Column("timer_remaining_ms", sa.Integer(), nullable=True),
        sa.Column("screen_key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("workshop_id", "name", name="uq_working_group_name"),
        sa.CheckConstraint(
            "phase IN ('proposing', 'prevote', 'done')", name="ck_working_group_phase"
        ),
        sa.CheckConstraint(
            "timer_seconds IS NULL OR timer_seconds >= 1", name="ck_working_group_timer_seconds"
        ),
        sa.CheckConstraint(
            "timer_remaining_ms IS NULL OR timer_remaining_ms >= 0",
            name="ck_working_group_timer_remaining",
        ),
        sa.CheckConstraint(
            "timer_ends_at IS NULL OR timer_remaining_ms IS NULL",
            name="ck_working_group_timer_state",
        ),
    )
    op.create_index("ix_working_groups_workshop_id", "working_groups", ["workshop_id"])

    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, on_delete in REFERENCES:
        if sqlite:  # in place: SQLite adds a column with its REFERENCES clause, NULL by default
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                f"REFERENCES working_groups(id) ON DELETE {on_delete}"
            )
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(
                f"fk_{table}_{column}",
                table,
                "working_groups",
                [column],
                ["id"],
                ondelete=on_delete,
            )
        op.create_index(f"ix_{table}_{column}", table, [column])
    if sqlite:
        op.execute("ALTER TABLE activities ADD COLUMN to_plenary BOOLEAN NOT NULL DEFAULT 0")
        op.execute(
            "ALTER TABLE workshops ADD COLUMN working_group_choice BOOLEAN NOT NULL DEFAULT 1"
        )
    else:
        op.add_column(
            "activities",
            sa.Column("to_plenary", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
        op.add_column(
            "workshops",
            sa.Column(
                "working_group_choice", sa.Boolean(), nullable=False, server_default=sa.true()
            ),
        )

    op.create_table(
        "prevotes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "participant_id",
            sa.Integer(),
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "activity_id",
            sa.Integer(),
            sa.ForeignKey("activities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "working_group_id",
            sa.Integer(),
            sa.ForeignKey("working_groups.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("participant_id", "activity_id", name="uq_prevote_once"),
        sa.CheckConstraint("value >= 1", name="ck_prevote_positive"),
    )
    for column in ("participant_id", "activity_id", "working_group_id"):
        op.create_index(f"ix_prevotes_{column}", "prevotes", [column])

    op.create_table(
        "ballot_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Integer(),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "activity_id",
            sa.Integer(),
            sa.ForeignKey("activities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "working_group_id",
            sa.Integer(),
            sa.ForeignKey("working_groups.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prevote_rank", sa.Integer(), nullable=True),
        sa.Column("prevote_total", sa.Integer(), nullable=False),
        sa.Column("prevote_voters", sa.Integer(), nullable=False),
        sa.Column("marked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("workshop_id", "activity_id", name="uq_ballot_activity"),
    )
    op.create_index("ix_ballot_entries_workshop_id", "ballot_entries", ["workshop_id"])
    if not sqlite:  # the big screen's roll-up scene (SQLite has no CHECK on it since 0007)
        op.drop_constraint("ck_workshop_screen_scene", "workshops", type_="check")
        op.create_check_constraint(
            "ck_workshop_screen_scene", "workshops", f"screen_scene IN ({_SCENES}, 'rollup')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("UPDATE workshops SET screen_scene = 'auto' WHERE screen_scene = 'rollup'")
        op.drop_constraint("ck_workshop_screen_scene", "workshops", type_="check")
        op.create_check_constraint(
            "ck_workshop_screen_scene", "workshops", f"screen_scene IN ({_SCENES})"
        )
    op.drop_table("ballot_entries")
    op.drop_table("prevotes")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, _on_delete in REFERENCES:
        op.drop_index(f"ix_{table}_{column}", table)
        if not sqlite:
            op.drop_constraint(f"fk_{table}_{column}", table, type_="foreignkey")
        op.drop_column(table, column)  # SQLite 3.35+ drops a column in place
    op.drop_column("activities", "to_plenary")
    op.drop_column("workshops", "working_group_choice")
    op.drop_index("ix_working_groups_workshop_id", "working_groups")
    op.drop_table("working_groups")
