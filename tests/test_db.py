"""The SQLite engine's settings: what docs/security.md promises about a power cut."""

import pytest
from sqlalchemy import text

from workshop import create_app

#: SQLite's numbers for PRAGMA synchronous
FULL, NORMAL = 2, 1


def synchronous(app) -> int:
    with app.extensions["atelier.engine"].connect() as conn:
        return conn.execute(text("PRAGMA synchronous")).scalar()


def test_sqlite_syncs_every_commit_by_default(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "TESTING": True})
    try:
        assert synchronous(app) == FULL
        with app.extensions["atelier.engine"].connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        app.extensions["atelier.engine"].dispose()


def test_normal_is_a_choice_and_a_typo_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SQLITE_SYNCHRONOUS": "normal"})
    try:
        assert synchronous(app) == NORMAL
    finally:
        app.extensions["atelier.engine"].dispose()
    with pytest.raises(ValueError, match="ATELIER_SQLITE_SYNCHRONOUS"):
        create_app({"DATABASE_URL": url, "TESTING": True, "SQLITE_SYNCHRONOUS": "OFF"})
