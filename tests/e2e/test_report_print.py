"""The session report printed to A4 by Chromium, read back with poppler (pdftotext, pdfinfo).

A room like the THAMM national workshop in Rabat: 5 stakeholder groups, 4 tracks, 18 activities
with real French titles (two in Arabic, one in English), 30 participants who vote with dots,
comments, commitments by several organisations (ENABEL and ANAPEC on one activity), a workplan.

Bounds (A4 portrait, the report's own @page margins):
- the ranked results take at most ceil(n / 10) pages, counted from the page of the "Ranked
  results" heading to the page of the "Workplan" heading, both included;
- the whole report takes at most 2 + ceil(n / 10) + 3 pages: the head and participation, the
  ranked results, the workplan (track tables, chart, table by organisation) and comments.
"""

import io
import json
import math
import re
import shutil
import subprocess
import zipfile

import pytest

from tests.conftest import unavailable
from tests.json_http import download
from tests.seeding import DOTS, THAMM_GROUPS, THAMM_TRACKS, Phone, Room

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _poppler():
    """The PDF is read back with poppler: skipped loudly on a laptop without it, failed in CI."""
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        unavailable("poppler-utils (pdftotext, pdfinfo)")


GROUPS = THAMM_GROUPS
TRACKS = [*THAMM_TRACKS, "Réintégration et développement"]
#: (title, track index): 60 to 90 characters, two in Arabic, one in English
ACTIVITIES = [
    ("Cartographier les besoins en compétences des secteurs qui recrutent à l'international", 1),
    ("Renforcer le dialogue social tripartite sur la mobilité professionnelle des jeunes", 0),
    ("Appuyer l'ANAPEC dans l'intermédiation internationale et le suivi des placements", 0),
    ("Harmoniser les statistiques de la migration de travail entre le HCP et les ministères", 0),
    ("Développer des parcours de formation certifiants avec l'OFPPT dans trois régions pilotes", 1),
    ("Reconnaître et valider les compétences acquises à l'étranger par les migrants de retour", 3),
    ("Former les formateurs aux langues étrangères et aux compétences transversales", 1),
    ("Informer les candidats au départ sur leurs droits avant la signature du contrat", 2),
    ("Renforcer la portabilité des droits de sécurité sociale avec les pays de destination", 2),
    ("Lutter contre les pratiques de recrutement abusives et les frais illégaux", 2),
    (
        "Coordonner les interventions de l'OIT, de la GIZ, d'ENABEL et de l'OIM au niveau régional",
        0,
    ),
    ("Créer un guichet d'accompagnement des migrants de retour dans chaque région", 3),
    ("Mobiliser la diaspora qualifiée pour l'investissement productif et l'emploi local", 3),
    ("Associer les collectivités territoriales au pilotage des projets de mobilité", 0),
    ("Mettre en place un observatoire des conditions de travail des saisonnières agricoles", 2),
    ("إنشاء منصة رقمية موحدة لعروض الشغل الدولية لفائدة الباحثين عن عمل", 1),
    ("تعزيز قدرات مفتشي الشغل في مراقبة وكالات التشغيل الخاصة بالخارج", 2),
    ("Set up a joint monitoring committee with employers and trade unions for the pilot", 0),
]
#: organisation, group index, people (30)
ORGANISATIONS = [
    ("MIEPEEC", 0, 5),
    ("Haut-Commissariat au Plan", 0, 2),
    ("CGEM", 1, 4),
    ("UGTM", 2, 3),
    ("CDT", 2, 3),
    ("ANAPEC", 3, 4),
    ("OFPPT", 3, 2),
    ("OIT", 4, 3),
    ("ENABEL", 4, 2),
    ("GIZ", 4, 2),
]
COMMENTS = [
    "Associer les régions dès le démarrage.",
    "Prévoir un volet spécifique pour les femmes migrantes.",
    "Attention au doublon avec le projet de la GIZ.",
    "Indicateurs à définir avec le HCP.",
]
#: activity index -> [(organisation, role, timeframe)]; ANAPEC and ENABEL together on #2
COMMITMENTS = {
    0: [("MIEPEEC", "lead", "T1 2026"), ("CGEM", "partner", ""), ("OIT", "support", "2026")],
    1: [("MIEPEEC", "lead", "2026"), ("UGTM", "partner", ""), ("CDT", "partner", "")],
    2: [("ANAPEC", "lead", "T2 2026"), ("ENABEL", "partner", "T2 2026"), ("GIZ", "partner", "")],
    4: [("OFPPT", "lead", "2026"), ("ENABEL", "partner", "2026"), ("ANAPEC", "support", "")],
}
SESSION_DATE = "2026-05-28"
VENUE = "Hôtel Sofitel Jardin des Roses, Rabat"


def seed(server, n_activities: int) -> dict:
    """A played workshop with `n_activities` activities; returns code, token and titles."""
    w = Room.create(
        server.url,
        "Atelier national de programmation — THAMM Plus Maroc",
        description="Affiner les attentes et les engagements des partenaires.",
        groups=GROUPS,
        tracks=TRACKS,
        voting=DOTS,
        language="fr",
    )
    titles = []
    for index in range(n_activities):
        title, track = ACTIVITIES[index % len(ACTIVITIES)]
        if index >= len(ACTIVITIES) and not re.search("[\u0600-\u06ff]", title):
            title = f"{title} (volet {index // len(ACTIVITIES) + 1})"
        titles.append(title)
    ids = [
        w.add(title, TRACKS[ACTIVITIES[i % len(ACTIVITIES)][1]]) for i, title in enumerate(titles)
    ]
    people = [
        (organisation, w.join(organisation, GROUPS[group]))
        for organisation, group, count in ORGANISATIONS
        for _ in range(count)
    ]
    w.phase("voting")
    phones: dict[str, Phone] = {}
    for n, (organisation, participant_token) in enumerate(people):
        phone = Phone(server.url, participant_token)
        for k, points in enumerate((2, 2, 1)):  # a fixed spread: no randomness in the test
            target = ids[(n * 3 + k * 5) % min(len(ids), 18)]
            ack = phone.act("cast_vote", activity_id=target, points=points)
            assert ack.get("ok"), ack
        if n % 4 == 0:
            text = COMMENTS[n % len(COMMENTS)]
            ack = phone.act("add_comment", activity_id=ids[n % 6], text=text)
            assert ack.get("ok"), ack
        if organisation in phones:
            phone.close()
        else:
            phones[organisation] = phone
    w.call("PATCH", "", {"commitments_open": True})
    for index in COMMITMENTS:
        w.call("PUT", f"/workplan/activities/{ids[index]}")
    for index, entries in COMMITMENTS.items():
        for organisation, role, timeframe in entries:
            ack = phones[organisation].act(
                "make_commitment", activity_id=ids[index], role=role, timeframe=timeframe
            )
            assert ack.get("ok"), ack
    for phone in phones.values():
        phone.close()
    w.call("PATCH", "", {"session_date": SESSION_DATE, "venue": VENUE})
    return {**w.created, "titles": titles}


@pytest.fixture(scope="module")
def room18(server):
    return seed(server, 18)


@pytest.fixture(scope="module")
def room60(server):
    return seed(server, 60)


def print_report(browser, server, room: dict, lang: str, tmp_path) -> dict:
    """Open the report as the facilitator, print it to A4, and read the PDF back."""
    context = browser.new_context(locale={"fr": "fr-FR", "ar": "ar-MA", "en": "en-GB"}[lang])
    try:
        page = context.new_page()
        page.goto(room["facilitator_url"])
        page.goto(f"{server.url}/f/{room['code']}/report?lang={lang}")
        page.wait_for_selector("#workplan")
        return read_pdf(page.pdf(format="A4", print_background=True), tmp_path / f"{lang}.pdf")
    finally:
        context.close()


#: direction marks pdftotext writes around right-to-left runs (they are not text)
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def read_pdf(pdf: bytes, path) -> dict:
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True)
    # -raw: the order Chromium painted in, each table cell whole (the default reading order
    # may interleave a column of figures with the lines of a title)
    raw = subprocess.run(
        ["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True
    )
    layout = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    )
    return {
        "pages": pages,
        "text": BIDI_MARKS.sub("", text.stdout).split("\f"),
        "raw": BIDI_MARKS.sub("", raw.stdout).split("\f"),
        "layout": BIDI_MARKS.sub("", layout.stdout).split("\f"),
    }


def words(text: str) -> str:
    return " ".join(text.split())


def skeleton(text: str) -> str:
    """Arabic without lam and alef: poppler writes the lam-alef ligature back as alef-lam."""
    return re.sub("[\u0627\u0644\u0623\u0625\u0622]", "", text)


def tokens_of(text: str) -> list[str]:
    """Words and numbers apart, without punctuation (a rank may stick to an Arabic word)."""
    return re.findall(r"[^\W\d_]+|\d+", skeleton(text))


def printed_in_order(tokens: list[str], title: str, slack: int = 8) -> bool:
    """The title's words, in order, with at most `slack` other words between them (another
    column's figures may come between two lines of a title in poppler's reading order)."""
    wanted = tokens_of(title)
    for start, token in enumerate(tokens):
        if token != wanted[0]:
            continue
        position, found = start, 1
        for word in wanted[1:]:
            window = tokens[position + 1 : position + 2 + slack]
            if word not in window:
                break
            position += 1 + window.index(word)
            found += 1
        if found == len(wanted):
            return True
    return False


def page_of(doc: dict, number: int, heading: str) -> int:
    """1-based page on which a numbered heading is printed ("3. Workplan"; in a right-to-left
    line poppler may write the number after the words)."""
    pattern = re.compile(rf"{number}\.\s*{heading}|{heading}\s*\.?{number}\b")
    for page, text in enumerate(doc["text"], start=1):
        if pattern.search(words(text)):
            return page
    raise AssertionError(f"{number}. {heading} is not printed")


def check_print(doc: dict, titles: list[str], lang: str) -> None:
    n = len(titles)
    headings = {
        "fr": ("Résultats classés", "Plan de travail"),
        "ar": ("النتائج مرتبة", "خطة العمل"),
        "en": ("Ranked results", "Workplan"),
    }[lang]
    ranked_pages = page_of(doc, 3, headings[1]) - page_of(doc, 2, headings[0]) + 1
    assert ranked_pages <= math.ceil(n / 10), (ranked_pages, doc["pages"])
    assert doc["pages"] <= 2 + math.ceil(n / 10) + 3, doc["pages"]
    everything = words(" ".join(doc["text"]))
    tokens = tokens_of(" ".join(doc["raw"]))
    for title in titles:
        if re.search("[\u0600-\u06ff]", title):  # poppler writes RTL lines as painted
            missing = set(tokens_of(title)) - set(tokens)
            assert not missing, (title, missing)
        else:
            assert printed_in_order(tokens, title), title
    # the vertical-letters defect: a title one character wide prints one letter per line
    single = [
        line for page in doc["layout"] for line in page.splitlines() if len(line.strip()) == 1
    ]
    assert len(single) <= 2, single[:20]
    assert "Gommettes" not in everything
    assert VENUE in everything
    assert "2026" in everything


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_report_prints_on_a4(browser, server, room18, lang, tmp_path):
    doc = print_report(browser, server, room18, lang, tmp_path)
    check_print(doc, room18["titles"], lang)
    everything = words(" ".join(doc["text"]))
    if lang == "fr":
        assert "28 mai 2026" in everything
        assert "Points : 5 par personne" in everything
    if lang == "en":
        assert "May 28, 2026" in everything


def test_a_long_session_of_60_activities_prints_in_few_pages(browser, server, room60, tmp_path):
    doc = print_report(browser, server, room60, "fr", tmp_path)
    check_print(doc, room60["titles"], "fr")


def test_the_zip_report_prints_the_same_way(browser, server, room18, tmp_path):
    body = download(
        f"{server.url}/api/workshops/{room18['code']}/export.zip?lang=ar",
        room18["facilitator_token"],
    )
    archive = zipfile.ZipFile(io.BytesIO(body))
    code = room18["code"]
    html = archive.read(f"{code}/{code}-report.html").decode("utf-8")
    assert "<link" not in html and "<script" not in html  # opens from a disk, alone
    context = browser.new_context(locale="ar-MA")
    try:
        page = context.new_page()
        page.set_content(html)
        doc = read_pdf(page.pdf(format="A4", print_background=True), tmp_path / "zip.pdf")
    finally:
        context.close()
    check_print(doc, room18["titles"], "ar")
    assert json.loads(archive.read(f"{code}/atelier-export.json"))  # the rest is still there
