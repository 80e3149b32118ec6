"""The countdown over HTTP: the facilitator drives it, every screen receives it."""

import re

import pytest


def timer_url(w):
    return f"/api/workshops/{w['code']}/timer"


def test_start_pause_resume_reset_over_http(client, make_workshop):
    w = make_workshop()
    started = client.post(timer_url(w), json={"action": "start", "seconds": 300}, headers=w["auth"])
    assert started.status_code == 200, started.get_json()
    body = started.get_json()
    assert body["ok"] is True and body["timer"]["state"] == "running"
    assert body["timer"]["seconds"] == 300 and body["timer"]["ends_at"].endswith("Z")
    paused = client.post(timer_url(w), json={"action": "pause"}, headers=w["auth"]).get_json()
    assert paused["timer"]["state"] == "paused" and paused["timer"]["remaining_ms"] > 295_000
    resumed = client.post(timer_url(w), json={"action": "start"}, headers=w["auth"]).get_json()
    assert resumed["timer"]["state"] == "running"
    more = client.post(timer_url(w), json={"action": "add", "seconds": 60}, headers=w["auth"])
    assert more.get_json()["timer"]["seconds"] == 360
    reset = client.post(timer_url(w), json={"action": "reset"}, headers=w["auth"]).get_json()
    assert reset["timer"] == {
        "state": "idle",
        "seconds": 360,
        "remaining_ms": 360_000,
        "ends_at": None,
    }
    state = client.get(f"/api/workshops/{w['code']}").get_json()
    assert state["timer"] == reset["timer"] and state["server_time"].endswith("Z")


def test_only_the_facilitator_drives_the_timer(client, make_workshop, join):
    w = make_workshop()
    token = join(w["code"])
    anonymous = client.post(timer_url(w), json={"action": "start", "seconds": 60})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "facilitator_only"
    phone = client.post(
        timer_url(w),
        json={"action": "start", "seconds": 60},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert phone.status_code == 403 and phone.get_json()["error"] == "facilitator_only"
    other = make_workshop()
    wrong = client.post(
        timer_url(w), json={"action": "start", "seconds": 60}, headers=other["auth"]
    )
    assert wrong.status_code == 403
    assert client.get(f"/api/workshops/{w['code']}").get_json()["timer"]["state"] == "idle"


def test_console_session_needs_its_csrf_header(client, make_workshop):
    w = make_workshop()
    client.get(w["facilitator_url"].removeprefix("http://atelier.test"))
    refused = client.post(timer_url(w), json={"action": "start", "seconds": 60})
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_failed"
    page = client.get(f"/f/{w['code']}").get_data(as_text=True)
    csrf = re.search(r'"csrf": "([^"]+)"', page).group(1)
    accepted = client.post(
        timer_url(w), json={"action": "start", "seconds": 60}, headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 200 and accepted.get_json()["timer"]["state"] == "running"


@pytest.mark.parametrize(
    ("body", "key", "lang", "words"),
    [
        ({"action": "explode"}, "timer_action_invalid", "fr", "minuteur"),
        ({"action": "start"}, "field_required", "ar", "إلزامي"),
        ({"action": "start", "seconds": 0}, "field_out_of_range", "en", "between 1 and 10800"),
        ({"action": "start", "seconds": "10 min"}, "field_invalid", "fr", "durée"),
        ({"action": "add", "seconds": 30}, "timer_not_started", "en", "Start the timer first"),
    ],
)
def test_refusals_are_translated_and_change_nothing(client, make_workshop, body, key, lang, words):
    w = make_workshop()
    response = client.post(timer_url(w), json=body, headers={**w["auth"], "Accept-Language": lang})
    assert response.status_code == 400
    data = response.get_json()
    assert data["error"] == key and words in data["message"], data
    assert client.get(f"/api/workshops/{w['code']}").get_json()["timer"]["state"] == "idle"


def test_not_json_is_a_bad_request(client, make_workshop):
    w = make_workshop()
    response = client.post(timer_url(w), data="start", headers=w["auth"])
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_every_screen_receives_the_timer(client, make_workshop, join, socket_client):
    w = make_workshop()
    token = join(w["code"])
    key = w["screen_url"].rsplit("/", 1)[1]
    screen = socket_client({"code": w["code"], "screen_key": key})
    phone = socket_client({"participant_token": token})
    screen.get_received()
    phone.get_received()
    client.post(timer_url(w), json={"action": "start", "seconds": 90}, headers=w["auth"])
    for sio in (screen, phone):
        states = [m["args"][0] for m in sio.get_received() if m["name"] == "workshop_state"]
        assert states and states[-1]["timer"]["state"] == "running", states
        assert states[-1]["timer"]["seconds"] == 90 and "server_time" in states[-1]
