"""Rooms per working group: a group's phones and its table screen receive their group only;
the plenary screen and the console the whole workshop; a reassigned phone moves rooms."""

import pytest

from workshop.db import transaction
from workshop.models import Participant
from workshop.realtime.broadcast import broadcaster
from workshop.services import prevoting, working_groups
from workshop.services.participants import token_holder
from workshop.services.workshops import get_workshop


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def states(sio) -> list[dict]:
    """The workshop_state payloads received since the last call (all messages consumed)."""
    return [m["args"][0] for m in sio.get_received() if m["name"] == "workshop_state"]


def titles(state: dict) -> set[str]:
    return {a["title"] for a in state["activities"]}


def screen_key(w) -> str:
    return w["screen_url"].rstrip("/").rsplit("/", 1)[-1]


def propose(sio, title, op_id):
    ack = sio.emit("propose_activity", {"title": title, "op_id": op_id}, callback=True)
    assert ack["ok"], ack
    return ack["activity_id"]


@pytest.fixture
def tables(app, client, make_workshop, join, socket_client):
    """Three working groups in a proposing workshop; a phone seated at each of the first two,
    one at none; a table screen per group, the plenary screen and a console connected."""

    class Tables:
        pass

    t = Tables()
    t.app = app
    t.w = make_workshop()
    r = client.post(url(t.w, "/phase"), json={"phase": "proposing"}, headers=t.w["auth"])
    assert r.status_code == 200, r.get_json()
    tokens = [join(t.w["code"], organisation=f"Org {i}") for i in range(4)]
    with transaction(app) as db:
        workshop = get_workshop(db, t.w["code"])
        groups = working_groups.create_working_groups(
            db, workshop, ["Gouvernance | ar: الحوكمة", "Compétences", "Réintégration"]
        )
        t.gids = [g.id for g in groups]
        t.keys = [g.screen_key for g in groups]
        people = [token_holder(db, token) for token in tokens]
        t.pids = [p.id for p in people]
        for person, gid in zip(people[:3], [t.gids[0], t.gids[0], t.gids[1]], strict=True):
            working_groups.assign_participant(db, workshop, person, gid)
        t.wid = workshop.id
    broadcaster(app).changed(t.wid)  # as the facilitator's routes do after their commit
    t.phone_a = socket_client({"participant_token": tokens[0]})
    t.phone_a2 = socket_client({"participant_token": tokens[1]})
    t.phone_b = socket_client({"participant_token": tokens[2]})
    t.phone_none = socket_client({"participant_token": tokens[3]})
    t.table = [socket_client({"code": t.w["code"], "table_key": key}) for key in t.keys]
    t.screen = socket_client({"code": t.w["code"], "screen_key": screen_key(t.w)})
    t.console = socket_client({"code": t.w["code"], "facilitator_token": t.w["facilitator_token"]})
    t.all = [t.phone_a, t.phone_a2, t.phone_b, t.phone_none, *t.table, t.screen, t.console]
    for sio in t.all:
        assert sio.is_connected()
    return t


def drain(t):
    for sio in t.all:
        sio.get_received()


def test_the_welcome_of_a_group_room_is_its_group(tables):
    welcome = [m for m in tables.phone_a.get_received() if m["name"] == "workshop_state"]
    state = welcome[0]["args"][0]
    assert state["working_group"]["id"] == tables.gids[0]
    assert state["working_group"]["names"]["ar"] == "الحوكمة"
    assert state["participants"] == 2  # its table's, not the workshop's 4
    assert "screen_url" not in state["working_group"]
    # the other groups by name only: nothing that a change at their table would alter
    assert [set(g) for g in state["working_groups"]] == [{"id", "name", "names", "position"}] * 3
    table = states(tables.table[1])[0]
    assert table["working_group"]["id"] == tables.gids[1] and table["participants"] == 1
    # the plenary screen and the unseated phone: the whole workshop, every group's record
    for sio in (tables.screen, tables.phone_none):
        whole = states(sio)[0]
        assert "working_group" not in whole and whole["participants"] == 4
        assert [g["participants"] for g in whole["working_groups"]] == [2, 1, 0]


def test_a_proposal_reaches_its_own_table_only(tables):
    drain(tables)
    aid = propose(tables.phone_a, "Guichet unique migration", "p1")
    # its group's phones (the proposer's too) and its table screen
    for sio in (tables.phone_a, tables.phone_a2, tables.table[0]):
        got = states(sio)
        assert len(got) == 1, got
        assert titles(got[0]) == {"Guichet unique migration"}
        assert got[0]["activities"][0]["working_group_id"] == tables.gids[0]
        assert got[0]["working_group"]["proposals"] == 1
    # the other tables and their phones: nothing at all
    for sio in (tables.phone_b, tables.table[1], tables.table[2]):
        assert sio.get_received() == []
    # the plenary screen, the unseated phone and the console: the whole workshop
    for sio in (tables.screen, tables.phone_none, tables.console):
        got = states(sio)
        assert [a["id"] for a in got[-1]["activities"]] == [aid]
        assert [g["proposals"] for g in got[-1]["working_groups"]] == [1, 0, 0]


def test_each_table_sees_its_own_proposals_as_they_arrive(tables):
    propose(tables.phone_a, "Former les conseillers", "a1")
    propose(tables.phone_b, "Reconnaître les acquis", "b1")
    drain(tables)
    propose(tables.phone_b, "Certifier les compétences", "b2")
    assert tables.table[0].get_received() == [] and tables.phone_a.get_received() == []
    got = states(tables.table[1])
    assert titles(got[-1]) == {"Reconnaître les acquis", "Certifier les compétences"}
    assert titles(states(tables.screen)[-1]) == {
        "Former les conseillers",
        "Reconnaître les acquis",
        "Certifier les compétences",
    }


def test_an_activity_placed_by_hand_goes_from_one_table_to_the_other(tables, client):
    """PUT …/activities/<id>/working-group: the table it leaves and the one it joins are told
    (their phones too); a third table hears nothing."""
    aid = propose(tables.phone_a, "Observatoire régional", "p1")
    drain(tables)
    moved = client.put(
        url(tables.w, f"/activities/{aid}/working-group"),
        json={"working_group_id": tables.gids[1]},
        headers=tables.w["auth"],
    )
    assert moved.status_code == 200, moved.get_json()
    for sio in (tables.table[1], tables.phone_b):
        assert titles(states(sio)[-1]) == {"Observatoire régional"}
    for sio in (tables.table[0], tables.phone_a):
        assert titles(states(sio)[-1]) == set()
    assert tables.table[2].get_received() == []
    placed = states(tables.screen)[-1]["activities"]
    assert [(a["id"], a["working_group_id"]) for a in placed] == [(aid, tables.gids[1])]


def test_a_join_elsewhere_sends_a_table_nothing(tables, join):
    drain(tables)
    join(tables.w["code"], organisation="Nouvelle")  # the join is broadcast
    for sio in (tables.phone_a, tables.table[0], tables.table[1]):
        assert sio.get_received() == []
    assert states(tables.screen)[-1]["participants"] == 5


def test_a_table_pre_vote_reaches_that_table_only(tables):
    aid = propose(tables.phone_a, "Guichet unique", "p1")
    with transaction(tables.app) as db:
        workshop = get_workshop(db, tables.w["code"])
        group = working_groups.get_working_group(db, workshop, tables.gids[0])
        working_groups.set_group_phase(db, workshop, group, "prevote")
    broadcaster(tables.app).changed(tables.wid)
    got = states(tables.table[0])
    assert got[-1]["working_group"]["phase"] == "prevote"
    assert got[-1]["working_group"]["prevote"] == [
        {"activity_id": aid, "total": 0, "voters": 0, "rank": 1}
    ]
    drain(tables)
    with transaction(tables.app) as db:
        workshop = get_workshop(db, tables.w["code"])
        person = db.get(Participant, tables.pids[1])
        prevoting.cast_prevote(db, workshop, person, aid, points=2)
    broadcaster(tables.app).changed(tables.wid)
    for sio in (tables.table[0], tables.phone_a):
        prevote = states(sio)[-1]["working_group"]["prevote"]
        assert prevote == [{"activity_id": aid, "total": 2, "voters": 1, "rank": 1}]
    for sio in (tables.table[1], tables.table[2], tables.phone_b):
        assert sio.get_received() == []
    # the console (its overview) and the plenary screen have every table's pre-vote
    console = [m["args"][0] for m in tables.console.get_received() if m["name"] == "results"]
    assert console[-1]["prevotes"] == [
        {"working_group_id": tables.gids[0], "activities": prevote},
    ]


def test_a_reassigned_phone_moves_to_its_new_table(tables):
    propose(tables.phone_b, "Reconnaître les acquis", "b1")
    drain(tables)
    with transaction(tables.app) as db:
        workshop = get_workshop(db, tables.w["code"])
        person = db.get(Participant, tables.pids[0])
        working_groups.assign_participant(db, workshop, person, tables.gids[1])
    broadcaster(tables.app).changed(tables.wid)
    broadcaster(tables.app).regroup(tables.wid, [tables.pids[0]])
    got = tables.phone_a.get_received()
    welcome = [m["args"][0] for m in got if m["name"] == "workshop_state"][-1]
    assert welcome["working_group"]["id"] == tables.gids[1]
    assert titles(welcome) == {"Reconnaître les acquis"}
    me = [m["args"][0] for m in got if m["name"] == "my_state"][-1]
    assert me["working_group_id"] == tables.gids[1]
    drain(tables)
    # a proposal at its old table no longer reaches it; one at its new table does
    propose(tables.phone_a2, "Former les conseillers", "a2")
    assert tables.phone_a.get_received() == []
    propose(tables.phone_b, "Certifier", "b2")
    assert titles(states(tables.phone_a)[-1]) == {"Reconnaître les acquis", "Certifier"}
    # its proposals now go to its new table
    drain(tables)
    propose(tables.phone_a, "Passerelles", "a3")
    assert "Passerelles" in titles(states(tables.table[1])[-1])
    assert tables.table[0].get_received() == []


def test_a_phone_moved_by_another_process_moves_when_it_syncs(tables):
    """Another process moved the participant: this one only relays the event (a<pid>)."""
    drain(tables)
    with transaction(tables.app) as db:
        workshop = get_workshop(db, tables.w["code"])
        person = db.get(Participant, tables.pids[2])
        working_groups.assign_participant(db, workshop, person, tables.gids[2])
    broadcaster(tables.app).changed(tables.wid)
    tables.phone_b.get_received()
    assert tables.phone_b.emit("sync", {}, callback=True) == {"ok": True}
    welcome = states(tables.phone_b)[-1]
    assert welcome["working_group"]["id"] == tables.gids[2]
    drain(tables)
    propose(tables.phone_b, "Réinsertion", "b3")
    assert titles(states(tables.table[2])[-1]) == {"Réinsertion"}
    assert tables.table[1].get_received() == []


def test_the_move_is_announced_to_the_participant_s_phones(tables, socket_client):
    """Phones on other processes hear `working_group_changed` (through the queue) and sync;
    the phones moved here already are not told twice."""
    drain(tables)
    with transaction(tables.app) as db:
        workshop = get_workshop(db, tables.w["code"])
        person = db.get(Participant, tables.pids[3])
        working_groups.assign_participant(db, workshop, person, tables.gids[0])
    broadcaster(tables.app).regroup(tables.wid, [tables.pids[3]])
    got = [m["name"] for m in tables.phone_none.get_received()]
    assert "working_group_changed" not in got and "workshop_state" in got
    assert tables.phone_a.get_received() == []  # not its participant


def test_a_table_screen_key_opens_its_table_only(tables, socket_client):
    assert not socket_client({"code": tables.w["code"], "table_key": "nope"}).is_connected()
    other = socket_client({"code": "ZZZZZZ", "table_key": tables.keys[0]})
    assert not other.is_connected()
    table = tables.table[0]
    ack = table.emit("propose_activity", {"title": "x", "op_id": "t"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "not_authenticated"


def test_in_plenary_a_group_room_sees_the_whole_workshop(tables, client):
    propose(tables.phone_a, "Guichet unique", "p1")
    propose(tables.phone_b, "Reconnaître", "b1")
    drain(tables)
    r = client.post(url(tables.w, "/phase"), json={"phase": "voting"}, headers=tables.w["auth"])
    assert r.status_code == 200, r.get_json()
    got = states(tables.phone_a)[-1]
    assert titles(got) == {"Guichet unique", "Reconnaître"}
    assert got["working_group"]["id"] == tables.gids[0]
    assert got["participants"] == 4
