"""The big screen as the back of the room sees it: seeded rooms, the matrix of what can be switched
on, and the geometric facts checked in the real page. Shared by tests/e2e/test_layout_screen.py
(a sample of the matrix) and scripts/contact_sheet.py (all of it, as pictures).

What "readable" means here, for a room read from 10 to 20 metres:
- an activity title in the results is at least 2.6 % of the viewport's height (28 px at 1080p,
  19 px at 720p) and at least 40 % of the viewport's width;
- any other text a person must read (a proposal, a comment, a workplan card, the equal-weight
  ranking) is at least 2.2 % of the height (24 px at 1080p) and 20 characters wide (10 em);
- nothing leaves the viewport, nothing is cut by its panel, panels do not overlap, the page
  never scrolls, and every activity is shown within one rotation of the pages.
"""

import itertools
import random
from pathlib import Path

from tests import json_http
from tests.seeding import DOTS, THAMM_GROUPS, THAMM_TRACKS, Phone, Room

RESOLUTIONS = [(1920, 1080), (1366, 768), (1280, 720), (1024, 768)]
LANGS = ["fr", "ar", "en"]
SCENES = ["auto", "join", "proposals", "results", "comments", "workplan"]
#: activity counts and the kind of titles: mixed lengths (10 to 120 characters), or all long
ROOMS = {"3": (3, "mixed"), "18": (18, "mixed"), "40-long": (40, "long"), "60": (60, "mixed")}

RESULT_TITLE_MIN_VH = 2.6
TEXT_MIN_VH = 2.2
RESULT_TITLE_MIN_VW = 40
TEXT_MIN_EM = 10

GROUPS = THAMM_GROUPS
TRACKS = [*THAMM_TRACKS, "Données et statistiques"]
VERBS = [
    "Renforcer",
    "Cartographier",
    "Harmoniser",
    "Développer",
    "Appuyer",
    "Former",
    "Informer",
    "Coordonner",
    "Évaluer",
    "Reconnaître",
]
OBJECTS = [
    "le dialogue social tripartite sur la mobilité professionnelle",
    "les besoins en compétences des secteurs qui recrutent à l'international",
    "les statistiques de la migration de travail avec le HCP",
    "des parcours de formation certifiants avec l'OFPPT",
    "l'ANAPEC dans l'intermédiation internationale",
    "les candidats au départ sur leurs droits et leurs obligations",
    "les interventions de l'OIT, de la GIZ, d'ENABEL et de l'OIM",
    "la portabilité des droits de sécurité sociale des migrants",
    "les compétences acquises des migrants de retour",
    "les conseillers à l'emploi des agences régionales",
]
ARABIC = [
    "حملة تحسيسية ضد تشغيل الأطفال في القطاع الفلاحي",
    "تعزيز الحوار الاجتماعي الثلاثي حول التنقل المهني وحماية حقوق العمال المهاجرين في المغرب",
]
ENGLISH = "Set up a joint monitoring committee with the social partners and the regions"
COMMENTS = [
    "Associer les régions dès le démarrage.",
    "Prévoir un volet spécifique pour les femmes migrantes, en lien avec les associations "
    "locales et les conseils régionaux, avec un budget identifié dès la première année.",
    "Attention au doublon avec le projet de la GIZ.",
    "إشراك الجهات منذ البداية",
    "Indicateurs à définir avec le HCP.",
    "Budget à confirmer pour 2026.",
    "Bonne idée, à relier à la stratégie nationale.",
    "Attention au doublon avec le projet de la GIZ.",
    "Qui porte le suivi après 2027 ? Il faudrait un comité de pilotage avec les syndicats.",
]


def titles(count: int, kind: str, seed: int = 11) -> list[str]:
    """`count` distinct French titles (two Arabic, one English) of 10 to 120 characters."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        if i in (2, 9):
            text = ARABIC[0 if i == 2 else 1]
        elif i == 5:
            text = ENGLISH
        else:
            text = f"{VERBS[i % len(VERBS)]} {OBJECTS[(i * 3 + i // 10) % len(OBJECTS)]}"
            if kind == "long" or rng.random() < 0.5:
                text += " et en assurer le suivi régional avec les partenaires sociaux"
        length = 120 if kind == "long" else rng.choice([10, 18, 40, 60, 75, 90, 120])
        if len(text) + 5 > length:  # cut at a word, as a person would shorten it
            text = text[: length - 5].rsplit(" ", 1)[0].rstrip(" ,'")
        text = f"{text} ({i + 1})"
        out.append(text if len(text) >= 10 else text + " — action")
    return out


def call(base: str, method: str, path: str, body=None, token: str | None = None) -> dict:
    return json_http.call(method, base + path, body, token)


def seed_room(base: str, room: str, participants: int = 30, seed: int = 7) -> dict:
    """A THAMM-like workshop in voting: groups, tracks, activities, votes, comments, a workplan."""
    count, kind = ROOMS[room]
    rng = random.Random(seed)
    w = Room.create(
        base,
        "Atelier national de programmation — Migration de main-d'œuvre (THAMM Plus)",
        groups=GROUPS,
        tracks=TRACKS,
        voting=DOTS,
        language="fr",
    )
    ids = [w.add(t, TRACKS[i % 4]) for i, t in enumerate(titles(count, kind))]
    w.phase("proposing")
    w.phase("voting")
    for n in range(participants):
        phone = Phone(base, w.join(f"Organisation {n % 12}", GROUPS[n % len(GROUPS)]))
        left = 5
        for index in rng.sample(range(len(ids)), k=min(4, len(ids))):
            points = min(left, rng.randint(1, 3))
            if points <= 0:
                break
            if phone.act("cast_vote", activity_id=ids[index], points=points).get("ok"):
                left -= points
        if n < len(COMMENTS):
            phone.act("add_comment", activity_id=ids[n % len(ids)], text=COMMENTS[n])
        phone.close()
    w.call("POST", "/workplan/top", {"count": min(count, 16)})
    return {**w.created, "ids": ids, "room": room}


def set_case(base: str, w: dict, case: dict) -> None:
    """Switch the room's screen to what a case asks for (the console's buttons, over the API)."""
    token = w["facilitator_token"]
    path = f"/api/workshops/{w['code']}"
    call(
        base,
        "PATCH",
        path,
        {"screen_scene": case["scene"], "show_group_split": case["split"]},
        token,
    )
    if case["timer"]:
        call(base, "POST", path + "/timer", {"action": "start", "seconds": 900}, token)
    else:
        call(base, "POST", path + "/timer", {"action": "reset"}, token)


def full_matrix() -> list[dict]:
    """Every case: resolution × language × scene × room × group split × countdown."""
    return [
        {"size": size, "lang": lang, "scene": scene, "room": room, "split": split, "timer": timer}
        for size, lang, scene, room, split, timer in itertools.product(
            RESOLUTIONS, LANGS, SCENES, ROOMS, (True, False), (True, False)
        )
    ]


def sampled_matrix(n: int = 24) -> list[dict]:
    """`n` cases where every resolution meets every language (twice in 24), every scene and
    room comes back at several resolutions, and the split and the countdown alternate."""
    rooms = list(ROOMS)
    cases = []
    for i in range(n):
        cases.append(
            {
                "size": RESOLUTIONS[i % 4],
                "lang": LANGS[i % 3],
                "scene": SCENES[(i * 5 + i // 6) % 6],
                "room": rooms[(i + i // 4) % 4],
                "split": (i // 2) % 2 == 0,
                "timer": i % 5 in (0, 3),
            }
        )
    return cases


def case_id(case: dict) -> str:
    w, h = case["size"]
    bits = [f"{w}x{h}", case["lang"], case["scene"], case["room"]]
    bits += ["split"] if case["split"] else []
    bits += ["timer"] if case["timer"] else []
    return "-".join(bits)


def screen_url(w: dict, lang: str) -> str:
    # a short page time: a test may also step the pages itself (Atelier.screen.nextPage)
    return f"{w['screen_url']}?lang={lang}&page_seconds=600"


#: Reads the page: the panels, every shown text a person must read, the scroll extent.
FACTS_JS = (Path(__file__).parent / "layout_facts.js").read_text(encoding="utf-8").split("*/", 1)[1]

#: The activity ids shown now in the list of a scene.
SHOWN_IDS_JS = """(sel) => [...document.querySelectorAll(sel)]
  .filter(n => n.getClientRects().length > 0)
  .map(n => Number(n.getAttribute('data-activity-id')))"""


def check_facts(facts: dict) -> list[str]:
    """What is wrong on the page, in words (empty: nothing)."""
    problems = []
    vw, vh = facts["vw"], facts["vh"]
    if facts["scrollW"] > vw or facts["scrollH"] > vh:
        problems.append(f"the page scrolls: {facts['scrollW']}×{facts['scrollH']} in {vw}×{vh}")
    panels = facts["panels"]
    for a, b in itertools.combinations(panels, 2):
        inside = (
            a["x"] <= b["x"] and a["r"] >= b["r"] and a["y"] <= b["y"] and a["b"] >= b["b"]
        ) or (b["x"] <= a["x"] and b["r"] >= a["r"] and b["y"] <= a["y"] and b["b"] >= a["b"])
        overlap_x = min(a["r"], b["r"]) - max(a["x"], b["x"])
        overlap_y = min(a["b"], b["b"]) - max(a["y"], b["y"])
        if not inside and overlap_x > 1 and overlap_y > 1:
            problems.append(
                f"{a['sel']} and {b['sel']} overlap by {overlap_x:.0f}×{overlap_y:.0f}px"
            )
    for p in panels:
        if p["x"] < -1 or p["y"] < -1 or p["r"] > vw + 1 or p["b"] > vh + 1:
            problems.append(f"{p['sel']} leaves the viewport: {p}")
    if facts["header"] and facts["h1Font"] and facts["header"]["h"] > 2.2 * facts["h1Font"] * 1.3:
        problems.append(f"the header wraps: {facts['header']['h']:.0f}px tall")
    for t in facts["texts"]:
        label = f"{t['sel']} «{t['text']}»"
        if t["kind"] == "result":
            min_font, min_width = RESULT_TITLE_MIN_VH * vh / 100, RESULT_TITLE_MIN_VW * vw / 100
        else:
            min_font, min_width = TEXT_MIN_VH * vh / 100, TEXT_MIN_EM * t["font"]
        if t["font"] < min_font - 0.5:
            problems.append(f"{label}: {t['font']:.1f}px type, under {min_font:.1f}px")
        if t["w"] < min_width - 1:
            problems.append(f"{label}: {t['w']:.0f}px wide, under {min_width:.0f}px")
        if t["x"] < -1 or t["y"] < -1 or t["r"] > vw + 1 or t["b"] > vh + 1:
            problems.append(
                f"{label} leaves the viewport: {t['x']:.0f},{t['y']:.0f}–{t['r']:.0f},{t['b']:.0f}"
            )
        pb = t["panel"]
        if pb and (
            t["y"] < pb["y"] - 1
            or t["b"] > pb["b"] + 1
            or t["x"] < pb["x"] - 1
            or t["r"] > pb["r"] + 1
        ):
            problems.append(f"{label} is cut by its panel {t['panelSel']}")
    return problems[:12]


def list_selector(scene: str) -> str | None:
    """The rows that carry activity ids in a scene (None: the scene lists no activities)."""
    return {
        "results": "#results > li[data-activity-id]",
        "proposals": "#proposals > li[data-activity-id]",
    }.get(scene)


def rotation(page, scene: str, limit: int = 40) -> tuple[set[int], list[str], list[str]]:
    """Step once through the pages: every activity id shown, the indicators read, and what was
    wrong on any page but the first (checked by the caller)."""
    selector = list_selector(scene)
    seen: set[int] = set(page.evaluate(SHOWN_IDS_JS, selector)) if selector else set()
    read = [p["text"] for p in page.evaluate(FACTS_JS)["pagers"]]
    problems: list[str] = []
    if not page.evaluate("() => !!(window.Atelier && Atelier.screen && Atelier.screen.nextPage)"):
        return seen, read, problems
    for _ in range(limit):
        index = page.evaluate("() => Atelier.screen.nextPage()")
        facts = page.evaluate(FACTS_JS)
        problems += [f"page {index + 1}: {p}" for p in check_facts(facts)]
        if selector:
            seen |= set(page.evaluate(SHOWN_IDS_JS, selector))
        read += [p["text"] for p in facts["pagers"]]
        if index == 0:
            break
    return seen, read, problems[:12]


def effective_scene(case: dict) -> str:
    """The seeded rooms are voting: the automatic scene is the results."""
    return "results" if case["scene"] == "auto" else case["scene"]
