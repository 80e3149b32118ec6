"""Engine and session factory kept on the app; the handler owns the transaction."""

import logging
import sqlite3
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

log = logging.getLogger(__name__)
# alembic says "Context impl SQLiteImpl." at every start; upgrades are logged here instead
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: the revision whose schema equals what versions before migrations created with create_all
BASELINE = "0001"
#: any number, the same in every process: serialises schema upgrades on PostgreSQL
_UPGRADE_LOCK = 0x41_54_45_4C  # "ATEL"


#: SQLite: how long a transaction waits for the write lock before "database is locked"...
SQLITE_LOCK_WAIT = 30.0
#: ...in the driver's own busy wait, which blocks the whole process (every greenlet), at most
#: this long at a time; between tries the wait is `time.sleep`, which gevent makes cooperative
SQLITE_BUSY_MS = 20

#: SQLite in WAL mode: FULL syncs the log at every commit, so an acknowledged vote survives
#: a power cut; NORMAL may lose the last commits then (docs/security.md: what it costs)
SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")


def make_engine(url: str, *, synchronous: str = "FULL") -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, `synchronous` and BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not the driver, open transactions (see "begin" below).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            # Budgets are read-then-write rules: take the write lock before reading.
            begin_immediate(conn.connection.dbapi_connection)

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def begin_immediate(dbapi_conn, wait: float = SQLITE_LOCK_WAIT) -> None:
    """BEGIN IMMEDIATE, waiting for the write lock in short tries with cooperative sleeps.

    SQLite's busy handler sleeps inside the driver: under gevent that freezes the whole
    process, so the greenlet holding the lock (if it yielded, or runs in this process) could
    not finish, and every request waited the full timeout. Between short tries, `time.sleep`
    lets the other greenlets (the holder among them) run.
    """
    deadline = time.monotonic() + wait
    pause = 0.001
    while True:
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def watch_yields(engine: Engine, out=None) -> None:
    """Write a stack to `out` (stderr) whenever a greenlet switches away inside a transaction.

    Under gevent, a yield (emit, sleep, network) while holding SQLite's write lock stalls
    every other writer: `ATELIER_WATCH_YIELDS=1` turns this on (the browser tests do, and
    fail on what it writes). Costly: for diagnosis and tests only.
    """
    import greenlet

    holding: set = set()
    out = out or sys.stderr

    @event.listens_for(engine, "begin")
    def _began(_conn):
        holding.add(greenlet.getcurrent())

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(_conn):
        holding.discard(greenlet.getcurrent())

    def trace(kind, args):
        if kind in ("switch", "throw") and args[0] in holding and args[0].gr_frame is not None:
            stack = "".join(traceback.format_stack(args[0].gr_frame, limit=30))
            out.write(f"{YIELD_MARK}\n{stack}\n")

    greenlet.settrace(trace)


#: what watch_yields writes before each stack
YIELD_MARK = "yield inside a transaction:"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations, bound to `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade_database(engine: Engine) -> None:
    """Bring the schema to the newest revision, keeping every row.

    A fresh database is created at head in one step; one made before migrations existed is
    marked as the baseline revision, then upgraded. Processes starting together take turns
    (an advisory lock on PostgreSQL, the write lock of BEGIN IMMEDIATE on SQLite).
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with foreign keys
            # on, that DROP would cascade-delete every participant, activity and vote. The
            # pragma only takes effect outside a transaction, hence the raw connection.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                _upgrade(conn)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the upgrade left rows pointing at nothing; rolled back")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _upgrade(conn) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None and not inspect(conn).has_table("workshops"):
        Base.metadata.create_all(conn)
        MigrationContext.configure(conn).stamp(
            ScriptDirectory.from_config(alembic_config()), "head"
        )
        return
    if current == head_revision():
        return
    config = alembic_config(conn)
    if current is None:
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")
    log.info("database schema upgraded from %s to %s", current or "0", head_revision())


def init_db(app: Flask) -> None:
    """Attach an engine and a session factory to the app; upgrade the schema first."""
    synchronous = str(app.config.get("SQLITE_SYNCHRONOUS") or "FULL").upper()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"ATELIER_SQLITE_SYNCHRONOUS must be one of {SQLITE_SYNCHRONOUS}")
    engine = make_engine(app.config["DATABASE_URL"], synchronous=synchronous)
    if app.config.get("WATCH_YIELDS") and engine.dialect.name == "sqlite":
        watch_yields(engine)
    upgrade_database(engine)
    app.extensions["atelier.engine"] = engine
    app.extensions["atelier.sessions"] = sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(app: Flask | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close."""
    factory = (app or current_app).extensions["atelier.sessions"]
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
