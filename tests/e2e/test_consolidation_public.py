"""The public page of a consolidated plan, in real Chromium: a 390 px phone in Arabic.

Two workshops of this instance (one closed, so read as its plan version 1; one live), a
link accepted between their observatories, a version published through the host's API.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, GROUPS
from tests.e2e.test_outcome_pages import PHONE_FACTS

pytestmark = pytest.mark.browser

HOST = "e2e-host-key"
ILO = [
    ("Mettre en place un observatoire régional de l'emploi et des compétences", "Gouvernance"),
    ("تعزيز قدرات مفتشي الشغل في مجال حماية حقوق العمال المهاجرين", "Compétences"),
    ("Renforcer la portabilité des droits de sécurité sociale avec les pays de destination", None),
]
GIZ = [
    ("Observatoire de l'emploi et des compétences au niveau régional", "Gouvernance"),
    ("Accompagner les PME exportatrices dans le recrutement international", "Compétences"),
]
COMMITMENTS = [
    ("ANAPEC", "lead", "T1 2026 – T4 2026"),
    ("Organisation internationale du travail", "partner", "2026"),
    ("Deutsche Gesellschaft für Internationale Zusammenarbeit", "support", ""),
]


def _workshop(make_workshop, title, activities, close):
    w = make_workshop(title=title, groups=GROUPS)
    ids = [w.add(t, track=track) for t, track in activities]
    w.phase("voting")
    for n, activity in enumerate(ids):
        w.api.call("PUT", w.path(f"/workplan/activities/{activity}"), token=w.token)
        organisation, role, timeframe = COMMITMENTS[n % len(COMMITMENTS)]
        body = {"activity_id": activity, "organisation": organisation, "role": role}
        made = w.api.call("POST", w.path("/commitments"), {**body, "timeframe": timeframe}, w.token)
        assert made.get("ok"), made
    if close:
        w.phase("closed")
    return w


def test_the_consolidated_page_on_a_390px_phone_in_arabic(make_workshop, server, contexts):
    ilo = _workshop(make_workshop, "Atelier OIT — migration de main-d'œuvre", ILO, close=True)
    giz = _workshop(make_workshop, "ورشة GIZ للتشغيل", GIZ, close=False)
    api = ilo.api
    created = api.call(
        "POST", "/api/consolidations", {"title": "THAMM Plus : plan inter-agences"}, HOST
    )
    cid = created["consolidation"]["id"]
    for w in (ilo, giz):
        added = api.call("POST", f"/api/consolidations/{cid}/sources", {"code": w.code}, HOST)
        assert added.get("ok"), added
    plan = api.call("GET", f"/api/consolidations/{cid}/plan", token=HOST)
    assert plan["proposals"], plan
    proposal = plan["proposals"][0]
    decided = api.call(
        "POST",
        f"/api/consolidations/{cid}/links",
        {"left": proposal["left"], "right": proposal["right"], "decision": "accepted"},
        HOST,
    )
    assert decided.get("ok"), decided
    published = api.call(
        "POST",
        f"/api/consolidations/{cid}/versions",
        {"title": "الخطة الموحدة، نهاية يونيو", "date": "2026-06-30"},
        HOST,
    )
    path = "/c/" + published["public_url"].rsplit("/c/", 1)[1]

    page = contexts("phone", "ar").new_page()
    page.goto(server.url + path)
    expect(page.locator("#workplan")).to_be_visible()
    facts = page.evaluate(PHONE_FACTS)
    assert facts["dir"] == "rtl"
    assert facts["scroll"] <= facts["inner"], facts
    assert not facts["wide"], facts["wide"]
    assert not facts["small"], facts["small"]
    expect(page.locator("#version-line")).to_contain_text("النسخة 1")
    assert page.locator("#workplan .plan-item").count() == 5
    provenance = page.locator("#workplan .provenance-version dd")
    texts = provenance.all_inner_texts()
    assert sum("النسخة 1" in t for t in texts) == 3, texts  # the ILO's plan, version 1
    assert sum("الخطة الحالية" in t for t in texts) == 2, texts  # GIZ, live
    expect(page.locator("#sources")).to_contain_text("ورشة GIZ للتشغيل")
    assert page.locator("script:not([src])").count() == 0
    page.screenshot(path=str(ARTIFACTS / "consolidation-public-phone-ar.png"), full_page=True)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_host_publishes_a_version_from_the_page_at_1366(lang, make_workshop, server, contexts):
    ilo = _workshop(make_workshop, "Atelier OIT — migration de main-d'œuvre", ILO, close=True)
    giz = _workshop(make_workshop, "ورشة GIZ للتشغيل", GIZ, close=False)
    created = ilo.api.call("POST", "/api/consolidations", {"title": "Plan inter-agences"}, HOST)
    cid = created["consolidation"]["id"]
    for w in (ilo, giz):
        ilo.api.call("POST", f"/api/consolidations/{cid}/sources", {"code": w.code}, HOST)
    page = contexts("console", lang, viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{server.url}/host?key={HOST}")
    page.goto(f"{server.url}/host/consolidations/{cid}")
    card = page.locator("#versions")
    page.fill("#v-title", "Fin juin" if lang == "fr" else "نهاية يونيو")
    page.fill("#v-date", "2026-06-30")
    card.locator("button[type=submit]").click()
    expect(page.locator("#public-url")).to_be_visible()
    expect(card.locator("tbody tr")).to_have_count(1)
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    sources = page.locator("main table").first
    expect(sources).to_contain_text(  # the ILO's plan is read as its version 1
        "version 1 de son plan" if lang == "fr" else "النسخة 1 من خطته"
    )
    # the GIZ's live plan gains an activity: compared from version 1 to the plan now
    added = giz.add("Former les conseillers en emploi à la mobilité internationale")
    giz.api.call("PUT", giz.path(f"/workplan/activities/{added}"), token=giz.token)
    page.select_option("#compare-from", "1")
    page.select_option("#compare-to", "current")
    page.locator("#compare-form button[type=submit]").click()
    changes = card.locator("table.changes-table")
    expect(changes).to_contain_text("Former les conseillers en emploi")
    expect(page.locator("#compare-count")).to_be_visible()
    expect(page.locator("#compare-from")).to_have_value("1")  # the choice stays
    for selector in ("#compare-form", "table.changes-table"):
        inner = card.locator(selector).bounding_box()
        box = card.bounding_box()
        assert (
            box["x"] - 1 <= inner["x"]
            and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"consolidation-versions-1366-{lang}.png"))
    public = page.locator("#public-url").get_attribute("href")
    phone = contexts("phone", lang).new_page()
    phone.goto(public)
    expect(phone.locator("#version-line")).to_be_visible()
