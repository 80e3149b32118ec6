"""Rooms per working group across two `run.py` processes sharing a Redis message queue (and
one SQLite file): a proposal made on one process reaches its own table's screen on the
other, not another table's; a phone reassigned by a request the other process answers is
told (working_group_changed), syncs, and follows its new table; a table link revoked on one
process takes its console, connected to the other, out of its table's rooms."""

import http.cookiejar
import threading
import time
import urllib.request

import pytest
import socketio

from tests.conftest import REDIS_URL
from tests.json_http import call
from tests.serverproc import running_servers

pytestmark = [pytest.mark.server, pytest.mark.redis]


class Listener:
    """A websocket client keeping every workshop_state it receives, and the other events."""

    def __init__(self, url, auth, headers=None):
        self.states: list[dict] = []
        self.events: list[str] = []
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("workshop_state", self._on_state)
        for event in ("working_group_changed", "access_revoked"):
            self.sio.on(event, lambda data, event=event: self._on_event(event))
        self.sio.connect(
            url, auth=auth, headers=headers or {}, transports=["websocket"], wait_timeout=10
        )

    def _on_state(self, data):
        with self.changed:
            self.states.append(data)
            self.changed.notify_all()

    def _on_event(self, name):
        with self.changed:
            self.events.append(name)
            self.changed.notify_all()

    def titles(self) -> set[str]:
        with self.changed:
            return {a["title"] for a in self.states[-1]["activities"]} if self.states else set()

    def wait_for(self, predicate, timeout=10) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                if time.monotonic() > deadline:
                    return False
                self.changed.wait(0.2)
            return True


@pytest.fixture
def two_servers(tmp_path, redis_prefix):
    env = {"REDIS_URL": REDIS_URL, "ATELIER_REDIS_CHANNEL": redis_prefix}
    with running_servers(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}", env) as servers:
        yield servers


def test_group_rooms_across_processes(two_servers):
    a, b = two_servers
    w = call("POST", a.url + "/api/workshops", {"title": "Tables", "groups": ["Gouv", "Synd"]})
    code, token = w["code"], w["facilitator_token"]
    api = f"/api/workshops/{code}"
    groups = call("POST", a.url + api + "/working-groups", {"names": ["Une", "Deux"]}, token)
    one, two = groups["working_groups"]
    call("POST", a.url + api + "/phase", {"phase": "proposing"}, token)
    joined = call("POST", a.url + api + "/participants", {"organisation": "OIT", "group": "Gouv"})
    me = call("GET", a.url + api + "/me", token=joined["participant_token"])
    seat = f"{api}/participants/{me['participant_id']}/working-group"
    call("PUT", a.url + seat, {"working_group_id": one["id"]}, token)

    # the phone on process a; the two table screens on process b
    phone = Listener(a.url, {"participant_token": joined["participant_token"]})
    key = {g["id"]: g["screen_url"].rsplit("/", 1)[1] for g in (one, two)}
    table_one = Listener(b.url, {"code": code, "table_key": key[one["id"]]})
    table_two = Listener(b.url, {"code": code, "table_key": key[two["id"]]})
    try:
        assert phone.wait_for(lambda: bool(phone.states))
        assert phone.states[-1]["working_group"]["id"] == one["id"]
        assert table_two.wait_for(lambda: bool(table_two.states))
        time.sleep(1.2)  # the setup's last snapshot (the phones' window) has gone out
        before = len(table_two.states)
        ack = phone.sio.call("propose_activity", {"title": "Guichet unique", "op_id": "p-1"})
        assert ack["ok"] is True, ack
        assert table_one.wait_for(lambda: "Guichet unique" in table_one.titles())
        time.sleep(1)  # the phones' window and the queue: anything for table two has come
        assert len(table_two.states) == before and table_two.titles() == set()

        # process b moves the participant: the phone, on process a, is told and follows
        call("PUT", b.url + seat, {"working_group_id": two["id"]}, token)
        assert phone.wait_for(lambda: "working_group_changed" in phone.events)
        assert phone.sio.call("sync", {}) == {"ok": True}  # what the page does on the event
        assert phone.wait_for(lambda: phone.states[-1]["working_group"]["id"] == two["id"])
        ack = phone.sio.call("propose_activity", {"title": "Passerelles", "op_id": "p-2"})
        assert ack["ok"] is True, ack
        assert table_two.wait_for(lambda: table_two.titles() == {"Passerelles"})
        time.sleep(1)
        assert table_one.titles() == {"Guichet unique"}
    finally:
        for listener in (phone, table_one, table_two):
            listener.sio.disconnect()


def session_cookie(base_url: str, link_url: str) -> str:
    """The Cookie header of a browser that opened a facilitator link on this server."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    path = "/" + link_url.split("://", 1)[1].split("/", 1)[1]
    with opener.open(base_url + path, timeout=10) as page:  # the link, then the console
        assert page.status == 200
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def test_a_revoked_table_link_leaves_its_table_in_every_process(two_servers):
    a, b = two_servers
    w = call("POST", a.url + "/api/workshops", {"title": "Tables", "groups": ["Gouv", "Synd"]})
    code, token = w["code"], w["facilitator_token"]
    api = f"/api/workshops/{code}"
    one, _two = call("POST", a.url + api + "/working-groups", {"names": ["Une", "Deux"]}, token)[
        "working_groups"
    ]
    call("POST", a.url + api + "/phase", {"phase": "proposing"}, token)
    joined = call("POST", a.url + api + "/participants", {"organisation": "OIT", "group": "Gouv"})
    me = call("GET", a.url + api + "/me", token=joined["participant_token"])
    seat = f"{api}/participants/{me['participant_id']}/working-group"
    call("PUT", a.url + seat, {"working_group_id": one["id"]}, token)
    link = call("POST", a.url + api + f"/working-groups/{one['id']}/links", {"label": "T"}, token)
    auth = {"code": code, "table_key": one["screen_url"].rsplit("/", 1)[1]}
    cookie = {"Cookie": session_cookie(b.url, link["url"])}

    # the table link's console on process b; the phone and the table's own screen on a
    console = Listener(b.url, auth, headers=cookie)
    phone = Listener(a.url, {"participant_token": joined["participant_token"]})
    screen = Listener(a.url, auth)
    try:
        assert console.wait_for(lambda: bool(console.states))
        ack = phone.sio.call("propose_activity", {"title": "Guichet unique", "op_id": "p-1"})
        assert ack["ok"] is True, ack
        assert console.wait_for(lambda: "Guichet unique" in console.titles())

        call("DELETE", a.url + api + f"/cohosts/{link['id']}", token=token)  # on process a
        assert console.wait_for(lambda: "access_revoked" in console.events)
        assert "access_revoked" not in screen.events  # the table's own screen is no console
        ack = phone.sio.call("propose_activity", {"title": "Passerelles", "op_id": "p-2"})
        assert ack["ok"] is True, ack
        assert screen.wait_for(lambda: "Passerelles" in screen.titles())
        time.sleep(1.5)  # the phones' window and the queue: anything for the console has come
        assert console.titles() == {"Guichet unique"}  # still connected, hearing nothing more
        assert console.sio.call("sync", {})["error"] == "facilitator_only"
        with pytest.raises(socketio.exceptions.ConnectionError):
            Listener(b.url, auth, headers=cookie)  # the revoked browser, back with the key
    finally:
        for listener in (console, phone, screen):
            listener.sio.disconnect()
