"""The JSON API: creation, the facilitator's routes and their guard, joining, results, errors."""

import gettext
import io
from pathlib import Path

import pytest

import workshop as package

TRANSLATIONS = Path(package.__file__).parent / "translations"


def translated(language: str, msgid: str) -> str | None:
    """The compiled catalogue's translation of `msgid`, or None when there is none yet."""
    mo = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    if not mo.exists():
        return None
    with mo.open("rb") as f:
        text = gettext.GNUTranslations(f).gettext(msgid)
    return text or None


def assert_error(response, status, key):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)
    assert body["ok"] is False and body["error"] == key, body
    assert isinstance(body["message"], str) and body["message"].strip()
    return body


@pytest.fixture
def w(make_workshop):
    return make_workshop()


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def add(client, w, title="Former", **extra):
    r = client.post(url(w, "/activities"), json={"title": title, **extra}, headers=w["auth"])
    assert r.status_code == 201, r.get_json()
    return r.get_json()["activity_id"]


def phase(client, w, target):
    r = client.post(url(w, "/phase"), json={"phase": target}, headers=w["auth"])
    assert r.status_code == 200, r.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# -- creation -------------------------------------------------------------------------------


def test_create_returns_code_links_and_token(client, w):
    assert set(w) >= {
        "ok",
        "code",
        "join_url",
        "screen_url",
        "facilitator_url",
        "facilitator_token",
    }
    code, token = w["code"], w["facilitator_token"]
    assert w["ok"] is True and len(code) == 6 and code.isupper()
    for key in ("join_url", "screen_url", "facilitator_url"):
        assert w[key].startswith("http://atelier.test/") and code in w[key], w[key]
    assert token in w["facilitator_url"]
    assert token not in w["join_url"] and token not in w["screen_url"]
    state = client.get(url(w)).get_json()
    assert state["code"] == code and state["phase"] == "setup"
    assert state["voting"] == {"mode": "dots", "budget": 5, "per_activity_cap": 3}
    assert [g["name"] for g in state["groups"]] == ["Gouvernement", "Employeurs", "Travailleurs"]


def test_two_workshops_have_different_codes_and_tokens(make_workshop):
    first, second = make_workshop(), make_workshop()
    assert first["code"] != second["code"]
    assert first["facilitator_token"] != second["facilitator_token"]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"groups": ["G"]}, "field_required"),
        ({"title": "x" * 201, "groups": ["G"]}, "field_too_long"),
        ({"title": "T"}, "groups_required"),
        ({"title": "T", "groups": ["G"], "voting": {"mode": "borda"}}, "voting_mode_invalid"),
        ({"title": "T", "groups": ["G"], "voting": {"budget": "x"}}, "field_invalid"),
    ],
)
def test_create_validation(client, body, key):
    assert_error(client.post("/api/workshops", json=body), 400, key)


# -- the facilitator's guard ----------------------------------------------------------------


def guarded_routes(activity_id):
    a = activity_id
    return [
        ("patch", "", {"json": {"title": "Piraté"}}),
        ("delete", "", {}),
        ("post", "/phase", {"json": {"phase": "proposing"}}),
        ("post", "/activities", {"json": {"title": "Intrus"}}),
        ("post", "/activities/import", {"data": b"title\nIntrus\n"}),
        ("patch", f"/activities/{a}", {"json": {"title": "Piraté"}}),
        ("post", f"/activities/{a}/hide", {}),
        ("post", f"/activities/{a}/restore", {}),
        ("get", "/participants", {}),
        ("get", "/results", {}),
        ("get", "/export/activities.csv", {}),
        ("get", "/export/votes.xlsx", {}),
        ("get", "/export/participants.csv", {}),
    ]


def assert_untouched(client, w, activity_id):
    state = client.get(url(w), headers=w["auth"]).get_json()
    assert state["title"] == "Atelier de programmation" and state["phase"] == "setup"
    assert [(a["id"], a["title"], a["status"]) for a in state["activities"]] == [
        (activity_id, "Former", "visible")
    ]


def test_facilitator_routes_refuse_without_token(client, w, join):
    activity_id = add(client, w)
    join(w["code"], name="Amina Secrète")
    for method, suffix, kwargs in guarded_routes(activity_id):
        r = getattr(client, method)(url(w, suffix), **kwargs)
        body = assert_error(r, 401, "facilitator_only")
        assert set(body) == {"ok", "error", "message"}, (suffix, body)
        assert "Amina" not in r.get_data(as_text=True)
    assert_untouched(client, w, activity_id)


@pytest.mark.parametrize("which", ["wrong", "other workshop's", "participant's"])
def test_facilitator_routes_refuse_a_wrong_token(client, w, make_workshop, join, which):
    activity_id = add(client, w)
    participant = join(w["code"], name="Amina Secrète")
    token = {
        "wrong": "not-the-token-" + "x" * 20,
        "other workshop's": make_workshop()["facilitator_token"],
        "participant's": participant,
    }[which]
    for method, suffix, kwargs in guarded_routes(activity_id):
        if which == "participant's" and suffix == "/results":
            continue  # a participant may read results (see below)
        r = getattr(client, method)(url(w, suffix), headers=bearer(token), **kwargs)
        body = assert_error(r, 403, "facilitator_only")
        assert set(body) == {"ok", "error", "message"}, (suffix, body)
        assert "Amina" not in r.get_data(as_text=True)
    assert_untouched(client, w, activity_id)


def test_hidden_activities_and_authors_only_for_the_facilitator(client, w, join):
    token = join(w["code"])
    phase(client, w, "proposing")
    kept = add(client, w, "Visible")
    hidden = add(client, w, "Retirée")
    r = client.post(url(w, f"/activities/{hidden}/hide"), headers=w["auth"])
    assert r.status_code == 200 and r.get_json()["activity"]["status"] == "hidden"
    for headers in ({}, bearer(token), bearer("not-the-token-" + "x" * 20)):
        public = client.get(url(w), headers=headers).get_json()
        assert [a["id"] for a in public["activities"]] == [kept], headers
        assert all("proposed_by" not in a for a in public["activities"])
    console = client.get(url(w), headers=w["auth"]).get_json()
    assert [(a["id"], a["status"]) for a in console["activities"]] == [
        (kept, "visible"),
        (hidden, "hidden"),
    ]
    assert console["activities"][0]["proposed_by"] is None  # the facilitator added it


# -- activities -----------------------------------------------------------------------------


def test_add_edit_hide_restore(client, w):
    r = client.post(
        url(w, "/activities"),
        json={"title": " Former  les jeunes ", "description": "Pourquoi", "track": "emploi"},
        headers=w["auth"],
    )
    assert r.status_code == 201
    body = r.get_json()
    activity_id = body["activity_id"]
    assert body["activity"]["title"] == "Former les jeunes"
    tracks = {t["name"]: t["id"] for t in client.get(url(w)).get_json()["tracks"]}
    assert body["activity"]["track_id"] == tracks["Emploi"]

    r = client.patch(
        url(w, f"/activities/{activity_id}"),
        json={"title": "Former", "track": "Compétences"},
        headers=w["auth"],
    )
    assert r.status_code == 200
    edited = r.get_json()["activity"]
    assert (edited["title"], edited["description"], edited["track_id"]) == (
        "Former",
        "Pourquoi",
        tracks["Compétences"],
    )
    r = client.patch(url(w, f"/activities/{activity_id}"), json={"track": None}, headers=w["auth"])
    assert r.get_json()["activity"]["track_id"] is None

    assert (
        client.post(url(w, f"/activities/{activity_id}/hide"), headers=w["auth"]).status_code == 200
    )
    assert client.get(url(w)).get_json()["activities"] == []
    r = client.post(url(w, f"/activities/{activity_id}/restore"), headers=w["auth"])
    assert r.status_code == 200 and r.get_json()["activity"]["status"] == "visible"
    assert [a["title"] for a in client.get(url(w)).get_json()["activities"]] == ["Former"]


def test_activity_validation_over_http(client, w):
    activity_id = add(client, w)
    r = client.post(url(w, "/activities"), json={"title": "x" * 121}, headers=w["auth"])
    assert assert_error(r, 400, "field_too_long")
    r = client.post(url(w, "/activities"), json={"title": "x", "track": "Santé"}, headers=w["auth"])
    assert_error(r, 400, "track_invalid")
    r = client.patch(url(w, f"/activities/{activity_id}"), json={"title": ""}, headers=w["auth"])
    assert_error(r, 400, "field_required")
    for bad in (activity_id + 1000, 99999999999999999999999):
        for method, suffix, kwargs in [
            ("patch", f"/activities/{bad}", {"json": {"title": "x"}}),
            ("post", f"/activities/{bad}/hide", {}),
            ("post", f"/activities/{bad}/restore", {}),
        ]:
            r = getattr(client, method)(url(w, suffix), headers=w["auth"], **kwargs)
            assert_error(r, 404, "activity_not_found")


def test_activity_of_another_workshop_is_not_found(client, w, make_workshop):
    other = make_workshop()
    theirs = add(client, other, "Ailleurs")
    r = client.post(url(w, f"/activities/{theirs}/hide"), headers=w["auth"])
    assert_error(r, 404, "activity_not_found")
    assert client.get(url(other)).get_json()["activities"][0]["status"] == "visible"


def test_import_multipart_file(client, w):
    data = "\ufeffTitre;Description;Piste\nFormer;Pourquoi;Emploi\nAider;;Nouvelle\n"
    r = client.post(
        url(w, "/activities/import"),
        data={"file": (io.BytesIO(data.encode("utf-8")), "activites.csv")},
        content_type="multipart/form-data",
        headers=w["auth"],
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["imported"] == 2 and len(body["activity_ids"]) == 2
    state = client.get(url(w)).get_json()
    assert [a["title"] for a in state["activities"]] == ["Former", "Aider"]
    assert "Nouvelle" in [t["name"] for t in state["tracks"]]


def test_import_raw_body(client, w):
    data = "title,description\nFormer,Employabilité\n".encode("cp1252")
    r = client.post(
        url(w, "/activities/import"), data=data, content_type="text/csv", headers=w["auth"]
    )
    assert r.status_code == 201, r.get_json()
    assert client.get(url(w)).get_json()["activities"][0]["description"] == "Employabilité"


def test_import_refused_lists_the_lines(client, w):
    data = f"title\nBon\n{'x' * 121}\n\nAutre bon\n{'y' * 130}\n"
    r = client.post(url(w, "/activities/import"), data=data.encode(), headers=w["auth"])
    body = assert_error(r, 400, "import_refused")
    assert [row["line"] for row in body["rows"]] == [3, 6]
    assert all(row["error"] == "field_too_long" and row["message"] for row in body["rows"])
    assert client.get(url(w)).get_json()["activities"] == []


def test_import_needs_a_file(client, w):
    assert_error(
        client.post(url(w, "/activities/import"), headers=w["auth"]), 400, "field_required"
    )
    r = client.post(url(w, "/activities/import"), data=b"nom\nx\n", headers=w["auth"])
    assert_error(r, 400, "import_no_title_column")


def test_too_large_request_is_413_json(client, w):
    r = client.post(
        url(w, "/activities/import"), data=b"title\n" + b"x" * (1024 * 1024 + 1), headers=w["auth"]
    )
    assert_error(r, 413, "payload_too_large")


# -- phase and settings ---------------------------------------------------------------------


def test_phase(client, w):
    r = client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=w["auth"])
    assert r.status_code == 200 and r.get_json() == {"ok": True, "phase": "proposing"}
    assert_error(
        client.post(url(w, "/phase"), json={"phase": "closed"}, headers=w["auth"]),
        400,
        "phase_transition_refused",
    )
    assert_error(
        client.post(url(w, "/phase"), json={"phase": "later"}, headers=w["auth"]),
        400,
        "phase_invalid",
    )
    assert client.get(url(w)).get_json()["phase"] == "proposing"


def test_settings(client, w):
    r = client.patch(
        url(w), json={"live_results": False, "title": "Nouveau titre"}, headers=w["auth"]
    )
    assert r.status_code == 200
    state = client.get(url(w)).get_json()
    assert (state["live_results"], state["title"], state["show_group_split"]) == (
        False,
        "Nouveau titre",
        True,
    )
    assert_error(
        client.patch(url(w), json={"live_results": "non"}, headers=w["auth"]), 400, "field_invalid"
    )


def test_delete(client, w, join):
    join(w["code"])
    assert client.delete(url(w), headers=w["auth"]).status_code == 200
    assert_error(client.get(url(w)), 404, "workshop_not_found")


# -- participants ---------------------------------------------------------------------------


def test_join_over_http(client, w):
    r = client.post(
        url(w, "/participants"),
        json={"name": "Amina", "organisation": "ANAPEC", "group": "employeurs"},
    )
    assert r.status_code == 201
    body = r.get_json()
    assert body["ok"] is True and len(body["participant_token"]) >= 20
    assert body["participant_id"].startswith("P-")
    groups = {g["name"]: g["group_id"] for g in client.get(url(w)).get_json()["groups"]}
    assert body["group_id"] == groups["Employeurs"]
    state = client.get(url(w)).get_json()
    assert state["participants"] == 1 and state["organisations"] == ["ANAPEC"]

    # rejoining with the token updates the same participant
    r = client.post(
        url(w, "/participants"),
        json={"name": "Amina B.", "organisation": "OFPPT", "group": "Travailleurs"},
        headers=bearer(body["participant_token"]),
    )
    again = r.get_json()
    assert again["participant_token"] == body["participant_token"]
    assert again["participant_id"] == body["participant_id"]
    assert again["group_id"] == groups["Travailleurs"]
    assert client.get(url(w)).get_json()["participants"] == 1

    listed = client.get(url(w, "/participants"), headers=w["auth"]).get_json()["participants"]
    assert [(p["name"], p["organisation"]) for p in listed] == [("Amina B.", "OFPPT")]


def test_join_validation(client, w):
    r = client.post(url(w, "/participants"), json={"organisation": "O", "group": "Patronat"})
    assert_error(r, 400, "group_invalid")
    r = client.post(url(w, "/participants"), json={"organisation": " ", "group": "Employeurs"})
    assert_error(r, 400, "field_required")
    assert client.get(url(w)).get_json()["participants"] == 0


def test_workshop_full(app, client, w, join):
    app.config["MAX_PARTICIPANTS"] = 1
    join(w["code"])
    r = client.post(url(w, "/participants"), json={"organisation": "O", "group": "Employeurs"})
    assert_error(r, 400, "workshop_full")


def test_me(client, w, join, socket_client):
    activity_id = add(client, w)
    token = join(w["code"], name="Amina", organisation="ANAPEC")
    r = client.get(url(w, "/me"), headers=bearer(token))
    assert r.status_code == 200
    me = r.get_json()
    assert (me["name"], me["organisation"]) == ("Amina", "ANAPEC")
    assert me["participant_id"].startswith("P-")
    assert me["votes"] == [] and me["left"] == 5
    phase(client, w, "voting")
    phone = socket_client({"participant_token": token})
    ack = phone.emit(
        "cast_vote", {"activity_id": activity_id, "points": 2, "op_id": "v1"}, callback=True
    )
    assert ack["ok"], ack
    me = client.get(url(w, "/me"), headers=bearer(token)).get_json()
    assert me["votes"] == [{"activity_id": activity_id, "value": 2}] and me["left"] == 3
    assert_error(client.get(url(w, "/me")), 401, "not_authenticated")
    assert_error(client.get(url(w, "/me"), headers=w["auth"]), 401, "not_authenticated")


def test_a_participant_token_is_only_valid_in_its_workshop(client, w, make_workshop, join):
    other = make_workshop()
    token = join(other["code"])
    assert_error(client.get(url(w, "/me"), headers=bearer(token)), 401, "not_authenticated")


# -- results --------------------------------------------------------------------------------


def voting_workshop(client, make_workshop, join, **overrides):
    w = make_workshop(**overrides)
    activity_id = add(client, w)
    token = join(w["code"])
    phase(client, w, "voting")
    return w, activity_id, token


def test_results_visible_to_participants_with_live_results(client, make_workshop, join):
    w, activity_id, token = voting_workshop(client, make_workshop, join)
    r = client.get(url(w, "/results"), headers=bearer(token))
    assert r.status_code == 200
    body = r.get_json()
    assert body["mode"] == "dots" and isinstance(body["version"], int)
    assert [a["activity_id"] for a in body["activities"]] == [activity_id]


def test_results_hidden_from_participants_until_closed(client, make_workshop, join):
    w, _activity_id, token = voting_workshop(client, make_workshop, join, live_results=False)
    assert_error(client.get(url(w, "/results"), headers=bearer(token)), 403, "results_hidden")
    assert client.get(url(w, "/results"), headers=w["auth"]).status_code == 200
    phase(client, w, "closed")
    assert client.get(url(w, "/results"), headers=bearer(token)).status_code == 200


def test_results_hidden_again_when_live_results_turned_off(client, make_workshop, join):
    w, _activity_id, token = voting_workshop(client, make_workshop, join)
    client.patch(url(w), json={"live_results": False}, headers=w["auth"])
    body = assert_error(
        client.get(url(w, "/results"), headers=bearer(token)), 403, "results_hidden"
    )
    assert "activities" not in body


def test_results_need_someone(client, make_workshop, join):
    w, _activity_id, _token = voting_workshop(client, make_workshop, join)
    assert_error(client.get(url(w, "/results")), 401, "facilitator_only")
    other_token = join(make_workshop()["code"])
    assert_error(
        client.get(url(w, "/results"), headers=bearer(other_token)), 403, "facilitator_only"
    )


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": b"{not json", "content_type": "application/json"},
        {"data": b"", "content_type": "application/json"},
        {"data": b'["a list"]', "content_type": "application/json"},
        {"data": b'"a string"', "content_type": "application/json"},
        {"data": b"title=x", "content_type": "application/x-www-form-urlencoded"},
        {"data": b"\xff\xfe\x00", "content_type": "application/json"},
        {},
    ],
)
def test_bad_json_is_a_400_json_error(client, w, kwargs):
    activity_id = add(client, w)
    for method, suffix, auth in [
        ("post", "/phase", True),
        ("post", "/activities", True),
        ("patch", "", True),
        ("patch", f"/activities/{activity_id}", True),
        ("post", "/participants", False),
    ]:
        headers = w["auth"] if auth else {}
        r = getattr(client, method)(url(w, suffix), headers=headers, **kwargs)
        assert_error(r, 400, "bad_request")
    assert_error(client.post("/api/workshops", **kwargs), 400, "bad_request")


def test_wrong_types_in_json_are_400_not_500(client, w):
    activity_id = add(client, w)
    cases = [
        ("post", "/activities", {"title": {"x": 1}}),
        ("post", "/activities", {"title": "x", "description": 5}),
        ("post", "/activities", {"title": "x", "track": [1]}),
        ("patch", f"/activities/{activity_id}", {"title": ["x"]}),
        ("post", "/phase", {"phase": {"x": 1}}),
        ("patch", "", {"show_group_split": [True]}),
    ]
    for method, suffix, body in cases:
        r = getattr(client, method)(url(w, suffix), json=body, headers=w["auth"])
        assert r.status_code == 400, (suffix, body, r.get_json())
        assert r.get_json()["ok"] is False
    r = client.post(url(w, "/participants"), json={"organisation": 1, "group": "Employeurs"})
    assert_error(r, 400, "field_invalid")
    r = client.post("/api/workshops", json={"title": "T", "groups": "G", "voting": [1]})
    assert_error(r, 400, "field_invalid")


def test_unknown_workshop_is_404(client, w):
    for method, suffix in [
        ("get", ""),
        ("get", "/results"),
        ("post", "/participants"),
        ("get", "/export/votes.csv"),
    ]:
        r = getattr(client, method)("/api/workshops/ZZZZZ9" + suffix, json={}, headers=w["auth"])
        assert_error(r, 404, "workshop_not_found")
    assert_error(client.get(url(w, "/export/secrets.csv"), headers=w["auth"]), 404, "not_found")
    assert_error(client.get(url(w, "/export/votes.pdf"), headers=w["auth"]), 404, "not_found")
    assert_error(client.get("/api/no/such/route"), 404, "not_found")


def test_lowercase_and_spaced_code_is_forgiven(client, w, join):
    code = w["code"]
    messy = f"{code[:3].lower()} {code[3:].lower()}"
    r = client.get(f"/api/workshops/{messy}")
    assert r.status_code == 200 and r.get_json()["code"] == code
    r = client.post(
        f"/api/workshops/{messy}/participants", json={"organisation": "O", "group": "Employeurs"}
    )
    assert r.status_code == 201
    r = client.post(
        f"/api/workshops/{code.lower()}/phase", json={"phase": "voting"}, headers=w["auth"]
    )
    assert r.status_code == 200


def test_error_messages_are_translated(client, w):
    english = "Only the facilitator can do this."
    french = translated("fr", english)
    for headers in ({}, {"Accept-Language": "fr"}, {"Accept-Language": "fr-MA,fr;q=0.9"}):
        body = assert_error(
            client.get(url(w, "/participants"), headers=headers), 401, "facilitator_only"
        )
        if french is not None:
            assert body["message"] == french, headers  # French by default
    body = assert_error(
        client.get(url(w, "/participants"), headers={"Accept-Language": "en"}),
        401,
        "facilitator_only",
    )
    assert body["message"] == (translated("en", english) or english)
    if french is not None:
        assert body["message"] != french


def test_error_message_parameters_are_translated_too(client, w):
    template = translated("fr", "The %(field)s is required.")
    field = translated("fr", "title")
    body = assert_error(
        client.post(
            url(w, "/activities"),
            json={"title": ""},
            headers={**w["auth"], "Accept-Language": "fr"},
        ),
        400,
        "field_required",
    )
    if template is not None and field is not None:
        assert body["message"] == template % {"field": field}
    english = assert_error(
        client.post(
            url(w, "/activities"),
            json={"title": ""},
            headers={**w["auth"], "Accept-Language": "en"},
        ),
        400,
        "field_required",
    )
    assert "title" in english["message"]


def test_security_headers(client, w):
    responses = [
        client.get(url(w)),
        client.get(url(w, "/participants")),  # an error
        client.get("/api/workshops/ZZZZZ9"),
        client.post("/api/workshops", data=b"{", content_type="application/json"),
        client.get("/healthz"),
    ]
    for r in responses:
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
