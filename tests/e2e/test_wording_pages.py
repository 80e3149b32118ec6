"""Words in the room's languages, in real headless Chromium against `run.py`: an Arabic phone
shows the Arabic wording of groups, tracks and activities where the facilitator gave one and
the original elsewhere, with the original one tap away; the big screen in English shows the
English titles; the console edits a wording and the phone follows. Screenshots are saved in
tests/artifacts/ (phone 390 px in French and Arabic, big screen 1920x1080 and 1280x720)."""

import pytest

from tests.e2e.layout import RESULT_TITLE_MIN_VH, TEXT_MIN_VH

pytestmark = [pytest.mark.browser, pytest.mark.server]

AR_LONG = (
    "الشراكة من أجل المهارات مع ألمانيا لتنقل الممرضين والممرضات وتكوينهم قبل المغادرة وبعد العودة"
)
EN_LONG = (
    "Skills partnership with Germany for the mobility of nurses, with training before departure"
)
FR_LONG = "Partenariat Maroc–Allemagne pour la mobilité des infirmiers, formation avant le départ"


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


@pytest.fixture
def worded(make_workshop):
    """A French workshop whose facilitator gave Arabic and English wordings to some names."""
    w = make_workshop(
        groups=[
            "Gouvernement | ar: الحكومة | en: Government",
            "Organisations d'employeurs | ar: منظمات المشغلين | en: Employers' organisations",
            "Agences de mise en œuvre",
        ],
        tracks=["Mobilité | ar: التنقل | en: Mobility", "Compétences"],
    )
    first = w.api.call(
        "POST",
        w.path("/activities"),
        {
            "title": FR_LONG,
            "description": "Deux cohortes de 150 infirmiers",
            "track": "Mobilité",
            "title_ar": AR_LONG,
            "title_en": EN_LONG,
            "description_ar": "دفعتان من 150 ممرضًا",
        },
        w.token,
    )["activity_id"]
    second = w.add("Observatoire régional de l'emploi", track="Compétences")
    w.phase("proposing")
    return w, first, second


def open_phone(contexts, server, w, lang):
    joined = w.api.call(
        "POST",
        w.path("/participants"),
        {"organisation": "ANAPEC", "group": "Organisations d'employeurs", "language": lang},
    )
    context = contexts("phone", lang)
    context.add_cookies(
        [
            {
                "name": f"atelier_p_{w.code}",
                "value": joined["participant_token"],
                "url": server.url,
            },
            {"name": "atelier_lang", "value": lang, "url": server.url},
        ]
    )
    page = context.new_page()
    page.goto(f"{server.url}/w/{w.code}")
    page.wait_for_selector("#activities li.activity")
    return page


def test_an_arabic_phone_shows_arabic_wording_and_the_original_one_tap_away(
    contexts, server, worded, artifacts
):
    w, first, second = worded
    page = open_phone(contexts, server, w, "ar")
    items = page.locator("#activities li.activity")
    expect(items).to_have_count(2)
    worded_item = items.filter(has_text=AR_LONG)
    expect(worded_item.locator("h3")).to_have_text(AR_LONG)
    expect(worded_item.locator(".desc")).to_have_text("دفعتان من 150 ممرضًا")
    expect(worded_item.locator(".track")).to_have_text("التنقل")
    original = worded_item.locator("details.original")
    expect(original.locator(".original-title")).to_be_hidden()  # folded: one tap away
    original.locator("summary").click()
    expect(original.locator(".original-title")).to_have_text(FR_LONG)
    expect(original.locator(".original-desc")).to_have_text("Deux cohortes de 150 infirmiers")
    plain = items.filter(has_text="Observatoire")
    expect(plain.locator("h3")).to_have_text("Observatoire régional de l'emploi")  # no wording
    expect(plain.locator("details.original")).to_have_count(0)
    expect(plain.locator(".track")).to_have_text("Compétences")
    expect(page.locator("#me")).to_contain_text("منظمات المشغلين")  # the group, in Arabic
    options = page.locator("#p-track option")
    expect(options.nth(1)).to_have_text("التنقل")
    # at 390 px the long Arabic title wraps inside the card, right to left
    box = worded_item.locator("h3").bounding_box()
    card = worded_item.bounding_box()
    assert box["x"] >= card["x"] - 1 and box["x"] + box["width"] <= card["x"] + card["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#activities h3')).direction")
        == "rtl"
    )
    page.screenshot(path=str(artifacts / "wording-phone-ar.png"), full_page=True)
    # the opened original survives the next snapshot (a new proposal arrives)
    w.add("Campagne d'information sur les droits")
    expect(items).to_have_count(3)
    expect(original.locator(".original-title")).to_be_visible()

    # the facilitator gives the second activity its Arabic title: the phone follows, live
    w.api.call("PATCH", w.path(f"/activities/{second}"), {"title_ar": "مرصد جهوي للتشغيل"}, w.token)
    expect(items.filter(has_text="مرصد جهوي").locator("h3")).to_have_text("مرصد جهوي للتشغيل")

    # voting: the long Arabic title, its original and the dots fit the 390 px card together
    w.phase("voting")
    plus = worded_item.locator(".dot-btn").last
    expect(plus).to_be_visible()
    for node in (plus, worded_item.locator("h3"), original):
        box = node.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "wording-phone-ar-voting.png"), full_page=True)


def test_a_french_phone_shows_the_originals(contexts, server, worded, artifacts):
    w, _first, _second = worded
    page = open_phone(contexts, server, w, "fr")
    item = page.locator("#activities li.activity").first
    expect(item.locator("h3")).to_have_text(FR_LONG)
    expect(item.locator("details.original")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "wording-phone-fr.png"), full_page=True)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_big_screen_in_english_shows_english_titles(contexts, server, worded, artifacts, size):
    w, _first, _second = worded
    for n in range(3):
        w.add(f"Former les conseillers à l'emploi des agences régionales ({n})")
    w.api.call("PATCH", w.path(), {"screen_scene": "proposals"}, w.token)
    page = contexts("screen", "en", viewport={"width": size[0], "height": size[1]}).new_page()
    page.goto(f"{w.screen_url}?lang=en")
    title = page.locator(".proposal-title", has_text=EN_LONG)
    expect(title).to_have_count(1)
    expect(page.locator(".proposal-track", has_text="Mobility")).to_have_count(1)
    expect(page.locator(".proposal-title", has_text="Observatoire régional")).to_have_count(1)
    height = float(title.evaluate("n => parseFloat(getComputedStyle(n).fontSize)"))
    assert height >= TEXT_MIN_VH / 100 * size[1] - 0.5, height
    box = title.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= size[0]
    assert box["y"] + box["height"] <= size[1]
    page.screenshot(path=str(artifacts / f"wording-screen-en-{size[0]}x{size[1]}.png"))

    # results: the English title, as large as any result title
    w.phase("voting")
    w.api.call("PATCH", w.path(), {"screen_scene": "results"}, w.token)
    page.wait_for_function("() => document.body.dataset.scene === 'results'")
    result = page.locator(".result-title", has_text=EN_LONG)
    expect(result).to_be_visible()
    size_px = float(result.evaluate("n => parseFloat(getComputedStyle(n).fontSize)"))
    assert size_px >= RESULT_TITLE_MIN_VH / 100 * size[1] - 0.5, size_px
    page.screenshot(path=str(artifacts / f"wording-screen-results-en-{size[0]}x{size[1]}.png"))


def test_the_console_gives_names_and_titles_their_wordings(contexts, server, worded, artifacts):
    w, _first, _second = worded
    console = contexts("console", "fr", viewport={"width": 1366, "height": 768}).new_page()
    console.goto(w.facilitator_url)
    gov = console.locator("#wording-names tr", has_text="Gouvernement")
    expect(gov.locator("input[lang=ar]")).to_have_value("الحكومة")
    headers = console.locator(".wording-table thead th")
    arabic_column = [headers.nth(i).get_attribute("lang") for i in range(4)].index("ar")
    expect(gov.locator("td, th").nth(arabic_column).locator("input")).to_have_value("الحكومة")
    row = console.locator("#wording-names tr", has_text="Agences de mise en œuvre")
    field = row.locator("input[lang=ar]")
    field.fill("وكالات التنفيذ")
    field.press("Tab")
    expect(console.locator("#wordings-msg")).to_be_visible()
    state = w.state()
    assert state["groups"][2]["name_ar"] == "وكالات التنفيذ"
    # the activity's wordings: choose it, see its original, give its English description
    console.select_option("#wording-activity", str(state["activities"][1]["id"]))
    expect(console.locator("#wording-activity-original")).to_have_text(
        "Observatoire régional de l'emploi"
    )
    console.fill("#wording-title-en", "Regional employment observatory")
    console.locator("#wording-form button[type=submit]").click()
    expect(console.locator("#activities .wording-line[lang=en]").last).to_have_text(
        "EN Regional employment observatory"
    )
    card = console.locator("#wordings-card")
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
    card.screenshot(path=str(artifacts / "wording-console-1366.png"))


def test_the_arabic_console_shows_a_chosen_french_title_from_its_start(
    contexts, server, worded, artifacts
):
    """A closed select writes its option in the select's direction: in the Arabic console the
    picker takes the chosen title's (A.followText), or a French title would show its end."""
    w, _first, _second = worded
    console = contexts("console", "ar", viewport={"width": 1366, "height": 768}).new_page()
    console.goto(w.facilitator_url)
    picker = console.locator("#wording-activity")
    expect(picker).to_have_attribute("dir", "rtl")  # its Arabic placeholder
    console.select_option("#wording-activity", str(w.state()["activities"][1]["id"]))
    expect(picker).to_have_attribute("dir", "ltr")
    console.locator("#wordings-card").scroll_into_view_if_needed()
    console.locator("#wordings-card").screenshot(
        path=str(artifacts / "wording-console-ar-1366.png")
    )
