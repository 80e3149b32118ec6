"""The plan's versions over HTTP: frozen at closing, published, compared, exported."""

import csv
import html
import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.web.test_openapi import DOCUMENT, Contract

WS = "/api/workshops/{code}"
PLAN = WS + "/plan"


@pytest.fixture
def contract(doc_for_plan, client):
    return Contract(doc_for_plan, client)


@pytest.fixture(scope="module")
def doc_for_plan():

    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def test_the_room_plan_then_version_2_and_what_changed(contract, make_workshop, client):
    c = contract
    w = make_workshop()
    fac, p = w["auth"], {"code": w["code"]}
    ids = [
        client.post(
            f"/api/workshops/{w['code']}/activities", json={"title": t}, headers=fac
        ).get_json()["activity_id"]
        for t in ("Observatoire régional", "Formation des conseillers", "Guide du migrant")
    ]
    for activity in ids[:2]:
        assert (
            client.put(
                f"/api/workshops/{w['code']}/workplan/activities/{activity}", headers=fac
            ).status_code
            == 200
        )
    lead = {"activity_id": ids[0], "organisation": "OIT", "role": "lead", "timeframe": "2025"}
    made = client.post(f"/api/workshops/{w['code']}/commitments", json=lead, headers=fac)
    commitment_id = made.get_json()["commitment"]["id"]

    assert c.call("get", PLAN + "/versions", 200, params=p, headers=fac).get_json() == {
        "versions": []
    }
    c.call("post", PLAN + "/versions", 400, params=p, headers=fac, json={"title": "v2"})
    c.call("get", PLAN + "/compare", 400, params=p, headers=fac)
    c.call(
        "post", PLAN + "/versions", 403, params=p, headers={"Authorization": "Bearer x"}, json={}
    )
    c.call("get", PLAN + "/versions", 401, params=p)

    for phase in ("voting", "closed"):
        assert (
            client.post(
                f"/api/workshops/{w['code']}/phase", json={"phase": phase}, headers=fac
            ).status_code
            == 200
        )
    [room] = c.call("get", PLAN + "/versions", 200, params=p, headers=fac).get_json()["versions"]
    assert (room["number"], room["room_plan"], room["activities"], room["commitments"]) == (
        1,
        True,
        2,
        1,
    )

    client.patch(
        f"/api/workshops/{w['code']}/commitments/{commitment_id}",
        json={"timeframe": "2026"},
        headers=fac,
    )
    pending = c.call("get", PLAN + "/compare", 200, params=p, headers=fac).get_json()
    assert pending["to"] is None and pending["count"] == 1

    body = c.example(PLAN + "/versions", "post")
    v2 = c.call("post", PLAN + "/versions", 201, params=p, headers=fac, json=body).get_json()
    assert v2["version"]["number"] == 2 and v2["version"]["title"] == body["title"]
    c.call("post", PLAN + "/versions", 400, params=p, headers=fac, json={"title": ""})

    one = c.call("get", PLAN + "/versions/{number}", 200, params={**p, "number": 1}, headers=fac)
    assert one.get_json()["version"]["document"]["commitments"][0]["timeframe"] == "2025"
    c.call("get", PLAN + "/versions/{number}", 404, params={**p, "number": 7}, headers=fac)

    compared = c.call(
        "get", PLAN + "/compare", 200, params=p, headers=fac, query_string={"from": 1, "to": 2}
    ).get_json()
    [changed] = compared["changes"]["commitments"]["changed"]
    assert changed["fields"] == [{"field": "timeframe", "before": "2025", "after": "2026"}]
    assert {t["title"] for t in compared["titles"]} == {
        "Observatoire régional",
        "Formation des conseillers",
    }
    c.call("get", PLAN + "/compare", 404, params=p, headers=fac, query_string={"to": 9})
    c.call("get", PLAN + "/compare", 400, params=p, headers=fac, query_string={"from": "un"})

    sheet = client.get(
        f"/api/workshops/{w['code']}/export/changes.csv?from=1&to=2", headers=fac
    ).get_data(as_text=True)
    delimiter = ";" if ";" in sheet.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(sheet.lstrip("\ufeff")), delimiter=delimiter))
    assert rows[1][1:] == [
        rows[1][1],
        str(ids[0]),
        "Observatoire régional",
        "OIT",
        "échéance",
        "2025",
        "2026",
    ]
    assert len(rows) == 2
    book = client.get(f"/api/workshops/{w['code']}/export/changes.xlsx", headers=fac)
    values = list(load_workbook(io.BytesIO(book.data)).active.iter_rows(values_only=True))
    assert values[1][3:] == ("Observatoire régional", "OIT", "échéance", "2025", "2026")

    # the report tells the versions and what changed from the room's plan to the latest
    assert client.get(w["facilitator_url"].removeprefix("http://atelier.test")).status_code == 302
    page = client.get(f"/f/{w['code']}/report").get_data(as_text=True)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.split('id="versions"')[1]))
    words = " ".join(text.split())
    assert "Plan de la salle" in words and body["title"] in words
    assert "Ce qui a changé entre le plan de la salle et la version 2" in words
    assert "modifié (engagement) Observatoire régional OIT échéance : « 2025 » → « 2026 »" in words
