"""The big screen, measured as the back of the room sees it, over a sample of what can be switched
on (tests/e2e/layout.py says what "readable" means; scripts/contact_sheet.py runs the whole
matrix and draws it). One seeded workshop per activity count, one browser for every case."""

import pytest

from tests.e2e import layout

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: the sample of the rooms without groups, then the room that rolled up on small projectors
CASES = layout.sampled_matrix(24) + layout.rollup_sample()


@pytest.fixture(scope="module")
def rooms(server):
    return {room: layout.seed_room(server.url, room) for room in layout.ROOMS}


@pytest.fixture(scope="module")
def screens(browser):
    """One browser context per resolution and language, made when first needed."""
    made = {}

    def _get(size, lang):
        key = (size, lang)
        if key not in made:
            made[key] = browser.new_context(
                viewport={"width": size[0], "height": size[1]},
                locale={"fr": "fr-FR", "ar": "ar-MA", "en": "en-GB"}[lang],
                reduced_motion="reduce",
            )
            made[key].set_default_timeout(10_000)
        return made[key]

    yield _get
    for context in made.values():
        context.close()


def open_screen(screens, server, w, case):
    layout.set_case(server.url, w, case)
    page = screens(case["size"], case["lang"]).new_page()
    page.goto(layout.screen_url(w, case["lang"]))
    scene = layout.effective_scene(case)
    page.wait_for_function("() => document.body.dataset.phase === 'voting'")
    page.wait_for_function(
        "(scene) => document.body.dataset.scene === scene && document.body.dataset.drawn === '1'",
        arg=scene,
    )
    return page


@pytest.mark.parametrize("case", CASES, ids=[layout.case_id(c) for c in CASES])
def test_the_big_screen_reaches_the_back_of_the_room(case, rooms, screens, server):
    w = rooms[case["room"]]
    page = open_screen(screens, server, w, case)
    try:
        facts = page.evaluate(layout.FACTS_JS)
        problems = layout.check_facts(facts)
        scene = layout.effective_scene(case)
        seen, read, later = layout.rotation(page, scene)
        problems += later
        expected = layout.expected_ids(w, case)
        if expected:
            missing = expected - seen
            if missing:
                problems.append(
                    f"{len(missing)} of {len(expected)} activities never shown (pages read: {read})"
                )
            if seen - expected:
                problems.append(f"shown but not expected here: {sorted(seen - expected)}")
            if len(expected) > len(page.evaluate(layout.SHOWN_IDS_JS, layout.list_selector(scene))):
                assert read, "a list longer than the screen says which rows it shows"
        if case["scene"] == "rollup-focus":  # the group's heading, on every page
            heads = page.evaluate(
                "() => [...document.querySelectorAll('#rollup-list .rollup-head')]"
                ".filter(n => n.getClientRects().length > 0).map(n => n.dataset.groupId)"
            )
            assert heads == [str(w["focus"])], heads
        if case["room"] == "groups" and scene == "results":  # who brought each result
            rows = page.locator("#results > li.result:visible")
            assert (
                rows.count()
                and rows.count() == page.locator("#results .provenance:visible").count()
            )
        if scene == "join":
            code = page.locator(".join-code")
            assert code.is_visible() and code.bounding_box()["height"] > 0.08 * case["size"][1]
        else:
            assert facts["texts"], "the scene shows something to read"
        if case["timer"]:
            assert page.locator("#timer").is_visible()
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def test_the_countdown_keeps_the_header_on_one_line_and_goes_when_reset(rooms, screens, server):
    """The countdown never wraps the header, and leaves it when the phase changes or at reset."""
    w = layout.seed_room(server.url, "3", participants=2)
    case = {"size": (1280, 720), "lang": "fr", "scene": "results", "split": False, "timer": True}
    page = open_screen(screens, server, w, case)
    try:
        timer = page.locator("#timer")
        assert timer.is_visible()
        header = page.locator(".screen-bar").bounding_box()
        title = page.locator(".screen-bar h1").bounding_box()
        assert header["height"] < 2 * title["height"] + 30, "one line"
        layout.call(
            server.url,
            "POST",
            f"/api/workshops/{w['code']}/phase",
            {"phase": "closed"},
            w["facilitator_token"],
        )
        page.wait_for_function("() => document.body.dataset.phase === 'closed'")
        # a countdown times one phase: it leaves the header with it (issue 11)
        page.wait_for_selector("#timer", state="hidden")
        layout.call(
            server.url,
            "POST",
            f"/api/workshops/{w['code']}/timer",
            {"action": "start", "seconds": 60},
            w["facilitator_token"],
        )
        page.wait_for_selector("#timer", state="visible")
        layout.call(
            server.url,
            "POST",
            f"/api/workshops/{w['code']}/timer",
            {"action": "reset"},
            w["facilitator_token"],
        )
        page.wait_for_selector("#timer", state="hidden")
    finally:
        page.close()


def test_the_console_picks_the_scene_and_says_what_the_projector_shows(rooms, screens, server):
    w = rooms["3"]
    case = {"size": (1280, 720), "lang": "fr", "scene": "auto", "split": False, "timer": False}
    screen = open_screen(screens, server, w, case)
    console = screens((1366, 768), "fr").new_page()
    try:
        console.goto(w["facilitator_url"])
        label = console.locator("#scene-now")
        label.wait_for()
        console.wait_for_function(
            "() => document.getElementById('scene-now').textContent.includes('automatique')"
        )
        assert label.text_content() == "Sur l'écran : Résultats (automatique)"
        console.locator("#scene-picker button[data-scene=comments]").click()
        console.wait_for_function(
            "(text) => document.getElementById('scene-now').textContent === text",
            arg="Sur l'écran : Commentaires",
        )
        pressed = console.locator("#scene-picker button[aria-pressed=true]")
        assert pressed.get_attribute("data-scene") == "comments"
        screen.wait_for_function("() => document.body.dataset.scene === 'comments'")
        assert screen.locator("#screen-comments").is_visible()
        assert not screen.locator("#results-section").is_visible()
    finally:
        console.close()
        screen.close()


WORDED = [
    {"size": size, "lang": lang, "scene": scene, "room": "40-long", "split": True, "timer": True}
    for size in ((1920, 1080), (1280, 720))
    for lang in ("ar", "en")
    for scene in ("results", "proposals")
]


@pytest.mark.parametrize("case", WORDED, ids=[layout.case_id(c) for c in WORDED])
def test_translated_titles_reach_the_back_of_the_room(case, rooms, screens, server):
    """An Arabic or English screen shows the facilitator's wordings (long ones), as readable
    as the originals: the same geometry, and each worded activity under its wording."""
    w = rooms[case["room"]]
    page = open_screen(screens, server, w, case)
    try:
        problems = layout.check_facts(page.evaluate(layout.FACTS_JS))
        assert not problems, "\n".join(problems)
        selector = layout.list_selector(case["scene"])
        shown = page.evaluate(
            """(sel) => [...document.querySelectorAll(sel)]
              .filter(n => n.getClientRects().length > 0)
              .map(n => [Number(n.getAttribute('data-activity-id')), n.innerText])""",
            selector,
        )
        assert shown
        key = "title_" + case["lang"]
        for activity_id, text in shown:
            index = w["ids"].index(activity_id)
            expected = layout.wordings(index, "long").get(key)
            if expected:
                assert expected in text, (activity_id, text)
            else:
                assert layout.titles(40, "long")[index] in text  # no wording: the original
    finally:
        page.close()
