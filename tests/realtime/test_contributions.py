"""Comments and commitments over Socket.IO: acks, op_id, who sees what after the broadcast."""

import pytest


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def events(sio, name):
    return [m["args"][0] for m in sio.get_received() if m["name"] == name]


def last_state(sio):
    states = events(sio, "workshop_state")
    assert states, "no snapshot received"
    return states[-1]


def refused(ack, key):
    assert ack["ok"] is False and ack["error"] == key, ack
    assert ack["message"]


@pytest.fixture
def room(client, make_workshop, join, socket_client):
    class Room:
        pass

    r = Room()
    r.client = client
    r.w = make_workshop()
    add = lambda title: client.post(  # noqa: E731
        url(r.w, "/activities"), json={"title": title}, headers=r.w["auth"]
    ).get_json()["activity_id"]
    r.a, r.b = add("Former les inspecteurs"), add("Observatoire de l'emploi")
    r.token = join(r.w["code"], group="Employeurs", organisation="CGEM")
    r.colleague = join(r.w["code"], group="Employeurs", organisation=" cgem ")
    assert (
        client.post(url(r.w, "/phase"), json={"phase": "voting"}, headers=r.w["auth"]).status_code
        == 200
    )
    r.phone = socket_client({"participant_token": r.token})
    r.phone2 = socket_client({"participant_token": r.colleague})
    key = r.w["screen_url"].rsplit("/", 1)[1]
    r.screen = socket_client({"code": r.w["code"], "screen_key": key})
    r.console = socket_client({"code": r.w["code"], "facilitator_token": r.w["facilitator_token"]})
    for sio in (r.phone, r.phone2, r.screen, r.console):
        sio.get_received()
    r.patch = lambda body: client.patch(url(r.w), json=body, headers=r.w["auth"])
    return r


def comment(sio, activity_id, text, op_id="c1"):
    return sio.emit(
        "add_comment", {"activity_id": activity_id, "text": text, "op_id": op_id}, callback=True
    )


def test_a_comment_is_acknowledged_once_and_reaches_the_console(room):
    ack = comment(room.phone, room.a, "À relier au projet GIZ")
    assert ack["ok"] is True and isinstance(ack["comment_id"], int)
    assert ack["my_comments"] == [
        {
            "id": ack["comment_id"],
            "activity_id": room.a,
            "text": "À relier au projet GIZ",
            "status": "visible",
            "created_at": ack["my_comments"][0]["created_at"],
        }
    ]
    replay = comment(room.phone, room.a, "À relier au projet GIZ")
    assert replay == dict(ack, replayed=True)
    console = last_state(room.console)
    assert [(c["text"], c["author"]["organisation"]) for c in console["comments"]] == [
        ("À relier au projet GIZ", "CGEM")
    ]
    # the screen and phones learn the count, not the text: comments are off the big screen
    screen = last_state(room.screen)
    assert screen["comment_counts"] == [{"activity_id": room.a, "count": 1}]
    assert screen["comments"] == []
    assert last_state(room.phone2)["comments"] == []


def test_the_big_screen_gets_comments_once_the_facilitator_shows_them(room):
    comment(room.phone, room.a, "Premier")
    assert room.patch({"show_comments": True}).status_code == 200
    screen = last_state(room.screen)
    assert [c["text"] for c in screen["comments"]] == ["Premier"]
    assert "author" not in screen["comments"][0]
    comment_id = last_comment_id(room)
    r = room.client.post(url(room.w, f"/comments/{comment_id}/hide"), headers=room.w["auth"])
    assert r.status_code == 200 and r.get_json()["comment"]["status"] == "hidden"
    assert last_state(room.screen)["comments"] == []


def last_comment_id(room):
    r = room.client.get(url(room.w, "/comments"), headers=room.w["auth"])
    return r.get_json()["comments"][-1]["id"]


def test_comment_refusals_are_acknowledged(room):
    refused(comment(room.phone, room.a, "   ", op_id="r1"), "field_required")
    refused(comment(room.phone, room.a, "x" * 281, op_id="r2"), "field_too_long")
    refused(comment(room.phone, 10**9, "Bien", op_id="r3"), "activity_not_found")
    refused(
        room.phone.emit("add_comment", {"activity_id": room.a, "text": "Bien"}, callback=True),
        "op_id_invalid",
    )
    refused(room.phone.emit("add_comment", ["pas", "un objet"], callback=True), "bad_request")
    refused(comment(room.screen, room.a, "Bien", op_id="r4"), "not_authenticated")
    refused(comment(room.console, room.a, "Bien", op_id="r5"), "not_authenticated")
    ack = room.phone.emit(
        "add_comment", {"activity_id": room.a, "text": {"x": 1}, "op_id": "r6"}, callback=True
    )
    refused(ack, "field_invalid")
    r = room.client.get(url(room.w, "/comments"), headers=room.w["auth"])
    assert r.get_json()["comments"] == []


def commit(sio, activity_id, role, op_id, **extra):
    return sio.emit(
        "make_commitment",
        {"activity_id": activity_id, "role": role, "op_id": op_id, **extra},
        callback=True,
    )


def test_commitments_wait_for_the_facilitator(room):
    refused(commit(room.phone, room.a, "lead", "k1"), "commitments_closed")
    assert room.patch({"commitments_open": True}).status_code == 200
    ack = commit(room.phone, room.a, "lead", "k2", timeframe="T1 2026", note="Sous réserve")
    assert ack["ok"] is True
    record = ack["commitment"]
    assert (record["organisation"], record["role"], record["status"]) == (
        "CGEM",
        "lead",
        "proposed",
    )
    assert (record["timeframe"], record["note"]) == ("T1 2026", "Sous réserve")
    console = last_state(room.console)
    assert console["commitments_open"] is True
    assert console["commitments"][0]["made_by"].startswith("P-")
    screen = last_state(room.screen)
    assert "made_by" not in screen["commitments"][0]
    assert screen["commitments"][0]["organisation_key"] == "cgem"


def test_a_colleague_updates_and_withdraws_the_same_commitment(room):
    room.patch({"commitments_open": True})
    first = commit(room.phone, room.a, "lead", "k1")["commitment"]
    second = commit(room.phone2, room.a, "co-lead", "k2")["commitment"]
    assert second["id"] == first["id"] and second["role"] == "co_lead"
    ack = room.phone2.emit(
        "withdraw_commitment", {"activity_id": room.a, "op_id": "k3"}, callback=True
    )
    assert ack == {"ok": True}
    assert last_state(room.console)["commitments"] == []


def test_commitment_refusals(room):
    room.patch({"commitments_open": True})
    refused(commit(room.phone, room.a, "chef", "x1"), "role_invalid")
    refused(commit(room.phone, room.a, "lead", "x2", timeframe="x" * 41), "field_too_long")
    refused(commit(room.phone, "abc", "lead", "x3"), "activity_not_found")
    refused(commit(room.screen, room.a, "lead", "x4"), "not_authenticated")
    ok = commit(room.phone, room.a, "lead", "x5")
    assert ok["ok"]
    # an op_id belongs to one kind of action
    refused(comment(room.phone, room.a, "Bien", op_id="x5"), "op_id_reused")
    assert (
        room.client.put(
            url(room.w, f"/workplan/activities/{room.b}"), headers=room.w["auth"]
        ).status_code
        == 200
    )
    refused(commit(room.phone, room.a, "partner", "x6"), "activity_not_retained")


def test_my_state_carries_my_comments_and_organisation(room, socket_client):
    comment(room.phone, room.a, "Mon avis")
    again = socket_client({"participant_token": room.token})
    mine = [m["args"][0] for m in again.get_received() if m["name"] == "my_state"][0]
    assert mine["organisation_key"] == "cgem"
    assert [c["text"] for c in mine["my_comments"]] == ["Mon avis"]


def test_going_back_to_proposals_closes_commitments(room):
    room.patch({"commitments_open": True})
    client = room.client
    assert (
        client.post(
            url(room.w, "/phase"), json={"phase": "proposing"}, headers=room.w["auth"]
        ).status_code
        == 200
    )
    refused(commit(room.phone, room.a, "lead", "z1"), "commitments_closed")
    assert last_state(room.phone)["commitments_open"] is False
    r = room.patch({"commitments_open": True})
    assert r.status_code == 400 and r.get_json()["error"] == "commitments_phase"
