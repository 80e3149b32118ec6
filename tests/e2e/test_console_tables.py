"""The console's tables stay aligned with every feature on, in French and Arabic; bulk actions.

A workshop with dots and the group split, consensus, comments, commitments, the workplan and
tracks; 18 activities (long French titles, two Arabic, one English), 30 voters, 17 proposed
commitments with French and Arabic notes. For every table of the console page: each row has
as many cells as the header has columns (colspan and rowspan counted), every column has a
header, and text columns (title, note) are never squeezed narrower than 120 px.
"""

# ruff: noqa: E501 (real room titles, and the page-side script in JavaScript, kept whole)

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, GROUPS
from tests.seeding import Phone

pytestmark = pytest.mark.browser

TITLES = [
    "Renforcer les capacités des services publics de l'emploi dans l'accompagnement des migrants de retour",
    "Mettre en place un système d'information intégré sur le marché du travail et les migrations",
    "Élaborer une stratégie nationale de reconnaissance des compétences acquises à l'étranger",
    "Former les inspecteurs du travail aux droits des travailleurs migrants et à la santé au travail",
    "Créer des guichets uniques régionaux d'orientation pour les candidats au départ",
    "Négocier des accords bilatéraux de mobilité équitable avec les pays de destination",
    "Étendre la protection sociale aux travailleurs migrants et à leurs familles restées au pays",
    "Associer les organisations syndicales au suivi des recrutements internationaux",
    "Digitaliser les procédures de placement à l'international de l'agence nationale",
    "Appuyer les coopératives féminines rurales dans l'accès aux marchés régionaux",
    "Développer la formation professionnelle en alternance dans les métiers en tension",
    "Produire un observatoire annuel des migrations de main-d'œuvre et des compétences",
    "Sensibiliser les employeurs au recrutement équitable et à l'interdiction des frais",
    "Mobiliser la diaspora qualifiée pour le transfert de compétences vers les régions",
    "Harmoniser les référentiels de certification avec les partenaires européens",
    "تعزيز الحوار الاجتماعي على المستوى الجهوي حول تنقل اليد العاملة",
    "إحداث مرصد جهوي للتشغيل والكفاءات بشراكة مع الجامعات",
    "Strengthen labour inspection capacity on fair recruitment practices",
]
NOTES = [
    "Sous réserve de l'accord budgétaire du ministère pour l'exercice 2026",
    "في انتظار موافقة المجلس الإداري على الميزانية المخصصة لهذا النشاط",
    "Avec l'appui technique du bureau régional et des partenaires de coopération",
    "بتنسيق مع المديريات الجهوية للتشغيل والتكوين المهني",
]
ORGANISATIONS = ["MIEPEEC", "CGEM", "UMT", "ANAPEC", "Enabel", "OIT", "GIZ", "OFPPT", "CDT"]
#: the room's directory (acronym, French name, Arabic name, group): its table is checked too
DIRECTORY = [
    (
        "OIT",
        "Organisation internationale du Travail",
        "منظمة العمل الدولية",
        "Agences de mise en œuvre",
    ),
    (
        "MIEPEEC",
        "Ministère de l'Inclusion économique, de la Petite entreprise, de l'Emploi et des Compétences",
        "وزارة الإدماج الاقتصادي والمقاولة الصغرى والتشغيل والكفاءات",
        "Gouvernement",
    ),
    (
        "CGEM",
        "Confédération générale des entreprises du Maroc",
        "الاتحاد العام لمقاولات المغرب",
        "Organisations d'employeurs",
    ),
]
VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "1920": {"width": 1920, "height": 1080}}


def seed(w, server_url: str) -> list[int]:
    """The room: votes over real websockets, 17 commitments proposed by the facilitator."""
    ids = [
        w.add(title, track=["Gouvernance", "Compétences", None][i % 3])
        for i, title in enumerate(TITLES)
    ]
    groups = GROUPS + ["Société civile"]
    w.api.call("PATCH", w.path(), {"show_group_split": True}, w.token)
    tokens = [
        w.api.call(
            "POST",
            w.path("/participants"),
            {"organisation": ORGANISATIONS[n % len(ORGANISATIONS)], "group": groups[n % 5]},
        )["participant_token"]
        for n in range(30)
    ]
    w.phase("voting")
    for n, token in enumerate(tokens):
        phone = Phone(server_url, token)
        for k in range(2):
            activity = ids[(n * 3 + k * 5 + (n % 5) * k) % len(ids)]
            phone.act("cast_vote", activity_id=activity, points=2)
        if n % 6 == 0:
            phone.act("add_comment", activity_id=ids[n % 7], text="Bonne idée — فكرة جيدة")
        phone.close()
    for acronym, name_fr, name_ar, group in DIRECTORY:
        body = {"acronym": acronym, "name_fr": name_fr, "name_ar": name_ar, "group": group}
        w.api.call("POST", w.path("/organisations"), body, w.token)
    w.api.call("POST", w.path("/workplan/top"), {"count": 8}, w.token)
    retained = w.api.call("GET", w.path("/workplan"), token=w.token)["retained_ids"]
    for n in range(17):
        body = {
            "activity_id": retained[n % len(retained)],
            "organisation": f"{ORGANISATIONS[n % len(ORGANISATIONS)]} {n // len(ORGANISATIONS) or ''}".strip(),
            "role": ["lead", "partner", "support", "co_lead"][n % 4],
            "timeframe": "T1 2026",
            "note": NOTES[n % len(NOTES)],
            "confirmed": False,
        }
        w.api.call("POST", w.path("/commitments"), body, w.token)
    return ids


#: every table the page shows (a card hides its table while it has no rows) as a grid: header
#: labels, per row the columns it fills, text cells' widths
GRID = """() => Array.from(document.querySelectorAll("table")).filter((table) => table.getClientRects().length).map((table) => {
  const id = table.id || table.className;
  const heads = Array.from(table.querySelectorAll("thead tr:first-child th"));
  const columns = heads.reduce((n, th) => n + (th.colSpan || 1), 0);
  const labels = heads.map((th) => (th.textContent.trim() || (th.querySelector("[aria-label]") || {getAttribute: () => ""}).getAttribute("aria-label") || "").trim());
  const carried = [];  // rows still covered by a rowspan, per column
  const rows = Array.from(table.querySelectorAll("tbody tr")).map((tr) => {
    let filled = carried.filter((n) => n > 0).length;
    for (let i = 0; i < carried.length; i += 1) carried[i] -= 1;
    Array.from(tr.cells).forEach((td) => {
      filled += td.colSpan || 1;
      if ((td.rowSpan || 1) > 1) carried.push(td.rowSpan - 1);
    });
    return filled;
  });
  const narrow = Array.from(table.querySelectorAll("td.col-title, td.col-note, td.col-activity"))
    .filter((td) => td.textContent.trim())
    .map((td) => [td.className, Math.round(td.getBoundingClientRect().width), td.textContent.trim().slice(0, 30)])
    .filter((c) => c[1] < 120);
  // nothing of a table leaves its card: a button out of the card is a button nobody sees
  const card = (table.closest(".card, section") || document.body).getBoundingClientRect();
  const spill = Array.from(table.querySelectorAll("th, td, button"))
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.right > card.right + 1 || r.left < card.left - 1))
    .map(([e, r]) => [e.tagName, e.textContent.trim().slice(0, 30), Math.round(r.left), Math.round(r.right), Math.round(card.left), Math.round(card.right)]);
  return { id, columns, labels, rows, narrow, spill };
})"""


@pytest.fixture(scope="module")
def room(server, make_workshop_module):
    w = make_workshop_module()
    seed(w, server.url)
    return w


@pytest.fixture(scope="module")
def make_workshop_module(server):
    from tests.e2e.conftest import Api, Workshop

    api = Api(server.url)

    def _make() -> Workshop:
        body = {
            "title": "Atelier national de programmation — Migration de main-d'œuvre",
            "groups": GROUPS + ["Société civile"],
            "tracks": ["Gouvernance", "Compétences"],
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
        }
        return Workshop(api, api.call("POST", "/api/workshops", body))

    return _make


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_console_table_is_aligned(room, contexts, lang, viewport):
    page = contexts("console", lang, viewport=VIEWPORTS[viewport]).new_page()
    page.goto(room.facilitator_url)
    page.locator("#activities tr .share-fill").first.wait_for(state="attached")
    page.locator("#commitments-table tbody tr.is-tbc").first.wait_for()
    page.locator("#people-rows tr[data-participant]").first.wait_for()  # read after the page
    page.locator("#directory-table tbody tr").first.wait_for()
    # the versions card has read its list (none before closing): its table, with no rows, stays hidden
    page.locator("#versions-empty").wait_for()
    expect(page.locator("#versions-table")).to_be_hidden()
    tables = page.evaluate(GRID)
    assert {t["id"] for t in tables} >= {
        "activities-table",
        "commitments-table",
        "people-table",
        "directory-table",
    }
    for table in tables:
        assert all(table["labels"]), (table["id"], table["labels"])  # every column has a header
        assert table["rows"], table["id"]
        assert set(table["rows"]) == {table["columns"]}, (
            table["id"],
            table["columns"],
            table["rows"],
        )
        assert table["narrow"] == [], (table["id"], table["narrow"])
        assert table["spill"] == [], (table["id"], table["spill"][:5])
    page.screenshot(path=str(ARTIFACTS / f"console-tables-{lang}-{viewport}.png"), full_page=True)


def test_bulk_buttons_confirm_and_hide(server, make_workshop_module, contexts):
    w = make_workshop_module()
    ids = seed(w, server.url)
    page = contexts("console", "fr", viewport=VIEWPORTS["1366"]).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(w.facilitator_url)
    proposed = page.locator("#commitments-table tbody tr.is-tbc")
    proposed.first.wait_for()
    assert proposed.count() == 17
    per_activity = page.locator("#commitments-table .confirm-activity").first
    waiting = int(per_activity.inner_text().split("(")[1].rstrip(")"))
    per_activity.click()
    expect(page.locator("#commitments-table tr.is-tbc")).to_have_count(17 - waiting)
    whole = page.locator("#confirm-all")
    assert f"({17 - waiting})" in whole.inner_text()
    whole.click()
    expect(page.locator("#commitments-table tr.is-tbc")).to_have_count(0)
    assert whole.is_hidden()
    statuses = {
        c["status"] for c in w.api.call("GET", w.path("/commitments"), token=w.token)["commitments"]
    }
    assert statuses == {"confirmed"}
    # tick two proposals, hide them with one click
    hide = page.locator("#hide-selection")
    assert hide.is_disabled()
    boxes = page.locator("#activities .select-activity")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert "(2)" in hide.inner_text()
    hide.click()
    expect(page.locator("#activities tr.is-hidden")).to_have_count(2)
    hidden = [a["id"] for a in w.state()["activities"] if a["status"] == "hidden"]
    assert len(hidden) == 2 and set(hidden) <= set(ids)
    assert hide.is_disabled()
