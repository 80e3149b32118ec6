"""The public outcome page (/o/<key>) and an organisation's one-pager, over HTTP."""

import re

import pytest
from sqlalchemy import select

from tests.web.test_headers import check_headers, check_html
from workshop.db import transaction
from workshop.models import Participant
from workshop.services.comments import add_comment
from workshop.services.workshops import get_workshop

WS = "/api/workshops/{code}"


@pytest.fixture
def room(app, client, make_workshop, join):
    """A voted workshop with a retained activity, commitments (one through the directory) and
    a comment; not closed yet."""
    w = make_workshop()
    code, fac = w["code"], w["auth"]
    client.get(w["facilitator_url"].removeprefix("http://atelier.test"))  # the console's session
    base = WS.format(code=code)
    client.post(
        base + "/organisations",
        json={
            "acronym": "ANAPEC",
            "name_fr": "Agence nationale de promotion de l'emploi et des compétences",
            "name_ar": "الوكالة الوطنية لإنعاش التشغيل والكفاءات",
            "name_en": "National Agency for the Promotion of Employment and Skills",
        },
        headers=fac,
    )
    ids = [
        client.post(
            base + "/activities", json={"title": t, "track": "Emploi"}, headers=fac
        ).get_json()["activity_id"]
        for t in ("Observatoire régional de l'emploi", "Guide du migrant")
    ]
    client.put(f"{base}/workplan/activities/{ids[0]}", headers=fac)
    for body in (
        {"activity_id": ids[0], "organisation": "ANAPEC", "role": "lead", "timeframe": "T3 2026"},
        {"activity_id": ids[0], "organisation": "OIT", "role": "partner"},
    ):
        assert client.post(base + "/commitments", json=body, headers=fac).status_code == 201
    client.post(base + "/phase", json={"phase": "proposing"}, headers=fac)
    join(code)
    with transaction(app) as db:
        workshop = get_workshop(db, code)
        participant = db.scalars(select(Participant)).one()
        add_comment(db, workshop, participant, ids[1], "Un avis secret du terrain")
    return {"code": code, "fac": fac, "base": base, "ids": ids}


def _outcome(client, room) -> dict:
    response = client.get(room["base"] + "/outcome", headers=room["fac"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _close(client, room):
    client.post(room["base"] + "/phase", json={"phase": "voting"}, headers=room["fac"])
    assert (
        client.post(room["base"] + "/phase", json={"phase": "closed"}, headers=room["fac"])
    ).status_code == 200


def test_the_key_is_long_random_and_unique(client, make_workshop):
    keys = set()
    for _ in range(5):
        w = make_workshop()
        got = client.get(WS.format(code=w["code"]) + "/outcome", headers=w["auth"]).get_json()
        key = got["outcome"]["key"]
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)  # 32 bytes from secrets
        assert got["outcome"]["url"] == f"http://atelier.test/o/{key}"
        keys.add(key)
        again = client.get(WS.format(code=w["code"]) + "/outcome", headers=w["auth"]).get_json()
        assert again["outcome"]["key"] == key  # stable
    assert len(keys) == 5


def test_not_public_before_closing_then_public_after(client, room):
    got = _outcome(client, room)["outcome"]
    key = got["key"]
    assert got == dict(got, state="auto", public=False, results=True, workplan=True)
    for path in (f"/o/{key}", f"/o/{key}/stamp", f"/o/{key}/qr.svg"):
        assert client.get(path).status_code == 404
    assert client.get("/o/" + "x" * 43).status_code == 404
    _close(client, room)
    assert client.get(f"/o/{key}").status_code == 200
    assert client.get(f"/o/{key}/qr.svg").mimetype == "image/svg+xml"
    state = client.get(room["base"]).get_json()
    assert state["outcome"] == {"public": True, "key": key}


def test_published_early_unpublished_later(client, room):
    key = _outcome(client, room)["outcome"]["key"]
    assert client.get(room["base"]).get_json()["outcome"] == {"public": False, "key": None}
    answer = client.patch(
        room["base"] + "/outcome", json={"state": "published"}, headers=room["fac"]
    )
    assert answer.get_json()["outcome"]["public"] is True
    assert client.get(f"/o/{key}").status_code == 200
    _close(client, room)
    client.patch(room["base"] + "/outcome", json={"state": "unpublished"}, headers=room["fac"])
    assert client.get(f"/o/{key}").status_code == 404  # closed, but the facilitator said no
    assert client.get(room["base"]).get_json()["outcome"] == {"public": False, "key": None}


def test_bad_settings_are_refused_with_a_key(client, room):
    for body in ({"state": "maybe"}, {"comments": "yes"}):
        answer = client.patch(room["base"] + "/outcome", json=body, headers=room["fac"])
        assert answer.status_code == 400
        assert answer.get_json()["error"] == "field_invalid"
    assert client.patch(room["base"] + "/outcome", json={"state": "published"}).status_code in (
        401,
        403,
    )


def test_what_is_public_is_respected(client, room):
    key = _outcome(client, room)["outcome"]["key"]
    _close(client, room)
    page = client.get(f"/o/{key}?lang=fr").get_data(as_text=True)
    assert 'id="results"' in page and 'id="workplan"' in page
    assert "Un avis secret du terrain" not in page  # comments are not public by default
    assert 'id="comments"' not in page
    client.patch(
        room["base"] + "/outcome",
        json={"comments": True, "results": False},
        headers=room["fac"],
    )
    page = client.get(f"/o/{key}?lang=fr").get_data(as_text=True)
    assert "Un avis secret du terrain" in page
    assert 'id="results"' not in page and 'id="workplan"' in page
    client.patch(room["base"] + "/outcome", json={"workplan": False}, headers=room["fac"])
    page = client.get(f"/o/{key}?lang=fr").get_data(as_text=True)
    assert 'id="workplan"' not in page and "ANAPEC" not in page


def test_the_page_in_each_language_names_organisations_from_the_directory(client, room):
    key = _outcome(client, room)["outcome"]["key"]
    _close(client, room)
    ar = client.get(f"/o/{key}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in ar and "الوكالة الوطنية لإنعاش التشغيل والكفاءات" in ar
    assert "خطة القاعة" in ar or "Plan" not in ar  # the version line is in Arabic
    en = client.get(f"/o/{key}?lang=en").get_data(as_text=True)
    assert "National Agency for the Promotion of Employment and Skills" in en
    assert "Plan of the room" in en and "T3 2026" in en


def test_the_page_shows_the_latest_version_and_says_which(client, room):
    key = _outcome(client, room)["outcome"]["key"]
    _close(client, room)
    first = client.get(f"/o/{key}/stamp").get_json()["stamp"]
    assert "Plan of the room" in client.get(f"/o/{key}?lang=en").get_data(as_text=True)
    fac, base = room["fac"], room["base"]
    commitments = client.get(base + "/commitments", headers=fac).get_json()["commitments"]
    oit = next(c for c in commitments if c["organisation"] == "OIT")
    client.patch(f"{base}/commitments/{oit['id']}", json={"timeframe": "2027"}, headers=fac)
    version = {"title": "After the follow-up"}
    assert client.post(base + "/plan/versions", json=version, headers=fac).status_code == 201
    assert client.get(f"/o/{key}/stamp").get_json()["stamp"] != first
    page = client.get(f"/o/{key}?lang=en").get_data(as_text=True)
    assert "Version 2: After the follow-up" in page


def test_before_any_version_the_live_plan(client, room):
    key = _outcome(client, room)["outcome"]["key"]
    client.patch(room["base"] + "/outcome", json={"state": "published"}, headers=room["fac"])
    page = client.get(f"/o/{key}?lang=en").get_data(as_text=True)
    assert "not yet recorded as a version" in page and "Observatoire" in page


def test_csp_and_no_inline_script_on_the_new_pages(client, room):
    key = _outcome(client, room)["outcome"]["key"]
    _close(client, room)
    orgs = _outcome(client, room)["organisations"]
    anapec = next(o for o in orgs if o["acronym"] == "ANAPEC")
    for path in (f"/o/{key}", anapec["url"], anapec["url"] + "&lang=ar"):
        response = client.get(path, headers=room["fac"])
        assert response.status_code == 200, path
        check_headers(response, path)
        check_html(response.get_data(as_text=True), path)
    for path in (f"/o/{key}/stamp", f"/o/{key}/qr.svg"):
        check_headers(client.get(path), path)


def test_one_pager_of_an_organisation(client, room):
    orgs = _outcome(client, room)["organisations"]
    assert [o["commitments"] for o in orgs] == [1, 1]
    anapec = next(o for o in orgs if o["acronym"] == "ANAPEC")
    assert anapec["url"].startswith(f"/f/{room['code']}/commitments?org=")
    page = client.get(anapec["url"] + "&lang=en", headers=room["fac"]).get_data(as_text=True)
    assert "Your organisation's commitments" in page
    assert "Observatoire régional de l&#39;emploi" in page and "T3 2026" in page
    assert "OIT" in page  # who else is on the activity
    assert "Guide du migrant" not in page  # not its commitment
    ar = client.get(anapec["url"] + "&lang=ar", headers=room["fac"]).get_data(as_text=True)
    assert 'dir="rtl"' in ar and "الوكالة الوطنية" in ar


def test_one_pager_needs_the_facilitator_and_a_known_organisation(app, client, room):
    url = _outcome(client, room)["organisations"][0]["url"]
    stranger = app.test_client()
    assert stranger.get(url).status_code == 403
    missing = client.get(f"/f/{room['code']}/commitments?org=nobody", headers=room["fac"])
    assert missing.status_code == 404
