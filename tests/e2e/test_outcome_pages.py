"""After the room, in real Chromium: the public outcome page on a phone, the big screen's end
with its QR code, and an organisation's one-pager printed to A4 and read back.

A room like THAMM's: four stakeholder groups, three tracks, twelve activities (two titles in
Arabic), a directory that names ANAPEC and the OIT in French, Arabic and English, thirty
phones that vote, eight retained activities with commitments, then closing.
"""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.conftest import unavailable
from tests.e2e.conftest import ARTIFACTS, GROUPS, open_screen
from tests.seeding import Phone

pytestmark = pytest.mark.browser

TRACKS = ["Gouvernance", "Compétences", "Protection"]
ACTIVITIES = [
    ("Cartographier les besoins en compétences des secteurs qui recrutent à l'international", 1),
    ("Renforcer le dialogue social tripartite sur la mobilité professionnelle des jeunes", 0),
    ("Appuyer l'ANAPEC dans l'intermédiation internationale et le suivi des placements", 0),
    ("Développer des parcours de formation certifiants avec l'OFPPT dans trois régions", 1),
    ("Informer les candidats au départ sur leurs droits avant la signature du contrat", 2),
    ("Renforcer la portabilité des droits de sécurité sociale avec les pays de destination", 2),
    ("Coordonner les interventions de l'OIT, de la GIZ et d'ENABEL au niveau régional", 0),
    ("إنشاء منصة رقمية موحدة لعروض الشغل الدولية لفائدة الباحثين عن عمل", 1),
    ("Lutter contre les pratiques de recrutement abusives et les frais illégaux", 2),
    ("تعزيز قدرات مفتشي الشغل في مجال حماية حقوق العمال المهاجرين", 2),
    ("Mobiliser la diaspora qualifiée pour l'investissement productif et l'emploi local", 0),
    ("Former les formateurs aux langues étrangères et aux compétences transversales", 1),
]
DIRECTORY = [
    {
        "acronym": "ANAPEC",
        "name_fr": "Agence nationale de promotion de l'emploi et des compétences",
        "name_ar": "الوكالة الوطنية لإنعاش التشغيل والكفاءات",
        "name_en": "National Agency for the Promotion of Employment and Skills",
    },
    {
        "acronym": "OIT",
        "name_fr": "Organisation internationale du travail",
        "name_ar": "منظمة العمل الدولية",
        "name_en": "International Labour Organization",
        "aliases": "ILO;BIT",
    },
]
#: activity index -> (organisation, role, timeframe): ANAPEC on five, a typical organisation
COMMITMENTS = {
    0: [("ANAPEC", "lead", "T1 2026"), ("OIT", "partner", "2026")],
    1: [("OIT", "lead", "2026"), ("ANAPEC", "partner", "")],
    2: [("ANAPEC", "lead", "T2 2026 – T4 2026"), ("GIZ", "support", "")],
    3: [("OFPPT", "lead", "2026-2027"), ("ANAPEC", "co_lead", "2026")],
    4: [("OIM", "lead", "T3 2026")],
    5: [("CNSS", "lead", "2027"), ("OIT", "support", "")],
    7: [("ANAPEC", "support", "T4 2026")],
    9: [("OIT", "partner", "2026")],
}


def _seed(make_workshop, server, lang: str = "fr"):
    w = make_workshop(groups=GROUPS, tracks=TRACKS, language=lang)
    for entry in DIRECTORY:
        w.api.call("POST", w.path("/organisations"), entry, w.token)
    ids = [w.add(title, track=TRACKS[track]) for title, track in ACTIVITIES]
    w.phase("voting")
    organisations = ["ANAPEC", "OIT", "OFPPT", "GIZ", "CNSS", "OIM"]
    for n in range(30):
        group = GROUPS[(n // 3) % len(GROUPS)]  # each activity gets votes of several groups
        body = {"organisation": organisations[n % 6], "group": group}
        token = w.api.call("POST", w.path("/participants"), body)["participant_token"]
        phone = Phone(server.url, token)
        for k, points in enumerate((2, 2, 1)):
            ack = phone.act("cast_vote", activity_id=ids[(n * 3 + k * 5) % 12], points=points)
            assert ack.get("ok"), ack
        phone.close()
    for index, entries in COMMITMENTS.items():
        w.api.call("PUT", w.path(f"/workplan/activities/{ids[index]}"), token=w.token)
        for organisation, role, timeframe in entries:
            body = {"activity_id": ids[index], "organisation": organisation, "role": role}
            made = w.api.call(
                "POST", w.path("/commitments"), {**body, "timeframe": timeframe}, w.token
            )
            assert made.get("ok"), made
    # what two focal points gave by telephone: a contact, resources (shown on the one-pager)
    listed = w.api.call("GET", w.path("/commitments"), token=w.token)["commitments"]
    anapec = [c for c in listed if c["organisation"] == "ANAPEC"][:2]
    for commitment, (contact, resources) in zip(anapec, GIVEN, strict=True):
        body = {"contact": contact, "resources": resources}
        w.api.call("PATCH", w.path(f"/commitments/{commitment['id']}"), body, w.token)
    w.phase("closed")
    outcome = w.api.call("GET", w.path("/outcome"), token=w.token)
    return w, ids, outcome


#: (contact person, budget or resources) of two of ANAPEC's commitments
GIVEN = [
    (
        "Mme Salma Alaoui, directrice de la mobilité internationale",
        "2 conseillers à mi-temps, 40 000 MAD",
    ),
    ("M. Youssef Bennani", "Locaux des agences régionales de Tanger et d'Oujda"),
]


#: what overflows the page sideways, and the smallest body text
PHONE_FACTS = """() => {
  const small = Array.from(document.querySelectorAll('main p, main li, main dd, main dt, main h3'))
    .filter((e) => e.offsetParent !== null && e.textContent.trim())
    .map((e) => [parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 40)])
    .filter(([size]) => size < 14);
  const wide = Array.from(document.querySelectorAll('main *'))
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width && (r.right > innerWidth + 1 || r.left < -1);
    })
    .map((e) => e.tagName + '.' + e.className);
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, small, wide,
          dir: document.documentElement.dir};
}"""


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_outcome_page_on_a_390px_phone(lang, make_workshop, server, contexts):
    w, ids, outcome = _seed(make_workshop, server)
    url = outcome["outcome"]["url"].replace("http://localhost", server.url)
    page = contexts("phone", lang).new_page()
    page.goto(server.url + "/o/" + outcome["outcome"]["key"])
    expect(page.locator("#workplan")).to_be_visible()
    facts = page.evaluate(PHONE_FACTS)
    assert facts["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert facts["scroll"] <= facts["inner"], facts
    assert not facts["wide"], facts["wide"]
    assert not facts["small"], facts["small"]
    if lang == "ar":
        expect(page.locator("#workplan")).to_contain_text(
            "الوكالة الوطنية لإنعاش التشغيل والكفاءات"
        )
        expect(page.locator("#version-line")).to_contain_text("خطة القاعة")
    else:
        expect(page.locator("#version-line")).to_contain_text("Plan de la salle")
    assert page.locator(".outcome-result").count() == 12
    page.screenshot(path=str(ARTIFACTS / f"outcome-phone-{lang}.png"), full_page=True)
    assert url


def test_the_page_shows_v2_after_publishing_and_says_so(make_workshop, server, contexts):
    w, ids, outcome = _seed(make_workshop, server)
    page = contexts("phone", "en").new_page()
    page.goto(server.url + "/o/" + outcome["outcome"]["key"])
    expect(page.locator("#version-line")).to_contain_text("Plan of the room")
    commitments = w.api.call("GET", w.path("/commitments"), token=w.token)["commitments"]
    giz = next(c for c in commitments if c["organisation"] == "GIZ")
    w.api.call("DELETE", w.path(f"/commitments/{giz['id']}"), token=w.token)
    w.api.call("POST", w.path("/plan/versions"), {"title": "After the follow-up"}, w.token)
    # the page polls its stamp (once a minute; a tab coming back to the front asks at once)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#version-line")).to_contain_text("Version 2: After the follow-up")
    expect(page.locator("#workplan")).not_to_contain_text("GIZ")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_big_screen_shows_the_outcome_qr_at_the_end(size, make_workshop, server, contexts):
    w, ids, outcome = _seed(make_workshop, server)
    context = contexts("screen", "fr", viewport={"width": size[0], "height": size[1]})
    page = open_screen(context, w)
    corner = page.locator("#outcome-corner")
    expect(corner).to_be_visible()
    qr = page.locator("#outcome-qr")
    expect(qr).to_have_attribute("src", re.compile("/o/.+/qr.svg"))
    page.wait_for_function("() => document.getElementById('outcome-qr').naturalWidth > 0")
    box, main = qr.bounding_box(), page.locator(".screen-main").bounding_box()
    assert box["width"] >= 0.18 * size[1], box  # scannable from the room
    assert box["x"] + box["width"] <= size[0] and box["y"] + box["height"] <= size[1]
    results = page.locator("#results-section").bounding_box()
    assert results["x"] + results["width"] <= box["x"] + 1  # beside, not over, the results
    assert main["y"] + main["height"] <= size[1] + 1
    page.screenshot(path=str(ARTIFACTS / f"outcome-screen-{size[0]}.png"))
    # unpublished: the corner goes
    w.api.call("PATCH", w.path("/outcome"), {"state": "unpublished"}, w.token)
    expect(corner).to_be_hidden()


def test_a_phone_that_joined_links_to_the_outcome(make_workshop, server, contexts):
    w = make_workshop(groups=GROUPS, tracks=TRACKS)
    w.add("Observatoire régional de l'emploi")
    w.phase("proposing")
    body = {"organisation": "ANAPEC", "group": GROUPS[0]}
    token = w.api.call("POST", w.path("/participants"), body)["participant_token"]
    context = contexts("phone", "fr")
    context.add_cookies([{"name": f"atelier_p_{w.code}", "value": token, "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/w/{w.code}")
    page.wait_for_selector("body[data-connection='connected']")
    expect(page.locator("#outcome-link")).to_be_hidden()
    w.api.call("PATCH", w.path("/outcome"), {"state": "published"}, w.token)
    expect(page.locator("#outcome-link")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "outcome-phone-link-fr.png"))
    page.locator("#outcome-link a").click()
    page.wait_for_url("**/o/*")
    expect(page.locator("h1")).to_contain_text("Atelier national")


@pytest.fixture
def _poppler():
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        unavailable("poppler-utils (pdftotext, pdfinfo)")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_one_pager_prints_on_one_a4_page(
    lang, _poppler, make_workshop, server, contexts, tmp_path
):
    w, ids, outcome = _seed(make_workshop, server)
    anapec = next(o for o in outcome["organisations"] if o["acronym"] == "ANAPEC")
    assert anapec["commitments"] == 5
    context = contexts("console", lang, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(w.facilitator_url)
    page.goto(server.url + anapec["url"] + f"&lang={lang}")
    pdf = tmp_path / f"one-pager-{lang}.pdf"
    pdf.write_bytes(page.pdf(format="A4", print_background=True))
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert "(A4)" in info, info
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    flat = " ".join(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).split())
    heading = {
        "fr": "Les engagements de votre organisation",
        "ar": "التزامات مؤسستكم",
        "en": "Your organisation's commitments",
    }[lang]
    assert heading in flat, flat[:400]
    assert "ANAPEC" in flat and "T2 2026" in flat and "2026-2027" not in flat
    # under their activities, on the same page (words only: a narrow column wraps them)
    for fragment in ("Salma Alaoui", "40 000", "Youssef Bennani", "Oujda"):
        assert fragment in flat, (fragment, flat[:2000])
    assert "Print" not in flat and "Imprimer" not in flat  # the tools are not printed
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", pdf, str(ARTIFACTS / f"one-pager-{lang}")], check=True
    )


def test_the_outcome_page_weighs_under_the_participant_budget(browser, server):
    """First load with an empty cache, 40 activities retained with commitments, a reader who
    never joined (bench/page_weight.py --page outcome prints the same figures)."""
    from bench.page_weight import BUDGET, measure, prepare, prepare_outcome

    code, _token, facilitator = prepare(server.url, 40)
    path = prepare_outcome(server.url, code, facilitator, 40)
    result = measure(browser, server.url, path, "#workplan .plan-item")
    resources = result["resources"]
    assert not any("socket.io" in url for url in resources), resources  # no socket: a poll
    assert resources["websocket frames"] == 0
    assert result["total"] < BUDGET, resources


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_console_publishes_the_page_and_lists_the_one_pagers(
    lang, make_workshop, server, contexts
):
    from tests.e2e.conftest import open_console

    w, ids, outcome = _seed(make_workshop, server)
    w.api.call("PATCH", w.path("/outcome"), {"state": "unpublished"}, w.token)
    page = open_console(contexts("console", lang, viewport={"width": 1366, "height": 768}), w)
    card = page.locator("#outcome-card")
    card.scroll_into_view_if_needed()
    expect(card.locator("input[value=unpublished]")).to_be_checked()
    expect(page.locator("#outcome-qr")).to_be_hidden()
    card.locator("input[value=auto]").check()
    expect(page.locator("#outcome-status")).to_have_attribute("data-public", "1")
    expect(page.locator("#outcome-qr")).to_be_visible()
    card.locator("input[value=comments]").check()
    expect(page.locator("#outcome-msg")).to_be_visible()
    settings = w.api.call("GET", w.path("/outcome"), token=w.token)["outcome"]
    assert settings["state"] == "auto" and settings["comments"] is True
    orgs = card.locator("#outcome-orgs li")
    expect(orgs).to_have_count(len(outcome["organisations"]))
    expect(card.locator("#outcome-orgs")).to_contain_text("ANAPEC")
    facts = page.evaluate(
        """() => {
      const card = document.getElementById("outcome-card").getBoundingClientRect();
      const out = Array.from(document.querySelectorAll("#outcome-card *"))
        .map((e) => [e, e.getBoundingClientRect()])
        .filter(([e, r]) => r.width > 0 && (r.right > card.right + 1 || r.left < card.left - 1))
        .map(([e]) => e.tagName + "#" + e.id);
      return {out, page: document.documentElement.scrollWidth, viewport: innerWidth};
    }"""
    )
    assert not facts["out"] and facts["page"] <= facts["viewport"], facts
    card.screenshot(path=str(ARTIFACTS / f"outcome-console-{lang}.png"))


def test_the_outcome_page_prints_on_a4(_poppler, make_workshop, server, contexts, tmp_path):
    w, ids, outcome = _seed(make_workshop, server)
    page = contexts("phone", "fr").new_page()
    page.goto(server.url + "/o/" + outcome["outcome"]["key"])
    pdf = tmp_path / "outcome.pdf"
    pdf.write_bytes(page.pdf(format="A4", print_background=True))
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert "(A4)" in info and pages <= 4, info  # 8 activities in the plan, 12 ranked
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert flat.index("Plan de travail") < flat.index("Résultats classés")
    assert "Plan de la salle" in flat and "T2 2026 – T4 2026" in flat
    assert "Imprimer" not in flat and "العربية" not in flat  # tools and switcher not printed
    subprocess.run(["pdftoppm", "-png", "-r", "50", pdf, str(ARTIFACTS / "outcome-a4")], check=True)
