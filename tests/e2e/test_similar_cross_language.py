"""In real headless Chromium: a proposal typed in one language is shown its duplicate written
in another (issue 12: "an English proposal shows the French duplicate as a suggestion")."""

import pytest

from tests.e2e.conftest import PHONE, open_console

pytestmark = [pytest.mark.browser, pytest.mark.server]

FRENCH = "Partenariat Maroc–Allemagne pour la mobilité des infirmiers"
OTHERS = [
    "Mobilité des chauffeurs de poids lourds vers l'Allemagne",  # same theme, not the same
    "Observatoire régional de l'emploi",
    "تكوين مفتشي الشغل",
    "Reintegration of returning migrants",
]


def test_an_english_proposal_typed_on_a_phone_shows_the_french_duplicate(
    contexts, make_workshop, artifacts
):
    w = make_workshop()
    french_id = w.add(FRENCH)
    for title in OTHERS:
        w.add(title)
    w.phase("proposing")
    joined = w.api.call(
        "POST",
        w.path("/participants"),
        {"organisation": "GIZ", "group": "Agences de mise en œuvre"},
    )
    context = contexts("phone", "en")
    url = w.api.base
    context.add_cookies(
        [
            {"name": f"atelier_p_{w.code}", "value": joined["participant_token"], "url": url},
            {"name": "atelier_lang", "value": "en", "url": url},
        ]
    )
    page = context.new_page()
    page.goto(f"{url}/w/{w.code}")
    page.wait_for_selector("body[data-connection='connected']")
    page.wait_for_selector("#propose:not([hidden])")

    # typed key by key, as on a phone; the suggestion comes at a pause in typing
    page.locator("#p-title").press_sequentially(
        "Skills partnership with Germany for nurses", delay=20
    )
    box = page.locator("#similar")
    box.wait_for(state="visible", timeout=10_000)
    assert box.locator("li").count() == 1  # not the truck drivers, though Germany too
    assert box.locator(".similar-title").inner_text() == FRENCH
    assert "Is it one of these?" in box.inner_text()  # the phone's language, English

    # readable at 390 px: inside the viewport, nothing wider than the screen
    for locator in (box, box.locator(".similar-title"), box.locator(".similar-go")):
        rect = locator.bounding_box()
        assert rect and rect["x"] >= 0 and rect["x"] + rect["width"] <= PHONE["width"], rect
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "phone-similar-cross-en.png"))

    # "See it" leads to the French activity in the list
    box.locator(".similar-go").click()
    page.wait_for_selector(f'#activities li.flash[data-activity-id="{french_id}"]')

    # an Arabic title finds the English wording of its own activity
    page.fill("#p-title", "")
    page.locator("#p-title").press_sequentially("إعادة إدماج المهاجرين العائدين", delay=20)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#similar .similar-title')]"
        ".some(n => n.textContent === 'Reintegration of returning migrants')"
    )

    # proposed anyway: the console's duplicate list holds the French and the English wording
    page.fill("#p-title", "Skills partnership with Germany for nurses")
    box.locator(".similar-anyway").click()
    page.wait_for_selector("#notice.notice-ok")
    console = open_console(contexts("screen", "en", viewport={"width": 1366, "height": 768}), w)
    cluster = console.locator(".dup-cluster", has_text=FRENCH)
    cluster.wait_for(timeout=15_000)
    members = cluster.locator(".dup-member").all_inner_texts()
    english = "Skills partnership with Germany for nurses"
    assert len(members) == 2 and any(FRENCH in m for m in members)
    assert any(english in m for m in members)
    assert console.locator(".dup-cluster", has_text="poids lourds").count() == 0
    cluster.scroll_into_view_if_needed()
    console.screenshot(path=str(artifacts / "console-duplicates-cross-en.png"))
