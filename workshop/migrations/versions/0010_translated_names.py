"""translated names

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

issue 12, words in the room's languages: stakeholder group and track names, activity titles
and descriptions in French, Arabic and English beside the original (one column per language;
"" where none was given).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANGUAGES = ("fr", "ar", "en")
#: (table, field, type): the text columns that get one translation column per language
_COLUMNS = (
    ("stakeholder_groups", "name", sa.String(length=80)),
    ("tracks", "name", sa.String(length=80)),
    ("activities", "title", sa.String(length=120)),
    ("activities", "description", sa.Text()),
)


def upgrade() -> None:
    # Columns only, with a default: SQLite adds them in place (no copy of the parent tables,
    # so no cascade on the copy) and every existing row reads "no translation".
    for table in dict.fromkeys(t for t, _f, _type in _COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, field, kind in _COLUMNS:
                if name != table:
                    continue
                for language in LANGUAGES:
                    batch_op.add_column(
                        sa.Column(f"{field}_{language}", kind, nullable=False, server_default="")
                    )


def downgrade() -> None:
    for table in dict.fromkeys(t for t, _f, _type in _COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, field, _kind in reversed(_COLUMNS):
                if name != table:
                    continue
                for language in reversed(LANGUAGES):
                    batch_op.drop_column(f"{field}_{language}")
