"""Alembic environment: run by `alembic` on the command line and by init_db() at start.

At start the app hands over its own connection (config.attributes["connection"]), so the
upgrade runs inside the transaction and the lock init_db() holds. On the command line the
database is DATABASE_URL, else the default instance/atelier.sqlite3.
"""

from alembic import context
from sqlalchemy import Connection

from workshop.models import Base

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    from pathlib import Path

    from workshop.config import load_config
    from workshop.db import make_engine

    url = (
        config.get_main_option("sqlalchemy.url")
        or load_config(Path(__file__).resolve().parents[2] / "instance")["DATABASE_URL"]
    )
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":  # see workshop.db.upgrade_database
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            run(conn)
            conn.commit()
            if conn.dialect.name == "sqlite":
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Atelier's migrations run online only: alembic upgrade head")
run_online()
