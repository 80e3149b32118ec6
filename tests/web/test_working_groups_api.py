"""Working groups over HTTP: define, rename, delete, seat participants (all at once, by hand,
the phone's own choice), each table's phase and countdown, and table links."""

import pytest


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def phone(client, w, group="Gouvernement", organisation="MIEPEEC"):
    response = client.post(
        url(w, "/participants"),
        json={"name": "", "organisation": organisation, "group": group},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    return body["participant_id"], {"Authorization": f"Bearer {body['participant_token']}"}


def groups(client, w, names=("Migration | ar: الهجرة | en: Migration governance", "Compétences")):
    response = client.post(
        url(w, "/working-groups"), json={"names": list(names)}, headers=w["auth"]
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["working_groups"]


@pytest.fixture
def w(make_workshop):
    return make_workshop(tracks=["Gouvernance | en: Governance", "Compétences"])


def test_define_list_rename_delete(client, w):
    made = groups(client, w)
    assert [(g["name"], g["names"]) for g in made] == [
        ("Migration", {"fr": "", "ar": "الهجرة", "en": "Migration governance"}),
        ("Compétences", {"fr": "", "ar": "", "en": ""}),
    ]
    first = made[0]
    assert first["screen_url"].startswith("http") and first["screen_url"].endswith(
        first["screen_url"].rsplit("/", 1)[1]
    )
    assert f"/t/{w['code']}/" in first["screen_url"]
    listed = client.get(url(w, "/working-groups"), headers=w["auth"]).get_json()
    assert [g["id"] for g in listed["working_groups"]] == [g["id"] for g in made]
    assert listed["assignment"] == {
        "working_group_choice": True,
        "methods": ["stakeholder_group", "organisation", "balanced"],
        "participants": 0,
        "unassigned": 0,
    }
    renamed = client.patch(
        url(w, f"/working-groups/{first['id']}"),
        json={"name": "Gouvernance des migrations", "name_fr": "Gouvernance des migrations"},
        headers=w["auth"],
    )
    assert renamed.status_code == 200, renamed.get_json()
    # a wording equal to the original is no wording (as for tracks)
    assert renamed.get_json()["working_group"]["names"]["fr"] == ""
    taken = client.patch(
        url(w, f"/working-groups/{first['id']}"), json={"name": "compétences"}, headers=w["auth"]
    )
    assert taken.status_code == 400 and taken.get_json()["error"] == "working_group_exists"
    assert "Compétences" in taken.get_json()["message"]
    deleted = client.delete(url(w, f"/working-groups/{first['id']}"), headers=w["auth"])
    assert deleted.status_code == 200
    gone = client.delete(url(w, f"/working-groups/{first['id']}"), headers=w["auth"])
    assert gone.status_code == 404 and gone.get_json()["error"] == "working_group_not_found"
    state = client.get(url(w), headers=w["auth"]).get_json()
    assert [g["name"] for g in state["working_groups"]] == ["Compétences"]


def test_groups_from_tracks(client, w):
    added = client.post(
        url(w, "/activities"),
        json={"title": "Politique", "track": "Gouvernance"},
        headers=w["auth"],
    ).get_json()
    made = client.post(url(w, "/working-groups"), json={"from_tracks": True}, headers=w["auth"])
    assert made.status_code == 201
    records = made.get_json()["working_groups"]
    assert [(g["name"], g["names"]["en"]) for g in records] == [
        ("Gouvernance", "Governance"),
        ("Compétences", ""),
    ]
    assert records[0]["activities"] == 1
    state = client.get(url(w), headers=w["auth"]).get_json()
    activity = next(a for a in state["activities"] if a["id"] == added["activity"]["id"])
    assert activity["working_group_id"] == records[0]["id"] and activity["to_plenary"] is False
    again = client.post(url(w, "/working-groups"), json={"from_tracks": True}, headers=w["auth"])
    assert again.status_code == 201 and again.get_json()["working_groups"] == []


def test_create_needs_names(client, w):
    for body in ({}, {"names": []}, {"names": "  "}, {"from_tracks": "yes"}):
        response = client.post(url(w, "/working-groups"), json=body, headers=w["auth"])
        assert response.status_code == 400, body
        assert response.get_json()["error"] == "field_required"


def test_assign_by_stakeholder_group_then_by_hand(client, w):
    a, b = groups(client, w)
    people = [
        phone(client, w, "Gouvernement", "MIEPEEC"),
        phone(client, w, "Gouvernement", "ANAPEC"),
        phone(client, w, "Employeurs", "CGEM"),
        phone(client, w, "Employeurs", "CGEM"),
    ]
    done = client.post(
        url(w, "/working-groups/assign"), json={"method": "stakeholder_group"}, headers=w["auth"]
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["assigned"], body["moved"]) == (4, 4)
    assert [g["participants"] for g in body["working_groups"]] == [2, 2]
    assert body["assignment"]["unassigned"] == 0
    rows = client.get(url(w, "/participants"), headers=w["auth"]).get_json()["participants"]
    seated = {r["participant_id"]: r["working_group_id"] for r in rows}
    assert [seated[pid] for pid, _h in people] == [a["id"], b["id"], a["id"], b["id"]]
    # by hand: the first phone moves to B, then to no table
    pid, headers = people[0]
    moved = client.put(
        url(w, f"/participants/{pid}/working-group"),
        json={"working_group_id": b["id"]},
        headers=w["auth"],
    )
    assert moved.get_json() == {"ok": True, "participant_id": pid, "working_group_id": b["id"]}
    me = client.get(url(w, "/me"), headers=headers)
    assert me.get_json()["working_group_id"] == b["id"]
    nowhere = client.put(
        url(w, f"/participants/{pid}/working-group"),
        json={"working_group_id": None},
        headers=w["auth"],
    )
    assert nowhere.get_json()["working_group_id"] is None
    for body, status, key in (
        ({}, 400, "field_required"),
        ({"working_group_id": 10**6}, 404, "working_group_not_found"),
    ):
        refused = client.put(
            url(w, f"/participants/{pid}/working-group"), json=body, headers=w["auth"]
        )
        assert refused.status_code == status and refused.get_json()["error"] == key
    unknown = client.put(
        url(w, "/participants/NOPE/working-group"),
        json={"working_group_id": None},
        headers=w["auth"],
    )
    assert unknown.status_code == 404


def test_assign_refusals(client, w):
    phone(client, w)
    none = client.post(
        url(w, "/working-groups/assign"), json={"method": "balanced"}, headers=w["auth"]
    )
    assert none.status_code == 400 and none.get_json()["error"] == "working_groups_none"
    groups(client, w)
    bad = client.post(
        url(w, "/working-groups/assign"), json={"method": "random"}, headers=w["auth"]
    )
    assert bad.status_code == 400 and bad.get_json()["error"] == "assign_method_invalid"
    flag = client.post(
        url(w, "/working-groups/assign"),
        json={"method": "balanced", "only_unassigned": "maybe"},
        headers=w["auth"],
    )
    assert flag.status_code == 400 and flag.get_json()["error"] == "field_invalid"


def test_phone_chooses_while_allowed(client, w):
    a, b = groups(client, w)
    pid, headers = phone(client, w)
    chosen = client.put(
        url(w, "/me/working-group"), json={"working_group_id": b["id"]}, headers=headers
    )
    assert chosen.status_code == 200 and chosen.get_json()["working_group_id"] == b["id"]
    off = client.patch(url(w), json={"working_group_choice": False}, headers=w["auth"])
    assert off.status_code == 200
    state = client.get(url(w)).get_json()
    assert state["working_group_choice"] is False
    assert all("screen_url" not in g for g in state["working_groups"])  # public snapshot
    closed = client.put(
        url(w, "/me/working-group"), json={"working_group_id": a["id"]}, headers=headers
    )
    assert closed.status_code == 403
    assert closed.get_json()["error"] == "working_group_choice_closed"
    assert closed.get_json()["message"]
    bad = client.patch(url(w), json={"working_group_choice": "no"}, headers=w["auth"])
    assert bad.status_code == 400
    facilitator = client.put(
        url(w, "/me/working-group"), json={"working_group_id": a["id"]}, headers=w["auth"]
    )
    assert facilitator.status_code in (401, 403)


def test_assign_with_only_unassigned_keeps_choices(client, w):
    a, b = groups(client, w)
    first, h1 = phone(client, w)
    second, _ = phone(client, w)
    third, _ = phone(client, w)
    client.put(url(w, "/me/working-group"), json={"working_group_id": b["id"]}, headers=h1)
    done = client.post(
        url(w, "/working-groups/assign"),
        json={"method": "balanced", "only_unassigned": True},
        headers=w["auth"],
    ).get_json()
    assert (done["assigned"], done["moved"]) == (2, 2)
    rows = client.get(url(w, "/participants"), headers=w["auth"]).get_json()["participants"]
    seated = {r["participant_id"]: r["working_group_id"] for r in rows}
    assert (seated[first], seated[second], seated[third]) == (b["id"], a["id"], a["id"])


def test_group_phase_and_timer(client, w):
    a, b = groups(client, w)
    client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=w["auth"])
    moved = client.post(
        url(w, f"/working-groups/{a['id']}/phase"), json={"phase": "prevote"}, headers=w["auth"]
    )
    assert moved.status_code == 200 and moved.get_json()["phase"] == "prevote"
    skipped = client.post(
        url(w, f"/working-groups/{b['id']}/phase"), json={"phase": "done"}, headers=w["auth"]
    )
    assert skipped.status_code == 400
    assert skipped.get_json()["error"] == "phase_transition_refused"
    started = client.post(
        url(w, f"/working-groups/{b['id']}/timer"),
        json={"action": "start", "seconds": 900},
        headers=w["auth"],
    )
    assert started.status_code == 200 and started.get_json()["timer"]["state"] == "running"
    state = client.get(url(w)).get_json()
    by_id = {g["id"]: g for g in state["working_groups"]}
    assert by_id[a["id"]]["phase"] == "prevote" and by_id[b["id"]]["timer"]["seconds"] == 900
    assert state["timer"]["state"] == "idle"  # the plenary's countdown is its own
    bad = client.post(
        url(w, f"/working-groups/{b['id']}/timer"), json={"action": "stop"}, headers=w["auth"]
    )
    assert bad.status_code == 400 and bad.get_json()["error"] == "timer_action_invalid"
    client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
    late = client.post(
        url(w, f"/working-groups/{a['id']}/phase"), json={"phase": "done"}, headers=w["auth"]
    )
    assert late.status_code == 400 and late.get_json()["error"] == "working_groups_closed"


def test_phone_proposes_into_its_group(client, w, socket_client):
    a, b = groups(client, w)
    pid, headers = phone(client, w)
    client.put(url(w, "/me/working-group"), json={"working_group_id": a["id"]}, headers=headers)
    client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=w["auth"])
    sio = socket_client({"participant_token": headers["Authorization"].split()[1]})
    ack = sio.emit("propose_activity", {"title": "Idée de table", "op_id": "p1"}, callback=True)
    assert ack["ok"] is True, ack
    state = client.get(url(w)).get_json()
    (proposed,) = [x for x in state["activities"] if x["title"] == "Idée de table"]
    assert proposed["working_group_id"] == a["id"]
    client.post(
        url(w, f"/working-groups/{a['id']}/phase"), json={"phase": "prevote"}, headers=w["auth"]
    )
    late = sio.emit("propose_activity", {"title": "Trop tard", "op_id": "p2"}, callback=True)
    assert late["ok"] is False and late["error"] == "working_group_not_proposing"


def test_table_link_is_made_by_the_workshops_facilitators_only(client, w):
    a, b = groups(client, w)
    made = client.post(
        url(w, f"/working-groups/{a['id']}/links"), json={"label": "Table A"}, headers=w["auth"]
    )
    assert made.status_code == 201, made.get_json()
    link = made.get_json()
    assert link["working_group_id"] == a["id"] and link["label"] == "Table A"
    assert link["url"].endswith(f"/f/{w['code']}/{link['token']}")
    assert link["qr_svg"].lstrip().startswith("<")
    table = {"Authorization": f"Bearer {link['token']}"}
    refused = client.post(url(w, f"/working-groups/{a['id']}/links"), json={}, headers=table)
    assert refused.status_code == 403 and refused.get_json()["error"] == "table_link_scope"
    # a co-host of the whole workshop may make one
    cohost = client.post(url(w, "/cohosts"), json={"label": "Co"}, headers=w["auth"]).get_json()
    by_cohost = client.post(
        url(w, f"/working-groups/{b['id']}/links"),
        json={},
        headers={"Authorization": f"Bearer {cohost['facilitator_token']}"},
    )
    assert by_cohost.status_code == 201
    access = client.get(url(w, "/access"), headers=w["auth"]).get_json()
    assert sorted((c["label"], c["working_group_id"]) for c in access["cohosts"]) == sorted(
        [("Table A", a["id"]), ("Co", None), ("", b["id"])]
    )
    # the table link opens a console that knows its group
    entered = client.get(link["url"].removeprefix("http://atelier.test"))
    assert entered.status_code == 302
    page = client.get(f"/f/{w['code']}").get_data(as_text=True)
    assert f'"table_group_id": {a["id"]}' in page
    # and a group's deletion ends its links
    client.delete(url(w, f"/working-groups/{a['id']}"), headers=w["auth"])
    ended = client.get(url(w, "/working-groups"), headers=table)
    assert ended.status_code == 403 and ended.get_json()["error"] == "facilitator_only"


def test_table_link_lists_its_own_group_only(client, w):
    a, b = groups(client, w)
    token = client.post(
        url(w, f"/working-groups/{b['id']}/links"), json={}, headers=w["auth"]
    ).get_json()["token"]
    listed = client.get(url(w, "/working-groups"), headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert [g["id"] for g in listed.get_json()["working_groups"]] == [b["id"]]
    # the whole workshop's snapshot: what a phone reads, not the facilitator's
    state = client.get(url(w), headers={"Authorization": f"Bearer {token}"}).get_json()
    assert all("screen_url" not in g for g in state["working_groups"])


def test_answers_match_the_document(client, contract, make_workshop):
    """Each route's answers, refusals included, against workshop/openapi.json."""
    w = make_workshop()
    auth, code = w["auth"], w["code"]
    base = "/api/workshops/{code}"
    params = {"code": code}
    made = contract.call(
        "post",
        base + "/working-groups",
        201,
        params=params,
        headers=auth,
        json={"names": ["A | en: Table A", "B"]},
    ).get_json()["working_groups"]
    gid = made[0]["id"]
    group = {"code": code, "group_id": gid}
    contract.call("post", base + "/working-groups", 400, params=params, headers=auth, json={})
    contract.call("get", base + "/working-groups", 200, params=params, headers=auth)
    for status, expect in ((None, 200), ("hidden", 200), ("hiding", 400)):
        contract.call(
            "get",
            base + "/working-groups/{group_id}",
            expect,
            params=group,
            headers=auth,
            query_string={"status": status} if status else {},
        )
    contract.call(
        "patch",
        base + "/working-groups/{group_id}",
        200,
        params=group,
        headers=auth,
        json={"name_ar": "أ"},
    )
    pid, phone_auth = phone(client, w)
    contract.call(
        "put",
        base + "/me/working-group",
        200,
        params=params,
        headers=phone_auth,
        json={"working_group_id": gid},
    )
    contract.call(
        "put",
        base + "/participants/{participant_id}/working-group",
        200,
        params={"code": code, "participant_id": pid},
        headers=auth,
        json={"working_group_id": None},
    )
    contract.call(
        "post",
        base + "/working-groups/assign",
        200,
        params=params,
        headers=auth,
        json={"method": "balanced"},
    )
    contract.call(
        "post",
        base + "/working-groups/assign",
        400,
        params=params,
        headers=auth,
        json={"method": "random"},
    )
    contract.call(
        "post",
        base + "/working-groups/{group_id}/phase",
        200,
        params=group,
        headers=auth,
        json={"phase": "prevote"},
    )
    contract.call(
        "post",
        base + "/working-groups/{group_id}/timer",
        200,
        params=group,
        headers=auth,
        json={"action": "start", "seconds": 60},
    )
    link = contract.call(
        "post",
        base + "/working-groups/{group_id}/links",
        201,
        params=group,
        headers=auth,
        json={"label": "Table A"},
    ).get_json()
    table = {"Authorization": f"Bearer {link['token']}"}
    contract.call("get", base + "/working-groups", 200, params=params, headers=table)
    contract.call(
        "post",
        base + "/working-groups/assign",
        403,
        params=params,
        headers=table,
        json={"method": "balanced"},
    )
    other = {"code": code, "group_id": made[1]["id"]}
    contract.call(
        "post",
        base + "/working-groups/{group_id}/phase",
        403,
        params=other,
        headers=table,
        json={"phase": "prevote"},
    )
    contract.call(
        "post",
        base + "/timer",
        403,
        params=params,
        headers=table,
        json={"action": "start", "seconds": 5},
    )
    contract.call("get", base + "/access", 200, params=params, headers=auth)
    contract.call("get", base + "/participants", 200, params=params, headers=auth)
    contract.call("get", base + "/me", 200, params=params, headers=phone_auth)
    contract.call(
        "patch", base, 200, params=params, headers=auth, json={"working_group_choice": False}
    )
    contract.call(
        "put",
        base + "/me/working-group",
        403,
        params=params,
        headers=phone_auth,
        json={"working_group_id": gid},
    )
    contract.call("get", base, 200, params=params, headers=auth)
    contract.call("get", base, 200, params=params)
    contract.call("delete", base + "/working-groups/{group_id}", 200, params=group, headers=auth)
    contract.call("delete", base + "/working-groups/{group_id}", 404, params=group, headers=auth)


def test_a_groups_activities_for_its_table(client, w):
    a, b = groups(client, w)
    pid, headers = phone(client, w)
    client.put(url(w, "/me/working-group"), json={"working_group_id": a["id"]}, headers=headers)
    mine = client.post(url(w, "/activities"), json={"title": "À la table A"}, headers=w["auth"])
    aid = mine.get_json()["activity_id"]
    client.put(
        url(w, f"/participants/{pid}/working-group"),
        json={"working_group_id": a["id"]},
        headers=w["auth"],
    )
    elsewhere = client.post(url(w, "/activities"), json={"title": "Ailleurs"}, headers=w["auth"])
    # a facilitator-added activity without a track belongs to no table: give it to A by hand
    placed = client.put(
        url(w, f"/activities/{aid}/working-group"),
        json={"working_group_id": a["id"]},
        headers=w["auth"],
    )
    assert placed.status_code == 200, placed.get_json()
    client.post(url(w, f"/activities/{aid}/hide"), headers=w["auth"])
    owner = client.get(url(w, f"/working-groups/{a['id']}"), headers=w["auth"]).get_json()
    assert owner["working_group"]["id"] == a["id"]
    assert [(x["id"], x["status"]) for x in owner["activities"]] == [(aid, "hidden")]
    assert "proposed_by" in owner["activities"][0]
    assert elsewhere.get_json()["activity_id"] not in [x["id"] for x in owner["activities"]]
    token = client.post(
        url(w, f"/working-groups/{a['id']}/links"), json={}, headers=w["auth"]
    ).get_json()["token"]
    table = {"Authorization": f"Bearer {token}"}
    own = client.get(url(w, f"/working-groups/{a['id']}"), headers=table).get_json()
    assert [(x["id"], x["status"]) for x in own["activities"]] == [(aid, "hidden")]
    assert "proposed_by" not in own["activities"][0]
    other = client.get(url(w, f"/working-groups/{b['id']}"), headers=table)
    assert other.status_code == 403 and other.get_json()["error"] == "table_link_scope"


def test_a_tables_hidden_activities_for_any_of_its_browsers(client, w):
    """`?status=hidden`: what the table console restores, whoever hid it (the table's link
    or the workshop's facilitator); a table link reads its own group's only."""
    a, b = client.post(
        url(w, "/working-groups"), json={"from_tracks": True}, headers=w["auth"]
    ).get_json()["working_groups"]
    ids = {}
    for title, track in (
        ("Politique migratoire", "Gouvernance"),
        ("Accords bilatéraux", "Gouvernance"),
        ("Observatoire", "Gouvernance"),
        ("Reconnaissance des acquis", "Compétences"),
    ):
        made = client.post(
            url(w, "/activities"), json={"title": title, "track": track}, headers=w["auth"]
        )
        ids[title] = made.get_json()["activity_id"]
    token = client.post(
        url(w, f"/working-groups/{a['id']}/links"), json={}, headers=w["auth"]
    ).get_json()["token"]
    table = {"Authorization": f"Bearer {token}"}
    hide = client.post(url(w, f"/activities/{ids['Observatoire']}/hide"), headers=table)
    assert hide.status_code == 200  # by the table's link
    hide = client.post(url(w, f"/activities/{ids['Politique migratoire']}/hide"), headers=w["auth"])
    assert hide.status_code == 200  # by the workshop's facilitator
    hide = client.post(
        url(w, f"/activities/{ids['Reconnaissance des acquis']}/hide"), headers=w["auth"]
    )
    assert hide.status_code == 200  # at the other table

    def hidden(group, headers):
        return client.get(
            url(w, f"/working-groups/{group['id']}"),
            query_string={"status": "hidden"},
            headers=headers,
        )

    own = hidden(a, table)
    assert own.status_code == 200
    assert own.get_json()["working_group"]["id"] == a["id"]
    assert [(x["id"], x["status"]) for x in own.get_json()["activities"]] == [
        (ids["Politique migratoire"], "hidden"),
        (ids["Observatoire"], "hidden"),
    ]
    assert all("proposed_by" not in x for x in own.get_json()["activities"])
    other = hidden(b, table)
    assert other.status_code == 403 and other.get_json()["error"] == "table_link_scope"
    # the workshop's facilitator reads every table's, with the authors
    assert [x["id"] for x in hidden(b, w["auth"]).get_json()["activities"]] == [
        ids["Reconnaissance des acquis"]
    ]
    assert all("proposed_by" in x for x in hidden(a, w["auth"]).get_json()["activities"])
    # restored from anywhere: no longer listed; without ?status= every activity of the group
    client.post(url(w, f"/activities/{ids['Politique migratoire']}/restore"), headers=table)
    assert [x["id"] for x in hidden(a, table).get_json()["activities"]] == [ids["Observatoire"]]
    every = client.get(url(w, f"/working-groups/{a['id']}"), headers=table).get_json()
    assert len(every["activities"]) == 3
    wrong = client.get(
        url(w, f"/working-groups/{a['id']}"), query_string={"status": "gone"}, headers=table
    )
    assert wrong.status_code == 400
    assert wrong.get_json()["error"] == "field_invalid"


def test_the_facilitator_puts_an_activity_at_a_table(client, contract, w):
    """Drafted activities of free-named groups sit at no table: the facilitator places them,
    moves one, takes one away; not once people pre-voted on it there; never a phone or a
    table link."""
    a, b = groups(client, w)
    path = "/api/workshops/{code}/activities/{activity_id}/working-group"
    draft = client.post(url(w, "/activities"), json={"title": "Brouillon"}, headers=w["auth"])
    aid = draft.get_json()["activity_id"]

    def place(group_id, status=200, headers=w["auth"]):
        return contract.call(
            "put",
            path,
            status,
            params={"code": w["code"], "activity_id": aid},
            json={"working_group_id": group_id},
            headers=headers,
        ).get_json()

    def at() -> object:
        state = client.get(url(w), headers=w["auth"]).get_json()
        return next(x for x in state["activities"] if x["id"] == aid)["working_group_id"]

    assert at() is None
    version = client.get(url(w), headers=w["auth"]).get_json()["version"]
    assert place(a["id"]) == {"ok": True, "activity_id": aid, "working_group_id": a["id"]}
    assert at() == a["id"]
    assert client.get(url(w), headers=w["auth"]).get_json()["version"] > version
    # A marked it for the plenary; moved to B, the mark was A's: it goes
    marked = client.post(
        url(w, f"/activities/{aid}/to-plenary"), json={"to_plenary": True}, headers=w["auth"]
    )
    assert marked.get_json()["to_plenary"] is True
    assert place(b["id"])["working_group_id"] == b["id"]
    state = client.get(url(w), headers=w["auth"]).get_json()
    assert next(x for x in state["activities"] if x["id"] == aid)["to_plenary"] is False
    assert place(None)["working_group_id"] is None and at() is None
    # bad input: a clear error, nothing changed
    assert place(999999, 404)["error"] == "working_group_not_found"
    missing = client.put(url(w, f"/activities/{aid}/working-group"), json={}, headers=w["auth"])
    assert missing.status_code == 400 and missing.get_json()["error"] == "field_required"
    assert at() is None
    # a phone, a table link: refused
    pid, phone_headers = phone(client, w)
    assert place(a["id"], 403, phone_headers)["error"] == "facilitator_only"
    token = client.post(
        url(w, f"/working-groups/{a['id']}/links"), json={}, headers=w["auth"]
    ).get_json()["token"]
    table = {"Authorization": f"Bearer {token}"}
    assert place(a["id"], 403, table)["error"] == "table_link_scope"
    assert at() is None
    # once people pre-voted on it at its table, it stays there
    place(a["id"])
    client.put(
        url(w, f"/participants/{pid}/working-group"),
        json={"working_group_id": a["id"]},
        headers=w["auth"],
    )
    client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=w["auth"])
    client.post(
        url(w, f"/working-groups/{a['id']}/phase"), json={"phase": "prevote"}, headers=w["auth"]
    )
    cast = client.post(
        url(w, "/me/prevotes"), json={"activity_id": aid, "points": 1}, headers=phone_headers
    )
    assert cast.status_code == 200, cast.get_json()
    refused = place(b["id"], 409)
    assert refused["error"] == "activity_has_prevotes" and refused["message"]
    assert at() == a["id"]
