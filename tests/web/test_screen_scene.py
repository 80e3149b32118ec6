"""The big screen's scene: chosen over the API, carried by the snapshot, one home for the enum;
the screen's language and a countdown that leaves with its phase."""

import json
from datetime import timedelta

import pytest

from tests.web.test_openapi import DOCUMENT
from workshop import models
from workshop.services.timer import timer_state
from workshop.services.workshops import create_workshop, set_phase


def patch(client, w, body):
    return client.patch(f"/api/workshops/{w['code']}", json=body, headers=w["auth"])


def state_of(client, w):
    return client.get(f"/api/workshops/{w['code']}").get_json()


def test_the_scene_is_auto_until_the_console_picks_one(client, make_workshop, socket_client):
    w = make_workshop()
    assert state_of(client, w)["screen_scene"] == "auto"
    screen = socket_client(auth={"code": w["code"], "screen_key": w["screen_url"].split("/")[-1]})
    screen.get_received()
    assert patch(client, w, {"screen_scene": "results"}).status_code == 200
    sent = [m["args"][0] for m in screen.get_received() if m["name"] == "workshop_state"]
    assert sent and sent[-1]["screen_scene"] == "results"
    assert state_of(client, w)["screen_scene"] == "results"


@pytest.mark.parametrize("value", ["everything", "", 3, True, ["results"]])
def test_an_unknown_scene_is_refused_and_changes_nothing(client, make_workshop, value):
    w = make_workshop()
    patch(client, w, {"screen_scene": "join"})
    refused = patch(client, w, {"screen_scene": value})
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "field_invalid"
    assert state_of(client, w)["screen_scene"] == "join"


def test_only_the_facilitator_picks_the_scene(client, make_workshop, join):
    w = make_workshop()
    token = join(w["code"])
    phone = {"Authorization": f"Bearer {token}"}
    r = client.patch(f"/api/workshops/{w['code']}", json={"screen_scene": "join"}, headers=phone)
    assert r.status_code in (401, 403)
    assert state_of(client, w)["screen_scene"] == "auto"


def test_the_old_flags_are_the_comments_and_workplan_scenes(client, make_workshop):
    w = make_workshop()
    patch(client, w, {"show_comments": True})
    s = state_of(client, w)
    assert (s["screen_scene"], s["show_comments"], s["show_workplan"]) == ("comments", True, False)
    patch(client, w, {"show_workplan": True})
    s = state_of(client, w)
    assert (s["screen_scene"], s["show_comments"], s["show_workplan"]) == ("workplan", False, True)
    patch(client, w, {"show_comments": False})  # not the scene shown: nothing changes
    assert state_of(client, w)["screen_scene"] == "workplan"
    patch(client, w, {"show_workplan": False})
    s = state_of(client, w)
    assert (s["screen_scene"], s["show_comments"], s["show_workplan"]) == ("auto", False, False)
    # given together, the scene has the last word
    patch(client, w, {"show_comments": True, "screen_scene": "results"})
    s = state_of(client, w)
    assert (s["screen_scene"], s["show_comments"]) == ("results", False)


def test_the_contract_lists_every_scene():
    doc = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    schemas = doc["components"]["schemas"]
    assert schemas["ScreenScene"]["enum"] == [s.value for s in models.ScreenScene]
    assert "screen_scene" in schemas["WorkshopState"]["required"]
    assert "screen_scene" in schemas["WorkshopUpdate"]["properties"]


def test_the_screen_speaks_the_workshops_language_unless_told(client, make_workshop):
    w = make_workshop(language="ar")
    path = "/" + w["screen_url"].split("/", 3)[3]
    page = client.get(path, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.status_code == 200 and b'<html lang="ar" dir="rtl">' in page.data
    told = client.get(path + "?lang=en", headers={"Accept-Language": "fr"})
    assert told.status_code == 200 and b'<html lang="en" dir="ltr">' in told.data
    config = told.get_data(as_text=True).split('id="config">', 1)[1].split("</script>", 1)[0]
    assert json.loads(config)["auto_scenes"] == {
        "setup": "join",
        "proposing": "proposals",
        "voting": "results",
        "closed": "results",
    }


def test_a_finished_countdown_leaves_with_its_phase(db):
    workshop, _ = create_workshop(db, title="Atelier", groups=["Gouvernement"])
    workshop.timer_seconds = 60
    workshop.timer_ends_at = models.utcnow() - timedelta(seconds=5)
    db.flush()
    assert timer_state(workshop)["state"] == "finished"
    set_phase(db, workshop, "proposing")
    assert timer_state(workshop)["state"] == "idle"


@pytest.mark.parametrize("state", ["running", "paused"])
def test_a_running_or_paused_countdown_leaves_with_its_phase(db, state):
    """Issue 11: 'the countdown leaves the header when the phase changes'."""
    workshop, _ = create_workshop(db, title="Atelier", groups=["Gouvernement"])
    workshop.timer_seconds = 60
    if state == "running":
        workshop.timer_ends_at = models.utcnow() + timedelta(seconds=50)
    else:
        workshop.timer_remaining_ms = 50_000
    db.flush()
    assert timer_state(workshop)["state"] == state
    set_phase(db, workshop, "proposing")
    assert timer_state(workshop) == {**timer_state(workshop), "state": "idle", "seconds": 60}
