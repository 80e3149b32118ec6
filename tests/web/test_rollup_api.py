"""Pre-votes, marks and the roll-up over HTTP and the socket: phones pre-vote at their table,
a table link marks its own group's activities, the facilitator rolls up (with cross-group
duplicates), the plenary votes on the ballot only; every answer checked against openapi.json."""

import pytest

from tests.realtime.test_namespace import assert_refused, screen_key

PREFIX = "/api/workshops/{code}"


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


@pytest.fixture
def tables(client, make_workshop):
    """Two tables from tracks, two activities at each (one pair alike across them), two phones
    at A and one at B, a table link to A; the workshop proposing, both tables pre-voting."""
    w = make_workshop(tracks=["Gouvernance", "Compétences"])
    auth = w["auth"]
    a, b = client.post(
        url(w, "/working-groups"), json={"from_tracks": True}, headers=auth
    ).get_json()["working_groups"]

    def add(title, track):
        response = client.post(
            url(w, "/activities"), json={"title": title, "track": track}, headers=auth
        )
        assert response.status_code == 201
        return response.get_json()["activity_id"]

    ids = {
        "nurses_fr": add(
            "Partenariat Maroc–Allemagne pour la mobilité des infirmiers", "Gouvernance"
        ),
        "observatory": add("Observatoire national des migrations", "Gouvernance"),
        "nurses_en": add("Skills partnership with Germany for nurses", "Compétences"),
        "inspectors": add("Formation des inspecteurs du travail", "Compétences"),
    }
    phones = []
    for group, organisation, table in (
        ("Gouvernement", "MIEPEEC", a),
        ("Employeurs", "CGEM", a),
        ("Travailleurs", "UMT", b),
    ):
        joined = client.post(
            url(w, "/participants"),
            json={"name": "", "organisation": organisation, "group": group},
        ).get_json()
        seated = client.put(
            url(w, f"/participants/{joined['participant_id']}/working-group"),
            json={"working_group_id": table["id"]},
            headers=auth,
        )
        assert seated.status_code == 200, seated.get_json()
        phones.append(
            {
                "token": joined["participant_token"],
                "auth": {"Authorization": f"Bearer {joined['participant_token']}"},
            }
        )
    assert client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=auth).status_code
    link = client.post(url(w, f"/working-groups/{a['id']}/links"), json={}, headers=auth)
    assert link.status_code == 201, link.get_json()
    return {
        "w": w,
        "a": a,
        "b": b,
        "ids": ids,
        "phones": phones,
        "table": {"Authorization": f"Bearer {link.get_json()['token']}"},
    }


def table_phase(client, t, group, phase):
    response = client.post(
        url(t["w"], f"/working-groups/{group['id']}/phase"),
        json={"phase": phase},
        headers=t["w"]["auth"],
    )
    assert response.status_code == 200, response.get_json()


def params(t, **more):
    return {"code": t["w"]["code"], **more}


def test_phones_prevote_at_their_own_table(client, contract, tables):
    t, ids = tables, tables["ids"]
    p0, p1, p2 = (p["auth"] for p in t["phones"])
    cast = PREFIX + "/me/prevotes"
    refused = contract.call(
        "post",
        cast,
        400,
        params=params(t),
        json={"activity_id": ids["observatory"], "points": 1},
        headers=p0,
    )
    assert refused.get_json()["error"] == "not_prevoting"  # the table still takes proposals
    for group in (t["a"], t["b"]):
        table_phase(client, t, group, "prevote")
    ok = contract.call(
        "post",
        cast,
        200,
        params=params(t),
        json={"activity_id": ids["observatory"], "points": 3},
        headers=p0,
    ).get_json()
    assert ok == {
        "ok": True,
        "prevotes": [{"activity_id": ids["observatory"], "value": 3}],
        "prevote_left": 2,
        "left": 2,
    }
    over = contract.call(
        "post",
        cast,
        400,
        params=params(t),
        json={"activity_id": ids["nurses_fr"], "points": 3},
        headers=p0,
    )
    assert over.get_json()["error"] == "over_budget" and over.get_json()["message"]
    other = contract.call(
        "post",
        cast,
        403,
        params=params(t),
        json={"activity_id": ids["nurses_en"], "points": 1},
        headers=p0,
    )
    assert other.get_json()["error"] == "not_your_group"
    contract.call(
        "post",
        cast,
        200,
        params=params(t),
        json={"activity_id": ids["nurses_fr"], "points": 2},
        headers=p1,
    )
    contract.call(
        "post",
        cast,
        200,
        params=params(t),
        json={"activity_id": ids["inspectors"], "points": 1},
        headers=p2,
    )
    withdrawn = contract.call(
        "delete",
        PREFIX + "/me/prevotes/{activity_id}",
        200,
        params=params(t, activity_id=ids["observatory"]),
        headers=p0,
    ).get_json()
    assert withdrawn["prevotes"] == [] and withdrawn["prevote_left"] == 5
    contract.call(
        "post",
        cast,
        200,
        params=params(t),
        json={"activity_id": ids["observatory"], "points": 1},
        headers=p0,
    )
    ranking = contract.call(
        "get",
        PREFIX + "/working-groups/{group_id}/prevote",
        200,
        params=params(t, group_id=t["a"]["id"]),
        headers=p2,  # a phone of the other table may read it
    ).get_json()
    assert ranking == {
        "working_group_id": t["a"]["id"],
        "phase": "prevote",
        "activities": [
            {"activity_id": ids["nurses_fr"], "total": 2, "voters": 1, "rank": 1},
            {"activity_id": ids["observatory"], "total": 1, "voters": 1, "rank": 2},
        ],
    }
    assert client.get(url(t["w"], f"/working-groups/{t['a']['id']}/prevote")).status_code == 401
    me = client.get(url(t["w"]), headers=p0).get_json()
    assert me["ballot"] == []


def test_the_state_and_welcome_carry_prevotes(client, tables, socket_client):
    t, ids = tables, tables["ids"]
    table_phase(client, t, t["a"], "prevote")
    phone = socket_client({"participant_token": t["phones"][0]["token"]})
    assert phone.is_connected()
    phone.get_received()
    ack = phone.emit(
        "cast_prevote",
        {"activity_id": ids["nurses_fr"], "points": 2, "op_id": "pv1"},
        callback=True,
    )
    assert ack == {
        "ok": True,
        "prevotes": [{"activity_id": ids["nurses_fr"], "value": 2}],
        "prevote_left": 3,
        "left": 3,
    }
    again = phone.emit(
        "cast_prevote",
        {"activity_id": ids["nurses_fr"], "points": 3, "op_id": "pv1"},
        callback=True,
    )
    assert again == {**ack, "replayed": True}  # a retry has effect once
    assert_refused(
        phone.emit(
            "cast_prevote",
            {"activity_id": ids["nurses_en"], "points": 1, "op_id": "pv2"},
            callback=True,
        ),
        "not_your_group",
    )
    assert_refused(
        phone.emit("cast_prevote", {"activity_id": ids["nurses_fr"], "points": 1}, callback=True),
        "op_id_invalid",
    )
    phone.get_received()
    assert phone.emit("sync", {}, callback=True)["ok"]
    welcome = [m["args"][0] for m in phone.get_received() if m["name"] == "my_state"]
    assert welcome and welcome[-1]["prevotes"] == [{"activity_id": ids["nurses_fr"], "value": 2}]
    assert welcome[-1]["prevote_left"] == 3
    withdrawn = phone.emit(
        "withdraw_prevote", {"activity_id": ids["nurses_fr"], "op_id": "pv3"}, callback=True
    )
    assert withdrawn["ok"] and withdrawn["prevotes"] == [] and withdrawn["prevote_left"] == 5


def test_a_table_link_marks_its_own_groups_activities_only(client, contract, tables):
    t, ids = tables, tables["ids"]
    mark = PREFIX + "/activities/{activity_id}/to-plenary"
    done = contract.call(
        "post",
        mark,
        200,
        params=params(t, activity_id=ids["observatory"]),
        json={"to_plenary": True},
        headers=t["table"],
    ).get_json()
    assert done == {"ok": True, "activity_id": ids["observatory"], "to_plenary": True}
    theirs = contract.call(
        "post",
        mark,
        403,
        params=params(t, activity_id=ids["inspectors"]),
        json={"to_plenary": True},
        headers=t["table"],
    )
    assert theirs.get_json()["error"] == "table_link_scope"
    bad = contract.call(
        "post",
        mark,
        400,
        params=params(t, activity_id=ids["observatory"]),
        json={"to_plenary": "oui"},
        headers=t["w"]["auth"],
    )
    assert bad.get_json()["error"] == "field_invalid"
    for method in ("get", "post", "delete"):  # the roll-up is the main facilitator's
        body = {"json": {"top_n": 2}} if method == "post" else {}
        refused = contract.call(
            method, PREFIX + "/rollup", 403, params=params(t), headers=t["table"], **body
        )
        assert refused.get_json()["error"] == "table_link_scope"
    state = client.get(url(t["w"]), headers=t["w"]["auth"]).get_json()
    marked = {a["id"] for a in state["activities"] if a["to_plenary"]}
    assert marked == {ids["observatory"]}


def test_roll_up_duplicates_plenary_and_undo(client, contract, tables, socket_client):
    t, ids, auth = tables, tables["ids"], tables["w"]["auth"]
    p0, _p1, p2 = (p["auth"] for p in t["phones"])
    for group in (t["a"], t["b"]):
        table_phase(client, t, group, "prevote")
    for headers, activity in ((p0, "nurses_fr"), (p2, "nurses_en"), (p2, "inspectors")):
        response = client.post(
            url(t["w"], "/me/prevotes"),
            json={"activity_id": ids[activity], "points": 1},
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
    rollup = PREFIX + "/rollup"
    assert contract.call("get", rollup, 200, params=params(t), headers=auth).get_json() == {
        "ok": True,
        "ballot": [],
        "duplicates": [],
    }
    bad = contract.call("post", rollup, 400, params=params(t), json={"top_n": 0}, headers=auth)
    assert bad.get_json()["error"] == "field_out_of_range"
    made = contract.call(
        "post", rollup, 200, params=params(t), json={"top_n": 1}, headers=auth
    ).get_json()
    assert [(e["activity_id"], e["working_group_id"], e["position"]) for e in made["ballot"]] == [
        (ids["nurses_fr"], t["a"]["id"], 1),
        (ids["nurses_en"], t["b"]["id"], 2),  # rank 1 at B: tie with inspectors, the lower id
    ]
    assert [d["activity_ids"] for d in made["duplicates"]] == [[ids["nurses_fr"], ids["nurses_en"]]]
    state = client.get(url(t["w"])).get_json()
    assert state["ballot"] == made["ballot"]
    assert contract.call("get", rollup, 200, params=params(t), headers=auth).get_json() == made
    # the cross-group duplicate merged with the merge API: both provenances stay
    merged = client.post(
        url(t["w"], "/merges"),
        json={"target_id": ids["nurses_fr"], "source_ids": [ids["nurses_en"]]},
        headers=auth,
    )
    assert merged.status_code == 201, merged.get_json()
    after = contract.call("get", rollup, 200, params=params(t), headers=auth).get_json()
    assert [(e["activity_id"], e["merged_into_id"]) for e in after["ballot"]] == [
        (ids["nurses_fr"], None),
        (ids["nurses_en"], ids["nurses_fr"]),
    ]
    assert after["duplicates"] == []
    # the plenary votes on the ballot only
    assert client.post(url(t["w"], "/phase"), json={"phase": "voting"}, headers=auth).status_code
    phone = socket_client({"participant_token": t["phones"][2]["token"]})
    assert_refused(
        phone.emit(
            "cast_vote",
            {"activity_id": ids["inspectors"], "points": 1, "op_id": "v1"},
            callback=True,
        ),
        "not_on_ballot",
    )
    ack = phone.emit(
        "cast_vote", {"activity_id": ids["nurses_fr"], "points": 2, "op_id": "v2"}, callback=True
    )
    assert ack["ok"] and ack["left"] == 3
    results = client.get(url(t["w"], "/results"), headers=auth)
    contract.check(results, PREFIX + "/results", "get")
    rows = results.get_json()["activities"]
    assert [(r["activity_id"], r["total"]) for r in rows] == [(ids["nurses_fr"], 2)]
    assert rows[0]["provenance"] == {
        "working_group_id": t["a"]["id"],
        "prevote_rank": 1,
        "prevote_total": 1,
        "prevote_voters": 1,
        "marked": False,
    }
    locked = contract.call("delete", rollup, 400, params=params(t), headers=auth)
    assert locked.get_json()["error"] == "ballot_locked"
    assert client.post(url(t["w"], "/phase"), json={"phase": "proposing"}, headers=auth)
    undone = contract.call("delete", rollup, 200, params=params(t), headers=auth).get_json()
    assert undone == {"ok": True, "removed": 2, "ballot": []}
    assert client.get(url(t["w"])).get_json()["ballot"] == []


# -- the rapporteur's view: the group the big screen shows -----------------------------------


def rolled_up(client, t):
    """Both tables pre-vote one activity each, and the facilitator rolls up."""
    for group in (t["a"], t["b"]):
        table_phase(client, t, group, "prevote")
    for phone, activity in ((t["phones"][0], "observatory"), (t["phones"][2], "inspectors")):
        response = client.post(
            url(t["w"], "/me/prevotes"),
            json={"activity_id": t["ids"][activity], "points": 1},
            headers=phone["auth"],
        )
        assert response.status_code == 200, response.get_json()
    made = client.post(url(t["w"], "/rollup"), json={"top_n": 1}, headers=t["w"]["auth"])
    assert made.status_code == 200, made.get_json()


def focus(contract, t, value, status, headers=None):
    return contract.call(
        "patch",
        PREFIX,
        status,
        params=params(t),
        json={"rollup_focus_group_id": value},
        headers=headers or t["w"]["auth"],
    ).get_json()


def test_the_big_screen_shows_the_group_whose_rapporteur_speaks(
    client, contract, tables, socket_client
):
    t, auth = tables, tables["w"]["auth"]
    before = focus(contract, t, t["b"]["id"], 400)  # nothing to show before the roll-up
    assert before["error"] == "rollup_none"
    rolled_up(client, t)
    screen = socket_client({"code": t["w"]["code"], "screen_key": screen_key(t["w"])})
    screen.get_received()
    version = client.get(url(t["w"])).get_json()["version"]
    assert focus(contract, t, t["b"]["id"], 200) == {"ok": True}
    state = client.get(url(t["w"])).get_json()
    assert state["rollup_focus_group_id"] == t["b"]["id"] and state["version"] > version
    shown = [m["args"][0] for m in screen.get_received() if m["name"] == "workshop_state"]
    assert shown and shown[-1]["rollup_focus_group_id"] == t["b"]["id"]  # every screen follows
    # a reloaded screen too: its welcome carries the focus
    again = socket_client({"code": t["w"]["code"], "screen_key": screen_key(t["w"])})
    welcome = [m["args"][0] for m in again.get_received() if m["name"] == "workshop_state"]
    assert welcome[-1]["rollup_focus_group_id"] == t["b"]["id"]
    # an unknown group, another workshop's, or not an id: the not-found key, nothing changes
    other = client.post(url(t["w"], "/working-groups"), json={"names": ["Autre"]}, headers=auth)
    other_id = other.get_json()["working_groups"][-1]["id"]
    client.delete(url(t["w"], f"/working-groups/{other_id}"), headers=auth)
    for wrong in (other_id, 999999, "B", True):
        refused = focus(contract, t, wrong, 404)
        assert refused["error"] == "working_group_not_found", wrong
    assert client.get(url(t["w"])).get_json()["rollup_focus_group_id"] == t["b"]["id"]
    # a table link runs its own table, not the big screen
    refused = focus(contract, t, t["a"]["id"], 403, headers=t["table"])
    assert refused["error"] == "table_link_scope"
    assert client.get(url(t["w"])).get_json()["rollup_focus_group_id"] == t["b"]["id"]
    # "all groups": the pages turn again
    assert focus(contract, t, None, 200) == {"ok": True}
    assert client.get(url(t["w"])).get_json()["rollup_focus_group_id"] is None
    # other settings leave the focus alone
    assert focus(contract, t, t["a"]["id"], 200) == {"ok": True}
    client.patch(url(t["w"]), json={"screen_scene": "rollup"}, headers=auth)
    state = client.get(url(t["w"])).get_json()
    assert (state["rollup_focus_group_id"], state["screen_scene"]) == (t["a"]["id"], "rollup")


def test_the_focus_goes_with_the_roll_up_and_with_its_group(client, contract, tables):
    t, auth = tables, tables["w"]["auth"]
    rolled_up(client, t)
    assert focus(contract, t, t["a"]["id"], 200) == {"ok": True}
    # rolling up again keeps the group shown
    assert client.post(url(t["w"], "/rollup"), json={"top_n": 2}, headers=auth).status_code == 200
    assert client.get(url(t["w"])).get_json()["rollup_focus_group_id"] == t["a"]["id"]
    undone = client.delete(url(t["w"], "/rollup"), headers=auth).get_json()
    assert undone["removed"] == 2
    assert client.get(url(t["w"])).get_json()["rollup_focus_group_id"] is None
    assert focus(contract, t, t["a"]["id"], 400)["error"] == "rollup_none"
    rolled_up_again = client.post(url(t["w"], "/rollup"), json={"top_n": 1}, headers=auth)
    assert rolled_up_again.status_code == 200
    assert focus(contract, t, t["b"]["id"], 200) == {"ok": True}
    # deleting another group keeps it; deleting the group shown clears it
    client.delete(url(t["w"], f"/working-groups/{t['a']['id']}"), headers=auth)
    assert client.get(url(t["w"])).get_json()["rollup_focus_group_id"] == t["b"]["id"]
    client.delete(url(t["w"], f"/working-groups/{t['b']['id']}"), headers=auth)
    state = client.get(url(t["w"])).get_json()
    assert state["rollup_focus_group_id"] is None and state["ballot"]  # the entries stay
