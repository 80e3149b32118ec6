"""Working groups in real Chromium (issue 14): the console's overview of the tables, a table
facilitator running one group from a second browser, the roll-up with a cross-group duplicate
merged, and the big screen's roll-up and plenary results with their provenance.

The pictures looked at: the console's overview of the groups (1366x768 and 1920x1080, French
and Arabic), a group's rename form in its tile (Arabic), a table facilitator's console, the
console's roll-up, the big screen's roll-up and plenary results (1920x1080 and 1280x720, French
and Arabic).
"""

import itertools
import time

import pytest
from playwright.sync_api import expect

from tests.e2e import layout
from tests.e2e.conftest import ARTIFACTS, GROUPS, axe_violations, open_console
from tests.json_http import http
from tests.seeding import Phone

pytestmark = pytest.mark.browser

CONSOLE = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}
SCREENS = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}

#: three components of the programme, worded in Arabic and English (the groups copy them)
TRACKS = {
    "Gouvernance de la migration de main-d'œuvre": (
        "حكامة هجرة اليد العاملة",
        "Governance of labour migration",
    ),
    "Compétences et employabilité": ("المهارات وقابلية التشغيل", "Skills and employability"),
    "Réintégration des migrants de retour": ("إعادة إدماج المهاجرين العائدين", "Reintegration"),
}
NAMES = list(TRACKS)
#: the same idea drafted at two tables: the roll-up proposes to merge it
GUICHET = "Créer un guichet unique d'information sur la migration de travail dans chaque région"
GUICHET_BIS = "Créer un guichet unique d'information sur la migration de travail dans les régions"
ACTIVITIES = {
    0: [
        GUICHET,
        "Harmoniser les statistiques de la migration de travail avec le HCP",
        "Renforcer le dialogue social tripartite sur la mobilité professionnelle",
        "Réviser le cadre des accords bilatéraux de main-d'œuvre",
    ],
    1: [
        GUICHET_BIS,
        "Développer des parcours de formation certifiants avec l'OFPPT",
        "Reconnaître les compétences acquises à l'étranger",
        "Cartographier les besoins en compétences des secteurs qui recrutent",
    ],
    2: [
        "Accompagner les migrants de retour vers l'emploi et l'entrepreneuriat",
        "حملة تحسيسية حول حقوق العمال المهاجرين العائدين",
        "Mettre en place un suivi des parcours de réintégration",
    ],
}
#: the pre-vote at the first two tables: (member's index at the table, activity's index, points);
#: each ranks its first activity first (6), its third second (3), its second third (2)
PREVOTES = [(0, 0, 3), (0, 1, 2), (1, 0, 2), (1, 2, 3), (2, 0, 1), (2, 3, 1)]
PEOPLE = 12  # four at each table, of whom the last two have no table yet
ORGS = ["Ministère de l'Emploi", "CGEM", "UMT", "ANAPEC", "OIT", "OFPPT"]


class Seeded:
    def __init__(self, w, ids, groups, people):
        self.w, self.ids, self.groups, self.people = w, ids, groups, people

    def call(self, method, suffix, body=None):
        return self.w.api.call(method, self.w.path(suffix), body, self.w.token)

    def status(self, method, suffix, body=None):
        return http(method, self.w.api.base + self.w.path(suffix), body, self.w.token)

    def group(self, index):
        gid = self.groups[index]["id"]
        state = self.call("GET", "/working-groups")
        return next(g for g in state["working_groups"] if g["id"] == gid)


def seed(server, make_workshop, *, unassigned: int = 2) -> Seeded:
    """Three tables made from the tracks, 12 people (all but `unassigned` seated by hand), two
    tables in pre-vote with votes cast, the first one's countdown running."""
    w = make_workshop(tracks=NAMES, language="fr")
    ids = {}
    for table, titles in ACTIVITIES.items():
        for title in titles:
            ids[title] = w.add(title, track=NAMES[table])
    state = w.state()
    for track in state["tracks"]:
        ar, en = TRACKS[track["name"]]
        w.api.call(
            "PATCH", w.path(f"/tracks/{track['id']}"), {"name_ar": ar, "name_en": en}, w.token
        )
    w.phase("proposing")
    made = w.api.call("POST", w.path("/working-groups"), {"from_tracks": True}, w.token)
    groups = sorted(made["working_groups"], key=lambda g: g["position"])
    assert [g["name"] for g in groups] == NAMES
    people = []
    for n in range(PEOPLE):
        joined = w.api.call(
            "POST",
            w.path("/participants"),
            {"organisation": ORGS[n % len(ORGS)], "group": GROUPS[n % len(GROUPS)]},
        )
        table = n % 3
        if n < PEOPLE - unassigned:
            w.api.call(
                "PUT",
                w.path(f"/participants/{joined['participant_id']}/working-group"),
                {"working_group_id": groups[table]["id"]},
                w.token,
            )
        people.append({"token": joined["participant_token"], "table": table, **joined})
    seeded = Seeded(w, ids, groups, people)
    for table in (0, 1):
        seeded.call("POST", f"/working-groups/{groups[table]['id']}/phase", {"phase": "prevote"})
        members = [p for p in people[: PEOPLE - unassigned] if p["table"] == table]
        phones = [Phone(server.url, p["token"]) for p in members]
        try:
            for who, what, points in PREVOTES:
                title = ACTIVITIES[table][what]
                ack = phones[who].act("cast_prevote", activity_id=ids[title], points=points)
                assert ack["ok"], ack
        finally:
            for phone in phones:
                phone.close()
    seeded.call(
        "POST", f"/working-groups/{groups[0]['id']}/timer", {"action": "start", "seconds": 600}
    )
    return seeded


def picture(card, name: str) -> None:
    """A card's picture, without the console's sticky bar drawn over it (set through the CSSOM:
    the page's CSP refuses an injected style sheet)."""
    bar = "(on) => { document.querySelector('.bar').style.position = on ? '' : 'static'; }"
    card.page.evaluate(bar, False)
    card.screenshot(path=str(ARTIFACTS / name))
    card.page.evaluate(bar, True)


def until(check, seconds: float = 5) -> None:
    """Wait until `check()` holds (what the server says after a console's click)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the server never said so"
        time.sleep(0.1)


def boxes(page, selector):
    return [
        page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())
    ]


def overlap(a, b) -> bool:
    return (
        min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]) > 1
        and min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]) > 1
    )


#: every shown element of each tile: inside its tile, its type size, whether it is cut
TILE_FACTS = """() => [...document.querySelectorAll('.wg-tile')].map(tile => {
  const t = tile.getBoundingClientRect();
  const out = [];
  for (const n of tile.querySelectorAll('h4, span, strong, small, li, button, a, p, img')) {
    if (!n.getClientRects().length) continue;
    const r = n.getBoundingClientRect();
    const text = n.textContent.slice(0, 30);
    if (r.left < t.left - 1 || r.right > t.right + 1 || r.top < t.top - 1
        || r.bottom > t.bottom + 1) out.push('outside its tile: ' + n.tagName + ' ' + text);
    const size = parseFloat(getComputedStyle(n).fontSize);
    if (n.textContent.trim() && size < 13.5) out.push('type ' + size + 'px: ' + text);
    if (n.scrollWidth > n.clientWidth + 1 && getComputedStyle(n).overflow !== 'visible')
      out.push('cut: ' + n.textContent.slice(0, 30));
  }
  return {id: tile.dataset.groupId, problems: out};
})"""


@pytest.mark.parametrize(
    "size,lang", [("1366x768", "fr"), ("1920x1080", "ar"), ("1366x768", "ar"), ("1920x1080", "fr")]
)
def test_the_console_shows_every_table_at_a_glance(server, make_workshop, contexts, size, lang):
    s = seed(server, make_workshop)
    # the console's switches on, beside the groups (every other card is shown as it is)
    s.call("PATCH", "", {"live_results": True, "show_group_split": True})
    console = open_console(contexts("console", lang=lang, viewport=CONSOLE[size]), s.w)
    console.on("dialog", lambda dialog: dialog.accept())
    tiles = console.locator("#wg-tiles .wg-tile")
    expect(tiles).to_have_count(3)
    for index, name in enumerate(NAMES):
        ar, _en = TRACKS[name]
        expect(tiles.nth(index).locator(".wg-name")).to_have_text(ar if lang == "ar" else name)
    first = tiles.nth(0)
    expect(first.locator(".wg-participants strong")).to_have_text("4")
    expect(first).to_have_attribute("data-phase", "prevote")
    expect(first.locator(".wg-clock")).to_have_attribute("data-timer", "running")
    expect(tiles.nth(2)).to_have_attribute("data-phase", "proposing")
    expect(tiles.nth(2).locator(".wg-clock")).to_have_attribute("data-timer", "idle")
    # the top of the first table's pre-vote: GUICHET 3+2+1, then the dialogue 3, then HCP 2
    top = first.locator(".wg-top li .wg-top-title")
    expect(top).to_have_count(3)
    expect(top.nth(0)).to_have_text(GUICHET)
    expect(tiles.nth(2).locator(".wg-top-none")).to_be_visible()
    expect(first.locator("img.wg-qr")).to_have_js_property("complete", True)
    assert first.locator("img.wg-qr").evaluate("n => n.naturalWidth") > 0, "the QR code loads"
    assert (
        first.locator("a.wg-screen-link")
        .get_attribute("href")
        .endswith(s.group(0)["screen_url"].split("/", 3)[3])
    )

    # the two without a table are placed: the others keep theirs (balanced: smallest first)
    expect(console.locator("#wg-unassigned")).to_contain_text("2")
    console.locator(".wg-assign button[data-method='balanced']").click()
    expect(console.locator("#wg-unassigned")).not_to_contain_text("2")
    counts = [g["participants"] for g in s.call("GET", "/working-groups")["working_groups"]]
    assert sorted(counts) == [4, 4, 4] and counts[0] == 4, counts

    console.locator("#working-groups").scroll_into_view_if_needed()
    vw = CONSOLE[size]["width"]
    tile_boxes = boxes(console, "#wg-tiles .wg-tile")
    for box in tile_boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= vw, box
    for a, b in itertools.combinations(tile_boxes, 2):
        assert not overlap(a, b), (a, b)
    per_row = sum(1 for b in tile_boxes if abs(b["y"] - tile_boxes[0]["y"]) < 2)
    assert per_row == 3, f"the three tables side by side at {size}: {per_row} in the first row"
    problems = [p for tile in console.evaluate(TILE_FACTS) for p in tile["problems"]]
    assert not problems, problems
    assert console.evaluate("document.scrollingElement.scrollWidth") <= vw
    assert axe_violations(console) == []
    picture(console.locator("#working-groups"), f"wg-console-overview-{size}-{lang}.png")


def test_a_table_facilitator_runs_one_group_from_a_second_browser(server, make_workshop, contexts):
    s = seed(server, make_workshop)
    third = s.groups[2]
    main = open_console(contexts("console", viewport=CONSOLE["1366x768"]), s.w)
    link = s.call("POST", f"/working-groups/{third['id']}/links", {"label": "Table 3"})
    assert link["url"].startswith("http") and link.get("token")

    table = contexts("console", viewport=CONSOLE["1366x768"]).new_page()
    table.goto(link["url"])
    table.wait_for_url(f"**/f/{s.w.code}")
    table.wait_for_selector("body[data-connection='connected']")
    expect(table.locator("#table-name")).to_contain_text(NAMES[2])
    # the whole workshop's controls are not offered
    for whole in (
        "#phase-buttons",
        "#working-groups",
        "#rollup",
        "#scene-picker",
        "#add-form",
        "#people",
        "#access",
    ):
        expect(table.locator(whole)).to_have_count(0)
    rows = table.locator("#table-rows tr")
    expect(rows).to_have_count(len(ACTIVITIES[2]))

    # its phase and countdown work, and the main console sees them live
    table.locator("#table-phase button[data-group-phase='prevote']").click()
    expect(table.locator("#table-phase button[data-group-phase='prevote']")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(main.locator("#wg-tiles .wg-tile").nth(2)).to_have_attribute("data-phase", "prevote")
    assert s.group(2)["phase"] == "prevote"
    table.locator("#table-timer button[data-minutes='10']").click()
    expect(table.locator("#table-timer .wg-clock")).to_have_attribute("data-timer", "running")
    expect(main.locator("#wg-tiles .wg-tile").nth(2).locator(".wg-clock")).to_have_attribute(
        "data-timer", "running"
    )
    table.locator("#table-timer button[data-timer-action='pause']").click()
    expect(table.locator("#table-timer .wg-clock")).to_have_attribute("data-timer", "paused")
    table.locator("#table-timer button[data-timer-action='resume']").click()
    expect(table.locator("#table-timer .wg-clock")).to_have_attribute("data-timer", "running")

    # its activities: bring one to the plenary, hide one
    kept = s.ids[ACTIVITIES[2][1]]
    row = table.locator(f"#table-rows tr[data-activity-id='{kept}']")
    row.locator("button.to-plenary").click()
    expect(row.locator("button.to-plenary")).to_have_attribute("aria-pressed", "true")
    hidden = s.ids[ACTIVITIES[2][2]]
    table.locator(f"#table-rows tr[data-activity-id='{hidden}'] button").first.click()
    expect(table.locator(f"#table-hidden-rows tr[data-activity-id='{hidden}']")).to_have_class(
        "is-hidden"
    )
    marked = {a["id"]: a["to_plenary"] for a in s.call("GET", "")["activities"]}
    assert marked[kept] is True

    # a whole-workshop action, tried anyway from the table's browser, is refused
    post = "([path, body]) => window.Atelier.api('POST', '/api/workshops/' + window.Atelier.config.code + path, body)"  # noqa: E501
    refused = table.evaluate(post, ["/phase", {"phase": "voting"}])
    assert refused["ok"] is False and refused["error"] == "table_link_scope", refused
    other = table.evaluate(post, [f"/working-groups/{s.groups[0]['id']}/phase", {"phase": "done"}])
    assert other["ok"] is False and other["error"] == "table_link_scope", other
    assert s.call("GET", "")["phase"] == "proposing" and s.group(0)["phase"] == "prevote"

    assert axe_violations(table) == []
    assert table.evaluate("document.scrollingElement.scrollWidth") <= CONSOLE["1366x768"]["width"]
    table.evaluate("() => { document.querySelector('.bar').style.position = 'static'; }")
    table.screenshot(path=str(ARTIFACTS / "wg-table-console-1366x768-fr.png"), full_page=True)

    # the table merges its two visible activities: the first ticked is kept
    first, second = s.ids[ACTIVITIES[2][1]], s.ids[ACTIVITIES[2][0]]
    table.locator(f"#table-rows tr[data-activity-id='{first}'] input[type=checkbox]").check()
    table.locator(f"#table-rows tr[data-activity-id='{second}'] input[type=checkbox]").check()
    table.locator("#table-merge").click()
    expect(table.locator(f"#table-rows tr[data-activity-id='{second}']")).to_have_count(0)
    expect(table.locator("#table-count")).to_have_text("1")
    merged = {a["id"]: a for a in s.call("GET", "")["activities"]}
    assert merged[second]["status"] == "merged" and merged[second]["merged_into_id"] == first
    # what it hid, it restores (after a reload too: the table's room lists visible ones only)
    table.reload()
    table.wait_for_selector("body[data-connection='connected']")
    back = table.locator(f"#table-activities tr[data-activity-id='{hidden}']")
    expect(back).to_have_class("is-hidden")
    back.locator("button.hide-toggle").click()
    expect(back).not_to_have_class("is-hidden")
    expect(table.locator("#table-count")).to_have_text("2")


def test_a_revoked_table_link_s_console_closes_itself(server, make_workshop, contexts):
    """The owner revokes a table link: its open console, refused at its reconnection, reloads
    into the locked page (it does not sit 'reconnecting' with the table's controls)."""
    s = seed(server, make_workshop)
    link = s.call("POST", f"/working-groups/{s.groups[2]['id']}/links", {"label": "Table 3"})
    table = open_table(contexts, link["url"], s.w.code, "fr")
    expect(table.locator("#table-rows tr").first).to_be_visible()
    s.call("DELETE", f"/cohosts/{link['id']}")
    expect(table.locator(".error[role=alert]")).to_be_visible(timeout=15_000)
    expect(table.locator("#table-console")).to_have_count(0)


def open_table(contexts, url: str, code: str, lang: str):
    """A browser that opens a table link (1366x768, in `lang`), once its table's room spoke."""
    page = contexts("console", lang, viewport=CONSOLE["1366x768"]).new_page()
    page.goto(url)
    page.wait_for_url(f"**/f/{code}")
    page.wait_for_selector("body[data-connection='connected']")
    return page


#: the table console's parts measured at 1366x768: inside the page's width, not cut
TABLE_FACTS = """() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const parts = '#table-console h2, #table-console th, #table-console td, #table-console button';
  for (const n of document.querySelectorAll(parts)) {
    if (!n.getClientRects().length) continue;
    const r = n.getBoundingClientRect();
    const text = n.textContent.trim().slice(0, 30);
    if (r.left < -1 || r.right > vw + 1) out.push('outside the page: ' + n.tagName + ' ' + text);
    if (n.scrollWidth > n.clientWidth + 1 && getComputedStyle(n).overflow !== 'visible')
      out.push('cut: ' + text);
    if (text && parseFloat(getComputedStyle(n).fontSize) < 13.5) out.push('small: ' + text);
  }
  return out;
}"""


def test_what_one_browser_of_a_table_hides_another_restores(server, make_workshop, contexts):
    """Two browsers of the same table link (the table facilitator's laptop in French, the
    rapporteur's in Arabic): what one hides, the other lists as hidden and restores, and the
    first sees it back; what the main facilitator hid in the group is listed too. Nothing is
    kept in the browser: a reload lists the same."""
    s = seed(server, make_workshop)
    third = s.groups[2]
    link = s.call("POST", f"/working-groups/{third['id']}/links", {"label": "Table 3"})
    laptop = open_table(contexts, link["url"], s.w.code, "fr")
    phone = open_table(contexts, link["url"], s.w.code, "ar")
    pages = (laptop, phone)
    first, second, third_one = (s.ids[t] for t in ACTIVITIES[2])

    def row(page, activity_id):
        return page.locator(f"#table-activities tr[data-activity-id='{activity_id}']")

    def hidden_head(page, count):
        """The heading the hidden ones are listed under, as the page's script words it."""
        words = page.evaluate("window.Atelier.t.wg.hidden_count")
        return words.replace("%(count)s", str(count))

    for page in pages:
        expect(page.locator("#table-rows tr")).to_have_count(3)
    # the laptop hides one: the rapporteur's browser lists it as hidden
    row(laptop, third_one).locator("button.hide-toggle").click()
    for page in pages:
        expect(row(page, third_one)).to_have_class("is-hidden")
        under = page.locator("#table-hidden-rows")
        expect(under.locator(f"tr[data-activity-id='{third_one}']")).to_have_count(1)
        expect(under.locator("tr.table-hidden-head th")).to_have_text(hidden_head(page, 1))
        expect(page.locator("#table-count")).to_have_text("2")
    # the main facilitator hides another of the group's: both browsers of the table list it
    assert s.status("POST", f"/activities/{first}/hide")[0] == 200
    for page in pages:
        expect(row(page, first)).to_have_class("is-hidden")
        expect(page.locator("#table-count")).to_have_text("1")
        expect(page.locator("#table-hidden-rows tr.is-hidden")).to_have_count(2)
        expect(page.locator("#table-hidden-rows th")).to_have_text(hidden_head(page, 2))
        assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('hidden'))") == []

    # the pictures looked at: the laptop in French, the rapporteur's browser in Arabic
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    for page, lang in ((laptop, "fr"), (phone, "ar")):
        assert page.evaluate(TABLE_FACTS) == [], lang
        assert (
            page.evaluate("document.scrollingElement.scrollWidth") <= CONSOLE["1366x768"]["width"]
        )
        assert axe_violations(page) == [], lang
        page.evaluate("() => { document.querySelector('.bar').style.position = 'static'; }")
        shot = ARTIFACTS / f"wg-table-console-hidden-1366x768-{lang}.png"
        page.screenshot(path=str(shot), full_page=True)

    # the rapporteur restores what the laptop hid: the laptop sees it back
    row(phone, third_one).locator("button.hide-toggle").click()
    for page in pages:
        expect(row(page, third_one)).not_to_have_class("is-hidden")
        expect(row(page, third_one).locator("button.to-plenary")).to_be_visible()
        expect(page.locator("#table-count")).to_have_text("2")
    hidden = [a["id"] for a in s.call("GET", "")["activities"] if a["status"] == "hidden"]
    assert hidden == [first]
    # a reload (or the console opened elsewhere) lists what the server says: the main
    # facilitator's hidden one, which the laptop restores
    laptop.reload()
    laptop.wait_for_selector("body[data-connection='connected']")
    expect(row(laptop, first)).to_have_class("is-hidden")
    expect(laptop.locator("#table-hidden-rows tr.is-hidden")).to_have_count(1)
    row(laptop, first).locator("button.hide-toggle").click()
    for page in pages:
        expect(page.locator("#table-rows tr")).to_have_count(3)
        expect(page.locator("#table-hidden-rows")).to_be_hidden()
        expect(page.locator("#table-hidden-rows tr")).to_have_count(0)
    statuses = {a["id"]: a["status"] for a in s.call("GET", "")["activities"]}
    assert [statuses[i] for i in (first, second, third_one)] == ["visible"] * 3


def screen_facts(page) -> list[str]:
    facts = page.evaluate(layout.FACTS_JS)
    assert facts["texts"], "the scene shows something to read"
    return layout.check_facts(facts)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_roll_up_and_the_plenary_vote_on_the_big_screen(server, make_workshop, contexts, lang):
    s = seed(server, make_workshop, unassigned=0)
    marked = s.ids[ACTIVITIES[2][0]]
    s.call("POST", f"/activities/{marked}/to-plenary", {"to_plenary": True})
    s.call("POST", f"/working-groups/{s.groups[2]['id']}/phase", {"phase": "prevote"})
    for group in s.groups:  # a table is done after its pre-vote
        s.call("POST", f"/working-groups/{group['id']}/phase", {"phase": "done"})
    console = open_console(contexts("console", lang=lang, viewport=CONSOLE["1366x768"]), s.w)
    console.on("dialog", lambda dialog: dialog.accept())
    screen_context = contexts(
        "screen", lang=lang, viewport=SCREENS["1920x1080"], reduced_motion="reduce"
    )
    screen = screen_context.new_page()
    screen.goto(f"{s.w.screen_url}?lang={lang}&page_seconds=600")
    screen.wait_for_selector("body[data-connection='connected']")
    expect(screen.locator("body")).to_have_attribute("data-scene", "proposals")

    # roll up (top 2), undo, roll up again
    console.locator("#rollup").scroll_into_view_if_needed()
    console.fill("#rollup-top", "2")
    console.locator("#rollup-go").click()
    ballot = console.locator("#ballot-rows tr")
    expect(ballot).to_have_count(5)  # 2 + 2 + the one marked at the third table
    console.locator("#rollup-undo").click()
    expect(console.locator("#ballot-table")).to_be_hidden()
    assert s.call("GET", "/rollup")["ballot"] == []
    console.locator("#rollup-go").click()
    expect(ballot).to_have_count(5)
    expect(ballot.nth(0)).to_have_attribute("data-activity-id", str(s.ids[GUICHET]))
    expect(ballot.nth(4)).to_have_attribute("data-activity-id", str(marked))

    # the big screen follows: the roll-up, group by group
    expect(screen.locator("body")).to_have_attribute("data-scene", "rollup")
    heads = screen.locator("#rollup-list .rollup-head")
    expect(heads).to_have_count(3)
    expect(heads.nth(0)).to_be_visible()
    expect(heads.nth(1)).to_be_hidden()  # the rapporteurs present one at a time
    expect(screen.locator("#rollup-pages")).to_contain_text("3")
    for size in SCREENS:
        screen.set_viewport_size(SCREENS[size])
        screen.evaluate("() => window.dispatchEvent(new Event('resize'))")
        screen.wait_for_timeout(400)
        for page_index in range(3):
            expect(heads.nth(page_index)).to_be_visible()
            problems = screen_facts(screen)
            assert not problems, (size, page_index, problems)
            if page_index == 0:
                screen.screenshot(path=str(ARTIFACTS / f"wg-screen-rollup-{size}-{lang}.png"))
            screen.evaluate("() => window.Atelier.screen.nextPage()")
    assert axe_violations(screen) == []

    # the cross-group duplicate is proposed and merged (GUICHET has the larger pre-vote: kept)
    pair = console.locator("#rollup-duplicates .rollup-pair")
    expect(pair).to_have_count(1)
    expect(pair.locator("input[type=radio]:checked")).to_have_value(str(s.ids[GUICHET]))
    picture(console.locator("#rollup"), f"wg-console-rollup-before-merge-{lang}.png")
    pair.locator("button.primary").click()
    expect(pair).to_have_count(0)
    kept_row = console.locator(f"#ballot-rows tr[data-activity-id='{s.ids[GUICHET]}']")
    expect(kept_row.locator("small")).to_have_count(1)  # "also brought by" the second table
    expect(ballot).to_have_count(4)
    picture(console.locator("#rollup"), f"wg-console-rollup-{lang}.png")
    assert axe_violations(console) == []

    # the plenary votes on the ballot; the results say who brought each activity
    s.w.phase("voting")
    expect(console.locator("#rollup-undo")).to_be_disabled()
    on_ballot = [s.ids[GUICHET], s.ids[ACTIVITIES[0][2]], s.ids[ACTIVITIES[1][2]], marked]
    for n, person in enumerate(s.people):
        phone = Phone(server.url, person["token"])
        try:
            ack = phone.act("cast_vote", activity_id=on_ballot[n % 4], points=1 + n % 3)
            assert ack["ok"], ack
        finally:
            phone.close()
    expect(screen.locator("body")).to_have_attribute("data-scene", "results")
    rows = screen.locator("#results li.result")
    expect(rows).to_have_count(4)
    guichet = screen.locator(f"#results li.result[data-activity-id='{s.ids[GUICHET]}'] .provenance")
    first_name, second_name = (
        (TRACKS[NAMES[0]][0], TRACKS[NAMES[1]][0]) if lang == "ar" else NAMES[:2]
    )
    expect(guichet).to_contain_text(first_name)
    expect(guichet).to_contain_text(second_name)
    expect(
        screen.locator(f"#results li.result[data-activity-id='{marked}'] .provenance")
    ).to_be_visible()
    for size in SCREENS:
        screen.set_viewport_size(SCREENS[size])
        screen.evaluate("() => window.dispatchEvent(new Event('resize'))")
        screen.wait_for_timeout(400)
        problems = screen_facts(screen)
        assert not problems, (size, problems)
        provenance = screen.locator("#results .provenance").first
        assert (
            provenance.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
            >= 0.022 * SCREENS[size]["height"] - 0.5
        )
        screen.screenshot(path=str(ARTIFACTS / f"wg-screen-plenary-{size}-{lang}.png"))
    assert axe_violations(screen) == []


def test_groups_are_defined_seated_and_moved_from_the_console(server, make_workshop, contexts):
    w = make_workshop(tracks=NAMES, language="fr")
    people = [
        w.api.call(
            "POST",
            w.path("/participants"),
            {"organisation": ORGS[n % len(ORGS)], "group": GROUPS[n % len(GROUPS)]},
        )
        for n in range(6)
    ]
    console = open_console(contexts("console", lang="ar", viewport=CONSOLE["1366x768"]), w)
    console.on("dialog", lambda dialog: dialog.accept())
    tiles = console.locator("#wg-tiles .wg-tile")
    expect(console.locator("#wg-empty")).to_be_visible()
    console.locator("#wg-from-tracks").click()
    expect(tiles).to_have_count(3)
    # a group by name, with its Arabic wording: the Arabic console shows the wording
    console.fill("#wg-name", "Données et statistiques")
    console.fill("#wg-name-ar", "المعطيات والإحصاءات")
    console.fill("#wg-name-en", "Data and statistics")
    console.locator("#wg-add button[type=submit]").click()
    expect(tiles).to_have_count(4)
    expect(tiles.nth(3).locator(".wg-name")).to_have_text("المعطيات والإحصاءات")
    made = w.api.call("GET", w.path("/working-groups"), token=w.token)["working_groups"]
    assert made[3]["name"] == "Données et statistiques"
    assert made[3]["names"] == {"fr": "", "ar": "المعطيات والإحصاءات", "en": "Data and statistics"}
    # renamed from its tile: the form opens with its name and wordings, as the create form
    tiles.nth(3).locator("button.wg-rename").click()
    form = tiles.nth(3).locator("form.wg-rename-form")
    expect(form).to_be_visible()
    expect(form.locator("input[data-field='name']")).to_have_value("Données et statistiques")
    expect(form.locator("input[data-field='name_ar']")).to_have_value("المعطيات والإحصاءات")
    expect(form.locator("input[data-field='name_en']")).to_have_value("Data and statistics")
    form.locator("input[data-field='name']").fill("Données, statistiques et suivi")
    form.locator("input[data-field='name_ar']").fill("المعطيات والإحصاءات والتتبع")
    form.locator("input[data-field='name_en']").fill("")
    tile_box = tiles.nth(3).bounding_box()
    for field in form.locator("input, button").all():  # the form stays inside its tile
        box = field.bounding_box()
        assert (
            tile_box["x"] - 1 <= box["x"]
            and box["x"] + box["width"] <= tile_box["x"] + tile_box["width"] + 1
        )
    picture(tiles.nth(3), "wg-console-rename-ar.png")
    form.locator("button[type=submit]").click()
    expect(form).to_be_hidden()
    expect(tiles.nth(3).locator(".wg-name")).to_have_text("المعطيات والإحصاءات والتتبع")
    renamed = w.api.call("GET", w.path("/working-groups"), token=w.token)["working_groups"][3]
    assert renamed["name"] == "Données, statistiques et suivi"
    assert renamed["names"] == {"fr": "", "ar": "المعطيات والإحصاءات والتتبع", "en": ""}
    assert axe_violations(console) == []
    tiles.nth(3).locator(".wg-delete").click()
    expect(tiles).to_have_count(3)

    # phones may not choose; everyone is seated by stakeholder group, then one is moved
    console.locator("#wg-choice").uncheck()
    console.wait_for_function("() => !document.getElementById('wg-choice').checked")
    until(lambda: w.state()["working_group_choice"] is False)
    console.locator("#wg-only-unassigned").uncheck()
    console.locator(".wg-assign button[data-method='stakeholder_group']").click()
    expect(tiles.nth(0).locator(".wg-participants strong")).to_have_text("2")
    expect(console.locator("#wg-unassigned")).not_to_contain_text("6")
    seated = {
        p["participant_id"]: p.get("working_group_id")
        for p in w.api.call("GET", w.path("/participants"), token=w.token)["participants"]
    }
    assert all(seated.values()), seated
    who = people[0]["participant_id"]
    target = next(g for g in made[:3] if g["id"] != seated[who])
    console.select_option("#wg-move-who", who)
    console.select_option("#wg-move-to", str(target["id"]))
    console.locator("#wg-move button[type=submit]").click()
    expect(console.locator("#wg-msg")).to_contain_text(who)
    moved = {
        p["participant_id"]: p.get("working_group_id")
        for p in w.api.call("GET", w.path("/participants"), token=w.token)["participants"]
    }
    assert moved[who] == target["id"]
    assert axe_violations(console) == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_drafted_activities_are_placed_at_the_tables_from_the_console(
    server, make_workshop, contexts, lang
):
    """Groups by name (not from tracks): the drafted activities sit at no table until the
    facilitator places them; one placed, then moved, then kept where it was pre-voted."""
    w = make_workshop(language="fr")
    drafted = [w.add(title) for title in ACTIVITIES[0][:3]]
    w.api.call(
        "POST",
        w.path("/working-groups"),
        {"names": ["Gouvernance | ar: الحكامة", "Données et statistiques | ar: المعطيات"]},
        w.token,
    )
    made = w.api.call("GET", w.path("/working-groups"), token=w.token)["working_groups"]
    console = open_console(contexts("console", lang=lang, viewport=CONSOLE["1366x768"]), w)
    tool = console.locator("#wg-activities")
    expect(console.locator("#wg-unplaced")).to_have_text(
        "Activités sans table : 3" if lang == "fr" else "أنشطة بلا طاولة: 3"
    )
    # the activities at no table come first, each saying where it sits
    options = console.locator("#wg-place-what option")
    expect(options).to_have_count(4)  # "Choose…" and the three
    assert (
        options.nth(1)
        .inner_text()
        .endswith("→ " + ("Aucun groupe" if lang == "fr" else "بلا فريق"))
    )

    def placed() -> dict:
        state = w.state()
        return {a["id"]: a["working_group_id"] for a in state["activities"]}

    for activity, group in ((drafted[0], made[0]), (drafted[1], made[1]), (drafted[2], made[1])):
        console.select_option("#wg-place-what", str(activity))
        console.select_option("#wg-place-to", str(group["id"]))
        # the closed select shows the French title from its start, in the Arabic console too
        expect(console.locator("#wg-place-what")).to_have_attribute("dir", "ltr")
        console.locator("#wg-place button[type=submit]").click()
        until(lambda a=activity, g=group: placed()[a] == g["id"])
    expect(console.locator("#wg-unplaced")).to_have_text(
        "Chaque activité est à une table." if lang == "fr" else "كل نشاط موضوع على طاولة."
    )
    expect(console.locator("#wg-msg")).to_contain_text(ACTIVITIES[0][2])
    counts = {
        g["id"]: g["activities"]
        for g in w.api.call("GET", w.path("/working-groups"), token=w.token)["working_groups"]
    }
    assert counts == {made[0]["id"]: 1, made[1]["id"]: 2}

    # the form stays inside its tool, the page does not scroll sideways
    tool.scroll_into_view_if_needed()
    box = tool.bounding_box()
    for field in tool.locator("select, button, p, label").all():
        f = field.bounding_box()
        assert box["x"] - 1 <= f["x"] and f["x"] + f["width"] <= box["x"] + box["width"] + 1, f
    assert console.evaluate("document.scrollingElement.scrollWidth") <= CONSOLE["1366x768"]["width"]
    assert axe_violations(console) == []
    picture(tool, f"wg-console-place-activities-{lang}.png")

    # pre-voted at its table: it stays there, and the console says why
    joined = w.api.call(
        "POST", w.path("/participants"), {"organisation": "CGEM", "group": GROUPS[0]}
    )
    w.api.call(
        "PUT",
        w.path(f"/participants/{joined['participant_id']}/working-group"),
        {"working_group_id": made[0]["id"]},
        w.token,
    )
    w.phase("proposing")
    w.api.call(
        "POST", w.path(f"/working-groups/{made[0]['id']}/phase"), {"phase": "prevote"}, w.token
    )
    phone = Phone(server.url, joined["participant_token"])
    try:
        assert phone.act("cast_prevote", activity_id=drafted[0], points=1)["ok"]
    finally:
        phone.close()
    console.select_option("#wg-place-what", str(drafted[0]))
    console.select_option("#wg-place-to", str(made[1]["id"]))
    console.locator("#wg-place button[type=submit]").click()
    expect(console.locator("#wg-msg")).to_contain_text(
        "pré-voté" if lang == "fr" else "تصويتًا أوليًا"
    )
    assert placed()[drafted[0]] == made[0]["id"]
