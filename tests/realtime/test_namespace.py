"""The Socket.IO protocol: who may connect, what each audience receives, acks and retries."""

import pytest


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def add(client, w, title="Former"):
    r = client.post(url(w, "/activities"), json={"title": title}, headers=w["auth"])
    assert r.status_code == 201, r.get_json()
    return r.get_json()["activity_id"]


def set_phase(client, w, phase):
    r = client.post(url(w, "/phase"), json={"phase": phase}, headers=w["auth"])
    assert r.status_code == 200, r.get_json()


def events(sio, name=None) -> list[dict]:
    """Payloads received since the last call (all of them are consumed)."""
    got = sio.get_received()
    return [m["args"][0] for m in got if name is None or m["name"] == name]


def names(sio) -> list[str]:
    return [m["name"] for m in sio.get_received()]


def results_of(client, w) -> dict:
    r = client.get(url(w, "/results"), headers=w["auth"])
    return {a["activity_id"]: a["total"] for a in r.get_json()["activities"]}


def assert_refused(ack, key):
    assert isinstance(ack, dict), ack
    assert ack["ok"] is False and ack["error"] == key, ack
    assert isinstance(ack["message"], str) and ack["message"]


@pytest.fixture
def room(client, make_workshop, join, socket_client):
    """A workshop in the voting phase, two activities, a phone, a big screen and a console."""

    class Room:
        pass

    r = Room()
    r.w = make_workshop()
    r.a, r.b = add(client, r.w, "Former"), add(client, r.w, "Accompagner")
    r.token = join(r.w["code"])
    set_phase(client, r.w, "voting")
    r.phone = socket_client({"participant_token": r.token})
    r.screen = socket_client({"code": r.w["code"], "screen_key": screen_key(r.w)})
    r.console = socket_client({"code": r.w["code"], "facilitator_token": r.w["facilitator_token"]})
    for sio in (r.phone, r.screen, r.console):
        assert sio.is_connected()
        sio.get_received()
    return r


def screen_key(w) -> str:
    return w["screen_url"].rstrip("/").rsplit("/", 1)[-1]


def vote(sio, activity_id, points, op_id):
    return sio.emit(
        "cast_vote", {"activity_id": activity_id, "points": points, "op_id": op_id}, callback=True
    )


# -- connecting -----------------------------------------------------------------------------


def test_connect_refused_without_valid_auth(make_workshop, join, socket_client):
    w = make_workshop()
    other = make_workshop()
    join(w["code"])
    for auth in (
        None,
        {},
        "a string",
        {"participant_token": "not-a-token-of-anyone-at-all"},
        {"participant_token": 12345},
        {"code": w["code"]},
        {"code": w["code"], "screen_key": "wrong"},
        {"code": w["code"], "screen_key": screen_key(other)},
        {"code": w["code"], "screen_key": None, "facilitator_token": "wrong"},
        {"code": w["code"], "facilitator_token": other["facilitator_token"]},
        {"code": "ZZZZZ9", "screen_key": screen_key(w)},
        {"code": ["x"], "screen_key": screen_key(w)},
    ):
        assert not socket_client(auth).is_connected(), auth


def test_phone_receives_state_results_and_its_own_state(client, make_workshop, join, socket_client):
    w = make_workshop()
    activity_id = add(client, w)
    token = join(w["code"], group="Employeurs", organisation="CGEM", name="Leila")
    phone = socket_client({"participant_token": token})
    assert phone.is_connected()
    got = phone.get_received()
    assert [m["name"] for m in got] == ["workshop_state", "results", "my_state"]
    state, results, me = (m["args"][0] for m in got)
    assert state["code"] == w["code"] and [a["id"] for a in state["activities"]] == [activity_id]
    assert state["participants"] == 1
    assert results["version"] == state["version"]
    assert (me["organisation"], me["name"], me["votes"], me["left"]) == ("CGEM", "Leila", [], 5)
    assert me["participant_id"].startswith("P-") and me["my_activity_ids"] == []


def test_phone_gets_no_results_when_they_are_hidden(client, make_workshop, join, socket_client):
    w = make_workshop(live_results=False)
    token = join(w["code"])
    phone = socket_client({"participant_token": token})
    assert names(phone) == ["workshop_state", "my_state"]
    set_phase(client, w, "voting")
    assert names(phone) == ["workshop_state"]  # still no results while voting
    set_phase(client, w, "closed")
    assert names(phone) == ["workshop_state", "results"]  # closed: results for everyone


def test_big_screen_always_receives_results(client, make_workshop, join, socket_client):
    w = make_workshop(live_results=False)
    screen = socket_client({"code": w["code"].lower(), "screen_key": screen_key(w)})
    assert screen.is_connected()
    assert names(screen) == ["workshop_state", "results"]
    join(w["code"])
    got = screen.get_received()
    assert [m["name"] for m in got] == ["workshop_state", "results"]
    assert got[0]["args"][0]["participants"] == 1


def test_hidden_activities_only_reach_the_console(client, make_workshop, join, socket_client):
    w = make_workshop()
    kept, hidden = add(client, w, "Visible"), add(client, w, "Retirée")
    r = client.post(url(w, f"/activities/{hidden}/hide"), headers=w["auth"])
    assert r.status_code == 200
    token = join(w["code"])
    phone = socket_client({"participant_token": token})
    screen = socket_client({"code": w["code"], "screen_key": screen_key(w)})
    console = socket_client({"code": w["code"], "facilitator_token": w["facilitator_token"]})
    assert console.is_connected()

    def ids(sio):
        return [[a["id"] for a in s["activities"]] for s in events(sio, "workshop_state")]

    assert ids(console) == [[kept, hidden]]
    assert ids(phone) == [[kept]]
    assert ids(screen) == [[kept]]

    # and when the facilitator hides one while everyone is connected
    client.post(url(w, f"/activities/{kept}/hide"), headers=w["auth"])
    assert ids(console) == [[kept, hidden]]
    assert ids(phone) == [[]]
    assert ids(screen) == [[]]


def test_console_sees_authors_others_do_not(client, make_workshop, join, socket_client):
    w = make_workshop()
    token = join(w["code"], group="Employeurs", organisation="CGEM")
    set_phase(client, w, "proposing")
    phone = socket_client({"participant_token": token})
    console = socket_client({"code": w["code"], "facilitator_token": w["facilitator_token"]})
    phone.get_received(), console.get_received()
    ack = phone.emit("propose_activity", {"title": "Idée", "op_id": "p1"}, callback=True)
    assert ack["ok"], ack
    (console_state,) = events(console, "workshop_state")
    (phone_state,) = events(phone, "workshop_state")
    assert console_state["activities"][0]["proposed_by"]["organisation"] == "CGEM"
    assert "proposed_by" not in phone_state["activities"][0]
    assert phone_state["activities"][0]["proposed_by_participant"] is True


# -- proposing ------------------------------------------------------------------------------


def test_propose_activity_reaches_the_big_screen(client, make_workshop, join, socket_client):
    w = make_workshop()
    token = join(w["code"])
    set_phase(client, w, "proposing")
    phone = socket_client({"participant_token": token})
    screen = socket_client({"code": w["code"], "screen_key": screen_key(w)})
    phone.get_received(), screen.get_received()
    ack = phone.emit(
        "propose_activity",
        {
            "title": "  Former  les jeunes ",
            "description": "Pourquoi",
            "track": "Emploi",
            "op_id": "p1",
        },
        callback=True,
    )
    assert ack["ok"] is True and isinstance(ack["activity_id"], int)
    states = events(screen, "workshop_state")
    assert len(states) == 1
    assert [(a["id"], a["title"]) for a in states[0]["activities"]] == [
        (ack["activity_id"], "Former les jeunes")
    ]
    phone.emit("sync", {}, callback=True)
    (me,) = events(phone, "my_state")
    assert me["my_activity_ids"] == [ack["activity_id"]]


def test_propose_refused_outside_proposals(room):
    assert_refused(
        room.phone.emit("propose_activity", {"title": "Trop tard", "op_id": "p1"}, callback=True),
        "not_proposing",
    )
    assert room.screen.get_received() == []  # nothing changed, nothing sent


# -- voting ---------------------------------------------------------------------------------


def test_cast_and_withdraw_acks_carry_votes_and_left(client, room):
    ack = vote(room.phone, room.a, 3, "v1")
    assert ack == {"ok": True, "votes": [{"activity_id": room.a, "value": 3}], "left": 2}
    ack = vote(room.phone, room.b, 2, "v2")
    assert ack["votes"] == [
        {"activity_id": room.a, "value": 3},
        {"activity_id": room.b, "value": 2},
    ]
    assert ack["left"] == 0
    assert_refused(vote(room.phone, room.b, 3, "v3"), "over_budget")
    ack = room.phone.emit("withdraw_vote", {"activity_id": room.a, "op_id": "w1"}, callback=True)
    assert ack == {"ok": True, "votes": [{"activity_id": room.b, "value": 2}], "left": 3}
    assert results_of(client, room.w) == {room.b: 2, room.a: 0}


def test_a_vote_reaches_every_screen(room):
    assert vote(room.phone, room.a, 2, "v1")["ok"]
    for sio in (room.phone, room.screen, room.console):
        (results,) = events(sio, "results")
        assert {a["activity_id"]: a["total"] for a in results["activities"]}[room.a] == 2


def test_same_op_id_twice_has_effect_once(client, room):
    first = vote(room.phone, room.a, 2, "same")
    assert first["ok"] and "replayed" not in first
    room.screen.get_received()
    # a retry of the same action (e.g. after a lost ack) and a different action reusing the id
    second = vote(room.phone, room.a, 2, "same")
    third = vote(room.phone, room.b, 3, "same")
    for ack in (second, third):
        assert ack["replayed"] is True
        assert {k: v for k, v in ack.items() if k != "replayed"} == first
    assert results_of(client, room.w) == {room.a: 2, room.b: 0}
    assert room.screen.get_received() == []  # a replay changes nothing, so sends nothing
    ack = vote(room.phone, room.b, 3, "other")
    assert ack["ok"] and ack["left"] == 0
    assert results_of(client, room.w) == {room.b: 3, room.a: 2}


def test_a_refused_action_is_not_remembered(client, room):
    assert_refused(vote(room.phone, room.a, 4, "retry"), "over_activity_cap")
    ack = vote(room.phone, room.a, 3, "retry")
    assert ack["ok"] and "replayed" not in ack
    assert results_of(client, room.w)[room.a] == 3


def test_op_ids_belong_to_one_participant(client, join, socket_client, room):
    other = socket_client({"participant_token": join(room.w["code"], group="Employeurs")})
    assert vote(room.phone, room.a, 1, "shared")["ok"]
    ack = vote(other, room.a, 2, "shared")
    assert ack["ok"] and "replayed" not in ack
    assert results_of(client, room.w)[room.a] == 3


@pytest.mark.parametrize("op_id", [None, "", 12, ["a"], {"a": 1}, "x" * 65, "a\nb", "\x00"])
def test_missing_or_invalid_op_id_refused(client, room, op_id):
    payload = {"activity_id": room.a, "points": 1}
    if op_id is not None:
        payload["op_id"] = op_id
    assert_refused(room.phone.emit("cast_vote", payload, callback=True), "op_id_invalid")
    assert_refused(
        room.phone.emit("withdraw_vote", {**payload, "points": None}, callback=True),
        "op_id_invalid",
    )
    assert results_of(client, room.w)[room.a] == 0
    assert vote(room.phone, room.a, 1, "x" * 64)["ok"]  # 64 characters are fine


@pytest.mark.parametrize(
    ("event", "args", "key"),
    [
        ("cast_vote", (), "op_id_invalid"),
        ("cast_vote", ("not a dict",), "bad_request"),
        ("cast_vote", ([1, 2],), "bad_request"),
        ("cast_vote", (None,), "op_id_invalid"),
        ("cast_vote", (42,), "bad_request"),
        ("cast_vote", ({"activity_id": "abc", "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": None, "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": [1], "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": 999999, "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": 10**30, "points": 1, "op_id": "m"},), "activity_not_found"),
        (
            "cast_vote",
            ({"activity_id": "9" * 40, "points": 1, "op_id": "m"},),
            "activity_not_found",
        ),
        ("cast_vote", ({"activity_id": 1.5, "points": 1, "op_id": "m"},), "activity_not_found"),
        ("withdraw_vote", ({"activity_id": {"id": 1}, "op_id": "m"},), "activity_not_found"),
        ("propose_activity", ({"title": "x" * 100_000, "op_id": "m"},), "not_proposing"),
        ("no_such_event", ({"op_id": "m"},), "unknown_event"),
        ("on_cast_vote", ({"op_id": "m"},), "unknown_event"),
        ("", ({},), "unknown_event"),
    ],
)
def test_malformed_payloads_get_an_error_ack(client, room, event, args, key):
    ack = room.phone.emit(event, *args, callback=True)
    assert_refused(ack, key)
    assert set(ack) == {"ok", "error", "message"}
    assert room.phone.is_connected()
    assert vote(room.phone, room.a, 1, "after")["ok"]  # the socket still works


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"points": "deux"}, "field_invalid"),
        ({"points": "²"}, "field_invalid"),
        ({"points": "9" * 5000}, "field_invalid"),
        ({"points": 1.5}, "field_invalid"),
        ({"points": True}, "field_invalid"),
        ({"points": [1]}, "field_invalid"),
        ({"points": {"n": 1}}, "field_invalid"),
        ({"points": -1}, "field_out_of_range"),
        ({"points": 10**40}, "field_out_of_range"),
        ({}, "field_required"),
    ],
)
def test_wrong_types_get_an_error_ack(client, room, payload, key):
    ack = room.phone.emit(
        "cast_vote", {"activity_id": room.a, "op_id": "t", **payload}, callback=True
    )
    assert_refused(ack, key)
    assert results_of(client, room.w)[room.a] == 0


def test_huge_strings_are_refused_not_stored(client, make_workshop, join, socket_client):
    w = make_workshop()
    token = join(w["code"])
    set_phase(client, w, "proposing")
    phone = socket_client({"participant_token": token})
    for payload, key in [
        ({"title": "x" * 100_000}, "field_too_long"),
        ({"title": "ok", "description": "d" * 100_000}, "field_too_long"),
        ({"title": ["x"]}, "field_invalid"),
        ({"title": "ok", "track": {"x": 1}}, "track_invalid"),
        ({"title": "", "description": "sans titre"}, "field_required"),
    ]:
        assert_refused(
            phone.emit("propose_activity", {**payload, "op_id": "h"}, callback=True), key
        )
    assert client.get(url(w)).get_json()["activities"] == []


def test_screens_and_consoles_cannot_act_as_participants(room):
    for sio in (room.screen, room.console):
        assert_refused(vote(sio, room.a, 1, "s1"), "not_authenticated")
        assert_refused(
            sio.emit("propose_activity", {"title": "x", "op_id": "s2"}, callback=True),
            "not_authenticated",
        )
    ack = room.screen.emit("sync", {}, callback=True)
    assert ack == {"ok": True}
    assert names(room.screen) == ["workshop_state", "results"]


def test_vote_refused_when_not_voting_or_hidden(client, room):
    client.post(url(room.w, f"/activities/{room.b}/hide"), headers=room.w["auth"])
    assert_refused(vote(room.phone, room.b, 1, "h1"), "activity_hidden")
    set_phase(client, room.w, "closed")
    assert_refused(vote(room.phone, room.a, 1, "c1"), "not_voting")
    assert results_of(client, room.w) == {room.a: 0}


def test_a_deleted_workshop_refuses_its_phones(client, room):
    assert client.delete(url(room.w), headers=room.w["auth"]).status_code == 200
    assert_refused(vote(room.phone, room.a, 1, "gone"), "participant_unknown")


# -- snapshots ------------------------------------------------------------------------------


def test_results_snapshots_carry_an_increasing_version(client, room):
    versions = []
    for n, (activity, points) in enumerate([(room.a, 1), (room.a, 2), (room.b, 1), (room.a, 0)]):
        assert vote(room.phone, activity, points, f"v{n}")["ok"]
        (results,) = events(room.screen, "results")
        versions.append(results["version"])
    client.post(url(room.w, f"/activities/{room.b}/hide"), headers=room.w["auth"])
    got = room.screen.get_received()
    states = [m["args"][0] for m in got if m["name"] == "workshop_state"]
    results = [m["args"][0] for m in got if m["name"] == "results"]
    assert states[0]["version"] == results[0]["version"]
    versions.append(results[0]["version"])
    assert versions == sorted(set(versions)), versions  # strictly increasing
    assert all(isinstance(v, int) for v in versions)


def test_sync_resends_a_full_snapshot(room):
    assert vote(room.phone, room.a, 2, "v1")["ok"]
    room.phone.get_received()
    assert room.phone.emit("sync", {}, callback=True) == {"ok": True}
    got = room.phone.get_received()
    assert [m["name"] for m in got] == ["workshop_state", "results", "my_state"]
    assert got[2]["args"][0]["votes"] == [{"activity_id": room.a, "value": 2}]
    assert got[2]["args"][0]["left"] == 3


# -- malformed payloads, more of them, and fuzzed -------------------------------------------


@pytest.mark.parametrize(
    ("event", "args", "key"),
    [
        ("sync", ("a string",), "bad_request"),
        ("sync", ([1],), "bad_request"),
        ("propose_activity", ({"title": 42, "op_id": "m"},), "not_proposing"),
        ("cast_vote", ({"activity_id": 0, "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": -5, "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": "", "points": 1, "op_id": "m"},), "activity_not_found"),
        ("cast_vote", ({"activity_id": " 1 ", "op_id": "\ud800"},), "op_id_invalid"),
        ("cast_vote", ({"activity_id": 1, "op_id": "é" * 65},), "op_id_invalid"),
        ("cast_vote", ({"activity_id": 1, "op_id": True},), "op_id_invalid"),
        ("cast_vote", ({"op_id": "m"}, {"extra": "argument"}), "activity_not_found"),
        ("withdraw_vote", ({"activity_id": float("inf"), "op_id": "m"},), "activity_not_found"),
        ("x" * 10_000, ({},), "unknown_event"),
        ("trigger_event", ({},), "unknown_event"),
        ("_run_action", ({},), "unknown_event"),
    ],
)
def test_more_malformed_payloads_get_an_error_ack(room, event, args, key):
    ack = room.phone.emit(event, *args, callback=True)
    assert_refused(ack, key)
    assert room.phone.is_connected()


def test_malformed_proposals_get_an_error_ack(client, make_workshop, join, socket_client):
    w = make_workshop()
    phone = socket_client({"participant_token": join(w["code"])})
    set_phase(client, w, "proposing")
    for payload, key in [
        ({"title": 42}, "field_invalid"),
        ({"title": "ok", "description": {"a": 1}}, "field_invalid"),
        ({"title": "ok", "track": [1]}, "track_invalid"),
        ({"title": "ok", "track": 10**30}, "track_invalid"),
        ({"title": "ok", "track": True}, "track_invalid"),
        ({"title": "\u0000\u200b\u2028"}, "field_required"),
        ({"title": None}, "field_required"),
    ]:
        assert_refused(
            phone.emit("propose_activity", {**payload, "op_id": "m"}, callback=True), key
        )
    assert client.get(url(w)).get_json()["activities"] == []


def test_fuzzed_socket_events_always_get_an_ack(room):
    """Any JSON payload on any event: an ack with ok, never internal_error, never silence."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from workshop.messages import ERRORS

    json_values = st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=30),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )
    fields = ["activity_id", "points", "score", "op_id", "title", "description", "track"]
    payloads = st.one_of(
        json_values,
        st.dictionaries(st.sampled_from(fields), json_values, max_size=5),
        st.fixed_dictionaries(
            {
                "activity_id": st.sampled_from([room.a, room.b]),
                "op_id": st.text(min_size=1, max_size=64),
            },
            optional={"points": json_values, "score": json_values},
        ),
    )
    events = st.sampled_from(["cast_vote", "withdraw_vote", "propose_activity", "sync", "nope"])

    @given(event=events, payload=payloads)
    @settings(
        max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def one(event, payload):
        ack = room.phone.emit(event, payload, callback=True)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
        if not ack["ok"]:
            assert ack["error"] in ERRORS and ack["error"] != "internal_error", ack
            assert ack["message"]
        room.phone.get_received()

    one()
    assert room.phone.is_connected()
