"""The HTML side: joining from a phone, the facilitator's links, the big screen."""

import re

from itsdangerous.timed import TimestampSigner

from workshop.services.tokens import normalise_code


def _csrf(response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def _join_form(client, code, **fields):
    page = client.get(f"/j/{code}")
    data = {"csrf": _csrf(page), "name": "", "organisation": "ANAPEC", "group": "Employeurs"}
    data.update(fields)
    return client.post(f"/j/{code}", data=data)


def test_joining_twice_from_the_same_phone_keeps_one_participant(client, make_workshop):
    w = make_workshop()
    first = _join_form(client, w["code"], name="Amal")
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/w/{w['code']}")
    # Back on the join page, the phone is sent to its workshop page.
    again = client.get(f"/j/{w['code']}")
    assert again.status_code == 302
    second = client.post(
        f"/j/{w['code']}?edit=1",
        data={
            "csrf": _csrf(client.get(f"/j/{w['code']}?edit=1")),
            "name": "Amal B.",
            "organisation": "OFPPT",
            "group": "Travailleurs",
        },
    )
    assert second.status_code == 302
    people = client.get(f"/api/workshops/{w['code']}/participants", headers=w["auth"])
    rows = people.get_json()["participants"]
    assert [(p["name"], p["organisation"]) for p in rows] == [("Amal B.", "OFPPT")]


def test_join_form_without_organisation_keeps_what_was_typed(client, make_workshop):
    w = make_workshop()
    response = _join_form(client, w["code"], name="Youssef", organisation="  ")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and 'value="Youssef"' in body


def test_join_form_refuses_a_forged_post(client, make_workshop):
    w = make_workshop()
    client.get(f"/j/{w['code']}")
    response = client.post(
        f"/j/{w['code']}", data={"csrf": "forged", "organisation": "X", "group": "Employeurs"}
    )
    assert response.status_code == 400
    people = client.get(f"/api/workshops/{w['code']}/participants", headers=w["auth"])
    assert people.get_json()["participants"] == []


def test_phone_page_needs_joining_first(client, make_workshop):
    w = make_workshop()
    assert client.get(f"/w/{w['code']}").headers["Location"].endswith(f"/j/{w['code']}")


def test_typed_code_is_forgiven(client, make_workshop):
    w = make_workshop()
    typed = " " + w["code"].lower()[:3] + "-" + w["code"].lower()[3:] + " "
    assert normalise_code(typed) == w["code"]
    response = client.get("/", query_string={"code": typed})
    assert response.headers["Location"].endswith(f"/j/{w['code']}")


def test_facilitator_link_opens_the_console_and_leaves_the_address_bar(client, make_workshop):
    w = make_workshop()
    path = w["facilitator_url"].removeprefix("http://atelier.test")
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/f/{w['code']}"
    console = client.get(f"/f/{w['code']}")
    assert console.status_code == 200
    assert w["facilitator_token"] not in console.get_data(as_text=True)


def test_console_is_closed_to_others(client, make_workshop):
    w = make_workshop()
    assert client.get(f"/f/{w['code']}").status_code == 403
    assert client.get(f"/f/{w['code']}/wrong-token").status_code == 403


def test_console_session_needs_csrf_header_for_changes(client, make_workshop):
    w = make_workshop()
    client.get(w["facilitator_url"].removeprefix("http://atelier.test"))
    refused = client.post(f"/api/workshops/{w['code']}/phase", json={"phase": "proposing"})
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_failed"
    token = re.search(r'"csrf": "([^"]+)"', client.get(f"/f/{w['code']}").get_data(as_text=True))
    accepted = client.post(
        f"/api/workshops/{w['code']}/phase",
        json={"phase": "proposing"},
        headers={"X-CSRF-Token": token.group(1)},
    )
    assert accepted.status_code == 200 and accepted.get_json()["phase"] == "proposing"


def test_console_csrf_token_lasts_the_whole_day_and_not_beyond_its_session(
    app, client, make_workshop, monkeypatch
):
    """Flask-WTF's tokens expire after an hour unless told otherwise: a console stays open
    all day, so its token holds as long as its session, and only there."""
    w = make_workshop()
    client.get(w["facilitator_url"].removeprefix("http://atelier.test"))
    page = client.get(f"/f/{w['code']}").get_data(as_text=True)
    token = re.search(r'"csrf": "([^"]+)"', page).group(1)
    later = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later(self) + 14 * 3600)
    phase = f"/api/workshops/{w['code']}/phase"
    kept = client.post(phase, json={"phase": "proposing"}, headers={"X-CSRF-Token": token})
    assert kept.status_code == 200, kept.get_json()
    other = app.test_client()
    other.get(w["facilitator_url"].removeprefix("http://atelier.test"))
    refused = other.post(phase, json={"phase": "voting"}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_failed"


def test_host_key_link_opens_the_dashboard_and_creates_workshops(app, client):
    assert client.get("/host").status_code == 403
    assert client.get("/host?key=wrong").status_code == 403
    response = client.get("/host?key=test-host-key")
    assert response.status_code == 302 and response.headers["Location"] == "/host"
    page = client.get("/host")
    created = client.post(
        "/host/workshops",
        data={
            "csrf": _csrf(page),
            "title": "Atelier Rabat",
            "groups": "Gouvernement\nSyndicats",
            "mode": "approval",
            "budget": "3",
            "live_results": "on",
        },
    )
    assert created.status_code == 302
    code = created.headers["Location"].rsplit("/", 1)[1]
    state = client.get(f"/api/workshops/{code}").get_json()
    assert state["voting"] == {"mode": "approval", "budget": 3, "per_activity_cap": None}
    assert [g["name"] for g in state["groups"]] == ["Gouvernement", "Syndicats"]


def test_big_screen_needs_its_key_and_shows_the_code_and_qr(client, make_workshop):
    w = make_workshop()
    screen = client.get(w["screen_url"].removeprefix("http://atelier.test"))
    body = screen.get_data(as_text=True)
    assert screen.status_code == 200 and w["code"] in body and w["join_url"] in body
    assert client.get(f"/screen/{w['code']}/nope").status_code == 403
    qr = client.get(f"/qr/{w['code']}.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def test_pages_load_no_outside_script_or_style(client, make_workshop):
    w = make_workshop()
    for path in ("/", f"/j/{w['code']}", w["screen_url"].removeprefix("http://atelier.test")):
        body = client.get(path).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="([^"]+)"', body):
            assert url.startswith(("/", "#")) or url == w["join_url"], (path, url)
        assert "<script>" not in body  # no inline script: the CSP forbids it


def test_pages_scripts_and_styles_are_compressed_for_slow_links(client, make_workshop):
    w = make_workshop()
    cases = [
        ("/static/vendor/socket.io/socket.io.min.js", "br"),
        ("/static/css/app.css", "br"),
        ("/", "gzip"),
        ("/", "br"),
    ]
    for path, encoding in cases:
        plain = client.get(path)
        packed = client.get(path, headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert len(packed.get_data()) < 0.6 * len(plain.get_data()), path
    export = client.get(f"/api/workshops/{w['code']}/export/votes.csv", headers=w["auth"])
    assert export.get_data().startswith(b"\xef\xbb\xbf")  # untouched without Accept-Encoding
