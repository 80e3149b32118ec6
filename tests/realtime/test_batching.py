"""Votes that arrive together are written together (realtime/batching.py, Combiner and
write_together): one transaction, the same answers as one by one."""

import threading
import time

import pytest
from sqlalchemy import event

from workshop.db import transaction
from workshop.extensions import socketio
from workshop.messages import error_message
from workshop.realtime.batching import Combiner, write_together
from workshop.realtime.namespace import WorkshopNamespace
from workshop.services.participants import participant_by_token


def _wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_what_arrives_while_a_batch_is_written_is_written_next_as_one_batch():
    batches, first_started, release = [], threading.Event(), threading.Event()

    def write(items):
        batches.append(list(items))
        if len(batches) == 1:
            first_started.set()
            assert release.wait(5)
        return [f"answer {i}" for i in items]

    combiner = Combiner(write)
    answers = {}

    def submit(i):
        answers[i] = combiner.submit(i)

    threads = [threading.Thread(target=submit, args=(0,))]
    threads[0].start()
    assert first_started.wait(5)
    for i in range(1, 6):
        threads.append(threading.Thread(target=submit, args=(i,)))
        threads[-1].start()
    _wait_until(lambda: len(combiner._pending) == 5)
    release.set()
    for t in threads:
        t.join(5)
    assert batches[0] == [0]
    assert sorted(batches[1]) == [1, 2, 3, 4, 5] and len(batches) == 2
    assert answers == {i: f"answer {i}" for i in range(6)}


def test_a_write_that_raises_raises_for_every_item_of_its_batch():
    def write(items):
        raise RuntimeError("disk full")

    combiner = Combiner(write)
    with pytest.raises(RuntimeError, match="disk full"):
        combiner.submit("vote")
    # the combiner is free again: the next item leads its own batch
    combiner.write = lambda items: ["ok" for _ in items]
    assert combiner.submit("next") == "ok"


@pytest.fixture
def batch_room(app, client, make_workshop, join):
    """Voting on two activities; three phones as the socket layer knows them."""
    w = make_workshop()
    auth = w["auth"]
    ids = []
    for title in ("Former", "Accompagner"):
        r = client.post(
            f"/api/workshops/{w['code']}/activities", json={"title": title}, headers=auth
        )
        ids.append(r.get_json()["activity_id"])
    tokens = [join(w["code"]) for _ in range(3)]
    r = client.post(f"/api/workshops/{w['code']}/phase", json={"phase": "voting"}, headers=auth)
    assert r.status_code == 200
    with transaction(app) as db:
        people = [participant_by_token(db, t) for t in tokens]
        clients = [
            {
                "workshop_id": p.workshop_id,
                "audience": "phones",
                "participant_id": p.id,
                "room": "phones",
            }
            for p in people
        ]
    return w, ids, clients


def _results(client, w):
    r = client.get(f"/api/workshops/{w['code']}/results", headers=w["auth"])
    return {a["activity_id"]: a["total"] for a in r.get_json()["activities"]}


def _commits(app):
    counted = [0]
    event.listen(
        app.extensions["atelier.engine"],
        "commit",
        lambda conn: counted.__setitem__(0, counted[0] + 1),
    )
    return counted


def test_a_batch_of_votes_is_one_transaction_with_each_phones_own_ack(app, client, batch_room):
    w, (a, b), (p1, p2, p3) = batch_room
    handler = WorkshopNamespace("/").on_cast_vote
    version = client.get(f"/api/workshops/{w['code']}").get_json()["version"]
    commits = _commits(app)
    statements = []
    event.listen(
        app.extensions["atelier.engine"],
        "before_cursor_execute",
        lambda conn, cursor, sql, *args: statements.append(sql),
    )
    items = [
        (p1, {"activity_id": a, "points": 3, "op_id": "o-1"}),
        (p2, {"activity_id": a, "points": 1, "op_id": "o-2"}),
        (p3, {"activity_id": b, "points": 2, "op_id": "o-3"}),
        (p1, {"activity_id": b, "points": 2, "op_id": "o-4"}),
    ]
    answers = write_together(app, handler, items)
    batch = list(statements)  # those of the batch
    assert commits[0] == 1
    # every vote counts in the version, written once, as the last statement before the commit
    assert client.get(f"/api/workshops/{w['code']}").get_json()["version"] == version + 4
    bumps = [i for i, sql in enumerate(batch) if sql.startswith("UPDATE workshops")]
    assert len(bumps) == 1 and bumps[0] == len(batch) - 1, batch
    acks = [ack for ack, _effect in answers]
    assert all(ack["ok"] for ack in acks)
    # each ack is that phone's own state after its vote, in order
    assert acks[0]["left"] == 2 and acks[3]["left"] == 0
    assert acks[2]["left"] == 3
    assert _results(client, w) == {a: 4, b: 4}


def test_a_refused_vote_costs_only_itself_and_leaves_nothing_behind(app, client, batch_room):
    w, (a, b), (p1, p2, p3) = batch_room
    handler = WorkshopNamespace("/").on_cast_vote
    items = [
        (p1, {"activity_id": a, "points": 3, "op_id": "o-1"}),
        (p1, {"activity_id": b, "points": 3, "op_id": "o-2"}),  # 6 dots of 5: refused
        (p2, {"activity_id": b, "points": 2, "op_id": "o-3"}),
        (p3, {"activity_id": a, "points": 9, "op_id": "o-4"}),  # over the cap: refused
        (p3, {"activity_id": b, "points": 1, "op_id": "o-5"}),
    ]
    answers = write_together(app, handler, items)
    assert [type(x).__name__ for x in answers] == [
        "tuple",
        "DomainError",
        "tuple",
        "DomainError",
        "tuple",
    ]
    assert answers[1].key == "over_budget" and answers[3].key == "over_activity_cap"
    assert _results(client, w) == {a: 3, b: 3}
    # a refused op_id was not recorded: the same op_id, now within the budget, goes through
    again = write_together(app, handler, [(p1, {"activity_id": b, "points": 2, "op_id": "o-2"})])
    assert again[0][0]["ok"] is True and "replayed" not in again[0][0]
    assert _results(client, w) == {a: 3, b: 5}


def test_a_retry_in_the_same_batch_counts_once(app, client, batch_room):
    w, (a, _b), (p1, _p2, _p3) = batch_room
    handler = WorkshopNamespace("/").on_cast_vote
    vote = {"activity_id": a, "points": 2, "op_id": "same"}
    first, second = write_together(app, handler, [(p1, vote), (p1, dict(vote))])
    assert first[0]["ok"] and second[0]["replayed"] is True and second[1] is None
    assert _results(client, w)[a] == 2


def test_an_unexpected_failure_runs_each_item_alone(app, client, batch_room):
    w, (a, b), (p1, p2, _p3) = batch_room
    real = WorkshopNamespace("/").on_cast_vote

    def handler(db, client_, data):
        if data["op_id"] == "boom":
            raise RuntimeError("a bug")
        return real(db, client_, data)

    handler.__name__ = "on_cast_vote"
    items = [
        (p1, {"activity_id": a, "points": 1, "op_id": "o-1"}),
        (p2, {"activity_id": b, "points": 1, "op_id": "boom"}),
        (p2, {"activity_id": b, "points": 2, "op_id": "o-3"}),
    ]
    answers = write_together(app, handler, items)
    assert answers[0][0]["ok"] and answers[2][0]["ok"]
    assert isinstance(answers[1], RuntimeError)
    assert _results(client, w) == {a: 1, b: 2}


def test_votes_sent_together_over_sockets_all_count(room_of_phones):
    """Through the socket layer: every phone's ack, every vote in the results."""
    client, w, a, phones = room_of_phones
    acks = [None] * len(phones)
    threads = [
        threading.Thread(
            target=lambda i=i, sio=sio: acks.__setitem__(
                i,
                sio.emit(
                    "cast_vote", {"activity_id": a, "points": 1, "op_id": f"t{i}"}, callback=True
                ),
            )
        )
        for i, sio in enumerate(phones)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert all(ack and ack["ok"] for ack in acks), acks
    assert _results(client, w)[a] == len(phones)


def test_a_refusal_reaches_each_phone_in_its_own_language(app, client, make_workshop, join):
    w = make_workshop()
    auth = w["auth"]
    r = client.post(
        f"/api/workshops/{w['code']}/activities", json={"title": "Former"}, headers=auth
    )
    a = r.get_json()["activity_id"]
    tokens = {lang: join(w["code"]) for lang in ("ar", "en")}
    client.post(f"/api/workshops/{w['code']}/phase", json={"phase": "voting"}, headers=auth)
    for lang, token in tokens.items():
        sio = socketio.test_client(
            app, flask_test_client=client, auth={"participant_token": token},
            headers={"Accept-Language": lang},
        )  # fmt: skip
        ack = sio.emit("cast_vote", {"activity_id": a, "points": 9, "op_id": "x"}, callback=True)
        sio.disconnect()
        with app.test_request_context(headers={"Accept-Language": lang}):
            expected = error_message("over_activity_cap", {"max": 3})
        assert ack["error"] == "over_activity_cap" and ack["message"] == expected


@pytest.fixture
def room_of_phones(client, make_workshop, join, socket_client):
    w = make_workshop()
    r = client.post(
        f"/api/workshops/{w['code']}/activities", json={"title": "Former"}, headers=w["auth"]
    )
    a = r.get_json()["activity_id"]
    tokens = [join(w["code"]) for _ in range(6)]
    client.post(f"/api/workshops/{w['code']}/phase", json={"phase": "voting"}, headers=w["auth"])
    phones = [socket_client({"participant_token": t}) for t in tokens]
    assert all(p.is_connected() for p in phones)
    return client, w, a, phones


def test_with_a_wait_the_first_vote_gathers_those_arriving_meanwhile():
    batches = []

    def write(items):
        batches.append(list(items))
        return [None for _ in items]

    combiner = Combiner(write, wait=1.0)
    threads = [threading.Thread(target=combiner.submit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(batches) == 1 and sorted(batches[0]) == [0, 1, 2, 3]
