"""The API of similar activities, duplicates, merges and consensus; what phones are told."""

import csv
import io
import json

import pytest

from tests.web.test_openapi import DOCUMENT, Contract
from workshop.services import duplicates
from workshop.services.similarity import DEFAULT_THRESHOLD

TITLES = [
    ("Créer un observatoire régional de l'emploi", ""),
    ("Mise en place d'un observatoire régional de l'emploi et des compétences", ""),
    ("Campagne contre le travail des enfants", ""),
    ("حملة تحسيسية ضد تشغيل الأطفال", ""),
    ("حملة توعية لمحاربة تشغيل الأطفال في الفلاحة", ""),
    ("Support rural women's entrepreneurship", ""),
    ("Supporting women entrepreneurs in rural areas", ""),
    ("Former les inspecteurs du travail", "Santé et sécurité au travail"),
]


def url(w, path=""):
    return f"/api/workshops/{w['code']}{path}"


@pytest.fixture
def stocked(client, make_workshop):
    w = make_workshop()
    ids = []
    for title, description in TITLES:
        response = client.post(
            url(w, "/activities"),
            json={"title": title, "description": description},
            headers=w["auth"],
        )
        ids.append(response.get_json()["activity_id"])
    return w, ids


def test_similar_returns_likely_duplicates_best_first(client, stocked, join):
    w, ids = stocked
    phone = {"Authorization": f"Bearer {join(w['code'])}"}
    body = {"title": "Observatoire régional de l'emploi", "description": ""}
    response = client.post(url(w, "/similar"), json=body, headers=phone)
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"] is True and data["threshold"] == DEFAULT_THRESHOLD
    found = [c["activity_id"] for c in data["candidates"]]
    assert found[:2] == [ids[0], ids[1]] or found[:2] == [ids[1], ids[0]]
    assert ids[2] not in found
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True) and min(scores) >= DEFAULT_THRESHOLD
    arabic = client.post(
        url(w, "/similar"), json={"title": "حملة ضد تشغيل الأطفال"}, headers=w["auth"]
    ).get_json()
    # the French campaign too: the same activity in another language (docs/similarity.md)
    assert {c["activity_id"] for c in arabic["candidates"]} == {ids[2], ids[3], ids[4]}


def test_similar_with_the_phones_cookie_and_edge_inputs(client, stocked):
    w, ids = stocked
    joined = client.post(
        url(w, "/participants"), json={"organisation": "CDT", "group": "Travailleurs"}
    )
    assert joined.status_code == 201
    client.set_cookie(f"atelier_p_{w['code']}", joined.get_json()["participant_token"])
    empty = client.post(url(w, "/similar"), json={"title": "  ", "description": ""})
    assert empty.get_json() == {"ok": True, "threshold": DEFAULT_THRESHOLD, "candidates": []}
    words = client.post(url(w, "/similar"), json={"title": "de la et les !!!"}).get_json()
    assert words["candidates"] == []
    too_long = client.post(url(w, "/similar"), json={"title": "x" * 121})
    assert too_long.status_code == 400 and too_long.get_json()["error"] == "field_too_long"
    wrong = client.post(url(w, "/similar"), json={"title": ["not", "text"]})
    assert wrong.status_code == 400 and wrong.get_json()["error"] == "field_invalid"
    assert client.post(url(w, "/similar"), data="nope").status_code == 400
    by_description = client.post(
        url(w, "/similar"), json={"description": "Inspecteurs du travail : santé et sécurité"}
    ).get_json()
    assert [c["activity_id"] for c in by_description["candidates"]][:1] == [ids[7]]


def test_similar_needs_a_participant_or_the_facilitator(client, stocked):
    w, _ = stocked
    anonymous = client.post(url(w, "/similar"), json={"title": "Observatoire"})
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"] == "not_authenticated"
    assert client.post("/api/workshops/NOPE99/similar", json={"title": "x"}).status_code == 404


def test_hidden_and_merged_activities_are_not_candidates(client, stocked):
    w, ids = stocked
    client.post(url(w, f"/activities/{ids[0]}/hide"), headers=w["auth"])
    found = client.post(
        url(w, "/similar"), json={"title": "Observatoire régional de l'emploi"}, headers=w["auth"]
    ).get_json()["candidates"]
    assert [c["activity_id"] for c in found] == [ids[1]]


def test_duplicates_lists_pairs_and_clusters(client, stocked, join):
    w, ids = stocked
    report = client.get(url(w, "/duplicates"), headers=w["auth"]).get_json()
    assert report["ok"] is True and report["threshold"] == DEFAULT_THRESHOLD
    pairs = {tuple(p["activity_ids"]) for p in report["pairs"]}
    assert {(ids[0], ids[1]), (ids[3], ids[4]), (ids[5], ids[6])} <= pairs
    assert (ids[2], ids[3]) in pairs  # the French and the Arabic child-labour campaigns
    assert (ids[0], ids[2]) not in pairs and (ids[2], ids[7]) not in pairs  # "travail" alone
    clusters = [c["activity_ids"] for c in report["clusters"]]
    assert [ids[0], ids[1]] in clusters and [ids[2], ids[3], ids[4]] in clusters
    scores = [c["score"] for c in report["clusters"]]
    assert scores == sorted(scores, reverse=True)
    phone = {"Authorization": f"Bearer {join(w['code'])}"}
    assert client.get(url(w, "/duplicates"), headers=phone).status_code == 403
    assert client.get(url(w, "/duplicates")).status_code == 401


def test_index_is_cached_until_a_text_changes(client, stocked):
    w, ids = stocked
    duplicates._cache.clear()
    client.get(url(w, "/duplicates"), headers=w["auth"])
    client.post(url(w, "/similar"), json={"title": "x"}, headers=w["auth"])
    assert len(duplicates._cache) == 1
    client.patch(url(w, f"/activities/{ids[2]}"), json={"title": "Autre"}, headers=w["auth"])
    client.get(url(w, "/duplicates"), headers=w["auth"])
    assert len(duplicates._cache) == 2


@pytest.fixture
def voting(client, stocked, join, socket_client):
    """Two participants; the first has 2 dots on A0 and 2 on A1, the second 1 on A1."""
    w, ids = stocked
    phones = []
    for group in ("Gouvernement", "Travailleurs"):
        token = join(w["code"], group=group)
        phones.append(socket_client({"participant_token": token}))
    client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
    for n, (phone, activity, points) in enumerate(
        [(phones[0], ids[0], 2), (phones[0], ids[1], 2), (phones[1], ids[1], 1)]
    ):
        data = {"activity_id": activity, "points": points, "op_id": f"v{n}"}
        ack = phone.emit("cast_vote", data, callback=True)
        assert ack["ok"], ack
    for phone in phones:
        phone.get_received()
    return w, ids, phones


def last(received, name):
    return [m["args"][0] for m in received if m["name"] == name][-1]


def test_merge_and_undo_over_the_api_reach_every_screen(client, voting):
    w, ids, phones = voting
    merged = client.post(
        url(w, "/merges"), json={"target_id": ids[0], "source_ids": [ids[1]]}, headers=w["auth"]
    )
    assert merged.status_code == 201, merged.get_json()
    record = merged.get_json()["merge"]
    assert record["target_id"] == ids[0] and record["source_ids"] == [ids[1]]
    assert record["undone_at"] is None
    state = last(phones[0].get_received(), "workshop_state")
    assert ids[1] not in [a["id"] for a in state["activities"]]
    assert state["merges"][0]["merge_id"] == record["merge_id"]
    # the phone asks for its own state again, as phone.js does when an activity goes away
    assert phones[0].emit("sync", {}, callback=True)["ok"]
    me = last(phones[0].get_received(), "my_state")
    assert me["votes"] == [{"activity_id": ids[0], "value": 3}] and me["left"] == 2
    [notice] = me["merges"]
    assert notice["returned"] == 1 and notice["target_title"] == TITLES[0][0]
    assert notice["source_titles"] == [TITLES[1][0]]
    view = client.get(url(w), headers=w["auth"]).get_json()
    source = next(a for a in view["activities"] if a["id"] == ids[1])
    assert source["status"] == "merged" and source["merged_into_id"] == ids[0]
    results = client.get(url(w, "/results"), headers=w["auth"]).get_json()
    totals = {r["activity_id"]: r["total"] for r in results["activities"]}
    assert totals[ids[0]] == 4 and ids[1] not in totals

    rows = list(csv.reader(io.StringIO(export(client, w)), delimiter=";"))  # French workshop
    by_id = {row[1]: row for row in rows[1:]}
    merged_into = 10 + 3  # after rank..voters, comments and the three groups
    assert by_id[str(ids[1])][merged_into] == str(ids[0])
    assert by_id[str(ids[1])][6] != by_id[str(ids[0])][6]  # its status says merged
    assert by_id[str(ids[0])][merged_into + 1] == str(ids[1])  # merged from

    again = client.post(url(w, f"/merges/{record['merge_id']}/undo"), headers=w["auth"])
    assert again.status_code == 200 and again.get_json()["merge"]["undone_at"]
    results = client.get(url(w, "/results"), headers=w["auth"]).get_json()
    totals = {r["activity_id"]: r["total"] for r in results["activities"]}
    assert (totals[ids[0]], totals[ids[1]]) == (2, 3)
    twice = client.post(url(w, f"/merges/{record['merge_id']}/undo"), headers=w["auth"])
    assert twice.status_code == 409 and twice.get_json()["error"] == "merge_already_undone"
    history = client.get(url(w, "/merges"), headers=w["auth"]).get_json()["merges"]
    assert [m["merge_id"] for m in history] == [record["merge_id"]]
    assert client.get(url(w), headers=w["auth"]).get_json()["merges"] == []


def export(client, w):
    response = client.get(url(w, "/export/activities.csv?lang=fr"), headers=w["auth"])
    assert response.status_code == 200
    return response.get_data().decode("utf-8-sig")


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"target_id": 1, "source_ids": []}, 400, "merge_sources_required"),
        ({"target_id": "x", "source_ids": [1]}, 404, "activity_not_found"),
        ({"source_ids": [1]}, 404, "activity_not_found"),
        ({"target_id": 1, "source_ids": "nope"}, 404, "activity_not_found"),
        ({"target_id": 1, "source_ids": [{"id": 2}]}, 404, "activity_not_found"),
        ({"target_id": 1, "source_ids": None}, 400, "merge_sources_required"),
    ],
)
def test_merge_refuses_bad_input_with_a_reason(client, stocked, body, status, error):
    w, ids = stocked
    body = dict(body)
    if body.get("target_id") == 1:
        body["target_id"] = ids[0]
    response = client.post(url(w, "/merges"), json=body, headers=w["auth"])
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"] == error
    assert response.get_json()["message"]


def test_merge_needs_the_facilitator(client, stocked, join):
    w, ids = stocked
    phone = {"Authorization": f"Bearer {join(w['code'])}"}
    body = {"target_id": ids[0], "source_ids": [ids[1]]}
    assert client.post(url(w, "/merges"), json=body, headers=phone).status_code == 403
    assert client.post(url(w, "/merges"), json=body).status_code == 401
    assert client.post(url(w, "/merges/1/undo"), headers=phone).status_code == 403
    assert client.get(url(w, "/merges")).status_code == 401
    missing = client.post(url(w, "/merges/999/undo"), headers=w["auth"])
    assert missing.status_code == 404 and missing.get_json()["error"] == "merge_not_found"


def test_a_vote_on_a_merged_activity_is_refused_with_a_reason(client, voting):
    w, ids, phones = voting
    client.post(
        url(w, "/merges"), json={"target_id": ids[0], "source_ids": [ids[1]]}, headers=w["auth"]
    )
    data = {"activity_id": ids[1], "points": 1, "op_id": "late"}
    ack = phones[1].emit("cast_vote", data, callback=True)
    assert ack["ok"] is False and ack["error"] == "activity_merged"


def test_answers_match_the_openapi_document(client, voting, join, socket_client):
    c = Contract(json.loads(DOCUMENT.read_text(encoding="utf-8")), client)
    w, ids, _phones = voting
    p, fac = {"code": w["code"]}, w["auth"]
    ws = "/api/workshops/{code}"
    token = join(w["code"], group="Employeurs")
    phone = socket_client({"participant_token": token})
    vote = {"activity_id": ids[1], "points": 3, "op_id": "c1"}
    assert phone.emit("cast_vote", vote, callback=True)["ok"]
    example = c.example(ws + "/similar", "post")
    c.call("post", ws + "/similar", 200, params=p, headers=fac, json=example)
    c.call("post", ws + "/similar", 400, params=p, headers=fac, json={"title": "x" * 200})
    c.call("post", ws + "/similar", 401, params=p, json={"title": "x"})
    c.call("get", ws + "/duplicates", 200, params=p, headers=fac)
    body = {"target_id": ids[0], "source_ids": [ids[1], ids[2]]}
    merged = c.call("post", ws + "/merges", 201, params=p, headers=fac, json=body).get_json()
    c.call("post", ws + "/merges", 400, params=p, headers=fac, json=body)
    missing = {"target_id": 0, "source_ids": [1]}
    c.call("post", ws + "/merges", 404, params=p, headers=fac, json=missing)
    c.call("get", ws + "/merges", 200, params=p, headers=fac)
    c.call("get", ws, 200, params=p, headers=fac)
    c.call("get", ws + "/results", 200, params=p, headers=fac)
    me = c.call("get", ws + "/me", 200, params=p, headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["merges"][0]["returned"] == 0  # 3 dots on the target: within the cap
    undo = ws + "/merges/{merge_id}/undo"
    one = {**p, "merge_id": merged["merge"]["merge_id"]}
    c.call("post", undo, 200, params=one, headers=fac)
    c.call("post", undo, 409, params=one, headers=fac)
    c.call("post", undo, 404, params={**p, "merge_id": 999}, headers=fac)


def test_a_workshop_with_merges_can_be_deleted(client, voting):
    w, ids, _phones = voting
    body = {"target_id": ids[0], "source_ids": [ids[1], ids[2]]}
    assert client.post(url(w, "/merges"), json=body, headers=w["auth"]).status_code == 201
    assert client.delete(url(w), headers=w["auth"]).status_code == 200
    assert client.get(url(w)).status_code == 404
