"""Defaults, overridden by environment variables, overridden by create_app(config)."""

import os
import secrets
from pathlib import Path

from .models import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _list(name: str) -> list[str] | None:
    raw = os.environ.get(name, "")
    items = [item.strip().rstrip("/") for item in raw.split(",") if item.strip()]
    return items or None


def load_config(instance_path: Path) -> dict:
    """Return the configuration read from the environment, with defaults."""
    return {
        # A random key per start would log every phone out at a restart: keep it in instance/.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(instance_path, "secret_key"),
        "HOST_KEY": os.environ.get("ATELIER_HOST_KEY")
        or _instance_secret(instance_path, "host_key"),
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'atelier.sqlite3'}",
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        #: Socket.IO channel on Redis, also the prefix of the keys the broadcaster keeps there
        "REDIS_CHANNEL": os.environ.get("ATELIER_REDIS_CHANNEL") or "atelier",
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None,
        "SOCKETIO_ASYNC_MODE": os.environ.get("ATELIER_ASYNC_MODE", "gevent"),
        #: seconds between two snapshots to the screens and consoles of a workshop; the first
        #: one after a quiet spell goes at once (docs/performance.md: why 0.1)
        "BROADCAST_WINDOW": _float("ATELIER_BROADCAST_WINDOW", 0.1),
        #: seconds between two snapshots to a room of phones (the costly audience): the big
        #: screen follows a burst every BROADCAST_WINDOW, phones at most once per this
        "PHONES_WINDOW": _float("ATELIER_PHONES_WINDOW", 0.5),
        #: seconds the first vote of a batch waits for others to write them together
        "BATCH_WAIT": _float("ATELIER_BATCH_WAIT", 0.0),
        #: SQLite only: FULL (an acknowledged vote survives a power cut) or NORMAL (faster
        #: commits, the last ones may be lost on a power cut; never on a crash of the process)
        "SQLITE_SYNCHRONOUS": os.environ.get("ATELIER_SQLITE_SYNCHRONOUS", "FULL"),
        #: SQLite only, for diagnosis and tests: log every yield inside a transaction (db.py)
        "WATCH_YIELDS": os.environ.get("ATELIER_WATCH_YIELDS") == "1",
        "MAX_CONTENT_LENGTH": _int("ATELIER_MAX_REQUEST_BYTES", 1024 * 1024),
        "MAX_PARTICIPANTS": _int("ATELIER_MAX_PARTICIPANTS", 2000),
        #: origins allowed to open a Socket.IO connection besides the page's own (comma list)
        "SOCKETIO_ALLOWED_ORIGINS": _list("ATELIER_ALLOWED_ORIGINS"),
        #: how many reverse proxies stand in front (their X-Forwarded-For is then trusted)
        "PROXY_COUNT": _int("ATELIER_PROXY_COUNT", 0),
        #: rate limits, COUNT/SECONDS ("off" to disable), per workshop
        "RATE_JOIN_ADDRESS": os.environ.get("ATELIER_RATE_JOIN_ADDRESS", "120/60"),
        "RATE_JOIN_PARTICIPANT": os.environ.get("ATELIER_RATE_JOIN_PARTICIPANT", "10/60"),
        "RATE_PROPOSE_PARTICIPANT": os.environ.get("ATELIER_RATE_PROPOSE_PARTICIPANT", "10/60"),
        "RATE_PROPOSE_ADDRESS": os.environ.get("ATELIER_RATE_PROPOSE_ADDRESS", "120/60"),
        "RATE_PIN": os.environ.get("ATELIER_RATE_PIN", "5/900"),
        #: wrong recovery codes: per address, and for the whole workshop (a room behind one
        #: NAT shares an address; the workshop's limit stops guessing from many addresses)
        "RATE_RECOVER_ADDRESS": os.environ.get("ATELIER_RATE_RECOVER_ADDRESS", "5/900"),
        "RATE_RECOVER_WORKSHOP": os.environ.get("ATELIER_RATE_RECOVER_WORKSHOP", "50/900"),
        #: changes sent through follow-up links: per link, and per address
        "RATE_FOLLOW_UP": os.environ.get("ATELIER_RATE_FOLLOW_UP", "30/300"),
        #: socket events per second per participant (or screen/console socket), after a
        #: burst of SOCKET_EVENT_BURST; 0 turns it off. Kept in each process.
        "SOCKET_EVENT_RATE": _float("ATELIER_SOCKET_EVENT_RATE", 10),
        "SOCKET_EVENT_BURST": _int("ATELIER_SOCKET_EVENT_BURST", 60),
        #: where the counters live: "database", or "redis" (the default when REDIS_URL is set)
        "RATE_LIMIT_STORE": os.environ.get("ATELIER_RATE_LIMIT_STORE") or None,
        #: prefix of the counters' keys in Redis; unset: "<REDIS_CHANNEL>:rl:", so that two
        #: installations sharing one Redis with their own channels never share a counter
        "RATE_LIMIT_PREFIX": os.environ.get("ATELIER_RATE_LIMIT_PREFIX") or None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "LANGUAGES": list(LANGUAGES),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "workshop" / "translations"),
        #: Flask-WTF's CSRF tokens (auth.csrf_token): they last as long as the session (a
        #: console stays open all day), kept under the session's "csrf" key
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_FIELD_NAME": "csrf",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
    }


def _instance_secret(instance_path: Path, name: str) -> str:
    """Read a secret kept in instance/, creating it on first use."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()
