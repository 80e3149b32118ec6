"""The real thing: `python run.py` under gevent, real websockets, a phone and a big screen."""

import threading

import pytest
import socketio

from tests.seeding import Room
from tests.serverproc import running_server

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
        log = (tmp_path / "server.log").read_text()
        assert "Traceback" not in log, log[-3000:]


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
        log = (tmp_path / "server.log").read_text()
        assert "Traceback" not in log, log[-3000:]
