"""Who a socket is, and actions that must not change it."""

import pytest

from workshop.extensions import socketio


@pytest.fixture
def voting_workshop(client, make_workshop, join):
    w = make_workshop()
    activity = client.post(
        f"/api/workshops/{w['code']}/activities", json={"title": "Former"}, headers=w["auth"]
    ).get_json()["activity_id"]
    client.post(f"/api/workshops/{w['code']}/phase", json={"phase": "voting"}, headers=w["auth"])
    return w, activity, join(w["code"])


def test_an_op_id_belongs_to_one_kind_of_action(voting_workshop, socket_client, client):
    w, activity, token = voting_workshop
    phone = socket_client({"participant_token": token})
    first = phone.emit(
        "cast_vote", {"activity_id": activity, "points": 1, "op_id": "x"}, callback=True
    )
    assert first["ok"] is True
    reused = phone.emit("withdraw_vote", {"activity_id": activity, "op_id": "x"}, callback=True)
    assert reused["ok"] is False and reused["error"] == "op_id_reused"
    results = client.get(f"/api/workshops/{w['code']}/results", headers=w["auth"]).get_json()
    assert results["activities"][0]["total"] == 1


def test_a_client_sent_disconnect_event_changes_nothing(voting_workshop, socket_client):
    _w, activity, token = voting_workshop
    phone = socket_client({"participant_token": token})
    phone.emit("disconnect", {})
    ack = phone.emit(
        "cast_vote", {"activity_id": activity, "points": 1, "op_id": "a"}, callback=True
    )
    assert ack["ok"] is True


def test_a_client_sent_connect_event_cannot_change_identity(voting_workshop, socket_client):
    w, activity, token = voting_workshop
    phone = socket_client({"participant_token": token})
    phone.emit("connect", {"code": w["code"], "facilitator_token": w["facilitator_token"]})
    phone.get_received()
    ack = phone.emit(
        "cast_vote", {"activity_id": activity, "points": 1, "op_id": "b"}, callback=True
    )
    assert ack["ok"] is True and ack["left"] == 4  # still the phone


def test_sync_needs_no_payload_and_resends_the_snapshot(voting_workshop, socket_client):
    _w, _activity, token = voting_workshop
    phone = socket_client({"participant_token": token})
    phone.get_received()
    assert phone.emit("sync", callback=True) == {"ok": True}
    names = [m["name"] for m in phone.get_received()]
    assert "workshop_state" in names and "my_state" in names


def test_the_page_role_decides_in_a_browser_that_is_both(app, client, voting_workshop):
    w, _activity, _token = voting_workshop
    # The same browser joins as a participant and holds the console.
    page = client.get(f"/j/{w['code']}")
    csrf = page.get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
    client.post(
        f"/j/{w['code']}", data={"csrf": csrf, "organisation": "OIT", "group": "Employeurs"}
    )
    client.get(w["facilitator_url"].removeprefix("http://atelier.test"))
    console = socketio.test_client(
        app, flask_test_client=client, auth={"code": w["code"], "role": "console"}
    )
    phone = socketio.test_client(
        app, flask_test_client=client, auth={"code": w["code"], "role": "phone"}
    )
    try:
        assert console.is_connected() and phone.is_connected()
        console_names = [m["name"] for m in console.get_received()]
        phone_names = [m["name"] for m in phone.get_received()]
        assert "my_state" in phone_names and "my_state" not in console_names
    finally:
        console.disconnect()
        phone.disconnect()


def test_a_participant_token_only_opens_its_own_workshop(make_workshop, join, socket_client):
    mine = make_workshop()
    other = make_workshop()
    token = join(mine["code"])
    refused = socket_client({"participant_token": token, "code": other["code"]})
    assert not refused.is_connected()


def test_joining_bumps_the_version_the_screens_see(client, make_workshop, join, socket_client):
    w = make_workshop()
    before = client.get(f"/api/workshops/{w['code']}").get_json()["version"]
    join(w["code"])
    after = client.get(f"/api/workshops/{w['code']}").get_json()
    assert after["version"] > before and after["participants"] == 1
