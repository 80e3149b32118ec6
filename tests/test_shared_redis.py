"""Two installations on one Redis keep their own counters (issue 16, F).

Two `run.py` servers with databases of their own share the machine's Redis, each with its
own ATELIER_REDIS_CHANNEL (as README and deploy/README tell). Their workshops and
participants have the same ids (1, 1, ...): a rate limit or a PIN lock-out reached on one
must not refuse anyone on the other.
"""

import pytest

from tests.json_http import http
from tests.serverproc import ServerProcess, assert_clean_log

pytestmark = [pytest.mark.server, pytest.mark.redis]


def room(base):
    body = {"title": "Atelier", "groups": ["Gouvernement"], "pin": "4321"}
    status, w = http("POST", f"{base}/api/workshops", body)
    assert status == 201, w
    return w


def with_pin(base, w, pin):
    """A facilitator's call with a PIN: (status, error key or None)."""
    status, answer = http(
        "GET",
        f"{base}/api/workshops/{w['code']}/access",
        token=w["facilitator_token"],
        headers={"X-Atelier-PIN": pin},
    )
    return status, answer["error"] if status >= 400 else None


def join(base, code):
    return http(
        "POST",
        f"{base}/api/workshops/{code}/participants",
        {"organisation": "CGEM", "group": "Gouvernement"},
    )


def test_counters_of_two_installations_on_one_redis_stay_apart(tmp_path, redis_url):
    url, prefix = redis_url
    servers = [
        ServerProcess(
            f"sqlite:///{tmp_path / f'{name}.sqlite3'}",
            env={
                "REDIS_URL": url,
                "ATELIER_REDIS_CHANNEL": f"{prefix}-{name}",  # no ATELIER_RATE_LIMIT_PREFIX
                "ATELIER_RATE_JOIN_ADDRESS": "2/600",
                "ATELIER_RATE_PIN": "2/600",
            },
        )
        for name in ("a", "b")
    ]
    for server, name in zip(servers, ("a", "b"), strict=True):
        server.start(tmp_path / f"{name}.log")
    a, b = (s.url for s in servers)
    try:
        on_a, on_b = room(a), room(b)
        assert on_a["code"] != on_b["code"]  # two workshops, both with id 1 in their database

        # server A: the address's joins are used up
        assert [join(a, on_a["code"])[0] for _ in range(3)] == [201, 201, 429]
        # server B never saw them
        status, answer = join(b, on_b["code"])
        assert status == 201, answer

        # server A: the owner's link is locked out after two wrong PINs
        assert [with_pin(a, on_a, "0000") for _ in range(2)] == [(403, "pin_invalid")] * 2
        assert with_pin(a, on_a, "4321") == (429, "rate_limited")
        # server B: the same workshop id, the same link, the right PIN: let in
        assert with_pin(b, on_b, "4321") == (200, None)
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert_clean_log(server.log_path)
