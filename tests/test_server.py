"""The real thing: `python run.py` under gevent, real websockets, a phone and a big screen."""

import json
import socket
import threading
import time

import pytest
import socketio

from tests.json_http import call
from tests.seeding import Room
from tests.serverproc import assert_clean_log, running_server

pytestmark = pytest.mark.server


def test_phone_vote_reaches_the_big_screen_over_real_websockets(tmp_path):
    with running_server(tmp_path) as server:
        room = Room.create(server.url, "Atelier", groups=["Gouvernement", "Syndicats"])
        w = room.created
        assert w["join_url"] == f"{server.url}/j/{w['code']}"
        activity_id = room.add("Former les conseillers")
        participant_token = room.join("CDT", "Syndicats")
        room.phase("voting")

        screen_key = w["screen_url"].rsplit("/", 1)[1]
        seen = threading.Event()
        screen = socketio.Client(reconnection=False)

        @screen.on("results")
        def _results(data):
            totals = {r["activity_id"]: r["total"] for r in data["activities"]}
            if totals.get(activity_id) == 2:
                seen.set()

        screen.connect(
            server.url,
            auth={"code": w["code"], "screen_key": screen_key},
            transports=["websocket"],
            wait_timeout=10,
        )
        phone = socketio.Client(reconnection=False)
        phone.connect(
            server.url,
            auth={"participant_token": participant_token},
            transports=["websocket"],
            wait_timeout=10,
        )
        try:
            assert phone.transport() == "websocket"
            ack = phone.call(
                "cast_vote",
                {"activity_id": activity_id, "points": 2, "op_id": "v-1"},
                timeout=10,
            )
            assert ack["ok"] is True and ack["left"] == 3
            assert seen.wait(10), "the big screen never received the vote"
            replay = phone.call(
                "cast_vote",
                {"activity_id": activity_id, "points": 2, "op_id": "v-1"},
                timeout=10,
            )
            assert replay["replayed"] is True
        finally:
            phone.disconnect()
            screen.disconnect()
        assert_clean_log(tmp_path / "server.log")


def test_refused_connection_without_credentials(tmp_path):
    with running_server(tmp_path) as server:
        stranger = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            stranger.connect(
                server.url, auth={"code": "NOPE"}, transports=["websocket"], wait_timeout=5
            )


def test_phones_voting_at_once_are_all_counted_and_refused_alone(tmp_path):
    """Votes that arrive together are written in one batch under gevent (realtime/batching):
    every phone gets its own ack, an over-budget vote among them is refused on its own."""
    with running_server(tmp_path) as server:
        room = Room.create(server.url, "Atelier", groups=["Gouvernement", "Syndicats"])
        a = room.add("Former")
        tokens = [room.join(f"O{i}", "Syndicats") for i in range(12)]
        room.phase("voting")
        phones = []
        for t in tokens:
            phone = socketio.Client(reconnection=False)
            phone.connect(
                server.url, auth={"participant_token": t}, transports=["websocket"], wait_timeout=10
            )
            phones.append(phone)
        acks = [None] * len(phones)
        start = threading.Barrier(len(phones))

        def vote(i, phone):
            start.wait(10)
            points = 9 if i == 5 else 2  # phone 5 asks more than the cap of 3
            acks[i] = phone.call(
                "cast_vote", {"activity_id": a, "points": points, "op_id": f"v{i}"}, timeout=15
            )

        threads = [threading.Thread(target=vote, args=(i, p)) for i, p in enumerate(phones)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        try:
            assert acks[5]["ok"] is False and acks[5]["error"] == "over_activity_cap", acks[5]
            others = [ack for i, ack in enumerate(acks) if i != 5]
            assert all(ack["ok"] is True and ack["left"] == 3 for ack in others), others
            results = room.call("GET", "/results")
            assert results["activities"][0]["total"] == 2 * 11
        finally:
            closing = [threading.Thread(target=p.disconnect) for p in phones]
            for t in closing:
                t.start()
            for t in closing:
                t.join(10)
        assert_clean_log(tmp_path / "server.log")


def test_a_body_arriving_slowly_holds_no_transaction(tmp_path):
    """A host's request whose body is slow to come (bad wifi) waits for it outside any
    transaction: another write goes through meanwhile, and the server, watching (SQLite,
    ATELIER_WATCH_YIELDS=1), never yields holding the write lock. Before, the consolidation
    routes read their body inside their transaction: the other write waited for the body."""
    host = {"Authorization": "Bearer e2e-host-key"}
    with running_server(tmp_path, env={"ATELIER_WATCH_YIELDS": "1"}) as server:
        code = call(
            "POST", server.url + "/api/workshops", {"title": "Rabat", "groups": ["Gouv", "Synd"]}
        )["code"]
        made = call("POST", server.url + "/api/consolidations", {"title": "Plan"}, headers=host)
        body = json.dumps({"code": code}).encode()
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        slow.sendall(
            (
                f"POST /api/consolidations/{made['consolidation']['id']}/sources HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\nAuthorization: Bearer e2e-host-key\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
        )
        later = threading.Timer(2.0, slow.sendall, [body])  # the body, 2 s after its headers
        later.start()
        time.sleep(0.5)  # the headers are read, the handler runs, the body is not there
        started = time.monotonic()
        call("POST", server.url + "/api/workshops", {"title": "Tanger", "groups": ["Gouv"]})
        meanwhile = time.monotonic() - started
        later.join()
        answer = slow.makefile("rb").read().decode()
        slow.close()
    assert answer.startswith("HTTP/1.1 201") or answer.startswith("HTTP/1.1 200"), answer[:300]
    assert meanwhile < 1.0, f"another write waited {meanwhile:.2f} s for a slow body"
    assert_clean_log(tmp_path / "server.log")
