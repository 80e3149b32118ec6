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


@pytest.fixture
def database_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    # One schema per test on the shared server: fresh, and dropped afterwards.
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


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
