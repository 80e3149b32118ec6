"""The API of comments, commitments and the workplan, checked against openapi.json."""

from tests.playbook import api

WS = "/api/workshops/{code}"


def test_comment_routes(contract, played):
    c, p = contract, {"code": played.code}
    fac = played.auth
    listed = c.call("get", WS + "/comments", 200, params=p, headers=fac).get_json()["comments"]
    assert [x["text"] for x in listed][0] == "Associer les régions — إشراك الجهات"
    assert listed[0]["author"]["organisation"] == "CGEM"
    one = {**p, "comment_id": listed[0]["id"]}
    hidden = c.call("post", WS + "/comments/{comment_id}/hide", 200, params=one, headers=fac)
    assert hidden.get_json()["comment"]["status"] == "hidden"
    state = c.client.get(f"/api/workshops/{played.code}", headers=fac).get_json()
    assert {"activity_id": played.ids["first"], "count": 1} in state["comment_counts"]
    c.call("post", WS + "/comments/{comment_id}/restore", 200, params=one, headers=fac)
    missing = {**p, "comment_id": 10**6}
    c.call("post", WS + "/comments/{comment_id}/hide", 404, params=missing, headers=fac)
    phone = {"Authorization": f"Bearer {played.tokens['cgem']}"}
    c.call("get", WS + "/comments", 403, params=p, headers=phone)
    c.call("get", WS + "/comments", 401, params=p)


def test_a_comment_of_another_workshop_is_not_found(contract, played, make_workshop):
    other = make_workshop()
    comment_id = api(contract.client, played.w, "GET", "/comments")["comments"][0]["id"]
    params = {"code": other["code"], "comment_id": comment_id}
    r = contract.call(
        "post", WS + "/comments/{comment_id}/hide", 404, params=params, headers=other["auth"]
    )
    assert r.get_json()["error"] == "comment_not_found"


def test_commitment_routes(contract, played):
    c, p, fac = contract, {"code": played.code}, played.auth
    path = WS + "/commitments"
    listed = c.call("get", path, 200, params=p, headers=fac).get_json()["commitments"]
    assert len(listed) == 6 and listed[0]["made_by"].startswith("P-")
    created = c.call(
        "post",
        path,
        201,
        params=p,
        headers=fac,
        json=c.example(path, "post") | {"activity_id": played.ids["fourth"]},
    ).get_json()["commitment"]
    assert created["status"] == "confirmed" and created["made_by"] is None
    again = {"activity_id": played.ids["fourth"], "organisation": " enabel ", "role": "lead"}
    c.call("post", path, 409, params=p, headers=fac, json=again)
    for bad in (
        {"activity_id": played.ids["third"], "organisation": "X", "role": "boss"},
        {"activity_id": played.ids["third"], "organisation": "", "role": "lead"},
        {"activity_id": played.ids["third"], "organisation": "X", "role": "lead", "group": "?"},
        {"activity_id": played.ids["third"], "organisation": "X", "role": "lead", "confirmed": 1},
    ):
        c.call("post", path, 400, params=p, headers=fac, json=bad)
    c.call("post", path, 404, params=p, headers=fac, json={**again, "activity_id": 10**6})
    one = {**p, "commitment_id": created["id"]}
    item = path + "/{commitment_id}"
    edited = c.call("patch", item, 200, params=one, headers=fac, json=c.example(item, "patch"))
    assert edited.get_json()["commitment"]["timeframe"] == "2026"
    other = {"activity_id": played.ids["fourth"], "organisation": "OIM", "role": "support"}
    c.call("post", path, 201, params=p, headers=fac, json=other)
    c.call("patch", item, 409, params=one, headers=fac, json={"organisation": " oim"})
    c.call("patch", item, 400, params=one, headers=fac, json={"role": "chef"})
    # what a focal point said by telephone: a contact person and resources; too long: refused
    given = {"contact": "Mme Alaoui, 06 12 34 56 78", "resources": "=2 experts, 40 000 MAD"}
    edited = c.call("patch", item, 200, params=one, headers=fac, json=given)
    assert {k: edited.get_json()["commitment"][k] for k in given} == given
    too_long = c.call("patch", item, 400, params=one, headers=fac, json={"contact": "x" * 121})
    assert too_long.get_json()["error"] == "field_too_long"
    kept = c.call("patch", item, 200, params=one, headers=fac, json={"contact": ""})
    assert kept.get_json()["commitment"]["contact"] == ""
    assert kept.get_json()["commitment"]["resources"] == given["resources"]
    c.call("delete", item, 200, params=one, headers=fac)
    c.call("delete", item, 404, params=one, headers=fac)
    c.call("patch", item, 404, params=one, headers=fac, json={})


def test_workplan_routes(contract, played):
    c, p, fac = contract, {"code": played.code}, played.auth
    plan = c.call("get", WS + "/workplan", 200, params=p, headers=fac).get_json()
    ids = played.ids
    assert plan["retained_ids"] == sorted([ids["first"], ids["second"], ids["third"]])
    assert plan["issues"]["lead_conflicts"] == [ids["second"]]
    assert plan["issues"]["no_lead"] == [ids["third"]]
    assert plan["rankings"] == ["total", "voters", "breadth"]
    top = WS + "/workplan/top"
    got = c.call("post", top, 200, params=p, headers=fac, json={"count": 1}).get_json()
    assert got["retained_ids"] == [ids["first"]]
    breadth = c.call("post", top, 200, params=p, headers=fac, json=c.example(top, "post"))
    assert ids["fifth"] not in breadth.get_json()["retained_ids"]
    c.call("post", top, 400, params=p, headers=fac, json={"count": 0})
    c.call("post", top, 400, params=p, headers=fac, json={"count": 2, "ranking": "luck"})
    c.call("post", top, 400, params=p, headers=fac, json={"count": 2, "per_track": "yes"})
    one = {**p, "activity_id": ids["fifth"]}
    item = WS + "/workplan/activities/{activity_id}"
    assert (
        ids["fifth"] in c.call("put", item, 200, params=one, headers=fac).get_json()["retained_ids"]
    )
    assert (
        ids["fifth"]
        not in c.call("delete", item, 200, params=one, headers=fac).get_json()["retained_ids"]
    )
    c.call("put", item, 404, params={**p, "activity_id": 10**6}, headers=fac)
    c.call("post", WS + "/activities/{activity_id}/hide", 200, params=one, headers=fac)
    c.call("put", item, 400, params=one, headers=fac)


def test_settings_toggles(contract, played, make_workshop):
    c, fac = contract, played.auth
    p = {"code": played.code}
    c.call("patch", WS, 200, params=p, headers=fac, json={"show_workplan": True})
    c.call("patch", WS, 400, params=p, headers=fac, json={"show_comments": "on"})
    state = c.call("get", WS, 200, params=p).get_json()
    assert state["show_workplan"] is True and state["show_comments"] is False
    assert state["commitments_open"] is True
    assert all("made_by" not in x for x in state["commitments"])
    fresh = make_workshop()
    refused = c.call(
        "patch",
        WS,
        400,
        params={"code": fresh["code"]},
        headers=fresh["auth"],
        json={"commitments_open": True},
    )
    assert refused.get_json()["error"] == "commitments_phase"


def test_the_public_state_matches_the_document(contract, played):
    state = contract.call("get", WS, 200, params={"code": played.code}).get_json()
    rows = state["workplan"]["rows"]
    assert [r["activity_id"] for r in rows] == [
        played.ids["first"],
        played.ids["second"],
        played.ids["third"],
    ]
    assert [x["organisation"] for x in rows[0]["lead"]] == ["OIT"]
    assert rows[0]["lead"][0]["status"] == "confirmed"
    assert rows[1]["gaps"] == ["lead_conflict"] and rows[2]["gaps"] == ["no_lead"]
    # rows name organisations only: the records are in `commitments`, phones need them only
    # while they may commit, and never who made them
    assert set(rows[0]["lead"][0]) == {"id", "organisation", "status"}
    assert len(state["commitments"]) == 6
    assert all(
        set(c) == {"id", "activity_id", "organisation_key", "role", "timeframe", "note", "status"}
        for c in state["commitments"]
    )
    api(contract.client, played.w, "PATCH", "", json={"commitments_open": False})
    closed = contract.call("get", WS, 200, params={"code": played.code}).get_json()
    assert closed["commitments"] == [] and closed["workplan"]["rows"] == rows
    console = contract.call("get", WS, 200, params={"code": played.code}, headers=played.auth)
    assert len(console.get_json()["commitments"]) == 6
