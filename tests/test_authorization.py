"""Participants can never act as the facilitator, read another workshop's data, vote for
someone else or see hidden activities: over HTTP and over the socket."""

import json
from pathlib import Path

import pytest

import workshop
from workshop.extensions import socketio

DOC = json.loads((Path(workshop.__file__).parent / "openapi.json").read_text())
METHODS = {"get", "post", "patch", "put", "delete"}


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


@pytest.fixture
def two_rooms(client, make_workshop, join, socket_client):
    """Workshop A (voting, one hidden activity) with two participants; workshop B."""
    a = make_workshop(live_results=False)
    b = make_workshop(live_results=False)
    ids = {}
    for name, w in (("a", a), ("b", b)):
        for title in ("Visible", "Cachée"):
            r = client.post(
                url(w, "/activities"), json={"title": f"{title} {name}"}, headers=w["auth"]
            )
            ids[f"{name}-{title}"] = r.get_json()["activity_id"]
        client.post(url(w, f"/activities/{ids[f'{name}-Cachée']}/hide"), headers=w["auth"])
        client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
    me = join(a["code"], name="Moi", organisation="CGEM")
    other = join(a["code"], group="Employeurs", name="Autre", organisation="UMT")
    stranger = join(b["code"], name="Étranger", organisation="OFPPT")
    return a, b, ids, me, other, stranger


def facilitator_operations():
    for path, item in DOC["paths"].items():
        for method, op in item.items():
            if (
                method in METHODS
                and op["security"]
                and not any(s in ({}, {"participantToken": []}) for s in op["security"])
            ):
                yield method, path


def test_a_participant_token_opens_no_facilitator_route(client, two_rooms):
    a, _b, ids, me, _other, _stranger = two_rooms
    params = {
        "code": a["code"],
        "activity_id": ids["a-Visible"],
        "link_id": 1,
        "merge_id": 1,
        "comment_id": 1,
        "commitment_id": 1,
        "participant_id": "P-NOPE99",
        "change_id": 1,
        "organisation_id": 1,
        "group_id": 1,
        "track_id": 1,
        "consolidation_id": 1,
        "source_id": 1,
        "number": 1,
        "name": "plan.csv",
    }
    bearer = {"Authorization": f"Bearer {me}"}
    checked = 0
    for method, path in facilitator_operations():
        r = client.open(path.format(**params), method=method.upper(), json={}, headers=bearer)
        assert r.status_code in (401, 403), (method, path, r.status_code)
        checked += 1
    assert checked >= 19
    state = client.get(url(a), headers=bearer).get_json()
    assert [x["id"] for x in state["activities"]] == [ids["a-Visible"]]  # still the public view


def test_a_phone_browser_opens_no_console(app, two_rooms):
    a, _b, ids, me, _other, _stranger = two_rooms
    phone = app.test_client()
    phone.set_cookie(f"atelier_p_{a['code']}", me)
    assert phone.get(f"/f/{a['code']}").status_code == 403
    assert phone.get(url(a, "/participants")).status_code == 401
    r = phone.post(url(a, "/phase"), json={"phase": "closed"}, headers={"X-CSRF-Token": "x"})
    assert r.status_code == 401
    assert phone.get(url(a, "/export/participants.csv")).status_code == 401
    # the facilitator link of another workshop does not make it the console of this one
    with phone.session_transaction() as session:
        session["facilitates"] = [[999, "owner"], [1, "made-up-key"]]
    assert phone.get(f"/f/{a['code']}").status_code == 403


def test_a_participant_reads_nothing_of_another_workshop(client, two_rooms):
    a, b, ids, me, _other, stranger = two_rooms
    mine = {"Authorization": f"Bearer {me}"}
    assert client.get(url(b, "/me"), headers=mine).status_code == 401
    assert client.get(url(b, "/results"), headers=mine).status_code in (401, 403)
    for table in ("activities", "votes", "participants"):
        assert client.get(url(b, f"/export/{table}.csv"), headers=mine).status_code == 403
    view = client.get(url(b), headers=mine).get_json()
    assert [x["id"] for x in view["activities"]] == [ids["b-Visible"]]
    assert all("proposed_by" not in x for x in view["activities"])
    # joining B again with A's token makes a new participant of B, never moves the one of A
    r = client.post(
        url(b, "/participants"), json={"organisation": "X", "group": "Employeurs"}, headers=mine
    )
    assert r.status_code == 201 and r.get_json()["participant_token"] != me
    assert client.get(url(a, "/me"), headers=mine).get_json()["organisation"] == "CGEM"


def test_socket_identity_cannot_be_borrowed(app, client, two_rooms, socket_client):
    a, b, ids, me, _other, stranger = two_rooms
    for auth in (
        {"participant_token": me, "code": b["code"]},  # my token, another workshop
        {"participant_token": stranger, "code": a["code"]},
        {"code": a["code"], "role": "console"},  # no console session
        {"code": a["code"], "facilitator_token": me},  # a participant token is no facilitator's
        {"code": a["code"], "facilitator_token": b["facilitator_token"]},
        {"code": a["code"], "screen_key": me},
    ):
        assert not socket_client(auth).is_connected(), auth
    # a phone's browser asking for the console is refused; as a phone it sees what phones see
    phone = app.test_client()
    phone.set_cookie(f"atelier_p_{a['code']}", me)
    console = socketio.test_client(
        app, flask_test_client=phone, auth={"code": a["code"], "role": "console"}
    )
    assert not console.is_connected()
    sio = socketio.test_client(
        app, flask_test_client=phone, auth={"code": a["code"], "role": "phone"}
    )
    try:
        got = sio.get_received()
        assert "my_state" in [m["name"] for m in got]
        state = next(m["args"][0] for m in got if m["name"] == "workshop_state")
        assert [x["id"] for x in state["activities"]] == [ids["a-Visible"]]
        assert "results" not in [m["name"] for m in got]  # live results off: not for phones
    finally:
        sio.disconnect()


def test_nobody_votes_for_someone_else(client, two_rooms, socket_client):
    a, _b, ids, me, other, _stranger = two_rooms
    phone = socket_client({"participant_token": me})
    ack = phone.emit(
        "cast_vote",
        {
            "activity_id": ids["a-Visible"],
            "points": 2,
            "op_id": "v1",
            "participant_id": 2,
            "participant_token": other,
            "public_id": "P-XXXXXX",
        },
        callback=True,
    )
    assert ack["ok"] and ack["left"] == 3
    them = client.get(url(a, "/me"), headers={"Authorization": f"Bearer {other}"}).get_json()
    mine = client.get(url(a, "/me"), headers={"Authorization": f"Bearer {me}"}).get_json()
    assert them["votes"] == [] and mine["votes"] == [{"activity_id": ids["a-Visible"], "value": 2}]
    # an activity of another workshop cannot be voted for
    ack = phone.emit(
        "cast_vote", {"activity_id": ids["b-Visible"], "points": 1, "op_id": "v2"}, callback=True
    )
    assert ack["error"] == "activity_not_found"


def test_hidden_activities_stay_hidden_from_participants(client, two_rooms, socket_client):
    a, _b, ids, me, _other, _stranger = two_rooms
    phone = socket_client({"participant_token": me})
    got = phone.get_received()
    for m in got:
        if m["name"] == "workshop_state":
            assert [x["id"] for x in m["args"][0]["activities"]] == [ids["a-Visible"]]
    ack = phone.emit(
        "cast_vote", {"activity_id": ids["a-Cachée"], "points": 1, "op_id": "h"}, callback=True
    )
    assert ack["ok"] is False and ack["error"] == "activity_hidden"
    client.patch(url(a), json={"live_results": True}, headers=a["auth"])
    results = client.get(url(a, "/results"), headers={"Authorization": f"Bearer {me}"}).get_json()
    assert [r["activity_id"] for r in results["activities"]] == [ids["a-Visible"]]
    me_view = client.get(url(a, "/me"), headers={"Authorization": f"Bearer {me}"}).get_json()
    assert all(v["activity_id"] != ids["a-Cachée"] for v in me_view["votes"])
    body = json.dumps([m["args"] for m in phone.get_received()])
    assert "Cachée" not in body


@pytest.mark.parametrize(
    "event",
    [
        "set_phase",
        "hide_activity",
        "add_activity",
        "delete_workshop",
        "revoke_cohost",
        "join_room",
        "leave_room",
        "enter_room",
    ],
)
def test_phones_have_no_facilitator_events(client, two_rooms, socket_client, event):
    a, _b, ids, me, _other, _stranger = two_rooms
    phone = socket_client({"participant_token": me})
    ack = phone.emit(
        event,
        {"phase": "closed", "activity_id": ids["a-Visible"], "room": "w1:console", "op_id": "f"},
        callback=True,
    )
    assert ack["ok"] is False and ack["error"] == "unknown_event"
    assert client.get(url(a)).get_json()["phase"] == "voting"
