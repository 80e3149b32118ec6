"""Wordings over the HTTP API: given at creation, per group and track, per activity and by
import (XLSX too); refusals keyed, in the reader's language, and nothing half done."""

import io

from openpyxl import Workbook


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def test_creation_edits_and_the_facilitator_view(client, make_workshop):
    w = make_workshop(
        groups=[{"name": "Gouvernement", "name_ar": "الحكومة"}, "Employeurs | en: Employers"],
        tracks=["Mobilité | ar: التنقل"],
    )
    state = client.get(url(w), headers=w["auth"]).get_json()
    assert state["groups"][0]["name_ar"] == "الحكومة" and "name_en" not in state["groups"][0]
    assert state["groups"][1]["name_en"] == "Employers"
    track = state["tracks"][0]
    assert track == {"id": track["id"], "name": "Mobilité", "name_ar": "التنقل"}
    r = client.patch(
        url(w, f"/tracks/{track['id']}"),
        json={"name_ar": "", "name_en": "Mobility"},
        headers=w["auth"],
    )
    assert r.status_code == 200
    assert r.get_json()["track"] == {"id": track["id"], "name": "Mobilité", "name_en": "Mobility"}
    r = client.post(
        url(w, "/activities"),
        json={"title": "Observatoire", "title_ar": "مرصد", "description_en": "Yearly report"},
        headers=w["auth"],
    )
    assert r.status_code == 201
    record = r.get_json()["activity"]
    assert (record["title_ar"], record["description_en"]) == ("مرصد", "Yearly report")
    r = client.patch(
        url(w, f"/activities/{record['id']}"), json={"title_ar": ""}, headers=w["auth"]
    )
    assert "title_ar" not in r.get_json()["activity"]
    assert r.get_json()["activity"]["description_en"] == "Yearly report"  # left out: kept


def test_refusals_are_keyed_and_name_the_wording(client, make_workshop):
    w = make_workshop()
    group = client.get(url(w), headers=w["auth"]).get_json()["groups"][0]["group_id"]
    r = client.patch(
        url(w, f"/groups/{group}"),
        json={"name_ar": "ا" * 81},
        headers={**w["auth"], "Accept-Language": "fr"},
    )
    body = r.get_json()
    assert r.status_code == 400 and body["error"] == "field_too_long"
    assert "(العربية)" in body["message"] and "81" in body["message"]
    r = client.patch(url(w, "/groups/99999"), json={"name_ar": "x"}, headers=w["auth"])
    assert r.status_code == 404 and r.get_json()["error"] == "group_not_found"
    other = make_workshop()  # a track of another workshop is not this one's
    theirs = client.get(url(other), headers=other["auth"]).get_json()["tracks"][0]["id"]
    r = client.patch(url(w, f"/tracks/{theirs}"), json={"name_ar": "x"}, headers=w["auth"])
    assert r.status_code == 404 and r.get_json()["error"] == "track_not_found"
    r = client.patch(url(w, f"/groups/{group}"), json={"nom": "x"}, headers=w["auth"])
    assert r.status_code == 400 and r.get_json()["error"] == "field_invalid"
    r = client.post(
        "/api/workshops", json={"title": "T", "groups": ["Gouvernement | de: Regierung"]}
    )
    assert r.status_code == 400 and r.get_json()["error"] == "wording_language"
    assert client.get(url(w), headers=w["auth"]).get_json()["groups"][0].get("name_ar") is None


def import_xlsx(client, w, rows: list[list]):
    """Upload a one-sheet workbook of `rows` to the import route, as the console does."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return client.post(
        url(w, "/activities/import"),
        data={"file": (io.BytesIO(data.getvalue()), "activites.xlsx")},
        headers=w["auth"],
    )


def test_the_import_route_reads_an_xlsx_with_wording_columns(client, make_workshop):
    w = make_workshop()
    r = import_xlsx(
        client,
        w,
        [
            ["title", "title_ar", "title_en", "track"],
            ["Observatoire", "مرصد", "Observatory", "Emploi"],
            ["Apprentissage", None, None, None],
        ],
    )
    assert r.status_code == 201, r.get_json()
    activities = client.get(url(w), headers=w["auth"]).get_json()["activities"]
    assert [(a["title"], a.get("title_ar")) for a in activities] == [
        ("Observatoire", "مرصد"),
        ("Apprentissage", None),
    ]
    r = import_xlsx(client, w, [["title", "description_ar"], ["Observatoire", "ا" * 1001]])
    body = r.get_json()
    assert r.status_code == 400 and body["error"] == "import_refused"
    assert body["rows"][0]["line"] == 2 and body["rows"][0]["params"]["field"] == "description_ar"
    assert len(client.get(url(w), headers=w["auth"]).get_json()["activities"]) == 2  # nothing added


def test_the_report_names_groups_tracks_and_titles_in_its_language(client, make_workshop):
    w = make_workshop(
        groups=["Gouvernement | ar: الحكومة", "Employeurs"], tracks=["Emploi | ar: التشغيل"]
    )
    client.post(
        url(w, "/activities"),
        json={"title": "Observatoire", "title_ar": "مرصد التشغيل", "track": "Emploi"},
        headers=w["auth"],
    )
    client.post(url(w, "/activities"), json={"title": "Sans traduction"}, headers=w["auth"])
    assert client.get(w["facilitator_url"].removeprefix("http://atelier.test")).status_code == 302
    arabic = client.get(f"/f/{w['code']}/report?lang=ar").get_data(as_text=True)
    assert "مرصد التشغيل" in arabic and "الحكومة" in arabic and "Sans traduction" in arabic
    assert "Employeurs" in arabic  # no wording: the original
    french = client.get(f"/f/{w['code']}/report?lang=fr").get_data(as_text=True)
    assert "Observatoire" in french and "مرصد التشغيل" not in french


def test_the_join_page_names_the_groups_in_its_language(client, make_workshop):
    w = make_workshop(groups=["Gouvernement | ar: الحكومة", "Employeurs"])
    arabic = client.get(f"/j/{w['code']}?lang=ar").get_data(as_text=True)
    assert "الحكومة" in arabic and "Employeurs" in arabic and "Gouvernement" not in arabic
    french = client.get(f"/j/{w['code']}?lang=fr").get_data(as_text=True)
    assert "Gouvernement" in french and "الحكومة" not in french
