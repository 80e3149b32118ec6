"""The five journeys of a workshop, in real Chromium against the real server process."""

import csv
import gettext
import io
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import join, open_console, open_screen

pytestmark = pytest.mark.browser

TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "workshop" / "translations"


def translate(lang: str, msgid: str, **params) -> str:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        return gettext.GNUTranslations(f).gettext(msgid) % params


def card(page, title: str):
    """The phone's card of one activity."""
    return page.locator("li.activity", has=page.locator("h3", has_text=title))


def plus(page, title: str):
    return card(page, title).locator("button[data-focus^='plus-']")


def tap_plus(page, title: str, times: int = 1) -> None:
    """Tap +, waiting each time for the vote to be recorded (a person looks at the card)."""
    for _ in range(times):
        plus(page, title).click()
        card(page, title).locator(".vote-status-ok").wait_for()


def wait_total(screen, activity_id: int, total) -> None:
    """Wait until the big screen's row shows this total (numbers count up, then settle)."""
    screen.wait_for_function(
        "([id, total]) => { const n = document.querySelector(`li.result[data-activity='${id}']"
        " .value`); return n !== null && n.textContent === total; }",
        arg=[activity_id, str(total)],
    )


def test_1_the_qr_code_on_the_big_screen_leads_a_phone_to_the_join_page(
    contexts, make_workshop, artifacts
):
    w = make_workshop()
    screen = open_screen(contexts("screen", "fr"), w)
    screen.wait_for_selector("img.qr")
    screen.wait_for_function("() => document.querySelector('img.qr').naturalWidth > 0")
    png = screen.screenshot(path=str(artifacts / "screen-join-fr.png"))
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    urls = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert urls == [w.join_url], urls
    assert w.code in screen.locator(".join-code").inner_text()
    arabic = open_screen(contexts("screen", "ar"), w, "ar")
    arabic.wait_for_function("() => document.querySelector('img.qr').naturalWidth > 0")
    arabic.screenshot(path=str(artifacts / "screen-join-ar.png"))
    phone = contexts("phone", "fr").new_page()
    phone.goto(urls[0])
    assert phone.url == w.join_url
    assert (
        phone.locator("h1").inner_text()
        == "Atelier national de programmation — Migration de main-d'œuvre"
    )
    assert phone.locator("#organisation").is_visible()


def test_2_three_phones_propose_the_screen_follows_and_a_hidden_one_vanishes(
    contexts, make_workshop, artifacts
):
    w = make_workshop()
    w.phase("proposing")
    screen = open_screen(contexts("screen", "fr"), w)
    console = open_console(contexts("screen", "fr"), w)
    phones = []
    people = [
        ("fr", "Ministère de l'Inclusion économique", "Gouvernement"),
        ("fr", "CGEM", "Organisations d'employeurs"),
        ("ar", "الاتحاد المغربي للشغل", "Organisations de travailleurs"),
    ]
    for lang, organisation, group in people:
        page = contexts("phone", lang).new_page()
        join(page, w, organisation, group)
        phones.append(page)
    assert phones[2].locator("html").get_attribute("dir") == "rtl"
    assert phones[0].locator("html").get_attribute("dir") == "ltr"
    screen.wait_for_function("() => document.getElementById('count').textContent === '3'")

    titles = [
        "Guichet unique pour les jeunes chercheurs d'emploi",
        "Former les conseillers de l'ANAPEC à l'intermédiation",
        "إنشاء مرصد وطني لهجرة اليد العاملة",
    ]
    for page, title in zip(phones, titles, strict=True):
        page.fill("#p-title", title)
        page.locator("#propose-form button[type=submit]").click()
        page.locator("#notice.notice-ok").wait_for()
    for title in titles:  # no reload: they arrive over the socket
        screen.locator(".proposal-title", has_text=title).wait_for()
        for page in phones:
            page.locator("li.activity h3", has_text=title).wait_for()
    for page, title in zip(phones, titles, strict=True):
        assert card(page, title).locator(".badge-mine").count() == 1  # my own proposal is marked
        others = [t for t in titles if t != title]
        assert all(card(page, t).locator(".badge-mine").count() == 0 for t in others)
    # User text keeps its own direction: an Arabic title in a French page and the reverse.
    assert card(phones[0], titles[2]).locator("h3").get_attribute("dir") == "auto"
    assert card(phones[2], titles[0]).locator("h3").get_attribute("dir") == "auto"
    assert (
        screen.locator(".proposal-title", has_text=titles[2]).evaluate(
            "n => getComputedStyle(n).direction"
        )
        == "rtl"
    )
    phones[0].screenshot(path=str(artifacts / "phone-proposals-fr.png"))
    phones[2].screenshot(path=str(artifacts / "phone-proposals-ar.png"))
    screen.screenshot(path=str(artifacts / "screen-proposals-fr.png"))

    row = console.locator("#activities tr", has_text=titles[1])
    row.get_by_role("button", name="Masquer").click()
    screen.locator(".proposal-title", has_text=titles[1]).wait_for(state="detached")
    for page in phones:
        page.locator("li.activity h3", has_text=titles[1]).wait_for(state="detached")
    console.locator("#activities tr.is-hidden", has_text=titles[1]).wait_for()
    visible = [a["title"] for a in w.state()["activities"] if a["status"] == "visible"]
    assert titles[1] not in visible and titles[0] in visible


def test_3_dots_voting_matches_the_server_and_over_budget_is_refused_in_arabic(
    contexts, make_workshop, artifacts
):
    w = make_workshop()
    a = w.add(
        "Cartographier les besoins en compétences", "Étude conjointe avec le HCP.", "Compétences"
    )
    b = w.add("Renforcer le dialogue social tripartite", "Un comité de suivi tripartite.")
    c = w.add("تعزيز الوساطة الدولية للوكالة الوطنية", "إجراءات وأدوات رقمية", "Gouvernance")
    w.phase("voting")
    titles = {a: "Cartographier", b: "Renforcer le dialogue", c: "تعزيز الوساطة"}
    screen = open_screen(contexts("screen", "fr"), w)
    screen_ar = open_screen(contexts("screen", "ar"), w, "ar")
    gov = contexts("phone", "fr").new_page()
    emp = contexts("phone", "fr").new_page()
    ar_context = contexts("phone", "ar")
    uni = ar_context.new_page()
    join(gov, w, "Ministère de l'Emploi", "Gouvernement", name="Amal")
    join(emp, w, "CGEM", "Organisations d'employeurs")
    join(uni, w, "الاتحاد المغربي للشغل", "Organisations de travailleurs", name="يوسف")
    # A second tab of the same Arabic phone, opened now: it still believes 5 dots are left.
    stale = ar_context.new_page()
    stale.goto(w.join_url.replace("/j/", "/w/"))
    stale.wait_for_selector("body[data-connection='connected'] li.activity")

    tap_plus(gov, titles[a], 3)
    tap_plus(gov, titles[b], 2)
    assert gov.locator("#budget").inner_text().count("0") >= 1
    assert gov.locator(".budget-hint").is_visible()  # why + is now disabled
    assert plus(gov, titles[c]).is_disabled()
    assert gov.locator(".budget-hint").inner_text() == translate(
        "fr", "All your dots are placed. Take one back to move it."
    )
    assert plus(gov, titles[c]).get_attribute("aria-describedby") == "budget"
    assert card(gov, titles[a]).locator(".why").inner_text() == translate(
        "fr", "At most %(max)s dots on one activity.", max=3
    )
    tap_plus(emp, titles[b], 3)
    tap_plus(emp, titles[c], 1)
    tap_plus(uni, titles[c], 3)
    tap_plus(uni, titles[a], 2)

    # The stale tab's + looks allowed; the server refuses and says why, in Arabic.
    assert plus(stale, titles[b]).is_enabled()
    plus(stale, titles[b]).click()
    refusal = translate(
        "ar", "Not enough dots left: you have %(left)s of %(budget)s.", left=0, budget=5
    )
    card(stale, titles[b]).locator(".vote-status-error", has_text=refusal).wait_for()
    assert stale.locator("#notice").inner_text() == refusal
    stale.wait_for_function(
        "() => document.querySelector('#budget strong').textContent.includes('0')"
    )
    stale.screenshot(path=str(artifacts / "phone-refused-ar.png"))

    results = w.results()
    totals = {r["activity_id"]: r for r in results["activities"]}
    assert totals[a]["total"] == 5 and totals[b]["total"] == 5 and totals[c]["total"] == 4
    assert results["voters"] == 3
    state = w.state()
    group_order = [g["group_id"] for g in state["groups"]]
    for page in (screen, screen_ar):
        page.wait_for_function("() => document.getElementById('voters').textContent === '3'")
        for activity_id, result in totals.items():
            wait_total(page, activity_id, result["total"])
            row = page.locator(f"li.result[data-activity='{activity_id}']")
            assert row.locator(".rank").inner_text() == str(result["rank"])
            widths = row.locator(".segment").evaluate_all(
                "nodes => nodes.map(n => parseFloat(n.style.inlineSize))"
            )
            expected = {g["group_id"]: g["total"] for g in result["by_group"]}
            for index, group_id in enumerate(group_order):
                share = 100 * expected[group_id] / result["total"]
                assert abs(widths[index] - share) < 0.01, (activity_id, widths, expected)
            labels = row.locator(".segment").all_inner_texts()
            assert [int(x) for x in labels if x] == [
                expected[g] for g in group_order if expected[g]
            ]
    assert screen_ar.locator("html").get_attribute("dir") == "rtl"
    assert "النتائج" in screen_ar.locator("#results-title").inner_text()
    assert "Résultats" in screen.locator("#results-title").inner_text()
    gov.screenshot(path=str(artifacts / "phone-voting-fr.png"))
    uni.screenshot(path=str(artifacts / "phone-voting-ar.png"))
    screen.wait_for_timeout(800)  # let the bars finish gliding
    screen.screenshot(path=str(artifacts / "screen-results-fr.png"))
    screen_ar.screenshot(path=str(artifacts / "screen-results-ar.png"))


def test_4_an_offline_vote_arrives_exactly_once_when_the_phone_is_back(contexts, make_workshop):
    w = make_workshop()
    a = w.add("Former les inspecteurs du travail")
    w.phase("voting")
    screen = open_screen(contexts("screen", "fr"), w)
    context = contexts("phone", "fr")
    phone = context.new_page()
    join(phone, w, "Inspection du travail", "Gouvernement")

    context.set_offline(True)
    phone.wait_for_selector("body[data-connection='offline']")
    assert phone.locator(".conn-banner-offline").is_visible()
    plus(phone, "Former les inspecteurs").click()
    waiting = card(phone, "Former les inspecteurs").locator(".vote-status-sending")
    assert waiting.inner_text() == translate(
        "fr", "Waiting for the connection: it will be sent when it is back."
    )
    assert card(phone, "Former les inspecteurs").locator(".dot.on").count() == 1  # shown at once
    phone.wait_for_timeout(1500)
    assert w.results()["activities"][0]["total"] == 0  # nothing went out

    context.set_offline(False)
    card(phone, "Former les inspecteurs").locator(".vote-status-ok").wait_for(timeout=20_000)
    phone.wait_for_selector("body[data-connection='connected']")
    wait_total(screen, a, 1)
    phone.wait_for_timeout(1000)  # a late retry would show up now
    result = w.results()["activities"][0]
    assert (result["total"], result["voters"]) == (1, 1)
    votes = w.api.call("GET", w.path("/participants"), token=w.token)["participants"]
    assert len(votes) == 1
    assert phone.locator("#budget strong").inner_text() == translate(
        "fr", "Dots left: %(left)s of %(budget)s", left=4, budget=5
    )


def test_5_the_facilitator_closes_voting_and_downloads_the_csv(
    contexts, make_workshop, tmp_path, artifacts
):
    w = make_workshop()
    a = w.add("Harmoniser les statistiques de la migration de travail")
    w.phase("voting")
    phone = contexts("phone", "fr").new_page()
    join(phone, w, "HCP", "Gouvernement")
    tap_plus(phone, "Harmoniser", 2)
    console = open_console(contexts("screen", "fr"), w)
    console.locator("#activities tr", has_text="Harmoniser").wait_for()
    console.screenshot(path=str(artifacts / "console-fr.png"))
    console.locator("#phase-buttons button[data-phase='closed']").click()
    console.wait_for_selector("#phase.phase-closed")
    phone.wait_for_selector("#phase.phase-closed")
    assert plus(phone, "Harmoniser").is_disabled()
    assert card(phone, "Harmoniser").locator(".why").inner_text() == translate(
        "fr", "Voting is not open."
    )
    assert w.state()["phase"] == "closed"
    phone.screenshot(path=str(artifacts / "phone-closed-fr.png"))

    with console.expect_download() as info:
        # the workshop's own Excel first: for a French workshop, French Excel's conventions
        console.locator(".exports a[href*='/votes.csv']").first.click()
    download = info.value
    assert download.suggested_filename == f"{w.code}-votes.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads French and Arabic
    # a French workshop's CSV, as French Excel opens it with a double click: `;`
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == [translate("fr", "participant"), translate("fr", "stakeholder group")]
    assert len(rows) == 2
    assert rows[1][1:5] == ["Gouvernement", "HCP", str(a), "2"]
    assert re.fullmatch(r"P-[A-Z0-9]+", rows[1][0])
