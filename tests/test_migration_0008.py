"""Migration 0008 folds commitments' keys again with the directory's rule, losing nothing."""

from alembic import command
from sqlalchemy import text

from tests.test_migrations import NOW, fill_first_release, migrate
from workshop.db import BASELINE, alembic_config, make_engine

COMMITMENT = (
    "INSERT INTO commitments (id, workshop_id, activity_id, organisation, organisation_key,"
    " group_id, role, timeframe, note, status, made_by_id, created_at, updated_at)"
    " VALUES (:id, 7, :activity, :name, :key, NULL, 'lead', '', '', 'proposed', NULL, :now, :now)"
)


def upgrade(engine, revision: str) -> None:
    """As workshop.db.upgrade_database does, but to one revision: on SQLite, foreign keys off
    while tables are copied (else a copy of a parent table cascades)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            command.upgrade(alembic_config(conn), revision)
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def test_commitment_keys_are_folded_again_unless_two_would_meet(any_database_url):
    engine = make_engine(any_database_url)
    migrate(engine, BASELINE)
    fill_first_release(engine)
    upgrade(engine, "0007")
    rows = [
        # the fold before 0008 kept apostrophes and Arabic letter variants apart
        (1, 71, "Ministère de l'Emploi", "ministere de l'emploi"),
        (2, 71, "Ministere de l Emploi", "ministere de l emploi"),  # would meet the first
        (3, 72, "وزارة الإدماج", "وزارة الادماج"),
        (4, 72, "CGEM", "cgem"),
    ]
    with engine.begin() as conn:
        for id_, activity, name, key in rows:
            conn.execute(
                text(COMMITMENT),
                {"id": id_, "activity": activity, "name": name, "key": key, "now": NOW},
            )
    upgrade(engine, "0008")
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT id, organisation_key FROM commitments")).all())
        linked = (
            conn.execute(text("SELECT organisation_id FROM commitments ORDER BY id"))
            .scalars()
            .all()
        )
    assert keys == {
        1: "ministere de l'emploi",  # left: the facilitator merges the two if they are one
        2: "ministere de l emploi",
        3: "وزاره الادماج",
        4: "cgem",
    }
    assert linked == [None] * 4
    engine.dispose()
