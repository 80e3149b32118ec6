"""The console's participants, in real Chromium: a facilitator merges one person's two
identities, and a phone rejoins on another device with its recovery code.

Also the pictures looked at: the participants card at 1366x768 with 60 participants (French
and Arabic), the recovery code on a 390 px phone in French and Arabic.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, GROUPS, join
from tests.seeding import Phone

pytestmark = pytest.mark.browser

CONSOLE = {"width": 1366, "height": 768}


def token_of(context, code: str) -> str:
    [cookie] = [c for c in context.cookies() if c["name"] == f"atelier_p_{code}"]
    return cookie["value"]


def test_the_console_merges_two_identities_and_a_phone_rejoins_with_its_code(
    server, make_workshop, contexts
):
    w = make_workshop()
    activity = w.add("Guichet unique de la mobilité")
    old, new = contexts("phone").new_page(), contexts("phone").new_page()
    join(old, w, "CGEM", GROUPS[1], name="Salma")
    join(new, w, "CGEM", GROUPS[1], name="Salma B.")  # the same person, cookies lost
    w.phase("voting")
    for page, points in ((old, 3), (new, 2)):
        phone = Phone(server.url, token_of(page.context, w.code))
        assert phone.act("cast_vote", activity_id=activity, points=points)["ok"]
        phone.close()

    console = contexts("console", viewport=CONSOLE).new_page()
    console.on("dialog", lambda dialog: dialog.accept())
    console.goto(w.facilitator_url)
    rows = console.locator("#people-rows tr[data-participant]")
    expect(rows).to_have_count(2)
    expect(console.locator("#people-count")).to_contain_text("2")
    kept = rows.nth(1).get_attribute("data-participant")
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    console.select_option("#people-keep", kept)
    console.click("#people-merge")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-participant", kept)
    expect(rows.first.locator("td.num").last).to_have_text("3/5")  # 2 + 3 over a cap of 3
    expect(console.locator("#people-changes li button")).to_have_count(1)

    # the merged phone reloads as the kept identity
    expect(old.locator("#me")).to_contain_text("Salma B.")
    old.wait_for_selector("body[data-connection='connected']")

    # a new device rejoins with the kept phone's recovery code; that phone is signed out
    code = new.locator(".recovery-code").inner_text()
    third = contexts("phone").new_page()
    third.goto(w.join_url)
    third.locator("details.recover summary").click()
    third.fill("#recovery_code", "aaaa-aaaa")
    third.locator("details.recover button").click()
    expect(third.locator("#recovery-error")).to_be_visible()
    third.fill("#recovery_code", code.lower())
    third.locator("details.recover button").click()
    third.wait_for_url(f"**/w/{w.code}")
    expect(third.locator("#me")).to_contain_text("Salma B.")
    expect(third.locator(".recovery-code")).not_to_have_text(code)
    new.wait_for_url(f"**/j/{w.code}?signed_out=1")
    expect(new.locator(".notice-box")).to_be_visible()
    third.screenshot(path=str(ARTIFACTS / "participants-rejoined-phone.png"))


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_sixty_participants_fit_the_console_and_the_code_fits_a_phone(
    server, make_workshop, contexts, lang
):
    w = make_workshop()
    organisations = ["MIEPEEC", "CGEM", "UMT", "ANAPEC", "Enabel", "OIT", "GIZ", "OFPPT"]
    names = ["Amina Benali", "", "Youssef El Idrissi", "فاطمة الزهراء", "", "Jean-Marc Dupont"]
    tokens = [
        w.api.call(
            "POST",
            w.path("/participants"),
            {
                "name": names[n % len(names)],
                "organisation": organisations[n % len(organisations)],
                "group": GROUPS[n % len(GROUPS)],
            },
        )["participant_token"]
        for n in range(60)
    ]
    activity = w.add("Observatoire régional de l'emploi")
    w.phase("voting")
    online = [Phone(server.url, token) for token in tokens[:12]]
    for phone in online[:8]:
        phone.act("cast_vote", activity_id=activity, points=2)

    console = contexts("console", lang=lang, viewport=CONSOLE).new_page()
    console.goto(w.facilitator_url)
    rows = console.locator("#people-rows tr[data-participant]")
    expect(rows).to_have_count(60)
    expect(console.locator(".presence.is-online")).to_have_count(12)
    card = console.locator("#people")
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(ARTIFACTS / f"participants-console-{lang}-1366.png"))
    console.screenshot(path=str(ARTIFACTS / f"participants-console-page-{lang}-1366.png"))
    table = console.locator("#people-table").bounding_box()
    scroller = console.locator("#people .people-scroll").bounding_box()
    assert table["width"] <= scroller["width"] + 1, "the table scrolls sideways at 1366 px"
    assert scroller["height"] <= CONSOLE["height"], "the list is taller than the screen"
    header = console.locator("#people-table thead th").nth(1).bounding_box()
    console.locator("#people .people-scroll").evaluate("node => node.scrollTop = 400")
    assert console.locator("#people-table thead th").nth(1).bounding_box()["y"] == pytest.approx(
        header["y"], abs=1
    ), "the header stays while the rows scroll"
    # lines a cell's text takes: its boxes' distinct tops (a dot and its word share a line)
    lines = (
        "n => { const r = document.createRange(); r.selectNodeContents(n);"
        " const tops = Array.from(r.getClientRects()).map(b => b.bottom);"
        " return tops.filter(t => t - Math.min(...tops) > 8).length + 1; }"
    )
    for i in (0, 1, 3):
        row = rows.nth(i)
        assert row.bounding_box()["height"] <= 44, "a row is taller than a line: fewer fit"
        for cell in ("td.pseudonym", "td.num", ".presence"):
            for node in row.locator(cell).all():
                assert node.evaluate(lines) == 1, f"{cell} wraps onto several lines"
    console.locator("#people-filter").fill("ANAPEC")
    expect(rows).to_have_count(60 // len(organisations) + (60 % len(organisations) > 3))
    console.locator("#people-filter").fill("")

    phone = contexts("phone", lang=lang).new_page()
    phone.goto(w.join_url)
    phone.context.add_cookies(
        [{"name": f"atelier_p_{w.code}", "value": tokens[0], "url": server.url}]
    )
    phone.goto(w.join_url.replace("/j/", "/w/"))
    code = phone.locator(".recovery-code")
    expect(code).to_be_visible()
    box, viewport = code.bounding_box(), phone.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], "the code overflows"
    assert code.evaluate("n => getComputedStyle(n).direction") == "ltr", "read left to right"
    hint = phone.locator(".recovery-hint").bounding_box()
    assert hint["x"] + hint["width"] <= viewport["width"]
    phone.screenshot(path=str(ARTIFACTS / f"participants-recovery-{lang}-390.png"))
    join_page = contexts("phone", lang=lang).new_page()
    join_page.goto(w.join_url)
    join_page.locator("details.recover summary").click()
    join_page.screenshot(
        path=str(ARTIFACTS / f"participants-join-recover-{lang}-390.png"), full_page=True
    )
    for socket in online:
        socket.close()
