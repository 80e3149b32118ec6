"""Follow-up links over HTTP: the facilitator's API, the focal point's page, and their guards."""

import csv
import io
import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.web.test_openapi import Contract, doc  # noqa: F401  (the module's fixture)
from workshop.accesslog import redact_path
from workshop.db import transaction
from workshop.models import FollowUpChange, FollowUpLink
from workshop.web import CSP

WS = "/api/workshops/{code}"
LINKS = WS + "/follow-up/links"
CHANGES = WS + "/follow-up/changes"
DEADLINE = (datetime.now() + timedelta(days=30)).date().isoformat()


@pytest.fixture
def contract(doc, client):  # noqa: F811
    return Contract(doc, client)


@pytest.fixture
def closed(make_workshop, client):
    """A closed workshop: A, B, C retained; OIT lead on A and partner on B, GIZ on C."""
    w = make_workshop()
    fac, base = w["auth"], f"/api/workshops/{w['code']}"
    ids = {}
    for name in ("A", "B", "C"):
        made = client.post(base + "/activities", json={"title": f"Activité {name}"}, headers=fac)
        ids[name] = made.get_json()["activity_id"]
        assert client.put(f"{base}/workplan/activities/{ids[name]}", headers=fac).status_code == 200
    for activity, org, role, timeframe in (
        ("A", "OIT", "lead", "2025"),
        ("B", "OIT", "partner", ""),
        ("C", "GIZ", "lead", "GIZ-SECRET-2029"),
    ):
        body = {"activity_id": ids[activity], "organisation": org, "role": role}
        body["timeframe"] = timeframe
        assert client.post(base + "/commitments", json=body, headers=fac).status_code == 201
    for phase in ("voting", "closed"):
        assert client.post(base + "/phase", json={"phase": phase}, headers=fac).status_code == 200
    w["ids"], w["p"] = ids, {"code": w["code"]}
    return w


def organisation_key(contract, w, name):
    listed = contract.call("get", LINKS, 200, params=w["p"], headers=w["auth"]).get_json()
    return next(o["organisation_key"] for o in listed["organisations"] if o["organisation"] == name)


def make_link(contract, w, name, **extra):
    body = {"organisation_key": organisation_key(contract, w, name), "deadline": DEADLINE, **extra}
    made = contract.call("post", LINKS, 201, params=w["p"], headers=w["auth"], json=body)
    return made.get_json()


@pytest.fixture
def db(app):
    """The app's own database, one short transaction per use (the app writes in between)."""

    class Db:
        def rows(self, model) -> list:
            with transaction(app) as session:
                return session.scalars(select(model)).all()

        def past_deadlines(self) -> None:
            with transaction(app) as session:
                session.execute(update(FollowUpLink).values(deadline=datetime(2020, 1, 1)))

    return Db()


def stored(db, model) -> list:
    return db.rows(model)


def page_path(w, token):
    return f"/follow-up/{w['code']}/{token}"


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def commitment_ids(html):
    return [int(i) for i in re.findall(r'data-commitment="(\d+)"', html)]


def assert_strict_page(response):
    assert response.headers["Content-Security-Policy"] == CSP
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline handler"
    assert not re.search(r"\sstyle=", html), "inline style"


def test_a_link_is_made_shown_once_and_stored_hashed(contract, closed, db):
    made = make_link(contract, closed, "OIT", label="Mme Alaoui")
    assert made["url"] == f"http://atelier.test/follow-up/{closed['code']}/{made['token']}"
    assert made["qr"].startswith("data:image/svg+xml;base64,")
    assert made["link"]["open"] is True and made["link"]["organisation"] == "OIT"
    (kept,) = stored(db, FollowUpLink)
    assert made["token"] not in (kept.token_hash, kept.label)
    listed = contract.call("get", LINKS, 200, params=closed["p"], headers=closed["auth"])
    assert "token" not in listed.get_data(as_text=True)
    bad = {"organisation_key": "nobody", "deadline": DEADLINE}
    contract.call("post", LINKS, 404, params=closed["p"], headers=closed["auth"], json=bad)
    past = {"organisation_key": made["link"]["organisation_key"], "deadline": "2020-01-01"}
    contract.call("post", LINKS, 400, params=closed["p"], headers=closed["auth"], json=past)


def test_the_focal_point_sees_its_organisation_only_on_a_strict_page(contract, closed, client):
    made = make_link(contract, closed, "OIT")
    response = client.get(page_path(closed, made["token"]))
    assert response.status_code == 200
    assert_strict_page(response)
    html = response.get_data(as_text=True)
    assert "Activité A" in html and "Activité B" in html
    assert "GIZ-SECRET-2029" not in html
    assert len(commitment_ids(html)) == 2
    assert client.get(page_path(closed, made["token"][:-2] + "xx")).status_code == 404


def test_a_link_cannot_act_on_another_organisation_s_commitment(contract, closed, client, db):
    oit = make_link(contract, closed, "OIT")
    giz = make_link(contract, closed, "GIZ")
    oit_ids = commitment_ids(client.get(page_path(closed, oit["token"])).get_data(as_text=True))
    html = client.get(page_path(closed, giz["token"])).get_data(as_text=True)
    sent = client.post(
        page_path(closed, giz["token"]),
        data={"csrf": csrf_of(html), "action": "confirm", "commitment_id": oit_ids[0]},
    )
    assert sent.status_code == 404
    assert stored(db, FollowUpChange) == []


def test_a_token_opens_its_own_workshop_only(contract, closed, make_workshop, client):
    made = make_link(contract, closed, "OIT")
    other = make_workshop()
    assert client.get(page_path(other, made["token"])).status_code == 404


def test_writes_need_the_page_s_csrf_token(contract, closed, client, db):
    made = make_link(contract, closed, "OIT")
    html = client.get(page_path(closed, made["token"])).get_data(as_text=True)
    target = commitment_ids(html)[0]
    refused = client.post(
        page_path(closed, made["token"]),
        data={"csrf": "forged", "action": "confirm", "commitment_id": target},
    )
    assert refused.status_code == 403
    assert stored(db, FollowUpChange) == []


def test_amend_withdraw_then_the_facilitator_decides(contract, closed, client):
    client.set_cookie("atelier_lang", "en")
    made = make_link(contract, closed, "OIT")
    path = page_path(closed, made["token"])
    html = client.get(path).get_data(as_text=True)
    a, b = commitment_ids(html)
    token = csrf_of(html)
    amended = client.post(
        path,
        data={
            "csrf": token,
            "action": "amend",
            "commitment_id": a,
            "role": "lead",
            "timeframe": "2026 T2",
            "note": "",
            "contact": "Mme Alaoui",
            "resources": "=HYPERLINK(1)",
        },
    )
    assert amended.status_code == 303
    assert amended.headers["Location"].endswith("?sent=amend")
    shown = client.get(amended.headers["Location"])
    assert_strict_page(shown)
    assert "waiting for the facilitator" in shown.get_data(as_text=True).lower()
    withdraw = {"csrf": token, "action": "withdraw", "commitment_id": b, "reason": "=1+1 Budget"}
    withdrawn = client.post(path, data=withdraw)
    assert withdrawn.status_code == 303
    empty = client.post(path, data={"csrf": token, "action": "withdraw", "commitment_id": b})
    assert empty.status_code == 400

    fac, p = closed["auth"], closed["p"]
    listed = contract.call(
        "get", CHANGES, 200, params=p, headers=fac, query_string={"status": "pending"}
    )
    changes = {c["kind"]: c for c in listed.get_json()["changes"]}
    assert changes["amend"]["after"]["timeframe"] == "2026 T2"
    assert changes["amend"]["before"]["timeframe"] == "2025"
    assert changes["withdraw"]["reason"] == "=1+1 Budget"
    decide = CHANGES + "/decide"
    accepted = contract.call(
        "post",
        decide,
        200,
        params=p,
        headers=fac,
        json={"ids": [changes["amend"]["id"]], "decision": "accept"},
    )
    assert accepted.get_json()["results"] == [
        {"id": changes["amend"]["id"], "ok": True, "status": "accepted"}
    ]
    contract.call(
        "post",
        decide,
        200,
        params=p,
        headers=fac,
        json={"ids": [changes["withdraw"]["id"]], "decision": "reject"},
    )
    contract.call(
        "post", decide, 400, params=p, headers=fac, json={"ids": [], "decision": "accept"}
    )
    commitments = client.get(f"/api/workshops/{closed['code']}/commitments", headers=fac).get_json()
    by_activity = {c["activity_id"]: c for c in commitments["commitments"]}
    assert by_activity[closed["ids"]["A"]]["timeframe"] == "2026 T2"
    assert closed["ids"]["B"] in by_activity, "the withdrawal was rejected"

    exported = contract.call("get", WS + "/export/follow_up.csv", 200, params=p, headers=fac)
    rows = list(
        csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    text = "\n".join(";".join(r) for r in rows)
    assert "2026 T2" in text and "resources:  → =HYPERLINK(1)" in text  # inside a cell
    reasons = [r[8] for r in rows[1:]]
    assert "'=1+1 Budget" in reasons, "a cell that starts as a formula is neutralised"
    contract.call("get", WS + "/export/follow_up.xlsx", 200, params=p, headers=fac)
    # the one-pager the focal point takes to their hierarchy carries what they added
    one_pager = client.get(path + "/commitments?lang=en").get_data(as_text=True)
    assert "Contact person: <bdi>Mme Alaoui</bdi>" in one_pager
    assert "Budget or resources: <bdi>=HYPERLINK(1)</bdi>" in one_pager


def test_after_the_deadline_the_page_is_read_only(contract, closed, client, db):
    client.set_cookie("atelier_lang", "en")
    made = make_link(contract, closed, "OIT")
    path = page_path(closed, made["token"])
    html = client.get(path).get_data(as_text=True)
    token, target = csrf_of(html), commitment_ids(html)[0]
    db.past_deadlines()
    read = client.get(path)
    assert read.status_code == 200
    page = read.get_data(as_text=True)
    assert "read-only" in page and "Activité A" in page
    assert 'name="action"' not in page, "no form once the deadline passed"
    late = client.post(path, data={"csrf": token, "action": "confirm", "commitment_id": target})
    assert late.status_code == 403
    assert stored(db, FollowUpChange) == []


def test_a_revoked_link_opens_nothing(contract, closed, client, db):
    made = make_link(contract, closed, "OIT")
    path = page_path(closed, made["token"])
    html = client.get(path).get_data(as_text=True)
    token, target = csrf_of(html), commitment_ids(html)[0]
    params = {**closed["p"], "link_id": made["link"]["id"]}
    revoked = contract.call(
        "delete", LINKS + "/{link_id}", 200, params=params, headers=closed["auth"]
    )
    assert revoked.get_json()["link"]["revoked_at"] is not None
    gone = client.get(path)
    assert gone.status_code == 403
    assert "Activité A" not in gone.get_data(as_text=True)
    assert (
        client.post(
            path, data={"csrf": token, "action": "confirm", "commitment_id": target}
        ).status_code
        == 403
    )
    assert stored(db, FollowUpChange) == []
    params["link_id"] = 999
    contract.call("delete", LINKS + "/{link_id}", 404, params=params, headers=closed["auth"])


def test_changes_are_rate_limited_per_link(app, contract, closed, client):
    app.config["RATE_FOLLOW_UP"] = "2/3600"
    made = make_link(contract, closed, "OIT")
    path = page_path(closed, made["token"])
    html = client.get(path).get_data(as_text=True)
    token, target = csrf_of(html), commitment_ids(html)[0]
    form = {"csrf": token, "action": "confirm", "commitment_id": target}
    assert [client.post(path, data=form).status_code for _ in range(3)] == [303, 303, 429]


def test_the_api_is_the_facilitator_s_only(contract, closed):
    phone = {"Authorization": "Bearer not-a-facilitator-token"}
    contract.call("get", LINKS, 403, params=closed["p"], headers=phone)
    contract.call("get", CHANGES, 401, params=closed["p"])


def test_follow_up_links_are_redacted_in_the_access_log():
    assert redact_path("/follow-up/ABC234/secret-xyz?sent=amend") == "/follow-up/ABC234/…?sent=…"
    assert redact_path("/follow-up/ABC234/secret-xyz") == "/follow-up/ABC234/…"


def test_two_devices_of_one_link_at_once_leave_one_pending_change(app, contract, closed, db):
    """The rule for one link on two devices, sent at the same moment: both are recorded, the
    later one supersedes the earlier (the link's changes are serialised), none is lost."""
    made = make_link(contract, closed, "OIT")
    path = page_path(closed, made["token"])
    devices = [app.test_client() for _ in range(2)]
    forms = []
    for n, device in enumerate(devices):
        html = device.get(path).get_data(as_text=True)
        target = commitment_ids(html)[0]
        forms.append(
            {"csrf": csrf_of(html), "action": "amend", "commitment_id": target, "note": f"v{n}"}
        )
    start = threading.Barrier(2)
    answers = []

    def send(device, form):
        start.wait()
        answers.append(device.post(path, data=form).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(devices, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303, 303]
    changes = sorted(stored(db, FollowUpChange), key=lambda c: c.id)
    assert [c.status for c in changes] == ["superseded", "pending"]


def test_the_page_links_its_organisation_s_one_pager_and_only_its_own(contract, closed, client):
    made = make_link(contract, closed, "OIT")
    path = page_path(closed, made["token"])
    html = client.get(path).get_data(as_text=True)
    assert f'href="{path}/commitments"' in html
    one_pager = client.get(path + "/commitments?lang=fr")
    assert one_pager.status_code == 200
    assert_strict_page(one_pager)
    text = one_pager.get_data(as_text=True)
    assert "Activité A" in text and "Activité B" in text and "OIT" in text
    assert "GIZ-SECRET-2029" not in text and "Activité C" not in text
    assert f'href="{path}"' in text, "a way back to the follow-up page"
    params = {**closed["p"], "link_id": made["link"]["id"]}
    contract.call("delete", LINKS + "/{link_id}", 200, params=params, headers=closed["auth"])
    assert client.get(path + "/commitments").status_code == 403
