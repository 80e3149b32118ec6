"""Every page in French, Arabic and English: accessible (axe-core), right-to-left in Arabic,
usable from 320 px wide, light on the wire, the language choice kept."""

import pytest

from tests.e2e.conftest import axe_violations, join, open_console, open_screen

pytestmark = pytest.mark.browser


@pytest.fixture
def voting_workshop(make_workshop):
    w = make_workshop()
    w.add(
        "Cartographier les besoins en compétences des secteurs qui recrutent à l'international",
        "Étude conjointe avec le HCP et les fédérations professionnelles, actualisée chaque année.",
        "Compétences",
    )
    w.add("تعزيز الحوار الاجتماعي الثلاثي حول التنقل المهني", "لجنة متابعة تضم الوزارة والنقابات")
    w.add("Appuyer l'ANAPEC dans l'intermédiation internationale")
    w.phase("voting")
    return w


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_no_serious_accessibility_violation(contexts, voting_workshop, server, lang):
    w = voting_workshop
    phone = contexts("phone", lang).new_page()
    phone.goto(server.url + "/")
    pages = {"home": phone}
    assert axe_violations(phone) == [], "home"
    phone.goto(w.join_url)
    assert axe_violations(phone) == [], "join"
    join(phone, w, "ANAPEC", "Gouvernement")
    phone.wait_for_selector(".activity .dot-btn")
    phone.locator(".dot-btn[data-focus^=plus]").first.click()
    phone.wait_for_selector(".vote-status-ok")
    assert axe_violations(phone) == [], "phone"
    screen = open_screen(contexts("screen", lang), w, lang)
    screen.wait_for_selector(".result")
    assert axe_violations(screen) == [], "big screen"
    laptop = contexts("screen", lang)
    console = open_console(laptop, w)
    console.wait_for_selector("#activities tr")
    assert axe_violations(console) == [], "console"
    host = laptop.new_page()
    host.goto(server.url + "/host?key=e2e-host-key")
    assert axe_violations(host) == [], "host"
    assert pages
