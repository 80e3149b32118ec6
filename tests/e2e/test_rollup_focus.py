"""The rapporteur's view in real Chromium (issue 14): three groups rolled up, the facilitator
shows group B on the big screen from the console's roll-up card while B's rapporteur speaks;
the big screen shows B's heading and activities only, stays on B while the page time passes,
and turns its pages group by group again after "All groups".

The pictures looked at: the big screen on B at 1920x1080 and 1366x768, and the console's
roll-up card with its big-screen controls, in French and in Arabic.
"""

import itertools

import pytest
from playwright.sync_api import expect

from tests.e2e import layout
from tests.e2e.conftest import ARTIFACTS, axe_violations, open_console
from tests.e2e.test_working_groups_console import ACTIVITIES, CONSOLE, NAMES, TRACKS, picture, seed

pytestmark = pytest.mark.browser

SIZES = {"1920x1080": {"width": 1920, "height": 1080}, "1366x768": {"width": 1366, "height": 768}}
#: the big screen's page time in this test: short, so that a turn would be seen
PAGE_SECONDS = 1

#: the roll-up list's shown nodes: headings and items, with their boxes
SHOWN = """() => [...document.querySelectorAll('#rollup-list > li')]
  .filter(n => n.getClientRects().length > 0)
  .map(n => { const r = n.getBoundingClientRect();
    return {head: n.classList.contains('rollup-head'), group: n.dataset.groupId || null,
            activity: n.dataset.activityId ? Number(n.dataset.activityId) : null,
            text: n.textContent, x: r.left, y: r.top, width: r.width, height: r.height}; })"""


def overlap(a, b) -> bool:
    return (
        min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]) > 1
        and min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]) > 1
    )


def name_in(lang: str, index: int) -> str:
    return TRACKS[NAMES[index]][0] if lang == "ar" else NAMES[index]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_facilitator_shows_one_group_on_the_big_screen(server, make_workshop, contexts, lang):
    s = seed(server, make_workshop, unassigned=0)
    marked = s.ids[ACTIVITIES[2][0]]
    s.call("POST", f"/activities/{marked}/to-plenary", {"to_plenary": True})
    s.call("POST", f"/working-groups/{s.groups[2]['id']}/phase", {"phase": "prevote"})
    for group in s.groups:
        s.call("POST", f"/working-groups/{group['id']}/phase", {"phase": "done"})
    ballot = s.call("POST", "/rollup", {"top_n": 3})["ballot"]
    b_id = s.groups[1]["id"]
    b_items = {e["activity_id"] for e in ballot if e["working_group_id"] == b_id}
    assert len(b_items) == 3 and len(ballot) == 7  # 3 + 3 + the one marked at the third table

    screen = contexts("screen", lang=lang, viewport=SIZES["1920x1080"], reduced_motion="reduce")
    screen = screen.new_page()
    screen.goto(f"{s.w.screen_url}?lang={lang}&page_seconds={PAGE_SECONDS}")
    screen.wait_for_selector("body[data-connection='connected']")
    expect(screen.locator("body")).to_have_attribute("data-scene", "rollup")  # automatic
    heads = screen.locator("#rollup-list .rollup-head")
    expect(heads).to_have_count(3)

    console = open_console(contexts("console", lang=lang, viewport=CONSOLE["1366x768"]), s.w)
    card = console.locator("#rollup-focus")
    card.scroll_into_view_if_needed()
    expect(card).to_be_visible()
    expect(console.locator("#rollup-focus-all")).to_have_attribute("aria-pressed", "true")
    rows = console.locator("#rollup-focus-groups li")
    expect(rows).to_have_count(3)
    expect(rows.nth(1).locator(".rollup-focus-name")).to_have_text(name_in(lang, 1))
    rows.nth(1).locator("button.rollup-focus-show").click()
    expect(rows.nth(1).locator("button")).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#rollup-focus-all")).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#rollup-focus-now")).to_contain_text(name_in(lang, 1))
    assert s.call("GET", "")["rollup_focus_group_id"] == b_id
    for index in range(3):  # each group's name and button inside its box, inside the page
        row = rows.nth(index).bounding_box()
        assert row["x"] >= 0 and row["x"] + row["width"] <= CONSOLE["1366x768"]["width"], row
        for part in (".rollup-focus-name", "button"):
            box = rows.nth(index).locator(part).bounding_box()
            assert (
                row["x"] - 1 <= box["x"] and box["x"] + box["width"] <= row["x"] + row["width"] + 1
            )
            assert (
                row["y"] - 1 <= box["y"]
                and box["y"] + box["height"] <= row["y"] + row["height"] + 1
            )
    name_box = rows.nth(1).locator(".rollup-focus-name").bounding_box()
    assert not overlap(name_box, rows.nth(1).locator("button").bounding_box())
    assert axe_violations(console) == []
    picture(console.locator("#rollup"), f"wg-console-rollup-focus-{lang}.png")

    # the big screen: B's heading and B's activities only, whatever the page time
    expect(screen.locator("#rollup-list")).to_have_attribute("data-focus", str(b_id))
    for size, viewport in SIZES.items():
        screen.set_viewport_size(viewport)
        screen.evaluate("() => window.dispatchEvent(new Event('resize'))")
        screen.wait_for_timeout(400)
        for _turn in range(3):  # three page times pass: the screen stays on B
            shown = screen.evaluate(SHOWN)
            assert [n["group"] for n in shown if n["head"]] == [str(b_id)], (size, shown)
            assert name_in(lang, 1) in shown[0]["text"], shown[0]
            assert {n["activity"] for n in shown if not n["head"]} == b_items, (size, shown)
            for node in shown:
                assert node["x"] >= 0 and node["y"] >= 0, (size, node)
                assert node["x"] + node["width"] <= viewport["width"] + 1, (size, node)
                assert node["y"] + node["height"] <= viewport["height"] + 1, (size, node)
            for a, b in itertools.combinations(shown, 2):
                assert not overlap(a, b), (size, a, b)
            problems = layout.check_facts(screen.evaluate(layout.FACTS_JS))
            assert not problems, (size, problems)
            screen.wait_for_timeout(1000 * PAGE_SECONDS + 200)
        # the group's activities are read at the room's size at least (a short list grows)
        title = screen.locator("#rollup-list .rollup-item .rollup-title").first
        size_px = title.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
        assert size_px >= layout.TEXT_MIN_VH * viewport["height"] / 100 - 0.5, (size, size_px)
        screen.screenshot(path=str(ARTIFACTS / f"wg-screen-rollup-focus-{size}-{lang}.png"))
    assert axe_violations(screen) == []

    # B brings more than a page holds (its table marks eight, rolled up again: the focus
    # stays): B's activities are paged under B's heading, at the room's size, and the pages
    # turn within B only
    marked_b = set()
    for n in range(8):
        title = f"Former les conseillers de la région {n + 1} à la reconnaissance des compétences"
        aid = s.w.add(title, track=NAMES[1])
        s.call("POST", f"/activities/{aid}/to-plenary", {"to_plenary": True})
        marked_b.add(aid)
    s.call("POST", "/rollup", {"top_n": 3})
    assert s.call("GET", "")["rollup_focus_group_id"] == b_id
    viewport = SIZES["1366x768"]
    screen.set_viewport_size(viewport)
    pages = screen.locator("#rollup-pages")
    expect(pages).to_be_visible()
    expect(pages).to_contain_text(str(len(marked_b)))
    seen, turns = set(), 0
    while seen != marked_b and turns < 8:
        shown = screen.evaluate(SHOWN)
        assert [n["group"] for n in shown if n["head"]] == [str(b_id)], shown
        assert all(n["y"] + n["height"] <= viewport["height"] + 1 for n in shown), shown
        assert not layout.check_facts(screen.evaluate(layout.FACTS_JS))
        if turns == 1:
            screen.screenshot(path=str(ARTIFACTS / f"wg-screen-rollup-focus-paged-{lang}.png"))
        seen.update(n["activity"] for n in shown if not n["head"])
        screen.evaluate("() => window.Atelier.screen.nextPage()")
        turns += 1
    assert seen == marked_b and turns > 1, (seen, turns)

    # a reloaded big screen follows the server's choice
    screen.reload()
    screen.wait_for_selector("body[data-connection='connected']")
    expect(screen.locator("#rollup-list")).to_have_attribute("data-focus", str(b_id))
    expect(screen.locator("#rollup-list .rollup-head:visible")).to_have_count(1)

    # "All groups": every group again, one to a page, the pages turning by themselves
    console.locator("#rollup-focus-all").click()
    expect(console.locator("#rollup-focus-all")).to_have_attribute("aria-pressed", "true")
    assert s.call("GET", "")["rollup_focus_group_id"] is None
    expect(screen.locator("#rollup-list")).to_have_attribute("data-focus", "")
    expect(heads).to_have_count(3)
    seen = set()
    for _ in range(40):
        shown = screen.evaluate(SHOWN)
        seen.update(n["group"] for n in shown if n["head"])
        if len(seen) == 3:
            break
        screen.wait_for_timeout(250)
    assert seen == {str(g["id"]) for g in s.groups}, seen
    assert not layout.check_facts(screen.evaluate(layout.FACTS_JS))
