"""The consolidations' JSON API (the host), its exports with provenance, and the public page."""

import csv
import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.playbook import api

HOST = {"Authorization": "Bearer test-host-key"}
BASE = "/api/consolidations"


def call(client, method, path, status=200, **kwargs):
    kwargs.setdefault("headers", HOST)
    response = client.open(BASE + path, method=method, **kwargs)
    assert response.status_code == status, (path, response.get_data(as_text=True))
    return response


@pytest.fixture
def two(client, make_workshop):
    """ILO (a plan with a lead) and GIZ (exported, then deleted here: imported from its ZIP)."""
    ilo = make_workshop(title="Atelier OIT", groups=["Agences"])
    giz = make_workshop(title="Atelier GIZ", groups=["Agences"])
    ids = {}
    for w, title in (
        (ilo, "Observatoire régional de l'emploi"),
        (ilo, "Former les inspecteurs"),
        (giz, "Observatoire de l'emploi au niveau régional"),
    ):
        ids[title] = api(client, w, "POST", "/activities", json={"title": title})["activity_id"]
    for w in (ilo, giz):
        api(client, w, "POST", "/phase", json={"phase": "voting"})
    api(
        client,
        ilo,
        "POST",
        "/commitments",
        json={
            "activity_id": ids["Observatoire régional de l'emploi"],
            "organisation": "OIT",
            "role": "lead",
            "timeframe": "2026",
        },
    )
    api(
        client,
        giz,
        "POST",
        "/commitments",
        json={
            "activity_id": ids["Observatoire de l'emploi au niveau régional"],
            "organisation": "=GIZ()",
            "role": "lead",
        },
    )
    exported = client.get(f"/api/workshops/{giz['code']}/export.zip", headers=giz["auth"]).data
    return ilo, giz, exported


def test_only_the_host_touches_consolidations(client, app, two):
    ilo, _giz, _exported = two
    assert client.get(BASE).get_json()["error"] == "host_only"
    assert client.get(BASE).status_code == 401
    created = call(client, "POST", "", 201, json={"title": "Plan"}).get_json()
    cid = created["consolidation"]["id"]
    for method, path in (
        ("GET", ""),
        ("POST", ""),
        ("GET", f"/{cid}"),
        ("DELETE", f"/{cid}"),
        ("POST", f"/{cid}/sources"),
        ("GET", f"/{cid}/plan"),
        ("POST", f"/{cid}/versions"),
        ("GET", f"/{cid}/export/plan.csv"),
    ):
        refused = client.open(BASE + path, method=method, headers=ilo["auth"], json={"title": "x"})
        assert (refused.status_code, refused.get_json()["error"]) == (403, "host_only"), path
    wrong = client.get(BASE, headers={"Authorization": "Bearer test-host-keyX"})
    assert wrong.status_code == 403
    # the host's browser session: reads, and changes with its CSRF header only
    browser = app.test_client()
    assert browser.get("/host?key=test-host-key").status_code == 302
    assert browser.get(BASE).status_code == 200
    forged = browser.post(BASE, json={"title": "x"}, headers={"X-CSRF-Token": "forged"})
    assert (forged.status_code, forged.get_json()["error"]) == (403, "csrf_failed")
    page = browser.get("/host/consolidations").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    made = browser.post(BASE, json={"title": "Par le navigateur"}, headers={"X-CSRF-Token": token})
    assert made.status_code == 201
    assert call(client, "GET", f"/{cid}").get_json()["consolidation"]["title"] == "Plan"
    call(client, "DELETE", f"/{cid}")
    assert call(client, "GET", f"/{cid}", 404).get_json()["error"] == "consolidation_not_found"


def test_bad_input_gets_a_keyed_error(client, two):
    ilo, _giz, _exported = two
    assert call(client, "POST", "", 400, json={"title": " "}).get_json()["error"] == (
        "field_required"
    )
    assert call(client, "POST", "", 400, data="[]", content_type="application/json").status_code
    cid = call(client, "POST", "", 201, json={"title": "Plan"}).get_json()["consolidation"]["id"]
    for body, key in (
        ({"code": "NOPE99"}, "workshop_not_found"),
        ({"code": 12}, "workshop_not_found"),
    ):
        answer = call(client, "POST", f"/{cid}/sources", 404, json=body).get_json()
        assert answer["error"] == key
    bad = call(client, "POST", f"/{cid}/sources", 400, data={"file": (io.BytesIO(b"x"), "a.csv")})
    assert bad.get_json()["error"] == "import_not_an_export"
    call(client, "POST", f"/{cid}/sources", 201, json={"code": ilo["code"]})
    again = call(client, "POST", f"/{cid}/sources", 409, json={"code": ilo["code"]})
    assert again.get_json()["error"] == "source_exists"
    for body in ({}, {"left": 1, "right": 2}, {"left": {"source_id": 1}, "right": {}}):
        answer = call(client, "POST", f"/{cid}/links", 400, json=body).get_json()
        assert answer["error"] == "link_invalid"
    for body, key in (
        ({"title": ""}, "field_required"),
        ({"title": "v", "date": "15/06/2026"}, "field_invalid"),
    ):
        assert call(client, "POST", f"/{cid}/versions", 400, json=body).get_json()["error"] == key
    assert call(client, "GET", f"/{cid}/versions/4", 404).get_json()["error"] == (
        "version_not_found"
    )
    assert call(client, "GET", f"/{cid}/export/plan.pdf", 404).get_json()["error"] == "not_found"
    empty = call(client, "POST", "", 201, json={"title": "Vide"}).get_json()["consolidation"]["id"]
    answer = call(client, "POST", f"/{empty}/versions", 400, json={"title": "v1"}).get_json()
    assert answer["error"] == "consolidation_empty"
    assert call(client, "GET", f"/{cid}/versions").get_json()["versions"] == []


def test_a_consolidation_on_record_through_the_api(client, two):
    ilo, giz, exported = two
    cid = call(client, "POST", "", 201, json={"title": "Plan inter-agences"}).get_json()[
        "consolidation"
    ]["id"]
    call(client, "POST", f"/{cid}/sources", 201, json={"code": ilo["code"]})
    api(client, giz, "DELETE", "")  # only its export remains, as on another instance
    imported = call(
        client,
        "POST",
        f"/{cid}/sources",
        201,
        data={"file": (io.BytesIO(exported), "giz.zip")},
    ).get_json()
    assert imported["source"]["imported"] is True

    plan = call(client, "GET", f"/{cid}/plan").get_json()
    assert [s["version"] for s in plan["sources"]] == ["live", "export"]
    assert len(plan["activities"]) == 3 and plan["groups"] == []
    (proposal,) = plan["proposals"]
    call(
        client,
        "POST",
        f"/{cid}/links",
        json={
            "left": proposal["left"],
            "right": proposal["right"],
            "decision": "accepted",
            "score": proposal["score"],
        },
    )
    plan = call(client, "GET", f"/{cid}/plan").get_json()
    assert plan["proposals"] == [] and plan["decided"][0]["decision"] == "accepted"
    (group,) = plan["groups"]
    assert len(group["activities"]) == 2
    organisations = {o["organisation"]: o for o in plan["organisations"]}
    assert organisations["OIT"]["roles"][0]["role"] == "lead"

    first = call(
        client, "POST", f"/{cid}/versions", 201, json={"title": "Juin", "date": "2026-06-30"}
    )
    first = first.get_json()
    assert first["version"]["number"] == 1 and first["version"]["date"] == "2026-06-30"
    assert first["public_url"].startswith("http://atelier.test/c/")
    # the ILO workshop retains its activities and closes: its plan is version 1, and the
    # consolidation reads that now
    for activity in plan["activities"]:
        if activity["source"] == "Atelier OIT":
            api(client, ilo, "PUT", f"/workplan/activities/{activity['activity_id']}")
    api(client, ilo, "POST", "/phase", json={"phase": "closed"})
    comparison = call(client, "GET", f"/{cid}/compare?from=1&to=current").get_json()
    assert comparison["to"] is None
    fields = {
        f["field"]: f["after"]
        for change in comparison["changes"]["activities"]["changed"]
        for f in change["fields"]
    }
    assert fields == {"source_version": "v1"}, comparison["changes"]
    call(client, "POST", f"/{cid}/versions", 201, json={"title": "Après clôture"})
    versions = call(client, "GET", f"/{cid}/versions").get_json()["versions"]
    assert [(v["number"], v["title"]) for v in versions] == [(1, "Juin"), (2, "Après clôture")]
    assert call(client, "GET", f"/{cid}/compare?from=1&to=2").get_json()["count"] == 2
    read = call(client, "GET", f"/{cid}/versions/2").get_json()["version"]
    assert {a["source_version"] for a in read["document"]["activities"]} == {"v1", "export"}

    # exports: every row says its source workshop and the version it came from
    text = call(client, "GET", f"/{cid}/export/plan.csv?version=2&conventions=en&lang=en").data
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    assert rows[0][1:5] == [
        "source workshop",
        "workshop code",
        "source version",
        "source as of (UTC)",
    ]
    assert {(r[1], r[3]) for r in rows[1:]} == {("Atelier OIT", "v1"), ("Atelier GIZ", "export")}
    assert all(r[4] for r in rows[1:]), "as of when, every row"
    giz_row = next(r for r in rows[1:] if r[1] == "Atelier GIZ")
    assert giz_row[9] == "'=GIZ()", "a formula-like name is neutralised"
    assert {r[0] for r in rows[1:]} == {"L1", ""}
    book = load_workbook(io.BytesIO(call(client, "GET", f"/{cid}/export/plan.xlsx").data))
    assert len(book.sheetnames) == 3
    plan_sheet = book[book.sheetnames[0]]
    assert plan_sheet.max_row == 4
    archive = zipfile.ZipFile(
        io.BytesIO(call(client, "GET", f"/{cid}/export/consolidation.zip?version=2").data)
    )
    assert set(archive.namelist()) == {
        "plan.csv",
        "workshops.csv",
        "changes.csv",
        "plan.xlsx",
        "consolidation.json",
    }
    document = json.loads(archive.read("consolidation.json"))
    assert document["version"] == "v2" and len(document["activities"]) == 3
    changes = archive.read("changes.csv").decode("utf-8-sig")
    assert changes.count("\r\n") == 3, "the header and the two source_version changes"


def test_the_public_page_shows_the_latest_version_only(client, two):
    ilo, _giz, _exported = two
    cid = call(client, "POST", "", 201, json={"title": "Plan inter-agences"}).get_json()[
        "consolidation"
    ]["id"]
    call(client, "POST", f"/{cid}/sources", 201, json={"code": ilo["code"]})
    url = call(client, "GET", f"/{cid}").get_json()["public_url"]
    path = url.removeprefix("http://atelier.test")
    assert re.fullmatch(r"/c/[A-Za-z0-9_-]{43}", path)
    assert client.get(path).status_code == 404, "nothing published yet"
    assert client.get(path + "/stamp").status_code == 404
    assert client.get("/c/" + "A" * 43).status_code == 404
    call(client, "POST", f"/{cid}/versions", 201, json={"title": "Juin", "date": "2026-06-30"})
    page = client.get(path + "?lang=fr")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Version 1 : Juin, 30 juin 2026" in body.replace("\u202f", " ")
    assert "Atelier OIT" in body and "plan en direct" in body
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "no inline script"
    assert " style=" not in body
    assert client.get(path + "/stamp").get_json() == {"stamp": "1"}
    assert client.get(path + "/qr.svg").mimetype == "image/svg+xml"
    arabic = client.get(path + "?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "Atelier OIT" in arabic
    call(client, "POST", f"/{cid}/versions", 201, json={"title": "Juillet"})
    assert "Juillet" in client.get(path + "?lang=en").get_data(as_text=True)
    assert client.get(path + "/stamp").get_json() == {"stamp": "2"}
    call(client, "DELETE", f"/{cid}")
    assert client.get(path).status_code == 404


def test_follow_up_links_across_the_consolidation(client, make_workshop, two):
    """OIT has commitments in two workshops of this instance and in an imported export: one
    call makes a link in each local workshop, each opens only that workshop's commitments."""
    ilo, giz, exported = two
    third = make_workshop(title="Atelier UE", groups=["Agences"])
    activity = api(client, third, "POST", "/activities", json={"title": "Inspection"})
    api(client, third, "POST", "/phase", json={"phase": "voting"})
    api(
        client,
        third,
        "POST",
        "/commitments",
        json={"activity_id": activity["activity_id"], "organisation": "oit", "role": "partner"},
    )
    cid = call(client, "POST", "", 201, json={"title": "Plan"}).get_json()["consolidation"]["id"]
    for w in (ilo, third):
        call(client, "POST", f"/{cid}/sources", 201, json={"code": w["code"]})
    call(client, "POST", f"/{cid}/sources", 201, data={"file": (io.BytesIO(exported), "g.zip")})
    organisations = call(client, "GET", f"/{cid}/follow-up").get_json()["organisations"]
    oit = next(o for o in organisations if o["organisation"] in ("OIT", "oit"))
    assert [s["commitments"] for s in oit["sources"]] == [1, 1], "OIT and oit are one"
    giz_row = next(o for o in organisations if o["organisation"] == "=GIZ()")
    assert [s["imported"] for s in giz_row["sources"]] == [True]
    for body, status, key in (
        (
            {"organisation_key": "nobody", "deadline": "2099-01-01"},
            404,
            "follow_up_organisation_unknown",
        ),
        (
            {"organisation_key": giz_row["organisation_key"], "deadline": "2099-01-01"},
            404,
            "follow_up_organisation_unknown",
        ),
        (
            {"organisation_key": oit["organisation_key"], "deadline": "2001-01-01"},
            400,
            "follow_up_deadline_past",
        ),
    ):
        answer = call(client, "POST", f"/{cid}/follow-up/links", status, json=body).get_json()
        assert answer["error"] == key
    assert all(not s["links"] for s in oit["sources"]), "nothing half-made"
    deadline = "2027-06-30"
    made = call(
        client,
        "POST",
        f"/{cid}/follow-up/links",
        201,
        json={"organisation_key": oit["organisation_key"], "deadline": deadline, "label": "M. X"},
    ).get_json()
    assert sorted(link["code"] for link in made["links"]) == sorted([ilo["code"], third["code"]])
    for link in made["links"]:
        page = client.get(link["url"].removeprefix("http://atelier.test"))
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert ("Observatoire" in body) == (link["code"] == ilo["code"])
        assert ("Inspection" in body) == (link["code"] == third["code"]), "its workshop's only"
    listed = call(client, "GET", f"/{cid}/follow-up").get_json()["organisations"]
    oit = next(o for o in listed if o["organisation_key"] == oit["organisation_key"])
    assert [len(s["links"]) for s in oit["sources"]] == [1, 1]
    revoked = call(
        client, "DELETE", f"/{cid}/follow-up/links?organisation_key={oit['organisation_key']}"
    ).get_json()
    assert revoked == {"ok": True, "revoked": 2}
    for link in made["links"]:
        assert client.get(link["url"].removeprefix("http://atelier.test")).status_code == 403
