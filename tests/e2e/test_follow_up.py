"""Follow-up by organisation in real Chromium against `run.py`.

The console (1366x768) makes an organisation's link from its card; the focal point opens it
on a 390 px phone, amends a timeframe and withdraws a commitment; the console accepts the
one, rejects the other; version 2 of the plan is published and its comparison with the
room's plan lists the accepted change. The phone page in Arabic reads right to left, fits
the phone and has no axe-core violation.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, update

from tests.e2e.conftest import GROUPS, axe_violations, open_console
from workshop.models import FollowUpLink

pytestmark = pytest.mark.browser

CONSOLE = {"width": 1366, "height": 768}
DEADLINE = (date.today() + timedelta(days=30)).isoformat()
TITLES = [
    "Renforcer les capacités des services publics de l'emploi dans l'accompagnement des migrants",
    "Mettre en place un système d'information intégré sur le marché du travail",
    "إحداث مرصد جهوي للتشغيل والكفاءات بشراكة مع الجامعات",
    "Former les inspecteurs du travail aux droits des travailleurs migrants",
]

#: the phone page's geometry: overflow, and controls too small for a thumb
PHONE_FACTS = """() => {
  const controls = "main button, main summary, main select, main input:not([type=hidden])";
  const small = Array.from(document.querySelectorAll(controls))
    .filter((e) => e.getBoundingClientRect().width > 0)
    .filter((e) => e.getBoundingClientRect().height < 44)
    .map((e) => e.tagName + ":" + e.textContent.trim().slice(0, 20));
  const out = Array.from(document.querySelectorAll("main *"))
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.right > innerWidth + 1 || r.left < -1))
    .map(([e]) => e)
    .map((e) => e.tagName + ":" + e.className);
  const title = document.querySelector(".commitment h3");
  return { page: document.documentElement.scrollWidth, viewport: innerWidth, small, out,
           dir: document.documentElement.dir, font: parseFloat(getComputedStyle(title).fontSize) };
}"""

#: the console card's geometry: what overflows it
CARD = """() => {
  const card = document.getElementById("follow-up").getBoundingClientRect();
  const out = Array.from(document.querySelectorAll("#follow-up *"))
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.right > card.right + 1 || r.left < card.left - 1))
    .map(([e, r]) => [e.tagName, e.id, e.textContent.trim().slice(0, 30)]);
  return { out, page: document.documentElement.scrollWidth, viewport: innerWidth };
}"""


def seed(w) -> list[int]:
    ids = [w.add(title, track="Gouvernance") for title in TITLES]
    for activity in ids[:3]:
        w.api.call("PUT", w.path(f"/workplan/activities/{activity}"), token=w.token)
    for activity, organisation, role, timeframe in (
        (ids[0], "OIT", "lead", "2025"),
        (ids[1], "OIT", "partner", "2025"),
        (ids[0], "GIZ", "partner", ""),
    ):
        body = {"activity_id": activity, "organisation": organisation, "role": role}
        w.api.call("POST", w.path("/commitments"), {**body, "timeframe": timeframe}, w.token)
    w.phase("voting")
    w.phase("closed")
    return ids


def oit_link(w) -> dict:
    """OIT's follow-up link, made over the API (what the console's card calls)."""
    listed = w.api.call("GET", w.path("/follow-up/links"), token=w.token)
    key = next(o["organisation_key"] for o in listed["organisations"] if o["organisation"] == "OIT")
    body = {"organisation_key": key, "deadline": DEADLINE}
    return w.api.call("POST", w.path("/follow-up/links"), body, w.token)


def check_phone(page, artifacts, name: str) -> dict:
    facts = page.evaluate(PHONE_FACTS)
    assert facts["page"] <= facts["viewport"], facts
    assert facts["out"] == [], facts["out"]
    assert facts["small"] == [], facts["small"]
    assert facts["font"] >= 16, facts
    page.screenshot(path=artifacts / name, full_page=True)
    return facts


def test_a_focal_point_amends_and_withdraws_the_console_decides_v2_records_it(
    make_workshop, contexts, artifacts
):
    w = make_workshop(groups=GROUPS, language="fr")
    ids = seed(w)
    console = open_console(contexts("console", "fr", viewport=CONSOLE), w)
    card = console.locator("#follow-up")
    card.scroll_into_view_if_needed()
    console.select_option("#follow-up-organisation", label="OIT · 2 engagement(s)")
    console.fill("#follow-up-deadline", DEADLINE)
    console.fill("#follow-up-label", "Mme Alaoui, DRH")
    console.locator("#follow-up-form button[type=submit]").click()
    expect(console.locator("#follow-up-created")).to_be_visible()
    expect(console.locator("#follow-up-qr")).to_have_attribute(
        "src", re.compile(r"^data:image/svg\+xml;base64,")
    )
    url = console.locator("#follow-up-url").input_value()
    assert f"/follow-up/{w.code}/" in url
    expect(console.locator("#follow-up-links tr")).to_have_count(1)

    phone = contexts("phone", "fr").new_page()
    phone.goto(url)
    expect(phone.locator("#organisation")).to_have_text("OIT")
    cards = phone.locator("article.commitment")
    expect(cards).to_have_count(2)
    check_phone(phone, artifacts, "follow-up-phone-fr.png")

    first = cards.filter(has_text=TITLES[0])
    first.locator("details.amend summary").click()
    first.locator("input[name=timeframe]").fill("T2 2026")
    phone.screenshot(path=artifacts / "follow-up-phone-fr-amend.png", full_page=True)
    first.locator(".amend-form button[type=submit]").click()
    expect(phone.locator("#sent")).to_be_visible()
    second = phone.locator("article.commitment").filter(has_text=TITLES[1])
    second.locator("details.withdraw summary").click()
    second.locator("textarea[name=reason]").fill("Pas de budget cette année")
    second.locator(".withdraw-form button[type=submit]").click()
    expect(phone.locator("#sent")).to_be_visible()
    expect(phone.locator(".pending")).to_have_count(2)
    expect(phone.locator(".sent-change")).to_have_count(2)
    check_phone(phone, artifacts, "follow-up-phone-fr-sent.png")

    rows = console.locator("#follow-up-changes tr")
    expect(rows).to_have_count(2)  # live: each change sent bumps the snapshot the console gets
    amend_row = rows.filter(has_text="T2 2026")
    expect(amend_row).to_contain_text("2025")
    withdraw_row = rows.filter(has_text="Pas de budget")
    geometry = console.evaluate(CARD)
    assert geometry["out"] == [], geometry["out"]
    assert geometry["page"] <= geometry["viewport"], geometry
    assert axe_violations(console) == []
    card.screenshot(path=artifacts / "follow-up-console-fr.png")
    amend_row.get_by_role("button", name="Accepter").click()
    expect(rows).to_have_count(1)
    withdraw_row.get_by_role("button", name="Refuser").click()
    expect(rows).to_have_count(0)
    expect(console.locator("#follow-up-no-changes")).to_be_visible()

    phone.reload()
    states = phone.locator(".sent-change .state")
    expect(states).to_have_count(2)
    expect(phone.locator(".sent-change.status-accepted")).to_contain_text(TITLES[0][:30])
    expect(phone.locator(".sent-change.status-rejected")).to_contain_text(TITLES[1][:30])
    expect(phone.locator("article.commitment").filter(has_text=TITLES[0])).to_contain_text(
        "T2 2026"
    )

    published = w.api.call("POST", w.path("/plan/versions"), {"title": "Après le suivi"}, w.token)
    assert published["version"]["number"] == 2
    compared = w.api.call("GET", w.path("/plan/compare?from=1&to=2"), token=w.token)
    commitments = compared["changes"]["commitments"]
    assert commitments["removed"] == [], "the withdrawal was rejected"
    (changed,) = commitments["changed"]
    assert changed["after"]["organisation"] == "OIT"
    assert changed["after"]["activity_id"] == ids[0]
    fields = {f["field"]: (f["before"], f["after"]) for f in changed["fields"]}
    assert fields["timeframe"] == ("2025", "T2 2026")


def test_the_focal_point_page_in_arabic_reads_right_to_left_on_a_phone(
    make_workshop, contexts, artifacts
):
    w = make_workshop(groups=GROUPS, language="fr")
    seed(w)
    made = oit_link(w)
    phone = contexts("phone", "ar").new_page()
    phone.goto(made["url"] + "?lang=ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("article.commitment")).to_have_count(2)
    first = phone.locator("article.commitment").first
    first.locator("details.amend summary").click()
    facts = check_phone(phone, artifacts, "follow-up-phone-ar.png")
    assert facts["dir"] == "rtl"
    # the Arabic page mirrors: the amend summary starts at the right edge of its card
    box = first.bounding_box()
    summary = first.locator("details.amend summary").bounding_box()
    assert abs((box["x"] + box["width"]) - (summary["x"] + summary["width"])) < 24, (box, summary)
    assert axe_violations(phone) == []


def test_after_the_deadline_read_only_and_once_revoked_nothing(
    server, make_workshop, contexts, artifacts
):
    w = make_workshop(groups=GROUPS, language="fr")
    seed(w)
    made = oit_link(w)
    engine = create_engine(server.env["DATABASE_URL"])
    with engine.begin() as db:  # the deadline passed (a short write beside the server's)
        db.execute(
            update(FollowUpLink)
            .where(FollowUpLink.id == made["link"]["id"])
            .values(deadline=datetime(2026, 1, 1))
        )
    engine.dispose()
    phone = contexts("phone", "fr").new_page()
    phone.goto(made["url"])
    expect(phone.locator("#deadline")).to_contain_text("lecture seule")
    expect(phone.locator("article.commitment")).to_have_count(2)
    expect(phone.locator("form")).to_have_count(0)
    check_phone(phone, artifacts, "follow-up-phone-fr-closed.png")

    w.api.call("DELETE", w.path(f"/follow-up/links/{made['link']['id']}"), token=w.token)
    response = phone.goto(made["url"])
    assert response.status == 403
    expect(phone.locator("body")).to_contain_text("révoqué")
    expect(phone.locator("article.commitment")).to_have_count(0)
    phone.screenshot(path=artifacts / "follow-up-phone-fr-revoked.png", full_page=True)
