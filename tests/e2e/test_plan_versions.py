"""The console's versions of the plan: the room's plan at closing, v2 published, compared.

Real Chromium against `run.py`, at a console's 1366x768, in French and Arabic: the card lists
the versions, publishes one from its form, compares two and names each change, and links
the "changes" sheet for the same two versions; nothing of it leaves its card.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import GROUPS, axe_violations, open_console

pytestmark = pytest.mark.browser

CONSOLE = {"width": 1366, "height": 768}
TITLES = [
    "Renforcer les capacités des services publics de l'emploi dans l'accompagnement des migrants",
    "Mettre en place un système d'information intégré sur le marché du travail",
    "إحداث مرصد جهوي للتشغيل والكفاءات بشراكة مع الجامعات",
    "Former les inspecteurs du travail aux droits des travailleurs migrants",
]

#: the card's geometry: what overflows it, and the widths of its controls
CARD = """() => {
  const card = document.getElementById("plan-versions").getBoundingClientRect();
  const out = Array.from(document.querySelectorAll("#plan-versions *"))
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.right > card.right + 1 || r.left < card.left - 1))
    .map(([e, r]) => [e.tagName, e.id, e.textContent.trim().slice(0, 30)]);
  return { out, page: document.documentElement.scrollWidth, viewport: innerWidth,
           input: document.getElementById("version-title").getBoundingClientRect().width };
}"""


def seed(w) -> list[int]:
    ids = [w.add(title, track="Gouvernance") for title in TITLES]
    for activity in ids[:3]:
        w.api.call("PUT", w.path(f"/workplan/activities/{activity}"), token=w.token)
    for activity, organisation, role in (
        (ids[0], "OIT", "lead"),
        (ids[0], "GIZ", "partner"),
        (ids[1], "ANAPEC", "lead"),
    ):
        body = {"activity_id": activity, "organisation": organisation, "role": role}
        w.api.call("POST", w.path("/commitments"), {**body, "timeframe": "2025"}, w.token)
    w.phase("voting")
    w.phase("closed")
    return ids


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_publish_version_2_then_compare_it_with_the_room_plan(
    lang, make_workshop, contexts, artifacts
):
    w = make_workshop(groups=GROUPS, language=lang)
    ids = seed(w)
    page = open_console(contexts("console", lang, viewport=CONSOLE), w)
    rows = page.locator("#versions tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("3")  # three activities in the room's plan

    commitments = w.api.call("GET", w.path("/commitments"), token=w.token)["commitments"]
    giz = next(c for c in commitments if c["organisation"] == "GIZ")
    ilo = next(c for c in commitments if c["organisation"] == "OIT")
    w.api.call("DELETE", w.path(f"/commitments/{giz['id']}"), token=w.token)
    w.api.call("PATCH", w.path(f"/commitments/{ilo['id']}"), {"timeframe": "T1 2026"}, w.token)

    page.fill("#version-title", "Après le suivi des organisations (juin)")
    page.locator("#version-form button[type=submit]").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Après le suivi des organisations (juin)")
    expect(page.locator("#compare-from")).to_have_value("1")
    expect(page.locator("#compare-to")).to_have_value("2")
    page.locator("#compare-form button[type=submit]").click()
    result = page.locator("#compare-result")
    expect(result.locator(".change")).to_have_count(2)
    expect(result.locator(".change-removed")).to_contain_text("GIZ")
    expect(result.locator(".change-changed")).to_contain_text("T1 2026")
    expect(result.locator(".change-changed")).to_contain_text("2025")
    href = page.locator("#changes-xlsx").get_attribute("href")
    assert href.endswith(f"/api/workshops/{w.code}/export/changes.xlsx?from=1&to=2"), href

    geometry = page.evaluate(CARD)
    assert geometry["out"] == [], geometry["out"]
    assert geometry["page"] <= geometry["viewport"], geometry
    assert geometry["input"] >= 200, geometry
    assert axe_violations(page) == []
    page.locator("#plan-versions").screenshot(path=artifacts / f"plan-versions-{lang}.png")
    assert ids
