"""Fresh app and database per test; factories for workshops and participants."""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tests.serverproc import CHROMIUM, CHROMIUM_ARGS
from workshop import create_app
from workshop.db import make_engine
from workshop.extensions import socketio
from workshop.models import Base

#: set to a PostgreSQL URL to run the whole suite against PostgreSQL
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
#: the servers of this machine, for the tests that need PostgreSQL or Redis themselves
POSTGRES_URL = os.environ.get(
    "ATELIER_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ATELIER_TEST_REDIS", "redis://127.0.0.1:6379/0")


def unavailable(what: str) -> None:
    """Skip loudly on a laptop without the server; fail in CI, where it must be there."""
    message = f"{what} is not available: this test needs it"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true)")
    pytest.skip(message)


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema on the shared server, dropped afterwards; yields a URL that uses it."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError:
        admin.dispose()
        unavailable(f"PostgreSQL at {base_url}")
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with postgres_schema(TEST_DATABASE_URL) as url:
        yield url


@pytest.fixture
def postgres_url():
    """A fresh schema on this machine's PostgreSQL, whatever database the suite runs on."""
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database_url(request, tmp_path):
    """The test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'any.sqlite3'}"
        return
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def redis_url():
    """This machine's Redis, and a key prefix / channel no other test run uses."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        unavailable(f"Redis at {REDIS_URL}")
    prefix = "atelier-test-" + uuid.uuid4().hex[:12]
    yield REDIS_URL, prefix
    for key in client.scan_iter(match=prefix + "*"):
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


@pytest.fixture(autouse=True)
def _alter_added_constraints_inline_again():
    """After a test: SQLAlchemy marks a constraint it added by ALTER TABLE (the use_alter foreign
    key of the workshops <-> working_groups cycle, on PostgreSQL) never to be written inline again
    (`AddConstraint(isolate_from_table=True)` sets its private `_create_rule`), so a SQLite
    database created later in the same process lacked it. A server uses one database; the
    PostgreSQL pass's process makes both (tests/test_migrations.py's [sqlite] cases)."""
    yield
    for table in Base.metadata.tables.values():
        for constraint in table.foreign_key_constraints:
            if constraint.use_alter:
                constraint._create_rule = None


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


def missing_server(what: str, error: Exception) -> None:
    """Skip loudly on a laptop without the server; fail when CI=true (see unavailable)."""
    unavailable(f"{what} ({error!r})")


@pytest.fixture
def redis_prefix(redis_url):
    """A Socket.IO channel and key prefix of its own on the real Redis (see redis_url)."""
    _url, prefix = redis_url
    return prefix


# -- the one headless Chromium of the session (tests/e2e, tests/browser) ---------------------


def _browser_missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}")
    pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")


@pytest.fixture(scope="session")
def playwright_instance():
    """Playwright's sync API, once per session: it cannot run two instances in one thread."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_missing("playwright is not installed (pip install -r requirements-dev.txt)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _browser_missing(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
