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
def test_no_serious_accessibility_violation(contexts, voting_workshop, server, lang, artifacts):
    w = voting_workshop
    phone = contexts("phone", lang).new_page()
    phone.goto(server.url + "/")
    pages = {"home": phone}
    assert axe_violations(phone) == [], "home"
    phone.goto(w.join_url)
    assert axe_violations(phone) == [], "join"
    phone.screenshot(path=str(artifacts / f"join-{lang}.png"), full_page=True)
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
    console.screenshot(path=str(artifacts / f"console-{lang}.png"))
    host = laptop.new_page()
    host.goto(server.url + "/host?key=e2e-host-key")
    assert axe_violations(host) == [], "host"
    assert pages


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("mode", ["dots", "score", "approval"])
def test_usable_from_320_px_wide_with_thumb_sized_targets(
    contexts, make_workshop, server, lang, mode
):
    w = make_workshop(voting={"mode": mode, "budget": 3} if mode != "score" else {"mode": mode})
    w.add("Anticonstitutionnellement_" * 3 + " un titre sans espace assez long")
    w.add("Former", "Une description\nsur plusieurs lignes")
    w.phase("voting")
    w.timer("start", 600)
    page = contexts("phone", lang, viewport={"width": 320, "height": 640}).new_page()
    page.goto(server.url + "/")
    assert no_horizontal_scroll(page), "home"
    page.goto(w.join_url)
    assert no_horizontal_scroll(page), "join"
    join(page, w, "Organisation internationale du Travail (OIT/ILO)", "Agences de mise en œuvre")
    page.wait_for_selector("li.activity .vote button")
    page.locator("#timer[data-timer='running']").wait_for()
    assert no_horizontal_scroll(page), "phone"
    small = page.evaluate(
        "() => [...document.querySelectorAll('main button, .vote button, .langs a')]"
        ".filter(b => b.offsetParent !== null)"
        ".map(b => b.getBoundingClientRect())"
        ".filter(r => r.width < 44 || r.height < 44).length"
    )
    assert small == 0, f"{small} targets smaller than 44 px"


def test_arabic_is_mirrored(contexts, voting_workshop):
    page = contexts("phone", "ar").new_page()
    join(page, voting_workshop, "OFPPT", "Gouvernement")
    assert page.locator("html").get_attribute("dir") == "rtl"
    first = page.locator("li.activity").first
    minus = first.locator("button[data-focus^='minus-']").bounding_box()
    plus = first.locator("button[data-focus^='plus-']").bounding_box()
    assert plus["x"] < minus["x"], "in Arabic, + sits on the left of −"
    title = page.locator("h1#title").bounding_box()
    phase = page.locator("#phase").bounding_box()
    assert phase["x"] < title["x"], "the phase sits at the left end of the bar"
    strong = first.evaluate("n => getComputedStyle(n).borderInlineStartWidth")
    right = first.evaluate("n => getComputedStyle(n).borderRightWidth")
    assert strong == right == "6px"


def test_the_language_choice_is_kept_across_pages_and_reloads(contexts, voting_workshop):
    context = contexts("phone", "fr")
    page = context.new_page()
    join(page, voting_workshop, "CNSS", "Gouvernement")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator(".langs a[hreflang='ar']").click()
    page.wait_for_selector("html[lang='ar'][dir='rtl']")
    page.wait_for_selector("body[data-connection='connected'] li.activity")
    assert page.url.endswith(f"/w/{voting_workshop.code}")
    page.reload()
    assert page.locator("html").get_attribute("lang") == "ar"
    page.goto(voting_workshop.join_url + "?edit=1")
    assert page.locator("html").get_attribute("lang") == "ar"
    # A ?lang= in the address does not trap the switcher: choosing English sticks.
    page.goto(voting_workshop.join_url.replace("/j/", "/w/") + "?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator(".langs a[hreflang='en']").click()
    page.wait_for_selector("html[lang='en']")
    page.goto(voting_workshop.join_url.replace("/j/", "/w/"))
    assert page.locator("html").get_attribute("lang") == "en"
    # Refusals over the socket come in the page's language too.
    assert page.evaluate("() => Atelier.socket.io.opts.query.lang") == "en"


def test_the_big_screen_keeps_its_own_language(contexts, voting_workshop):
    laptop = contexts("screen", "fr")
    console = open_console(laptop, voting_workshop)
    links = console.locator(".screen-link")
    assert links.count() == 3
    with laptop.expect_page() as opened:
        console.locator(".screen-link[hreflang='ar']").click()
    screen = opened.value
    screen.wait_for_selector("body[data-connection='connected'] li.result")
    assert screen.locator("html").get_attribute("dir") == "rtl"
    assert "النتائج" in screen.locator("#results-title").inner_text()
    console.reload()  # the console on the same laptop stays in French
    assert console.locator("html").get_attribute("lang") == "fr"
    screen.locator(".screen-langs a[hreflang='en']").click()
    screen.wait_for_selector("html[lang='en']")
    assert "lang=en" in screen.url
    screen.reload()
    assert screen.locator("html").get_attribute("lang") == "en"
    console.reload()
    assert console.locator("html").get_attribute("lang") == "fr"


def test_the_countdown_runs_on_every_screen_even_with_a_wrong_clock(contexts, voting_workshop):
    w = voting_workshop
    laptop = contexts("screen", "fr")
    console = open_console(laptop, w)
    screen = open_screen(contexts("screen", "fr"), w)
    phone_context = contexts("phone", "fr")
    phone = phone_context.new_page()
    join(phone, w, "ANAPEC", "Gouvernement")
    # This phone's clock is 7 minutes fast: the server's time in each snapshot corrects it.
    phone.clock.install()
    phone.clock.set_system_time(phone.evaluate("() => Date.now()") / 1000 + 7 * 60)
    phone.clock.resume()
    console.locator(".timer-presets button[data-minutes='5']").click()
    for page in (console, screen, phone):
        page.locator("#timer[data-timer='running']").wait_for()
    shown = screen.locator("#timer .timer-value").inner_text()
    assert shown in ("5:00", "4:59", "4:58"), shown
    on_phone = phone.locator("#timer .timer-value").inner_text()
    assert on_phone in ("5:00", "4:59", "4:58"), on_phone
    console.locator("#timer-pause").click()
    screen.locator("#timer[data-timer='paused']").wait_for()
    paused = screen.locator("#timer .timer-value").inner_text()
    screen.wait_for_timeout(1500)
    assert screen.locator("#timer .timer-value").inner_text() == paused
    assert w.state()["timer"]["state"] == "paused"
    console.locator("#timer-resume").click()
    phone.locator("#timer[data-timer='running']").wait_for()
    console.locator("#timer-reset").click()
    screen.locator("#timer").wait_for(state="hidden")
    phone.locator("#timer").wait_for(state="hidden")
    console.fill("#timer-minutes", "0")
    console.locator("#timer-form button").click()
    assert console.locator("#console-msg").inner_text() == (
        "Saisissez un nombre entier de minutes, de 1 à 180."
    )


def test_the_participant_page_weighs_under_150_kb_on_first_load(browser, server):
    """Everything that crosses the wire with an empty cache, 40 activities with descriptions
    (bench/page_weight.py prints the same figures per resource)."""
    from bench.page_weight import BUDGET, measure, prepare

    code, token, _facilitator = prepare(server.url, 40)
    cookie = {"name": f"atelier_p_{code}", "value": token, "url": server.url}
    ready = "body[data-connection='connected'] li.activity"
    result = measure(browser, server.url, f"/w/{code}", ready, [cookie])
    resources = result["resources"]
    assert "/static/vendor/socket.io/socket.io.min.js" in resources
    assert resources["websocket frames"] > 0  # the welcome snapshot is counted too
    # Compressed on the wire: the socket.io client is 48 KB as a file.
    assert resources["/static/vendor/socket.io/socket.io.min.js"] < 25_000
    assert result["total"] < BUDGET, resources


def test_approval_and_score_controls_explain_themselves(contexts, make_workshop):
    approval = make_workshop(voting={"mode": "approval", "budget": 1})
    approval.add("Former les inspecteurs du travail")
    approval.add("Créer un observatoire de l'emploi")
    approval.phase("voting")
    page = contexts("phone", "fr").new_page()
    join(page, approval, "DGT", "Gouvernement")
    first, second = page.locator("li.activity").nth(0), page.locator("li.activity").nth(1)
    first.locator("button.toggle").click()
    first.locator(".vote-status-ok").wait_for()
    assert first.locator("button.toggle").get_attribute("aria-pressed") == "true"
    assert second.locator("button.toggle").is_disabled()
    assert second.locator(".why").inner_text() == (
        "Vous avez utilisé tous vos soutiens. Retirez-en un pour soutenir celle-ci."
    )
    first.locator("button.toggle").click()  # withdraw: the other one can be supported again
    first.locator(".vote-status-ok").wait_for()
    assert second.locator("button.toggle").is_enabled()
    assert approval.results()["voters"] == 0

    score = make_workshop(voting={"mode": "score"})
    score.add("Appuyer l'ANAPEC")
    score.phase("voting")
    page = contexts("phone", "ar").new_page()
    join(page, score, "ANAPEC", "Agences de mise en œuvre")
    item = page.locator("li.activity").first
    item.get_by_role("button", name="4", exact=True).click()
    item.locator(".vote-status-ok").wait_for()
    assert item.locator("button.score[aria-pressed='true']").inner_text() == "4"
    assert score.results()["activities"][0]["total"] == 4
    item.locator("button.link").click()  # remove my score
    item.locator("button.score[aria-pressed='true']").wait_for(state="detached")
    assert score.results()["activities"][0]["total"] == 0


def test_the_big_screen_updates_rows_in_place(contexts, voting_workshop):
    """No full re-render per update: the same row elements move and grow."""
    w = voting_workshop
    screen = open_screen(contexts("screen", "fr"), w)
    screen.wait_for_selector("li.result")
    screen.evaluate(
        "() => document.querySelectorAll('li.result').forEach(n => { n.dataset.kept = 'yes'; })"
    )
    rows = screen.locator("li.result").count()
    phone = contexts("phone", "fr").new_page()
    join(phone, w, "ANAPEC", "Gouvernement")
    last = phone.locator("li.activity").last
    for _ in range(3):
        last.locator("button[data-focus^='plus-']").click()
        last.locator(".vote-status-ok").wait_for()
    screen.wait_for_function("() => document.querySelector('li.result .value').textContent === '3'")
    assert screen.locator("li.result[data-kept='yes']").count() == rows
    assert screen.locator("li.result").first.get_attribute("data-activity") == str(
        w.state()["activities"][-1]["id"]
    )
