"""A realistic room, photographed: the demo workshop's activities, 23 participants who voted,
a countdown running. Saves the phone (390×844) and the big screen (1920×1080) in French and
Arabic to tests/artifacts/ (the README's pictures in docs/screenshots/ are picked from them),
and checks that what the pictures show is what the server counted."""

import random
import threading

import pytest
import socketio

from tests.e2e.conftest import join, open_screen
from workshop.services.demo import ACTIVITIES, GROUPS, TRACKS

pytestmark = pytest.mark.browser


def vote_from_python_phones(w, count: int) -> None:
    """Participants who joined and voted from their own phones (python-socketio clients)."""
    rng = random.Random(7)
    ids = [a["id"] for a in w.state()["activities"]]
    favourites = ids[:6]
    phones = []
    for n in range(count):
        token = w.api.call(
            "POST",
            w.path("/participants"),
            {"organisation": f"Organisation {n}", "group": GROUPS[n % len(GROUPS)]},
        )["participant_token"]
        phone = socketio.Client(reconnection=False)
        phones.append(phone)
        phone.connect(w.api.base, auth={"participant_token": token}, transports=["websocket"])
        split = rng.choice([[3, 2], [2, 2, 1], [1, 1, 3], [2, 3]])
        pool = favourites if rng.random() < 0.75 else ids
        for k, (pick, points) in enumerate(zip(rng.sample(pool, len(split)), split)):
            ack = phone.call(
                "cast_vote", {"activity_id": pick, "points": points, "op_id": f"v{n}-{k}"}
            )
            assert ack["ok"], ack
        assert ack["left"] == 0
    # A client's goodbye takes seconds: say it in parallel.
    leaving = [threading.Thread(target=phone.disconnect) for phone in phones]
    for thread in leaving:
        thread.start()
    for thread in leaving:
        thread.join(10)


def test_screenshots_of_a_realistic_room(contexts, make_workshop, artifacts):
    w = make_workshop(
        title="Atelier de programmation nationale — THAMM Plus Maroc",
        groups=GROUPS,
        tracks=TRACKS,
    )
    for title, description, track in ACTIVITIES:
        w.add(title, description, TRACKS[track])
    w.phase("voting")
    vote_from_python_phones(w, 21)
    w.timer("start", 8 * 60)

    amal = contexts("phone", "fr").new_page()
    join(amal, w, "Ministère de l'Inclusion économique", "Gouvernement", name="Amal")
    youssef = contexts("phone", "ar").new_page()
    join(youssef, w, "الكونفدرالية الديمقراطية للشغل", "Organisations de travailleurs", name="يوسف")
    for page in (amal, youssef):
        first = page.locator("li.activity").first
        first.locator("button[data-focus^='plus-']").click()
        first.locator(".vote-status-ok").wait_for()
        first.locator("button[data-focus^='plus-']").click()
        first.locator(".vote-status-ok").wait_for()
        page.locator("#timer[data-timer='running']").wait_for()
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(400)
    amal.screenshot(path=str(artifacts / "room-phone-fr.png"))
    youssef.screenshot(path=str(artifacts / "room-phone-ar.png"))

    results = w.results()
    for lang in ("fr", "ar"):
        screen = open_screen(contexts("screen", lang), w, lang)
        screen.wait_for_function(
            "(n) => document.getElementById('voters').textContent === String(n)",
            arg=results["voters"],
        )
        screen.wait_for_timeout(900)  # bars and numbers finish gliding
        rows = screen.locator("li.result")
        screen.screenshot(path=str(artifacts / f"room-screen-{lang}.png"))
        # With the group split and the equal-weight panel beside them, four rows of twelve
        # fit a 1080p projector; the rest fold into "+ N more" (the screen never scrolls).
        assert rows.count() >= 4
        for i in range(rows.count()):
            expected = results["activities"][i]
            row = rows.nth(i)
            assert row.get_attribute("data-activity") == str(expected["activity_id"])
            assert row.locator(".value").inner_text() == str(expected["total"])
        more = len(results["activities"]) - rows.count()
        if more:
            assert screen.locator("#results-more").inner_text().startswith(f"+ {more}")
        assert screen.evaluate(
            "() => document.documentElement.scrollHeight <= window.innerHeight"
        ), "the big screen never scrolls"
        screen.screenshot(path=str(artifacts / f"room-screen-{lang}.png"))
        small = contexts("screen", lang, viewport={"width": 1280, "height": 720})
        page = open_screen(small, w, lang)
        page.wait_for_selector("li.result")
        page.wait_for_timeout(900)
        assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight")
        page.screenshot(path=str(artifacts / f"room-screen-720p-{lang}.png"))
