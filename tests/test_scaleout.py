"""Scale-out: two `run.py` processes sharing PostgreSQL and a Redis message queue.

A phone on one process and the big screen on the other see the same live state.
"""

import threading
import time

import pytest
import socketio

from tests.conftest import REDIS_URL
from tests.json_http import call
from tests.serverproc import running_servers

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.redis]


class Follower:
    """A websocket client keeping the results it receives, dropping stale ones by version."""

    def __init__(self, url, auth):
        self.results: list[dict] = []
        self.applied = -1
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("results", self._on_results)
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def _on_results(self, data):
        with self.changed:
            self.results.append(data)
            self.applied = max(self.applied, data["version"])
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=10) -> dict | None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                latest = next((r for r in reversed(self.results) if predicate(r)), None)
                if latest is not None or time.monotonic() > deadline:
                    return latest
                self.changed.wait(0.2)


@pytest.fixture
def two_servers(tmp_path, postgres_url, redis_prefix):
    env = {"REDIS_URL": REDIS_URL, "ATELIER_REDIS_CHANNEL": redis_prefix}
    with running_servers(tmp_path, postgres_url, env) as servers:
        yield servers


def test_a_vote_on_one_process_reaches_the_screen_on_the_other(two_servers):
    a, b = two_servers
    w = call(
        "POST", a.url + "/api/workshops", {"title": "Consultation", "groups": ["Gouv", "Synd"]}
    )
    code, token = w["code"], w["facilitator_token"]
    first = call("POST", f"{a.url}/api/workshops/{code}/activities", {"title": "Former"}, token)
    second = call(
        "POST", f"{b.url}/api/workshops/{code}/activities", {"title": "Accompagner"}, token
    )
    phones = [
        call(
            "POST",
            f"{(a, b)[i % 2].url}/api/workshops/{code}/participants",
            {"organisation": f"Org {i}", "group": "Synd"},
        )["participant_token"]
        for i in range(6)
    ]
    call("POST", f"{b.url}/api/workshops/{code}/phase", {"phase": "voting"}, token)

    screen = Follower(b.url, {"code": code, "screen_key": w["screen_url"].rsplit("/", 1)[1]})
    console = Follower(a.url, {"code": code, "facilitator_token": token})
    clients = [
        socketio.Client(reconnection=False) for _ in phones
    ]  # phone i on process a when i is even, b when odd
    try:
        for i, (client, phone_token) in enumerate(zip(clients, phones, strict=True)):
            client.connect(
                (a, b)[i % 2].url,
                auth={"participant_token": phone_token},
                transports=["websocket"],
                wait_timeout=10,
            )
        # a phone on process a votes: the screen, on process b, sees it
        ack = clients[0].call(
            "cast_vote", {"activity_id": first["activity_id"], "points": 2, "op_id": "a-1"}
        )
        assert ack["ok"] is True
        seen = screen.wait_for(
            lambda r: (
                {x["activity_id"]: x["total"] for x in r["activities"]}.get(first["activity_id"])
                == 2
            )
        )
        assert seen is not None, screen.results[-3:]
        # a phone on process b votes: the console, on process a, sees it
        ack = clients[1].call(
            "cast_vote", {"activity_id": second["activity_id"], "points": 3, "op_id": "b-1"}
        )
        assert ack["ok"] is True
        assert console.wait_for(
            lambda r: (
                {x["activity_id"]: x["total"] for x in r["activities"]}.get(second["activity_id"])
                == 3
            )
        )

        # every phone votes at once, half on each process: the last snapshot on both sides is
        # the final state (nothing left unsent by either process's throttle)
        threads = [
            threading.Thread(
                target=client.call,
                args=(
                    "cast_vote",
                    {"activity_id": first["activity_id"], "points": 1, "op_id": f"burst-{i}"},
                ),
            )  # fmt: skip
            for i, client in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
        final = call("GET", f"{a.url}/api/workshops/{code}/results", token=token)
        assert {x["activity_id"]: x["total"] for x in final["activities"]} == {
            first["activity_id"]: 6,
            second["activity_id"]: 3,
        }
        # the final results, not the final version: a snapshot read while the last votes
        # committed can carry them under the version before (READ COMMITTED), and the same
        # results are then not sent again (broadcast._news compares content, version aside)
        for follower in (screen, console):
            last = follower.wait_for(lambda r: r["activities"] == final["activities"])
            assert last is not None, follower.results[-3:]
            assert last["voters"] == final["voters"]
    finally:
        for client in clients:
            client.disconnect()
        screen.sio.disconnect()
        console.sio.disconnect()
