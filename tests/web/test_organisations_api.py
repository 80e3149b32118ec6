"""The organisation directory's routes: answers as documented, keyed refusals, broadcasts."""

import io
from urllib.parse import urlsplit

from openpyxl import Workbook

from workshop.services.demo import ORGANISATIONS

WS = "/api/workshops/{code}"
ORGS = WS + "/organisations"
GROUPS = [
    "Gouvernement",
    "Organisations d'employeurs",
    "Organisations de travailleurs",
    "Agences de mise en œuvre",
]


def thamm_room(contract, make_workshop):
    w = make_workshop(groups=GROUPS)
    data = ORGANISATIONS.read_bytes().replace(b"Agences publiques", b"")
    p = {"code": w["code"]}
    done = contract.call(
        "post",
        ORGS + "/import",
        201,
        params=p,
        headers=w["auth"],
        data={"file": (io.BytesIO(data), "organisations.csv")},
    ).get_json()
    assert done["imported"] == 14
    return w, p


def test_import_list_search_and_edit(contract, make_workshop, client):
    w, p = thamm_room(contract, make_workshop)
    fac = w["auth"]
    listed = contract.call("get", ORGS, 200, params=p, headers=fac).get_json()
    oit = next(o for o in listed["organisations"] if o["acronym"] == "OIT")
    assert oit["aliases"] == ["ILO", "BIT", "Bureau international du Travail"]
    assert oit["participants"] == 0 and listed["unmatched"] == [] and listed["merges"] == []

    # the phone's type-ahead: public, any script, names in the asked language
    found = contract.call(
        "get", ORGS + "/search", 200, params=p, query_string={"q": "منظمة العمل", "lang": "ar"}
    ).get_json()["organisations"]
    assert found[0]["acronym"] == "OIT" and found[0]["value"] == "منظمة العمل الدولية"
    english = client.get(f"/api/workshops/{w['code']}/organisations/search?q=ilo&lang=en")
    assert english.get_json()["organisations"][0]["name"] == "International Labour Organization"
    assert client.get(f"/api/workshops/{w['code']}/organisations/search").get_json() == {
        "organisations": []
    }

    item = ORGS + "/{organisation_id}"
    one = {**p, "organisation_id": oit["id"]}
    edited = contract.call(
        "patch", item, 200, params=one, headers=fac, json=contract.example(item, "patch")
    ).get_json()
    assert edited["organisation"]["acronym"] == "OIT"
    taken = contract.call("patch", item, 409, params=one, headers=fac, json={"aliases": ["GIZ"]})
    assert taken.get_json()["error"] == "alias_taken"
    contract.call("patch", item, 400, params=one, headers=fac, json={"group": "Inconnu"})
    contract.call("patch", item, 404, params={**p, "organisation_id": 10**6}, headers=fac, json={})

    created = contract.call(
        "post",
        ORGS,
        201,
        params=p,
        headers=fac,
        json={"acronym": "ONMT", "name_fr": "Office du tourisme"},
    ).get_json()
    contract.call("post", ORGS, 409, params=p, headers=fac, json=contract.example(ORGS, "post"))
    contract.call("post", ORGS, 400, params=p, headers=fac, json={"aliases": []})
    gone = {**p, "organisation_id": created["organisation"]["id"]}
    contract.call("delete", item, 200, params=gone, headers=fac)
    contract.call("delete", item, 404, params=gone, headers=fac)


def test_import_refusals_list_every_bad_row(contract, make_workshop):
    w = make_workshop(groups=GROUPS)
    p, fac = {"code": w["code"]}, w["auth"]
    bad = "acronym,name_fr,aliases,stakeholder_group\nOIT,,ILO,\n,,,Gouvernement\nBIT,,ilo,\n"
    refused = contract.call(
        "post",
        ORGS + "/import",
        400,
        params=p,
        headers=fac,
        data=bad.encode(),
        content_type="text/csv",
    ).get_json()
    assert refused["error"] == "import_refused"
    assert [(r["line"], r["error"]) for r in refused["rows"]] == [
        (3, "field_required"),
        (4, "alias_repeated"),
    ]
    assert refused["rows"][1]["params"] == {"line": 2} and "2" in refused["rows"][1]["message"]
    assert contract.call("get", ORGS, 200, params=p, headers=fac).get_json()["organisations"] == []
    no_names = contract.call(
        "post",
        ORGS + "/import",
        400,
        params=p,
        headers=fac,
        data=b"title\nx\n",
        content_type="text/csv",
    )
    assert no_names.get_json()["error"] == "import_no_name_column"
    book = Workbook()
    book.active.append(["acronym", "name_en", "aliases"])
    book.active.append(["IOM", "International Organization for Migration", "OIM"])
    buffer = io.BytesIO()
    book.save(buffer)
    contract.call(
        "post",
        ORGS + "/import",
        201,
        params=p,
        headers=fac,
        data={"file": (io.BytesIO(buffer.getvalue()), "orgs.xlsx")},
    )


def test_copy_needs_both_workshops(contract, make_workshop, client):
    w, p = thamm_room(contract, make_workshop)
    other = make_workshop(groups=GROUPS)
    q = {"code": other["code"]}
    # a bearer token is one workshop's: copying another workshop's directory is refused
    contract.call(
        "post", ORGS + "/copy", 403, params=q, headers=other["auth"], json={"from": w["code"]}
    )
    contract.call("post", ORGS + "/copy", 400, params=q, headers=other["auth"], json={})
    contract.call(
        "post", ORGS + "/copy", 404, params=q, headers=other["auth"], json={"from": "ZZZZZZ"}
    )
    # the console of a browser that opened both consoles may
    for ws in (w, other):
        assert client.get(urlsplit(ws["facilitator_url"]).path).status_code in (200, 302)
    console = client.get(f"/f/{other['code']}")
    csrf = console.get_data(as_text=True).split('"csrf": "', 1)[1].split('"', 1)[0]
    copied = contract.call(
        "post",
        ORGS + "/copy",
        201,
        params=q,
        headers={"X-CSRF-Token": csrf},
        json={"from": w["code"]},
    )
    assert copied.get_json()["imported"] == 14


def test_merge_a_typed_name_and_undo(contract, make_workshop, join, client):
    w, p = thamm_room(contract, make_workshop)
    fac = w["auth"]
    join(w["code"], organisation="Min. Emploi", group="Gouvernement")
    join(w["code"], organisation="ilo", group="Agences de mise en œuvre")
    listed = contract.call("get", ORGS, 200, params=p, headers=fac).get_json()
    assert [(u["name"], u["participants"]) for u in listed["unmatched"]] == [("Min. Emploi", 1)]
    oit = next(o for o in listed["organisations"] if o["acronym"] == "OIT")
    assert oit["participants"] == 1
    miepeec = next(o for o in listed["organisations"] if o["acronym"] == "MIEPEEC")
    merges = ORGS + "/merges"
    merged = contract.call(
        "post",
        merges,
        201,
        params=p,
        headers=fac,
        json={"name": "Min. Emploi", "organisation_id": miepeec["id"]},
    )
    merge = merged.get_json()["merge"]
    assert (merge["organisation"], merge["undone"]) == ("MIEPEEC", False)
    contract.call(
        "post",
        merges,
        409,
        params=p,
        headers=fac,
        json={"name": "min emploi", "organisation_id": miepeec["id"]},
    )
    contract.call(
        "post", merges, 404, params=p, headers=fac, json={"name": "Autre", "organisation_id": 10**6}
    )
    contract.call(
        "post",
        merges,
        400,
        params=p,
        headers=fac,
        json={"name": "", "organisation_id": miepeec["id"]},
    )
    listed = contract.call("get", ORGS, 200, params=p, headers=fac).get_json()
    assert listed["unmatched"] == [] and len(listed["merges"]) == 1
    undo = merges + "/{merge_id}/undo"
    one = {**p, "merge_id": merge["id"]}
    assert contract.call("post", undo, 200, params=one, headers=fac).get_json()["merge"]["undone"]
    contract.call("post", undo, 409, params=one, headers=fac)
    contract.call("post", undo, 404, params={**p, "merge_id": 10**6}, headers=fac)
    listed = contract.call("get", ORGS, 200, params=p, headers=fac).get_json()
    assert [u["name"] for u in listed["unmatched"]] == ["Min. Emploi"]
