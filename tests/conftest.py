"""Fresh app and database per test; factories for workshops and participants."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from workshop import create_app
from workshop.db import make_engine
from workshop.extensions import socketio
from workshop.models import Base

#: set to a PostgreSQL URL to run the whole suite against PostgreSQL
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
#: the servers the scale-out tests use (always, whatever TEST_DATABASE_URL says)
POSTGRES_URL = os.environ.get(
    "ATELIER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ATELIER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def missing_server(what: str, error: Exception) -> None:
    """Skip loudly on a laptop without the server; in CI (CI=true) a missing server fails."""
    reason = f"{what} is not reachable ({error!r}): start it, or this test proves nothing"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


def _schema_url(base: str):
    """A fresh schema on the PostgreSQL server: (its URL, a function that drops it)."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


@pytest.fixture
def database_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    # One schema per test on the shared server: fresh, and dropped afterwards.
    url, drop = _schema_url(TEST_DATABASE_URL)
    yield url
    drop()


@pytest.fixture
def postgres_url():
    """A fresh schema on the real PostgreSQL server, for the scale-out tests."""
    try:
        url, drop = _schema_url(POSTGRES_URL)
    except Exception as error:  # noqa: BLE001 - any failure to reach it
        missing_server(f"PostgreSQL at {POSTGRES_URL}", error)
    yield url
    drop()


@pytest.fixture
def redis_prefix():
    """A Socket.IO channel and key prefix of its own on the real Redis; its keys are removed."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001
        missing_server(f"Redis at {REDIS_URL}", error)
    prefix = f"atelier-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"{prefix}:*"):  # ours only: never a flush
        client.delete(key)
    client.close()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "HOST_KEY": "test-host-key",
            "SOCKETIO_ASYNC_MODE": "threading",
            "BROADCAST_WINDOW": 0,
            "PUBLIC_URL": "http://atelier.test",
        }
    )
    yield app
    app.extensions["atelier.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(database_url):
    """A Session on a fresh database, for service tests (no Flask)."""
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    session = sessionmaker(engine, expire_on_commit=False)()
    yield session
    session.close()
    engine.dispose()


@pytest.fixture
def make_workshop(client):
    """Create a workshop over the API; returns its creation payload plus auth headers."""

    def _make(**overrides):
        body = {
            "title": "Atelier de programmation",
            "groups": ["Gouvernement", "Employeurs", "Travailleurs"],
            "tracks": ["Emploi", "Compétences"],
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
        }
        body.update(overrides)
        response = client.post("/api/workshops", json=body)
        assert response.status_code == 201, response.get_json()
        data = response.get_json()
        data["auth"] = {"Authorization": f"Bearer {data['facilitator_token']}"}
        return data

    return _make


@pytest.fixture
def join(client):
    """Join a workshop over the API; returns the participant's token."""

    def _join(code, group="Gouvernement", organisation="MIEPEEC", name=""):
        response = client.post(
            f"/api/workshops/{code}/participants",
            json={"name": name, "organisation": organisation, "group": group},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["participant_token"]

    return _join


@pytest.fixture
def socket_client(app, client):
    """Connect a Socket.IO test client with the given auth."""
    made = []

    def _connect(auth=None, flask_client=None):
        sio = socketio.test_client(app, flask_test_client=flask_client or client, auth=auth)
        made.append(sio)
        return sio

    yield _connect
    for sio in made:
        if sio.is_connected():
            sio.disconnect()


__all__ = ["Session"]
