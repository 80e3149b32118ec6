"""Issue 15, item 4: the CSRF and rate-limit libraries measured against our own code.

    python bench/libraries.py [--redis redis://127.0.0.1:6379/0] [--n 2000]

Prints numbers; asserts nothing about time (docs/architecture.md quotes them):
- CSRF: Flask-WTF's generate_csrf/validate_csrf (what workshop/auth.py uses now) against the
  hand-written token it replaced (kept below as `handwritten_*`, for this comparison only),
  and what Flask-WTF's blanket CSRFProtect would refuse of the public API's calls.
- Rate limits: the `limits` package (memory and Redis storages; fixed, moving and sliding
  windows) against workshop/ratelimit.py (database and Redis counters, EventBuckets): cost
  per hit, and what each lets through when two server processes share one SQLite file.
"""

import argparse
import hmac
import multiprocessing
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, session  # noqa: E402
from flask_wtf.csrf import CSRFProtect, generate_csrf, validate_csrf  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.ratelimit import (  # noqa: E402
    DatabaseCounters,
    EventBuckets,
    Limit,
    RateLimited,
    RateLimiter,
    RedisCounters,
)


def per_call_us(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


# --- CSRF ------------------------------------------------------------------------------


def handwritten_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def handwritten_check(sent: str) -> bool:
    expected = session.get("csrf")
    return bool(expected) and hmac.compare_digest(expected, sent)


def csrf_figures(n: int) -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="bench", WTF_CSRF_TIME_LIMIT=None, WTF_CSRF_FIELD_NAME="csrf")
    with app.test_request_context("/"):
        ours = handwritten_token()
        mine = per_call_us(lambda: handwritten_check(handwritten_token()), n)
    with app.test_request_context("/"):
        wtf = generate_csrf()
        cost = per_call_us(lambda: validate_csrf(generate_csrf()), n)
    print("CSRF token + check, per request (µs):")
    print(f"  hand-written  {mine:8.1f}   token {len(ours)} chars (the session's secret itself)")
    print(f"  Flask-WTF     {cost:8.1f}   token {len(wtf)} chars (signed; the secret stays in")
    print("                           the session), expiry by WTF_CSRF_TIME_LIMIT (None here)")


def csrfprotect_refusals(workdir: Path) -> None:
    """The public API's calls that need no CSRF token (bearer token, phone): how many a
    blanket CSRFProtect would refuse."""
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{workdir / 'csrf.sqlite3'}", "SECRET_KEY": "bench"}
    )
    CSRFProtect(app)
    client = app.test_client()
    calls = [
        ("POST", "/api/workshops", {"title": "Atelier", "groups": ["Employeurs"]}, None),
    ]
    with create_app(
        {"DATABASE_URL": f"sqlite:///{workdir / 'csrf.sqlite3'}", "SECRET_KEY": "bench"}
    ).test_client() as plain:
        w = plain.post(
            "/api/workshops", json={"title": "Atelier", "groups": ["Employeurs"]}
        ).get_json()
    bearer = {"Authorization": f"Bearer {w['facilitator_token']}"}
    base = f"/api/workshops/{w['code']}"
    calls += [
        ("POST", base + "/phase", {"phase": "proposing"}, bearer),
        ("PATCH", base, {"show_group_split": True}, bearer),
        ("POST", base + "/participants", {"organisation": "OIT", "group": "Employeurs"}, None),
        ("POST", base + "/activities", {"title": "Formation"}, bearer),
        ("POST", base + "/timer", {"action": "start", "seconds": 60}, bearer),
    ]
    refused = []
    for method, path, body, headers in calls:
        r = client.open(path, method=method, json=body, headers=headers or {})
        if r.status_code == 400:  # CSRFError reaches the app's 400 handler: `bad_request`
            answer = (r.get_json() or {}).get("error")
            refused.append(f"{method} {path.replace(w['code'], '{code}')} -> 400 {answer}")
    print(f"CSRFProtect(app): {len(refused)} of {len(calls)} public API calls refused:")
    for call in refused:
        print(f"  {call}")


# --- rate limits -------------------------------------------------------------------------


def limits_figures(redis_url: str | None, workdir: Path, n: int) -> None:
    from limits import RateLimitItemPerSecond
    from limits.storage import MemoryStorage, RedisStorage
    from limits.strategies import (
        FixedWindowRateLimiter,
        MovingWindowRateLimiter,
        SlidingWindowCounterRateLimiter,
    )

    big = Limit(10**9, 60)
    item = RateLimitItemPerSecond(10**9, 60)
    rows = []
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'rl.sqlite3'}"})
    ours_db = RateLimiter(DatabaseCounters(app.extensions["atelier.sessions"]))
    rows.append(("ours, SQLite table (own transaction)", lambda: ours_db.hit("k", big, None)))
    buckets = EventBuckets(rate=1e9, burst=10**9)
    rows.append(("ours, EventBuckets (process memory)", lambda: buckets.take("k")))
    for name, strategy in (
        ("fixed", FixedWindowRateLimiter),
        ("moving", MovingWindowRateLimiter),
        ("sliding", SlidingWindowCounterRateLimiter),
    ):
        limiter = strategy(MemoryStorage())
        rows.append(
            (f"limits, memory, {name} window", lambda lim=limiter, k=name: lim.hit(item, k))
        )
    if redis_url:
        ours_redis = RateLimiter(RedisCounters(redis_url, "bench:rl:"))
        rows.append(("ours, Redis INCR+EXPIRE", lambda: ours_redis.hit("k", big)))
        for name, strategy in (
            ("fixed", FixedWindowRateLimiter),
            ("moving", MovingWindowRateLimiter),
            ("sliding", SlidingWindowCounterRateLimiter),
        ):
            storage = RedisStorage(redis_url, key_prefix=f"bench-limits-{time.time()}")
            limiter = strategy(storage)
            rows.append(
                (f"limits, Redis, {name} window", lambda lim=limiter, k=name: lim.hit(item, k))
            )
    print("One rate-limit hit (µs):")
    for label, fn in rows:
        fn()  # warm (connections, tables, scripts loaded)
        print(f"  {label:40s} {per_call_us(fn, n):8.1f}")


def _pin_attempts_in_process(kind: str, url: str, queue) -> None:
    """One server process's share of 10 wrong PINs against a 5/900 lock-out."""
    if kind == "ours":
        app = create_app({"DATABASE_URL": url})
        limiter = RateLimiter(DatabaseCounters(app.extensions["atelier.sessions"]))

        def attempt() -> bool:
            try:
                limiter.hit("w1:pin:owner", Limit(5, 900), None)
                return True
            except RateLimited:
                return False
    else:
        from limits import RateLimitItemPerSecond
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        limiter = MovingWindowRateLimiter(MemoryStorage())

        def attempt() -> bool:
            return limiter.hit(RateLimitItemPerSecond(5, 900), "w1:pin:owner")

    queue.put(sum(attempt() for _ in range(10)))


def shared_lockout(workdir: Path) -> None:
    """Two processes on one SQLite file (gunicorn -w 2, no Redis), 20 PIN attempts in all."""
    print("Two processes sharing one SQLite, no Redis: PIN attempts let through of 20 (limit 5):")
    for kind in ("ours", "limits"):
        url = f"sqlite:///{workdir / f'shared-{kind}.sqlite3'}"
        if kind == "ours":
            create_app({"DATABASE_URL": url})  # the tables, once
        queue = multiprocessing.Queue()
        procs = [
            multiprocessing.Process(target=_pin_attempts_in_process, args=(kind, url, queue))
            for _ in range(2)
        ]
        for p in procs:
            p.start()
        allowed = sum(queue.get(timeout=60) for _ in procs)
        for p in procs:
            p.join()
        label = "ours (DatabaseCounters)" if kind == "ours" else "limits (MemoryStorage, moving)"
        print(f"  {label:40s} {allowed:3d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        csrf_figures(args.n)
        csrfprotect_refusals(workdir)
        limits_figures(None if args.no_redis else args.redis, workdir, args.n)
        shared_lockout(workdir)


if __name__ == "__main__":
    main()
