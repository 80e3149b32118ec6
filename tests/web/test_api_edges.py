"""Inputs a tired or hostile person sends to the API."""


def test_live_results_must_be_a_boolean(client):
    response = client.post(
        "/api/workshops", json={"title": "T", "groups": ["A"], "live_results": "false"}
    )
    assert response.status_code == 400 and response.get_json()["error"] == "field_invalid"


def test_true_is_not_group_number_one(client, make_workshop):
    w = make_workshop()
    response = client.post(
        f"/api/workshops/{w['code']}/participants", json={"organisation": "X", "group": True}
    )
    assert response.status_code == 400 and response.get_json()["error"] == "group_invalid"


def test_raw_csv_sent_as_a_form_is_imported(client, make_workshop):
    w = make_workshop()
    response = client.post(
        f"/api/workshops/{w['code']}/activities/import",
        data=b"title;track\nFormer;2\n",
        headers={**w["auth"], "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.get_json()
    state = client.get(f"/api/workshops/{w['code']}", headers=w["auth"]).get_json()
    # A cell "2" names a track called "2", not the workshop's track number 2.
    assert [t["name"] for t in state["tracks"]] == ["Emploi", "Compétences", "2"]


def test_an_import_cannot_exceed_the_track_limit(client, make_workshop):
    w = make_workshop()
    rows = "".join(f"Activité {i},piste {i}\n" for i in range(40))
    response = client.post(
        f"/api/workshops/{w['code']}/activities/import",
        data=("title,track\n" + rows).encode(),
        headers={**w["auth"], "Content-Type": "text/csv"},
    )
    assert response.status_code == 400 and response.get_json()["error"] == "too_many"
    state = client.get(f"/api/workshops/{w['code']}", headers=w["auth"]).get_json()
    assert state["activities"] == [] and len(state["tracks"]) == 2


def test_csv_export_has_one_charset(client, make_workshop):
    w = make_workshop()
    response = client.get(f"/api/workshops/{w['code']}/export/votes.csv", headers=w["auth"])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_health_check_sets_no_cookie(client):
    response = client.get("/healthz")
    assert "Set-Cookie" not in response.headers
