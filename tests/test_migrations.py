"""Alembic migrations: an older database keeps its data; models and migrations never drift."""

from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from workshop import create_app
from workshop.db import BASELINE, alembic_config, head_revision, make_engine, upgrade_database
from workshop.models import Base

NOW = datetime(2026, 11, 30, 9, 0, 0)


def migrate(engine, revision: str) -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def drift(engine) -> list:
    with engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        if conn.dialect.name == "sqlite":
            found = _without_inline_references(conn, found)
        return found


def _fk_signature(fk) -> tuple:
    return fk.table.name, tuple(c.name for c in fk.columns), fk.elements[0].target_fullname


def _without_inline_references(conn, found: list) -> list:
    """SQLAlchemy reads ON DELETE from a table's `FOREIGN KEY` clauses only, not from the
    `REFERENCES` of a column SQLite added in place (migration 0015): such a pair of
    remove_fk/add_fk is no drift when SQLite's own PRAGMA gives the model's ON DELETE."""
    added = {_fk_signature(d[1]): d[1] for d in found if isinstance(d, tuple) and d[0] == "add_fk"}
    kept, same = [], set()
    for d in found:
        if isinstance(d, tuple) and d[0] == "remove_fk" and _fk_signature(d[1]) in added:
            table, (column,), target = _fk_signature(d[1])
            model = added[_fk_signature(d[1])]
            rows = conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})").mappings().all()
            actual = {(r["from"], f"{r['table']}.{r['to']}"): r["on_delete"] for r in rows}
            if actual.get((column, target)) == (model.ondelete or "NO ACTION"):
                same.add(_fk_signature(d[1]))
                continue
        kept.append(d)
    return [
        d
        for d in kept
        if not (isinstance(d, tuple) and d[0] == "add_fk" and _fk_signature(d[1]) in same)
    ]


def fill_first_release(engine) -> None:
    """What the first release wrote: one workshop in the voting phase, two votes."""
    rows = [
        (
            "INSERT INTO workshops (id, code, title, description, language, phase, voting_mode,"
            " budget, per_activity_cap, live_results, show_group_split, facilitator_token_hash,"
            " screen_key, version, created_at) VALUES (7, 'ABC234', 'Atelier de Rabat', '',"
            " 'fr', 'voting', 'dots', 5, 3, :t, :t, :fth, 'screen-key', 4, :now)"
        ),
        "INSERT INTO stakeholder_groups (id, workshop_id, name, position)"
        " VALUES (70, 7, 'Gouvernement', 0)",
        "INSERT INTO participants (id, workshop_id, token_hash, public_id, display_name,"
        " organisation, group_id, language, joined_at) VALUES (700, 7, :pth, 'P-AAAAAA',"
        " 'Amina', 'Ministère du Travail', 70, 'fr', :now)",
        "INSERT INTO activities (id, workshop_id, title, description, track_id, proposed_by_id,"
        " status, created_at, updated_at) VALUES (71, 7, 'Former les inspecteurs', '', NULL,"
        " 700, 'visible', :now, :now)",
        "INSERT INTO activities (id, workshop_id, title, description, track_id, proposed_by_id,"
        " status, created_at, updated_at) VALUES (72, 7, 'Observatoire', '', NULL, NULL,"
        " 'visible', :now, :now)",
        "INSERT INTO votes (participant_id, activity_id, value, created_at, updated_at)"
        " VALUES (700, 71, 3, :now, :now)",
        "INSERT INTO votes (participant_id, activity_id, value, created_at, updated_at)"
        " VALUES (700, 72, 2, :now, :now)",
        "INSERT INTO operations (workshop_id, actor, op_id, kind, result, created_at)"
        " VALUES (7, 'p700', 'op-1', 'cast_vote', '{\"ok\": true}', :now)",
    ]
    from workshop.services.tokens import hash_token

    params = {
        "t": True,
        "now": NOW,
        "fth": hash_token("owner-token-xyz"),
        "pth": hash_token("p" * 32),
    }
    with engine.begin() as conn:
        for sql in rows:
            conn.execute(text(sql), params)


def check_kept(database_url) -> None:
    """The upgraded database serves the old workshop, its votes and its op_ids."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "k",
            "HOST_KEY": "h",
            "SOCKETIO_ASYNC_MODE": "threading",
            "BROADCAST_WINDOW": 0,
        }
    )
    try:
        client = app.test_client()
        auth = {"Authorization": "Bearer owner-token-xyz"}
        state = client.get("/api/workshops/ABC234", headers=auth).get_json()
        assert state["title"] == "Atelier de Rabat" and state["phase"] == "voting"
        assert [a["title"] for a in state["activities"]] == [
            "Former les inspecteurs",
            "Observatoire",
        ]
        results = client.get("/api/workshops/ABC234/results", headers=auth).get_json()
        assert {r["activity_id"]: r["total"] for r in results["activities"]} == {71: 3, 72: 2}
        me = client.get("/api/workshops/ABC234/me", headers={"Authorization": "Bearer " + "p" * 32})
        assert me.get_json()["left"] == 0
        # the new features work on the old workshop
        made = client.post("/api/workshops/ABC234/cohosts", json={"label": "Co"}, headers=auth)
        assert made.status_code == 201, made.get_json()
        engine = app.extensions["atelier.engine"]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT op_id FROM operations")).scalars().all() == ["op-1"]
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
    finally:
        app.extensions["atelier.engine"].dispose()


def test_upgrading_a_first_release_database_keeps_workshops_and_votes(any_database_url):
    engine = make_engine(any_database_url)
    migrate(engine, BASELINE)
    fill_first_release(engine)
    engine.dispose()
    check_kept(any_database_url)


def test_a_database_from_before_migrations_is_adopted_then_upgraded(any_database_url):
    # The first release had no alembic_version table: create_all made its schema.
    engine = make_engine(any_database_url)
    migrate(engine, BASELINE)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    fill_first_release(engine)
    engine.dispose()
    check_kept(any_database_url)


def test_migrations_and_models_do_not_drift(any_database_url):
    """CI fails here when a model changes without a migration (alembic autogenerate)."""
    engine = make_engine(any_database_url)
    migrate(engine, "head")
    try:
        assert drift(engine) == [], (
            "the models differ from the migrations: add a revision (docs/migrations.md)"
        )
    finally:
        engine.dispose()


def test_a_fresh_database_is_created_at_head_like_the_migrations_make_it(any_database_url):
    engine = make_engine(any_database_url)
    upgrade_database(engine)
    upgrade_database(engine)  # a second start changes nothing
    try:
        assert drift(engine) == []
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
    finally:
        engine.dispose()


def test_every_revision_downgrades_and_upgrades_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}")
    migrate(engine, "head")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    migrate(engine, "head")
    assert drift(engine) == []
    engine.dispose()
