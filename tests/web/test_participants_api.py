"""The participants API: the console's list, merge, removal and undo; the recovery code."""

import pytest

from workshop import create_app


def url(w, path=""):
    return f"/api/workshops/{w['code']}{path}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def room(client, make_workshop, join):
    """A workshop in voting with one activity and two identities of one CGEM person."""
    w = make_workshop()
    activity = client.post(url(w, "/activities"), json={"title": "Guichet"}, headers=w["auth"])
    w["activity"] = activity.get_json()["activity_id"]
    w["old"] = join(w["code"], group="Employeurs", organisation="CGEM", name="Salma")
    w["new"] = join(w["code"], group="Employeurs", organisation="CGEM", name="Salma B.")
    client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
    return w


def people(client, w):
    response = client.get(url(w, "/participants"), headers=w["auth"])
    assert response.status_code == 200
    return response.get_json()


def test_the_list_shows_who_is_in_the_room_what_they_spent_and_who_is_online(
    client, room, socket_client
):
    phone = socket_client({"participant_token": room["new"]})
    ack = phone.emit(
        "cast_vote", {"op_id": "v1", "activity_id": room["activity"], "points": 2}, callback=True
    )
    assert ack["ok"]
    rows = people(client, room)["participants"]
    assert [r["name"] for r in rows] == ["Salma", "Salma B."]
    assert set(rows[0]) >= {"participant_id", "organisation", "group_id", "joined_at", "online"}
    assert [(r["spent"], r["online"]) for r in rows] == [(0, False), (2, True)]
    phone.disconnect()
    assert [r["online"] for r in people(client, room)["participants"]] == [False, False]


def test_merge_then_undo_over_the_api_and_the_merged_phone_is_told(client, room, socket_client):
    old_phone = socket_client({"participant_token": room["old"]})
    old_phone.emit(
        "cast_vote", {"op_id": "v1", "activity_id": room["activity"], "points": 3}, callback=True
    )
    new_phone = socket_client({"participant_token": room["new"]})
    new_phone.emit(
        "cast_vote", {"op_id": "v2", "activity_id": room["activity"], "points": 2}, callback=True
    )
    old_phone.get_received()
    rows = people(client, room)["participants"]
    old_id, new_id = rows[0]["participant_id"], rows[1]["participant_id"]
    response = client.post(
        url(room, "/participants/merge"),
        json={"kept_id": new_id, "merged_id": old_id},
        headers=room["auth"],
    )
    assert response.status_code == 201, response.get_json()
    change = response.get_json()["change"]
    assert change["kind"] == "merge" and change["kept_id"] == new_id
    assert not old_phone.is_connected(), "the merged phone's socket is closed: it reconnects"
    told = [m for m in old_phone.queue if m["name"] == "identity_changed"]  # before the close
    assert told and told[0]["args"][0] == {"reason": "merged"}
    [row] = people(client, room)["participants"]
    assert row["participant_id"] == new_id and row["spent"] == 3  # 2 + 3, cap 3: 2 returned
    # the old phone's token now acts as the kept participant, and its op_id is remembered
    again = socket_client({"participant_token": room["old"]})
    replay = again.emit(
        "cast_vote", {"op_id": "v1", "activity_id": room["activity"], "points": 3}, callback=True
    )
    assert replay["replayed"] is True
    me = client.get(url(room, "/me"), headers=bearer(room["old"])).get_json()
    assert me["participant_id"] == new_id
    undo = client.post(
        url(room, f"/participant-changes/{change['change_id']}/undo"), headers=room["auth"]
    )
    assert undo.status_code == 200 and undo.get_json()["change"]["undone_at"]
    assert [r["spent"] for r in people(client, room)["participants"]] == [3, 2]
    twice = client.post(
        url(room, f"/participant-changes/{change['change_id']}/undo"), headers=room["auth"]
    )
    assert twice.status_code == 409
    assert twice.get_json()["error"] == "participant_change_already_undone"


def test_removal_signs_the_phone_out_and_is_listed_with_its_undo(client, room):
    old_id = people(client, room)["participants"][0]["participant_id"]
    response = client.post(url(room, f"/participants/{old_id}/remove"), headers=room["auth"])
    assert response.status_code == 200 and response.get_json()["change"]["kind"] == "removal"
    assert client.get(url(room, "/me"), headers=bearer(room["old"])).status_code == 401
    listed = people(client, room)
    assert [r["participant_id"] for r in listed["participants"]] != [old_id]
    assert [c["participant_id"] for c in listed["changes"]] == [old_id]
    missing = client.post(url(room, "/participants/P-NOPE99/remove"), headers=room["auth"])
    assert missing.status_code == 404 and missing.get_json()["error"] == "participant_not_found"


def test_a_phone_or_a_stranger_cannot_list_merge_remove_or_undo(client, room):
    rows = people(client, room)["participants"]
    a, b = rows[0]["participant_id"], rows[1]["participant_id"]
    calls = [
        ("get", "/participants", None),
        ("post", "/participants/merge", {"kept_id": a, "merged_id": b}),
        ("post", f"/participants/{a}/remove", None),
        ("post", "/participant-changes/1/undo", None),
    ]
    for method, path, body in calls:
        for headers, status in [(bearer(room["new"]), 403), ({}, 401)]:
            response = getattr(client, method)(url(room, path), json=body, headers=headers)
            assert response.status_code == status, (path, response.get_json())
            assert response.get_json()["error"] == "facilitator_only"
    assert len(people(client, room)["participants"]) == 2, "nothing changed"


def test_merge_refusals_are_keyed(client, room):
    a = people(client, room)["participants"][0]["participant_id"]
    for body, key in [
        ({"merged_id": a}, "field_required"),
        ({"kept_id": a, "merged_id": a}, "participant_merge_itself"),
        ({"kept_id": a, "merged_id": "P-NOPE99"}, "participant_not_found"),
    ]:
        response = client.post(url(room, "/participants/merge"), json=body, headers=room["auth"])
        assert response.status_code in (400, 404)
        assert response.get_json()["error"] == key and response.get_json()["message"]


# -- recovery code -------------------------------------------------------------------------


def test_the_recovery_code_restores_the_identity_on_a_second_client(app, client, room):
    shown = client.get(url(room, "/recovery-code"), headers=bearer(room["old"]))
    code = shown.get_json()["recovery_code"]
    assert len(code) == 9
    second = app.test_client()  # another phone: no cookie, no token
    response = second.post(url(room, "/recover"), json={"recovery_code": code})
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["participant_token"]
    me = second.get(url(room, "/me"), headers=bearer(token)).get_json()
    assert me["name"] == "Salma"
    assert client.get(url(room, "/me"), headers=bearer(room["old"])).status_code == 401
    # the join page's form, with the new phone's new code: a cookie and the phone page
    code2 = second.get(url(room, "/recovery-code"), headers=bearer(token)).get_json()
    third = app.test_client()
    form = third.get(f"/j/{room['code']}").get_data(as_text=True)
    csrf = form.split('name="csrf" value="')[1].split('"')[0]
    page = third.post(
        f"/j/{room['code']}/recover", data={"csrf": csrf, "recovery_code": code2["recovery_code"]}
    )
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/w/{room['code']}")
    assert code2["recovery_code"] not in third.get(f"/w/{room['code']}").get_data(as_text=True)


def test_wrong_codes_are_refused_with_keys_then_locked_out(client, room):
    for raw, status, key in [
        ("", 400, "field_required"),
        ("AB", 403, "recovery_code_format"),
        ("AAAA-AAAA", 403, "recovery_code_invalid"),
    ]:
        response = client.post(url(room, "/recover"), json={"recovery_code": raw})
        assert response.status_code == status and response.get_json()["error"] == key
    right = client.get(url(room, "/recovery-code"), headers=bearer(room["new"])).get_json()
    for _ in range(3):  # 5 wrong per address in 15 minutes (two counted above)
        client.post(url(room, "/recover"), json={"recovery_code": "AAAA-AAAA"})
    locked = client.post(url(room, "/recover"), json={"recovery_code": right["recovery_code"]})
    assert locked.status_code == 429 and locked.get_json()["error"] == "rate_limited"
    assert client.get(url(room, "/me"), headers=bearer(room["new"])).status_code == 200


def test_the_join_page_form_says_what_was_wrong_in_the_readers_language(client, room):
    page = client.get(f"/j/{room['code']}").get_data(as_text=True)
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    client.set_cookie("atelier_lang", "ar")
    refused = client.post(
        f"/j/{room['code']}/recover", data={"csrf": csrf, "recovery_code": "AAAA-AAAA"}
    )
    assert refused.status_code == 403
    assert 'id="recovery-error"' in refused.get_data(as_text=True)
    assert "رمز الاسترجاع هذا لا يطابق أحداً" in refused.get_data(as_text=True)
    assert "AAAA-AAAA" in refused.get_data(as_text=True), "what was typed is kept"


def test_a_database_copy_alone_cannot_be_searched_for_codes(tmp_path, room, client):
    """The stored hash is keyed by the instance's secret: another key finds nothing."""
    code = client.get(url(room, "/recovery-code"), headers=bearer(room["old"])).get_json()
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": client.application.config["DATABASE_URL"],
            "SECRET_KEY": "another-secret",
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    response = other.test_client().post(
        url(room, "/recover"), json={"recovery_code": code["recovery_code"]}
    )
    assert response.get_json()["error"] == "recovery_code_invalid"
    other.extensions["atelier.engine"].dispose()
