"""Rate limits shared by every server process: counters in the database, or in Redis.

Fixed windows: a key may be hit `count` times per window of `seconds`; the next hit is
refused with `rate_limited` (HTTP 429, or an error ack) saying how long to wait. Each hit
is counted in its own short transaction, before the action's own transaction opens (on
SQLite a second transaction on the same thread would wait for the first).
"""

import hashlib
import math
import random
import time
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from .models import RateCounter
from .services.errors import DomainError


class RateLimited(DomainError):
    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__("rate_limited", seconds=max(1, seconds))
        self.retry_after = max(1, seconds)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_limit(raw: object) -> Limit | None:
    """ "10/60" is 10 hits per 60 seconds; "off", "0" or empty turn the limit off."""
    if raw is None or isinstance(raw, Limit):
        return raw
    text = str(raw).strip().lower()
    if text in ("", "0", "off", "none"):
        return None
    count, _, seconds = text.partition("/")
    limit = Limit(int(count), int(seconds or 60))
    if limit.count < 1 or limit.seconds < 1:
        raise ValueError(f"bad rate limit {raw!r}: use COUNT/SECONDS, e.g. 10/60")
    return limit


def address_key(secret: str, address: str | None) -> str:
    """A stable pseudonym for a network address: addresses are never stored in clear."""
    digest = hashlib.sha256(f"{secret}|{address or '-'}".encode()).hexdigest()
    return digest[:24]


class DatabaseCounters:
    """Counters in the `rate_counters` table: one atomic upsert per hit."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def incr(
        self, key: str, window: int, seconds: int, workshop_id: int | None, session=None
    ) -> int:
        """Count a hit: in `session`'s transaction when given, else in a short one of its own."""
        if session is not None:
            return self._incr(session, key, window, seconds, workshop_id)
        with self.sessions() as db, db.begin():
            return self._incr(db, key, window, seconds, workshop_id)

    def _incr(self, db, key: str, window: int, seconds: int, workshop_id: int | None) -> int:
        insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(RateCounter)
            .values(
                key=key,
                window_start=window,
                count=1,
                expires_at=window + seconds,
                workshop_id=workshop_id,
            )
            .on_conflict_do_update(
                index_elements=[RateCounter.key, RateCounter.window_start],
                set_={"count": RateCounter.count + 1},
            )
            .returning(RateCounter.count)
        )
        count = db.scalar(statement)
        if random.random() < 0.02:  # now and then, forget windows that are over
            # Over by the limiter's own clock: `window` starts at or before its "now".
            db.execute(delete(RateCounter).where(RateCounter.expires_at < window))
        return count

    def get(self, key: str, window: int, session=None) -> int:
        query = select(RateCounter.count).where(
            RateCounter.key == key, RateCounter.window_start == window
        )
        if session is not None:
            return session.scalar(query) or 0
        with self.sessions() as db, db.begin():
            return db.scalar(query) or 0


class RedisCounters:
    """Counters in Redis (INCR + EXPIRE): used when REDIS_URL is set."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix

    def incr(
        self, key: str, window: int, seconds: int, workshop_id: int | None, session=None
    ) -> int:
        name = f"{self.prefix}{key}:{window}"
        pipe = self.redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, seconds + 1)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str, window: int, session=None) -> int:
        value = self.redis.get(f"{self.prefix}{key}:{window}")
        return int(value or 0)


class RateLimiter:
    def __init__(self, counters, clock=time.time) -> None:
        self.counters = counters
        self.clock = clock

    def _window(self, limit: Limit) -> tuple[int, int]:
        now = self.clock()
        start = int(now // limit.seconds * limit.seconds)
        return start, int(start + limit.seconds - now + 0.999)

    def hit(
        self, key: str, limit: Limit | None, workshop_id: int | None = None, session=None
    ) -> None:
        """Count one hit of `key`; raise RateLimited when it goes over the limit.

        With `session`, database counters count inside that transaction: an action that
        fails (or is refused here) rolls its hit back. Redis counts every attempt.
        """
        if limit is None:
            return
        start, left = self._window(limit)
        if self.counters.incr(key, start, limit.seconds, workshop_id, session) > limit.count:
            raise RateLimited(left)

    def check(self, key: str, limit: Limit | None, session=None) -> None:
        """Raise RateLimited when `key` is already at its limit (counts nothing)."""
        if limit is None:
            return
        start, left = self._window(limit)
        if self.counters.get(key, start, session) >= limit.count:
            raise RateLimited(left)


class EventBuckets:
    """Token buckets for socket events, in this process: `burst` events at once, then
    `rate` a second, per key (a participant, or a screen's or console's socket).

    A phone's page sends one action at a time and waits for its ack, so it stays far below
    the defaults even when it replays what it queued offline; a script that floods one
    event after another is refused (`rate_limited`) before anything is read or written.
    Kept in the process, not shared: a socket lives in one process, and nginx's `ip_hash`
    sends a phone's connections to the same one (deploy/README.md).
    """

    #: past this many keys, the buckets that have refilled are forgotten
    PRUNE_AT = 10_000

    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)

    def take(self, key: str) -> None:
        """Spend one event of `key`'s bucket; raise RateLimited when it is empty."""
        if self.rate <= 0:
            return
        now = self.clock()
        tokens, then = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            raise RateLimited(math.ceil((1 - tokens) / self.rate))
        if len(self._buckets) >= self.PRUNE_AT:
            self._prune(now)
        self._buckets[key] = (tokens - 1, now)

    def _prune(self, now: float) -> None:
        refilled = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refilled}
