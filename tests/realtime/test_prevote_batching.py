"""Pre-votes arriving together are written together, as votes are (batching.py): one
transaction, each phone its own ack, a refusal costs only itself, the table's budget holds."""

import pytest

from tests.realtime.test_batching import _commits
from workshop.db import transaction
from workshop.realtime.batching import write_together
from workshop.realtime.namespace import WorkshopNamespace
from workshop.services.participants import participant_by_token


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


@pytest.fixture
def table(app, client, make_workshop, join):
    """One table pre-voting on two activities (dots 5, cap 3), two phones seated there and
    one at the other table; the phones as the socket layer knows them."""
    w = make_workshop(tracks=["Gouvernance", "Compétences"])
    auth = w["auth"]
    groups = client.post(
        url(w, "/working-groups"), json={"from_tracks": True}, headers=auth
    ).get_json()["working_groups"]
    ids = [
        client.post(
            url(w, "/activities"), json={"title": title, "track": "Gouvernance"}, headers=auth
        ).get_json()["activity_id"]
        for title in ("Former", "Accompagner")
    ]
    tokens = [join(w["code"]) for _ in range(3)]
    with transaction(app) as db:
        people = [participant_by_token(db, t) for t in tokens]
        public = [p.public_id for p in people]
        clients = [
            {
                "workshop_id": p.workshop_id,
                "audience": "phones",
                "participant_id": p.id,
                "room": "phones",
            }
            for p in people
        ]
    for public_id, group in zip(public, (groups[0], groups[0], groups[1]), strict=True):
        seated = client.put(
            url(w, f"/participants/{public_id}/working-group"),
            json={"working_group_id": group["id"]},
            headers=auth,
        )
        assert seated.status_code == 200, seated.get_json()
    for path, body in (
        ("/phase", {"phase": "proposing"}),
        (f"/working-groups/{groups[0]['id']}/phase", {"phase": "prevote"}),
    ):
        assert client.post(url(w, path), json=body, headers=auth).status_code == 200
    return w, groups[0], ids, clients


def ranking(client, w, group):
    r = client.get(url(w, f"/working-groups/{group['id']}/prevote"), headers=w["auth"])
    return {a["activity_id"]: a["total"] for a in r.get_json()["activities"]}


def test_cast_prevote_is_batched_like_cast_vote():
    assert {"cast_vote", "cast_prevote"} <= WorkshopNamespace.BATCHED


def test_a_batch_of_prevotes_is_one_transaction_and_the_budget_holds(app, client, table):
    w, group, (a, b), (p1, p2, elsewhere) = table
    handler = WorkshopNamespace("/").on_cast_prevote
    version = client.get(url(w)).get_json()["version"]
    commits = _commits(app)
    items = [
        (p1, {"activity_id": a, "points": 3, "op_id": "o-1"}),
        (p2, {"activity_id": a, "points": 1, "op_id": "o-2"}),
        (p1, {"activity_id": b, "points": 2, "op_id": "o-3"}),
        (p2, {"activity_id": b, "points": 2, "op_id": "o-4"}),
    ]
    answers = write_together(app, handler, items)
    assert commits[0] == 1
    acks = [ack for ack, _effect in answers]
    assert [ack["prevote_left"] for ack in acks] == [2, 4, 0, 2]
    assert client.get(url(w)).get_json()["version"] == version + 4
    assert ranking(client, w, group) == {a: 4, b: 4}
    refused = write_together(
        app,
        handler,
        [
            (p2, {"activity_id": a, "points": 2, "op_id": "o-5"}),
            (p1, {"activity_id": a, "points": 1, "op_id": "o-6"}),  # 1 + 2 of 5: fine
            (p1, {"activity_id": b, "points": 3, "op_id": "o-7"}),  # 1 + 3 of 5: fine
            (p1, {"activity_id": a, "points": 3, "op_id": "o-8"}),  # 3 + 3 of 5: refused
            (elsewhere, {"activity_id": a, "points": 1, "op_id": "o-9"}),  # another table's
        ],
    )
    assert [isinstance(x, tuple) for x in refused] == [True, True, True, False, False]
    assert refused[3].key == "over_budget" and refused[4].key == "not_your_group"
    assert ranking(client, w, group) == {a: 3, b: 5}
