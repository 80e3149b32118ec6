"""Facilitator access: the secret link, the optional PIN, co-host links and their revocation."""

import json
import re

import pytest

from workshop.extensions import socketio

BASE = "http://atelier.test"


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def path_of(link: str) -> str:
    return link.removeprefix(BASE)


def console_csrf(client, code) -> str:
    page = client.get(f"/f/{code}").get_data(as_text=True)
    config = re.search(r'<script type="application/json" id="config">(.*?)</script>', page)
    return json.loads(config.group(1))["csrf"]


def make_cohost(client, w, label="Co-animatrice"):
    r = client.post(url(w, "/cohosts"), json={"label": label}, headers=w["auth"])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    body["auth"] = {"Authorization": f"Bearer {body['facilitator_token']}"}
    return body


def can_add(client, w, headers) -> int:
    return client.post(url(w, "/activities"), json={"title": "Former"}, headers=headers).status_code


# -- co-hosts -------------------------------------------------------------------------------


def test_a_cohost_link_runs_the_workshop_but_not_its_access(client, make_workshop):
    w = make_workshop()
    co = make_cohost(client, w)
    assert co["facilitator_token"] != w["facilitator_token"]
    assert co["facilitator_url"] == f"{BASE}/f/{w['code']}/{co['facilitator_token']}"
    assert can_add(client, w, co["auth"]) == 201
    assert (
        client.post(url(w, "/phase"), json={"phase": "voting"}, headers=co["auth"]).status_code
        == 200
    )
    assert client.get(url(w, "/export/votes.csv"), headers=co["auth"]).status_code == 200
    access = client.get(url(w, "/access"), headers=co["auth"]).get_json()
    assert access == {"role": "cohost", "pin_set": False, "cohosts": None}
    for method, path, body in [
        ("post", "/cohosts", {"label": "x"}),
        ("put", "/pin", {"pin": "1234"}),
        ("delete", f"/cohosts/{co['id']}", None),
        ("delete", "", None),
    ]:
        r = client.open(url(w, path), method=method.upper(), json=body, headers=co["auth"])
        assert r.status_code == 403 and r.get_json()["error"] == "owner_only", (method, path)
    owner = client.get(url(w, "/access"), headers=w["auth"]).get_json()
    assert owner["role"] == "owner"
    assert [(c["id"], c["label"]) for c in owner["cohosts"]] == [(co["id"], "Co-animatrice")]
    assert client.get(url(w)).status_code == 200  # not deleted by the co-host


def test_a_cohost_token_opens_only_its_workshop(client, make_workshop):
    w, other = make_workshop(), make_workshop()
    co = make_cohost(client, w)
    assert can_add(client, other, co["auth"]) == 403
    assert client.get(url(other, "/participants"), headers=co["auth"]).status_code == 403
    r = client.delete(url(other, f"/cohosts/{co['id']}"), headers=other["auth"])
    assert r.status_code == 404 and r.get_json()["error"] == "cohost_not_found"
    assert can_add(client, w, co["auth"]) == 201  # still valid on its own workshop


def test_revoking_a_link_stops_its_token_and_its_sessions(app, client, make_workshop):
    w = make_workshop()
    co = make_cohost(client, w)
    browser = app.test_client()
    entered = browser.get(path_of(co["facilitator_url"]))
    assert entered.status_code == 302 and entered.headers["Location"] == f"/f/{w['code']}"
    assert browser.get(f"/f/{w['code']}").status_code == 200
    csrf = {"X-CSRF-Token": console_csrf(browser, w["code"])}
    assert can_add(browser, w, csrf) == 201

    r = client.delete(url(w, f"/cohosts/{co['id']}"), headers=w["auth"])
    assert r.status_code == 200 and r.get_json() == {"ok": True}

    assert can_add(client, w, co["auth"]) == 403
    assert browser.get(f"/f/{w['code']}").status_code == 403
    assert can_add(browser, w, csrf) == 403
    assert browser.get(url(w, "/participants")).status_code == 403
    assert browser.get(path_of(co["facilitator_url"])).status_code == 403  # the link itself
    again = client.delete(url(w, f"/cohosts/{co['id']}"), headers=w["auth"])
    assert again.status_code == 404 and again.get_json()["error"] == "cohost_not_found"
    # A new link never brings a revoked session back (even if the database reuses the id).
    fresh = make_cohost(client, w, "Nouveau")
    assert browser.get(f"/f/{w['code']}").status_code == 403
    assert can_add(client, w, fresh["auth"]) == 201


def test_a_revoked_cohost_console_socket_is_dropped(app, client, make_workshop, join):
    w = make_workshop()
    co, kept = make_cohost(client, w), make_cohost(client, w, "Reste")
    owner = socketio.test_client(
        app, auth={"code": w["code"], "facilitator_token": w["facilitator_token"]}
    )
    revoked = socketio.test_client(
        app, auth={"code": w["code"], "facilitator_token": co["facilitator_token"]}
    )
    other = socketio.test_client(
        app, auth={"code": w["code"], "facilitator_token": kept["facilitator_token"]}
    )
    try:
        for sio in (owner, revoked, other):
            assert sio.is_connected()
            assert "workshop_state" in [m["name"] for m in sio.get_received()]
        assert client.delete(url(w, f"/cohosts/{co['id']}"), headers=w["auth"]).status_code == 200
        for sio in (owner, revoked, other):
            assert [m["name"] for m in sio.get_received()] == ["access_revoked"]
        join(w["code"])  # a change: nobody is in the console room any more until it reconnects
        assert revoked.get_received() == []
        ack = revoked.emit("sync", {}, callback=True)
        assert ack["ok"] is False and ack["error"] == "facilitator_only"
        assert revoked.get_received() == []  # no snapshot for a revoked console
        # reconnecting: the revoked link is refused, the others get back in
        again = socketio.test_client(
            app, auth={"code": w["code"], "facilitator_token": co["facilitator_token"]}
        )
        assert not again.is_connected()
        back = socketio.test_client(
            app, auth={"code": w["code"], "facilitator_token": kept["facilitator_token"]}
        )
        assert back.is_connected()
        back.get_received()
        join(w["code"], group="Employeurs")
        assert "workshop_state" in [m["name"] for m in back.get_received()]
        back.disconnect()
    finally:
        for sio in (owner, revoked, other):
            if sio.is_connected():
                sio.disconnect()


def test_sessions_from_before_cohosts_still_open_the_console(app, client, make_workshop):
    w = make_workshop()
    browser = app.test_client()
    with browser.session_transaction() as session:
        workshop_id = 1  # the first workshop of this fresh database
        session["facilitates"] = [workshop_id]
    assert browser.get(f"/f/{w['code']}").status_code == 200


def test_cohost_label_is_checked(client, make_workshop):
    w = make_workshop()
    for label, key in [("x" * 81, "field_too_long"), (["a"], "field_invalid")]:
        r = client.post(url(w, "/cohosts"), json={"label": label}, headers=w["auth"])
        assert r.status_code == 400 and r.get_json()["error"] == key
    for _ in range(20):
        make_cohost(client, w, "")
    r = client.post(url(w, "/cohosts"), json={}, headers=w["auth"])
    assert r.status_code == 400 and r.get_json()["error"] == "too_many"


# -- the secret link ------------------------------------------------------------------------


def test_the_link_leaves_the_address_bar_and_pages_send_no_referrer(client, make_workshop):
    w = make_workshop()
    r = client.get(path_of(w["facilitator_url"]))
    assert r.status_code == 302 and w["facilitator_token"] not in r.headers["Location"]
    assert r.headers["Referrer-Policy"] == "no-referrer"
    page = client.get(r.headers["Location"])
    assert page.status_code == 200 and w["facilitator_token"] not in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/f/{w['code']}/not-the-token-at-all-xxxxxxx").status_code == 403


# -- PIN ------------------------------------------------------------------------------------


@pytest.fixture
def pinned(client, make_workshop):
    w = make_workshop(pin="482913")
    w["pinned"] = {**w["auth"], "X-Atelier-PIN": "482913"}
    return w


def test_a_pin_is_asked_after_the_link(app, client, pinned):
    w = pinned
    browser = app.test_client()
    r = browser.get(path_of(w["facilitator_url"]))
    assert r.status_code == 302 and r.headers["Location"] == f"/f/{w['code']}/pin"
    assert browser.get(f"/f/{w['code']}").status_code == 403  # no console before the PIN
    form = browser.get(f"/f/{w['code']}/pin")
    assert form.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    wrong = browser.post(f"/f/{w['code']}/pin", data={"csrf": csrf, "pin": "000000"})
    assert wrong.status_code == 403 and "PIN" in wrong.get_data(as_text=True)
    assert browser.get(f"/f/{w['code']}").status_code == 403
    forged = browser.post(f"/f/{w['code']}/pin", data={"csrf": "forged", "pin": "482913"})
    assert forged.status_code == 403
    right = browser.post(f"/f/{w['code']}/pin", data={"csrf": csrf, "pin": "482913"})
    assert right.status_code == 302 and right.headers["Location"] == f"/f/{w['code']}"
    assert browser.get(f"/f/{w['code']}").status_code == 200
    # a stranger who never opened the link gets no PIN form
    assert app.test_client().get(f"/f/{w['code']}/pin").status_code == 403


def test_wrong_pins_are_limited_per_link(app, client, pinned):
    w = pinned
    app.config["RATE_PIN"] = "3/900"
    browser = app.test_client()
    browser.get(path_of(w["facilitator_url"]))
    csrf = re.search(
        r'name="csrf" value="([^"]+)"', browser.get(f"/f/{w['code']}/pin").get_data(as_text=True)
    ).group(1)
    statuses = [
        browser.post(f"/f/{w['code']}/pin", data={"csrf": csrf, "pin": f"00000{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [403, 403, 403]
    locked = browser.post(f"/f/{w['code']}/pin", data={"csrf": csrf, "pin": "482913"})
    assert locked.status_code == 429  # even the right PIN, until the window ends
    assert browser.get(f"/f/{w['code']}").status_code == 403
    r = client.get(url(w, "/participants"), headers=w["pinned"])  # the bearer way is locked too
    assert r.status_code == 429 and r.get_json()["error"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0
    # another link of the same workshop is not locked out by them
    co = make_cohost_with_pin(client, w)
    assert client.get(url(w, "/participants"), headers=co).status_code == 200


def make_cohost_with_pin(client, w):
    r = client.post(url(w, "/cohosts"), json={}, headers=w["auth"])
    if r.status_code == 429:  # the owner's link is locked: create it through the host
        host = client.application.test_client()
        host.get("/host?key=test-host-key")
        r = host.post(
            url(w, "/cohosts"), json={}, headers={"X-CSRF-Token": console_csrf(host, w["code"])}
        )
    assert r.status_code == 201, r.get_json()
    return {
        "Authorization": f"Bearer {r.get_json()['facilitator_token']}",
        "X-Atelier-PIN": "482913",
    }


def test_bearer_requests_need_the_pin_too(client, pinned):
    w = pinned
    r = client.get(url(w, "/participants"), headers=w["auth"])
    assert r.status_code == 401 and r.get_json()["error"] == "pin_required"
    r = client.get(url(w, "/participants"), headers={**w["auth"], "X-Atelier-PIN": "111111"})
    assert r.status_code == 403 and r.get_json()["error"] == "pin_invalid"
    assert client.get(url(w, "/participants"), headers=w["pinned"]).status_code == 200
    # the public view does not become a way to test PINs
    r = client.get(url(w), headers=w["auth"])
    assert r.status_code == 401 and r.get_json()["error"] == "pin_required"
    assert client.get(url(w)).status_code == 200
    assert client.get(url(w, "/access"), headers=w["pinned"]).get_json()["pin_set"] is True


def test_console_sockets_need_the_pin(app, pinned):
    w = pinned
    auth = {"code": w["code"], "facilitator_token": w["facilitator_token"]}
    for extra in ({}, {"pin": "111111"}, {"pin": 482913}):
        sio = socketio.test_client(app, auth={**auth, **extra})
        assert not sio.is_connected(), extra
    sio = socketio.test_client(app, auth={**auth, "pin": "482913"})
    assert sio.is_connected()
    sio.disconnect()


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", " 1234", 1234, ["1234"], True])
def test_pin_format(client, make_workshop, pin):
    w = make_workshop()
    r = client.put(url(w, "/pin"), json={"pin": pin}, headers=w["auth"])
    assert r.status_code == 400 and r.get_json()["error"] == "pin_format"
    r = client.post("/api/workshops", json={"title": "T", "groups": ["G"], "pin": pin})
    assert r.status_code == 400 and r.get_json()["error"] == "pin_format"


def test_the_owner_sets_and_removes_the_pin(client, make_workshop):
    w = make_workshop()
    r = client.put(url(w, "/pin"), json={"pin": "2468"}, headers=w["auth"])
    assert r.get_json() == {"ok": True, "pin_set": True}
    assert client.get(url(w, "/participants"), headers=w["auth"]).status_code == 401
    pinned = {**w["auth"], "X-Atelier-PIN": "2468"}
    r = client.put(url(w, "/pin"), json={"pin": None}, headers=pinned)
    assert r.get_json() == {"ok": True, "pin_set": False}
    assert client.get(url(w, "/participants"), headers=w["auth"]).status_code == 200


def test_the_pin_is_not_stored_in_clear(app, client, make_workshop):
    make_workshop(pin="97531864")
    engine = app.extensions["atelier.engine"]
    with engine.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(text("SELECT pin_hash FROM workshops")).scalar()
    assert "97531864" not in stored and stored.startswith("pbkdf2-sha256$")
