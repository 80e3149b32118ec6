"""Working groups at their tables, in real Chromium (issue 14): three table screens at
1366x768 and the plenary's big screen open at once; a French phone and an Arabic phone join
from their tables' QR addresses, are seated there, see their group first and propose; each
proposal reaches its own table only (and the plenary screen); a table pre-votes and its
screen ranks; the other groups are browsed read-only.

The pictures looked at: each table screen (fr, ar, en) while proposing and the first one
pre-voting, the French and the Arabic phone (their group, the other groups unfolded, the
pre-vote), the plenary screen.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, axe_violations, open_screen

pytestmark = pytest.mark.browser

TABLE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: three components of the programme (tracks), with their names in Arabic and English: the
#: working groups are made from them and copy the names
TRACKS = {
    "Gouvernance de la migration de main-d'œuvre": (
        "حكامة هجرة اليد العاملة",
        "Governance of labour migration",
    ),
    "Compétences et employabilité": ("المهارات وقابلية التشغيل", "Skills and employability"),
    "Réintégration des migrants de retour": (
        "إعادة إدماج المهاجرين العائدين",
        "Reintegration of returning migrants",
    ),
}
#: the table screens' languages: each table reads its own
TABLE_LANGS = ["fr", "ar", "en"]
FRENCH = "Créer un guichet unique d'information sur la migration de travail dans chaque région"
ARABIC = "برنامج لتكوين المستشارين في التشغيل حول الاعتراف بالمهارات المكتسبة في الخارج"
#: the drafted activities of each component (the facilitator's, before the session)
SEEDED = [
    ["Harmoniser les statistiques de la migration de travail avec le HCP"],
    ["Développer des parcours de formation certifiants avec l'OFPPT"],
    ["Accompagner les migrants de retour vers l'emploi"],
]

#: what a table screen shows, measured in the page (one arrow function)
FACTS = """() => {
  const box = (n) => { const r = n.getBoundingClientRect();
    return {x: r.left, y: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const shown = (n) => !!n && n.getClientRects().length > 0;
  const font = (n) => parseFloat(getComputedStyle(n).fontSize);
  const parts = {};
  for (const sel of ['.table-bar', '.table-join', '.table-activities', '.table-foot', '#group-name',
                     '.table-qr', '.table-code', '.table-url', '#phase', '#activities']) {
    const n = document.querySelector(sel);
    if (shown(n)) parts[sel] = box(n);
  }
  const items = [...document.querySelectorAll('#activities .table-item')].map(n => {
    const t = n.querySelector('.table-title');
    const cut = t.scrollHeight > t.clientHeight + 1;
    return {text: n.textContent, ...box(n), title: font(t), cut};
  });
  const titles = [...document.querySelectorAll('.table-screen h1, .table-screen h2')]
    .filter(shown).map(n => ({text: n.textContent, font: font(n)}));
  const h1 = document.querySelector('#group-name');
  const nameCut = h1.scrollHeight > h1.clientHeight + 1 || h1.scrollWidth > h1.clientWidth + 1;
  const se = document.scrollingElement;
  return {vw: innerWidth, vh: innerHeight, parts, items, titles, nameCut,
          scrollW: se.scrollWidth, scrollH: se.scrollHeight, dir: document.documentElement.dir};
}"""


def overlap(a: dict, b: dict) -> bool:
    apart_x = a["r"] - 1 <= b["x"] or b["r"] - 1 <= a["x"]
    return not apart_x and not (a["b"] - 1 <= b["y"] or b["b"] - 1 <= a["y"])


def check_table(page) -> dict:
    """Geometry of a table screen: everything inside the viewport, no overlap, titles of at
    least 16 px, no card cut by its list, no scrolling."""
    facts = page.evaluate(FACTS)
    vw, vh = facts["vw"], facts["vh"]
    assert facts["scrollW"] <= vw and facts["scrollH"] <= vh, facts
    for sel, b in facts["parts"].items():
        inside = b["x"] >= -0.5 and b["y"] >= -0.5 and b["r"] <= vw + 0.5 and b["b"] <= vh + 0.5
        assert inside, (sel, b)
    parts = facts["parts"]
    for a, b in [
        (".table-bar", ".table-join"),
        (".table-bar", ".table-activities"),
        (".table-join", ".table-activities"),
        (".table-activities", ".table-foot"),
        (".table-join", ".table-foot"),
    ]:
        if a in parts and b in parts:
            assert not overlap(parts[a], parts[b]), (a, b, parts[a], parts[b])
    assert parts[".table-qr"]["w"] >= 180, parts[".table-qr"]  # scannable from a chair
    assert not facts["nameCut"], parts["#group-name"]  # the group's name in full
    for title in facts["titles"]:
        assert title["font"] >= 16, title
    listed = parts.get("#activities")
    for i, item in enumerate(facts["items"]):
        assert item["title"] >= 16, item
        assert not item["cut"], item
        assert listed["y"] - 0.5 <= item["y"] and item["b"] <= listed["b"] + 0.5, (item, listed)
        assert listed["x"] - 0.5 <= item["x"] and item["r"] <= listed["r"] + 0.5, (item, listed)
        for other in facts["items"][i + 1 :]:
            assert not overlap(item, other), (item, other)
    return facts


def titles_on(page) -> list[str]:
    return page.locator("#activities .table-title").all_inner_texts()


def join_at(page, join_url: str, code: str, organisation: str, group_label: str) -> None:
    """Join from a table's QR address: the phone lands seated at that table."""
    page.goto(join_url)
    page.fill("#organisation", organisation)
    page.get_by_label(group_label, exact=True).check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/w/{code}?table=*")
    page.wait_for_selector("body[data-connection='connected']")


def shoot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if full_page:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def seed_tables(make_workshop, count: int = 3):
    """A workshop whose working groups are made from its tracks (names in fr/ar/en), each
    with its drafted activities, in the proposing phase."""
    names = list(TRACKS)[:count]
    w = make_workshop(tracks=names)
    for track in w.state()["tracks"]:
        ar, en = TRACKS[track["name"]]
        wording = {"name_ar": ar, "name_en": en}
        w.api.call("PATCH", w.path(f"/tracks/{track['id']}"), wording, w.token)
    groups = w.api.call("POST", w.path("/working-groups"), {"from_tracks": True}, w.token)
    groups = groups["working_groups"]
    assert [g["name"] for g in groups] == names
    for name, titles in zip(names, SEEDED, strict=False):
        for title in titles:
            w.add(title, track=name)
    w.phase("proposing")
    return w, groups


def test_three_tables_and_the_plenary_at_once(make_workshop, contexts):
    w, groups = seed_tables(make_workshop)

    # the three table screens, each in its own language, and the plenary's big screen
    tables = []
    for group, lang in zip(groups, TABLE_LANGS, strict=True):
        page = contexts("screen", lang, viewport=TABLE).new_page()
        page.goto(group["screen_url"] + f"?lang={lang}")
        page.wait_for_selector("body[data-connection='connected']")
        tables.append(page)
    plenary = open_screen(contexts("screen"), w)
    expect(tables[1].locator("#group-name")).to_have_text("المهارات وقابلية التشغيل")
    assert tables[1].evaluate("document.documentElement.dir") == "rtl"
    expect(tables[2].locator("#group-name")).to_have_text("Reintegration of returning migrants")
    for page in tables:
        expect(page.locator("#phase")).not_to_be_empty()

    # a French phone joins from the first table's QR address, an Arabic one from the second's
    join_urls = [w.join_url + f"?table={g['id']}" for g in groups]  # what join.svg encodes
    french = contexts("phone", "fr", viewport=PHONE).new_page()
    join_at(french, join_urls[0], w.code, "Ministère de l'Emploi", "Gouvernement")
    arabic = contexts("phone", "ar", viewport=PHONE).new_page()
    join_at(arabic, join_urls[1], w.code, "الاتحاد المغربي للشغل", "Organisations de travailleurs")
    expect(french.locator("#my-group-name")).to_contain_text("Gouvernance de la migration")
    expect(arabic.locator("#my-group-name")).to_contain_text("المهارات وقابلية التشغيل")
    assert arabic.evaluate("document.documentElement.dir") == "rtl"
    expect(tables[0].locator("#count")).to_have_text("1")
    expect(tables[1].locator("#count")).to_have_text("1")
    expect(tables[2].locator("#count")).to_have_text("0")

    # the first table's countdown: on its screen and its phone, not at the other tables
    timer = w.path(f"/working-groups/{groups[0]['id']}/timer")
    w.api.call("POST", timer, {"action": "start", "seconds": 900}, w.token)
    expect(tables[0].locator("#timer .timer-value")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    expect(french.locator("#timer .timer-value")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    expect(tables[1].locator("#timer")).to_be_hidden()
    expect(arabic.locator("#timer")).to_be_hidden()

    # each proposes; the proposal reaches its own table and the plenary screen, no other table
    french.fill("#p-title", FRENCH)
    french.locator("#propose-form button[type=submit]").click()
    expect(tables[0].locator("#activities .table-title").first).to_have_text(FRENCH)
    arabic.fill("#p-title", ARABIC)
    arabic.locator("#propose-form button[type=submit]").click()
    expect(tables[1].locator("#activities .table-title").first).to_have_text(ARABIC)
    expect(plenary.locator("#proposals")).to_contain_text(FRENCH[:30])
    expect(plenary.locator("#proposals")).to_contain_text(ARABIC[:20])
    tables[2].wait_for_timeout(800)  # the phones' window: anything for this table has come
    assert FRENCH not in titles_on(tables[1]) and FRENCH not in titles_on(tables[2])
    assert ARABIC not in titles_on(tables[0]) and ARABIC not in titles_on(tables[2])
    assert titles_on(tables[2]) == [SEEDED[2][0]]
    # each phone lists its own group's activities, none of the other tables'
    expect(french.locator("#activities")).to_contain_text(FRENCH[:30])
    expect(french.locator("#activities")).to_contain_text(SEEDED[0][0])
    assert ARABIC not in french.locator("#activities").inner_text()
    assert SEEDED[1][0] not in french.locator("#activities").inner_text()
    assert FRENCH not in arabic.locator("#activities").inner_text()
    for index, page in enumerate(tables):  # each table: its drafted activities, no others'
        expect(page.locator("#activities")).to_contain_text(SEEDED[index][0][:30])
        for other in range(3):
            if other != index:
                assert SEEDED[other][0] not in titles_on(page)

    # the French phone browses the second table, read-only
    other = french.locator("#other-groups details", has_text="Compétences")
    other.locator("summary").click()
    expect(other.locator(".other-group-list li")).to_have_text([SEEDED[1][0], ARABIC])
    assert other.locator("button").count() == 0

    shoot(plenary, "table_plenary_screen")
    for name, page in (("fr", french), ("ar", arabic)):
        shoot(page, f"table_phone_{name}", full_page=True)
        assert axe_violations(page) == [], (name, axe_violations(page))
    for index, page in enumerate(tables):
        shoot(page, f"table_{index + 1}_{TABLE_LANGS[index]}_proposing")
        check_table(page)
        assert axe_violations(page) == [], (index, axe_violations(page))

    # the first table pre-votes: the phone's buttons, the table's ranking
    w.api.call(
        "POST", w.path(f"/working-groups/{groups[0]['id']}/phase"), {"phase": "prevote"}, w.token
    )
    expect(tables[0].locator("#phase")).to_have_text(made_phase(tables[0], "prevote"))
    expect(french.locator("#propose")).to_be_hidden()
    plus = french.get_by_role("button", name="Ajouter un point · " + FRENCH)
    plus.click()
    expect(french.locator(".vote-status-ok")).to_be_visible()
    expect(tables[0].locator(".table-rank").first).to_have_text("1")
    expect(tables[0].locator(".table-figures").first).to_contain_text("1")
    # the second table still proposes: nothing of the pre-vote reached it
    expect(tables[1].locator("#phase")).not_to_have_text(made_phase(tables[0], "prevote"))
    assert tables[1].locator(".table-rank").count() == 0
    shoot(tables[0], "table_1_fr_prevote")
    shoot(french, "table_phone_fr_prevote", full_page=True)
    check_table(tables[0])


def made_phase(page, phase: str) -> str:
    """A group's phase as the page's script names it (its words come from the server)."""
    return page.evaluate(f"window.Atelier.t.wg.phases[{phase!r}]")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_table_screen_with_a_long_list_shows_what_fits(make_workshop, contexts, lang):
    w, groups = seed_tables(make_workshop, count=1)
    group = groups[0]
    page = contexts("screen", lang, viewport=TABLE).new_page()
    page.goto(group["screen_url"] + f"?lang={lang}")
    page.wait_for_selector("body[data-connection='connected']")
    phone = contexts("phone", lang, viewport=PHONE).new_page()
    join_at(phone, w.join_url + f"?table={group['id']}", w.code, "OIT", "Gouvernement")
    long = "Renforcer le dialogue social tripartite sur la mobilité professionnelle et les droits"
    track = list(TRACKS)[0]
    for n in range(12):  # the facilitator's drafts (a phone may propose 10 a minute)
        w.add(f"{n + 1}. {long}"[:120], track=track)
    phone.fill("#p-title", f"13. {long}"[:120])
    phone.locator("#propose-form button[type=submit]").click()
    expect(page.locator("#activity-count")).to_have_text("14")  # 13 and the drafted one
    expect(page.locator("#more")).to_be_visible()
    shoot(page, f"table_long_list_{lang}")
    facts = check_table(page)
    shown = len(facts["items"])
    assert 0 < shown < 14
    expect(page.locator("#more")).to_contain_text(str(14 - shown))
    assert facts["dir"] == ("rtl" if lang == "ar" else "ltr")
