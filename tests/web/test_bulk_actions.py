"""Bulk actions of the console: confirm every proposed commitment, hide several proposals."""

import pytest

from tests.playbook import api

WS = "/api/workshops/{code}"
CONFIRM = WS + "/commitments/confirm"
HIDE = WS + "/activities/hide"


def statuses(client, played) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for c in api(client, played.w, "GET", "/commitments")["commitments"]:
        found.setdefault(c["activity_id"], []).append(c["status"])
    return found


def test_confirm_the_proposed_commitments_of_one_activity(contract, played):
    p, fac, first = {"code": played.code}, played.auth, played.ids["first"]
    before = statuses(contract.client, played)
    assert before[first].count("proposed") == 2  # the playbook confirmed one of three
    r = contract.call("post", CONFIRM, 200, params=p, headers=fac, json={"activity_id": first})
    assert r.get_json()["confirmed"] == 2 and len(r.get_json()["commitment_ids"]) == 2
    after = statuses(contract.client, played)
    assert after[first] == ["confirmed"] * 3
    assert after[played.ids["second"]] == before[played.ids["second"]]  # other activities wait


def test_confirm_the_whole_plan_in_one_call_and_one_broadcast(contract, played):
    p, fac = {"code": played.code}, played.auth
    phone = played.phones["cgem"]
    phone.get_received()
    r = contract.call("post", CONFIRM, 200, params=p, headers=fac)
    assert r.get_json()["confirmed"] == 5
    assert {s for v in statuses(contract.client, played).values() for s in v} == {"confirmed"}
    states = [m for m in phone.get_received() if m["name"] == "workshop_state"]
    assert len(states) == 1
    again = contract.call("post", CONFIRM, 200, params=p, headers=fac, json={})
    assert again.get_json() == {"ok": True, "confirmed": 0, "commitment_ids": []}
    assert not [m for m in phone.get_received() if m["name"] == "workshop_state"]


def test_confirm_refusals(contract, played, make_workshop):
    p, fac = {"code": played.code}, played.auth
    r = contract.call("post", CONFIRM, 404, params=p, headers=fac, json={"activity_id": 10**6})
    assert r.get_json()["error"] == "activity_not_found"
    other = make_workshop()
    elsewhere = {"activity_id": played.ids["first"]}
    r = contract.call(
        "post", CONFIRM, 404, params={"code": other["code"]}, headers=other["auth"], json=elsewhere
    )
    assert r.get_json()["error"] == "activity_not_found"
    phone = {"Authorization": f"Bearer {played.tokens['oit']}"}
    r = contract.call("post", CONFIRM, 403, params=p, headers=phone)
    assert r.get_json()["error"] == "facilitator_only"
    contract.call("post", CONFIRM, 401, params=p)
    contract.call("post", CONFIRM, 400, params=p, headers=fac, json=[1, 2])


def test_hide_several_proposals_at_once(contract, played):
    p, fac, ids = {"code": played.code}, played.auth, played.ids
    phone = played.phones["cgem"]
    phone.get_received()
    chosen = [ids["fourth"], ids["fifth"], ids["fourth"]]
    r = contract.call("post", HIDE, 200, params=p, headers=fac, json={"activity_ids": chosen})
    assert r.get_json() == {"ok": True, "hidden": 2, "activity_ids": [ids["fourth"], ids["fifth"]]}
    received = phone.get_received()
    assert len([m for m in received if m["name"] == "workshop_state"]) == 1
    status = {a["id"]: a["status"] for a in api(contract.client, played.w, "GET", "")["activities"]}
    assert status[ids["fourth"]] == status[ids["fifth"]] == "hidden"
    # hidden as one hide would: the dots on them are back in their owners' budgets
    results = api(contract.client, played.w, "GET", "/results")
    assert ids["fourth"] not in {r["activity_id"] for r in results["activities"]}


def test_hiding_is_all_or_nothing(contract, played, client):
    p, fac, ids = {"code": played.code}, played.auth, played.ids
    path = f"/api/workshops/{played.code}/merges"
    r = client.post(
        path, json={"target_id": ids["first"], "source_ids": [ids["fifth"]]}, headers=fac
    )
    assert r.status_code in (200, 201), r.get_json()
    merged = {"activity_ids": [ids["fourth"], ids["fifth"]]}
    r = contract.call("post", HIDE, 400, params=p, headers=fac, json=merged)
    assert r.get_json()["error"] == "activity_merged"
    unknown = {"activity_ids": [ids["fourth"], 10**6]}
    r = contract.call("post", HIDE, 404, params=p, headers=fac, json=unknown)
    assert r.get_json()["error"] == "activity_not_found"
    status = {a["id"]: a["status"] for a in api(client, played.w, "GET", "")["activities"]}
    assert status[ids["fourth"]] == "visible"  # refused as a whole: nothing was hidden


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "field_required"),
        ({"activity_ids": 3}, "field_invalid"),
        ({"activity_ids": []}, "field_required"),
        ({"activity_ids": list(range(1, 502))}, "too_many"),
    ],
)
def test_hide_refuses_a_malformed_list(contract, played, body, error):
    p, fac = {"code": played.code}, played.auth
    r = contract.call("post", HIDE, 400, params=p, headers=fac, json=body)
    assert r.get_json()["error"] == error


def test_hide_is_for_the_facilitator_only(contract, played):
    p, body = {"code": played.code}, {"activity_ids": [played.ids["fourth"]]}
    phone = {"Authorization": f"Bearer {played.tokens['oit']}"}
    r = contract.call("post", HIDE, 403, params=p, headers=phone, json=body)
    assert r.get_json()["error"] == "facilitator_only"
    contract.call("post", HIDE, 401, params=p, json=body)
    status = {a["id"]: a["status"] for a in api(contract.client, played.w, "GET", "")["activities"]}
    assert status[played.ids["fourth"]] == "visible"
