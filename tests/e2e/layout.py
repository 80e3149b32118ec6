"""The big screen as the back of the room sees it: seeded rooms, the matrix of what can be switched
on, and the geometric facts checked in the real page. Shared by tests/e2e/test_layout_screen.py
(a sample of the matrix) and scripts/contact_sheet.py (all of it, as pictures).

What "readable" means here, for a room read from 10 to 20 metres:
- an activity title in the results is at least 2.6 % of the viewport's height (28 px at 1080p,
  19 px at 720p) and at least 40 % of the viewport's width;
- any other text a person must read (a proposal, a comment, a workplan card, the equal-weight
  ranking) is at least 2.2 % of the height (24 px at 1080p) and 20 characters wide (10 em);
- nothing leaves the viewport, nothing is cut by its panel, panels do not overlap, the page
  never scrolls, and every activity is shown within one rotation of the pages;
- every one of those texts (a result's or a proposal's title, a comment, a workplan card's
  title, the equal-weight ranking, a rapporteur's heading, a roll-up title, a provenance line)
  is read whole: never cut short by an ellipsis or a line clamp; the pages turn instead.

The room "groups" works in working groups (docs/working-groups.md): eight tables with long
names in three languages, 3 to 5 activities each, pre-voted and rolled up (top 3: a ballot of
24, two of them merged across tables), then voted on in plenary. Its scenes "rollup" (every
group, one to a page) and "rollup-focus" (one group's rapporteur speaks) and its results (a
provenance line under each) need its ballot: the other rooms have none.
"""

import itertools
import random
from pathlib import Path

from tests import json_http
from tests.seeding import DOTS, THAMM_GROUPS, THAMM_TRACKS, Phone, Room

RESOLUTIONS = [(1920, 1080), (1366, 768), (1280, 720), (1024, 768)]
LANGS = ["fr", "ar", "en"]
#: the console's scenes; "rollup-focus" is the scene "rollup" with one group shown
#: (PATCH rollup_focus_group_id)
SCENES = ["auto", "join", "proposals", "results", "comments", "workplan", "rollup", "rollup-focus"]
#: the scenes that need a ballot: only a room that rolled up shows them
BALLOT_SCENES = ("rollup", "rollup-focus")
#: activity counts and the kind of titles: mixed lengths (10 to 120 characters), or all long;
#: "groups": 8 working groups of 3 to 5 long titles each, rolled up (top 3) and voted on
ROOMS = {
    "3": (3, "mixed"),
    "18": (18, "mixed"),
    "40-long": (40, "long"),
    "60": (60, "mixed"),
    "groups": (33, "groups"),
}

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


#: the wordings the facilitator gives (issue 12, item 5): an Arabic and an English big screen
#: show them instead of the French originals, so the matrix measures translated titles too
WORDED_GROUPS = {
    "Gouvernement": ("الحكومة", "Government"),
    "Organisations d'employeurs": ("منظمات المشغلين", "Employers' organisations"),
    "Organisations de travailleurs": ("المنظمات النقابية للعمال", "Workers' organisations"),
    "Agences publiques": ("الوكالات العمومية", "Public agencies"),
    "Partenaires techniques et financiers": (
        "الشركاء التقنيون والماليون",
        "Technical and financial partners",
    ),
}
WORDED_TRACKS = [
    ("حكامة هجرة اليد العاملة", "Governance of labour migration"),
    ("المهارات وقابلية التشغيل", "Skills and employability"),
    ("حماية العمال المهاجرين", "Protection of migrant workers"),
    ("المعطيات والإحصاءات", "Data and statistics"),
]
AR_WORDS = [
    "تعزيز الحوار الاجتماعي الثلاثي حول التنقل المهني",
    "رسم خريطة حاجيات القطاعات التي تشغل على الصعيد الدولي من الكفاءات",
    "مواءمة إحصاءات هجرة اليد العاملة مع المندوبية السامية للتخطيط",
    "تطوير مسارات تكوين مؤهلة مع مكتب التكوين المهني",
    "دعم الوكالة الوطنية لإنعاش التشغيل في الوساطة الدولية",
]
EN_WORDS = [
    "Strengthen tripartite social dialogue on labour mobility and its regional follow-up",
    "Map the skills needs of the sectors that recruit abroad with the employers",
    "Harmonise labour migration statistics with the High Commission for Planning",
    "Develop certified training pathways with the vocational training office",
    "Support ANAPEC in international job placement and in pre-departure orientation",
]


def wordings(index: int, kind: str) -> dict:
    """Two activities in three get an Arabic and an English title, long ones in a long room."""
    if index % 3 == 1:
        return {}
    ar, en = AR_WORDS[index % len(AR_WORDS)], EN_WORDS[index % len(EN_WORDS)]
    if kind == "long" or index % 2:
        ar, en = f"{ar} مع الشركاء الاجتماعيين والجهات", f"{en}, with the social partners"
    return {"title_ar": f"{ar} ({index + 1})"[:120], "title_en": f"{en} ({index + 1})"[:120]}


#: the working groups of the room "groups": components of the programme, with their wordings
WORKING_GROUPS = [
    ("Gouvernance de la migration de main-d'œuvre", "حكامة هجرة اليد العاملة",
     "Governance of labour migration"),
    ("Compétences et employabilité", "المهارات وقابلية التشغيل", "Skills and employability"),
    ("Protection des travailleurs migrants et de leurs familles", "حماية العمال المهاجرين وأسرهم",
     "Protection of migrant workers and their families"),
    ("Réintégration économique et sociale des migrants de retour",
     "إعادة الإدماج الاقتصادي والاجتماعي للمهاجرين العائدين",
     "Economic and social reintegration of returning migrants"),
    ("Données, statistiques et systèmes d'information sur le marché du travail",
     "المعطيات والإحصاءات ونظم المعلومات حول سوق الشغل",
     "Data, statistics and labour market information systems"),
    ("Intermédiation internationale et recrutement équitable", "الوساطة الدولية والتوظيف العادل",
     "International placement and fair recruitment"),
    ("Dialogue social et partenariats avec les pays de destination",
     "الحوار الاجتماعي والشراكات مع بلدان الاستقبال",
     "Social dialogue and partnerships with countries of destination"),
    ("Genre, jeunesse et inclusion des femmes migrantes",
     "النوع الاجتماعي والشباب وإدماج النساء المهاجرات",
     "Gender, youth and the inclusion of migrant women"),
]  # fmt: skip
#: activities at each table, in the order of WORKING_GROUPS
TABLE_SIZES = [5, 4, 3, 5, 4, 3, 5, 4]
#: the same idea drafted at the first two tables: merged on the ballot, "brought by A + B"
DUPLICATE = (
    "Créer un guichet unique d'information sur la migration de travail dans chaque région",
    "Créer un guichet unique d'information sur la migration de travail dans les régions",
)
#: the table the rapporteur's view shows: the longest name
FOCUS_TABLE = 4
PEOPLE_PER_TABLE = 4


def call(base: str, method: str, path: str, body=None, token: str | None = None) -> dict:
    return json_http.call(method, base + path, body, token)


def seed_room(base: str, room: str, participants: int = 30, seed: int = 7) -> dict:
    """A THAMM-like workshop in voting: groups, tracks, activities, votes, comments, a workplan."""
    count, kind = ROOMS[room]
    if kind == "groups":
        return seed_groups_room(base, room, seed)
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
    for i, activity_id in enumerate(ids):
        if wordings(i, kind):
            w.call("PATCH", f"/activities/{activity_id}", wordings(i, kind))
    state = w.call("GET")
    for group in state["groups"]:
        ar, en = WORDED_GROUPS[group["name"]]
        w.call("PATCH", f"/groups/{group['group_id']}", {"name_ar": ar, "name_en": en})
    for track, (ar, en) in zip(state["tracks"], WORDED_TRACKS, strict=True):
        w.call("PATCH", f"/tracks/{track['id']}", {"name_ar": ar, "name_en": en})
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


def seed_groups_room(base: str, room: str, seed: int = 7) -> dict:
    """A workshop in working groups, voting on its ballot: 8 tables (one per component, named
    in fr/ar/en) of 4 people and 3 to 5 activities (long titles, two in three worded in ar/en),
    each table pre-votes and is done, the facilitator rolls up the top 3 (24 entries), merges
    the duplicate the first two tables brought, and the plenary votes on the ballot."""
    rng = random.Random(seed)
    w = Room.create(
        base,
        "Atelier national de programmation — Migration de main-d'œuvre (THAMM Plus)",
        groups=GROUPS,
        tracks=[fr for fr, _ar, _en in WORKING_GROUPS],
        voting=DOTS,
        language="fr",
    )
    state = w.call("GET")
    for track, (_fr, ar, en) in zip(state["tracks"], WORKING_GROUPS, strict=True):
        w.call("PATCH", f"/tracks/{track['id']}", {"name_ar": ar, "name_en": en})
    for group in state["groups"]:
        ar, en = WORDED_GROUPS[group["name"]]
        w.call("PATCH", f"/groups/{group['group_id']}", {"name_ar": ar, "name_en": en})
    texts = titles(sum(TABLE_SIZES), "long", seed=seed + 16)
    texts[0], texts[TABLE_SIZES[0]] = DUPLICATE
    tables: list[list[int]] = []
    index = 0
    for table, size in enumerate(TABLE_SIZES):
        tables.append([])
        for _ in range(size):
            activity_id = w.add(texts[index], WORKING_GROUPS[table][0])
            if index not in (0, TABLE_SIZES[0]) and wordings(index, "long"):
                w.call("PATCH", f"/activities/{activity_id}", wordings(index, "long"))
            tables[-1].append(activity_id)
            index += 1
    w.phase("proposing")
    made = w.call("POST", "/working-groups", {"from_tracks": True})["working_groups"]
    groups = [g["id"] for g in sorted(made, key=lambda g: g["position"])]
    phones: list[tuple[int, Phone]] = []
    try:
        for n in range(PEOPLE_PER_TABLE * len(groups)):
            table = n % len(groups)
            body = {"organisation": f"Organisation {n % 12}", "group": GROUPS[n % len(GROUPS)]}
            joined = w.call("POST", "/participants", body, token=None)
            seat = {"working_group_id": groups[table]}
            w.call("PUT", f"/participants/{joined['participant_id']}/working-group", seat)
            phones.append((table, Phone(base, joined["participant_token"])))
        for gid in groups:
            w.call("POST", f"/working-groups/{gid}/phase", {"phase": "prevote"})
        for n, (table, phone) in enumerate(phones):
            # everyone backs the table's first activity; the others share the rest
            ids, member = tables[table], n // len(groups)
            rest = len(ids) - 1
            given = {ids[0]: 2, ids[1 + member % rest]: 2}
            given[ids[1 + (member + 1) % rest]] = given.get(ids[1 + (member + 1) % rest], 0) + 1
            for activity_id, points in given.items():
                ack = phone.act("cast_prevote", activity_id=activity_id, points=points)
                assert ack.get("ok"), ack
        for gid in groups:
            w.call("POST", f"/working-groups/{gid}/phase", {"phase": "done"})
        w.call("POST", "/rollup", {"top_n": 3})
        w.call("POST", "/merges", {"target_id": tables[0][0], "source_ids": [tables[1][0]]})
        ballot = w.call("GET", "/rollup")["ballot"]
        votable = [e["activity_id"] for e in ballot if not e.get("merged_into_id")]
        # each table's top 3, one of them merged into another table's: "brought by A + B"
        assert len(ballot) == sum(min(3, size) for size in TABLE_SIZES), ballot
        assert len(votable) == len(ballot) - 1, ballot
        w.phase("voting")
        for _table, phone in phones:
            left = 5
            for activity_id in rng.sample(votable, k=3):
                points = min(left, rng.randint(1, 3))
                if points > 0 and phone.act(
                    "cast_vote", activity_id=activity_id, points=points
                ).get("ok"):
                    left -= points
    finally:
        for _table, phone in phones:
            phone.close()
    focus = groups[FOCUS_TABLE]
    return {
        **w.created,
        "room": room,
        "ids": [a for table in tables for a in table if a != tables[1][0]],
        "ballot_ids": votable,
        "rollup_ids": [e["activity_id"] for e in ballot],
        "focus": focus,
        "focus_ids": [e["activity_id"] for e in ballot if e["working_group_id"] == focus],
    }


def set_case(base: str, w: dict, case: dict) -> None:
    """Switch the room's screen to what a case asks for (the console's buttons, over the API)."""
    token = w["facilitator_token"]
    path = f"/api/workshops/{w['code']}"
    body = {
        "screen_scene": effective_scene(case) if case["scene"] in BALLOT_SCENES else case["scene"],
        "show_group_split": case["split"],
    }
    if "focus" in w:  # the rapporteur's view: one group, or every group again
        body["rollup_focus_group_id"] = w["focus"] if case["scene"] == "rollup-focus" else None
    call(base, "PATCH", path, body, token)
    if case["timer"]:
        call(base, "POST", path + "/timer", {"action": "start", "seconds": 900}, token)
    else:
        call(base, "POST", path + "/timer", {"action": "reset"}, token)


def has_ballot(room: str) -> bool:
    return ROOMS[room][1] == "groups"


def full_matrix() -> list[dict]:
    """Every case: resolution × language × scene × room × group split × countdown (the
    roll-up's scenes in the room that rolled up only)."""
    return [
        {"size": size, "lang": lang, "scene": scene, "room": room, "split": split, "timer": timer}
        for size, lang, scene, room, split, timer in itertools.product(
            RESOLUTIONS, LANGS, SCENES, ROOMS, (True, False), (True, False)
        )
        if scene not in BALLOT_SCENES or has_ballot(room)
    ]


def sampled_matrix(n: int = 24) -> list[dict]:
    """`n` cases where every resolution meets every language (twice in 24), every scene
    without a ballot and every room without one comes back at several resolutions, and the
    split and the countdown alternate (rollup_sample() adds the room that rolled up)."""
    rooms = [room for room in ROOMS if not has_ballot(room)]
    scenes = [scene for scene in SCENES if scene not in BALLOT_SCENES]
    cases = []
    for i in range(n):
        cases.append(
            {
                "size": RESOLUTIONS[i % 4],
                "lang": LANGS[i % 3],
                "scene": scenes[(i * 5 + i // 6) % len(scenes)],
                "room": rooms[(i + i // 4) % len(rooms)],
                "split": (i // 2) % 2 == 0,
                "timer": i % 5 in (0, 3),
            }
        )
    return cases


def rollup_sample() -> list[dict]:
    """The room that rolled up on the projectors rooms have (1280x720, 1024x768), in Arabic
    (right to left) and French: every group, one group shown, the plenary's results."""
    out = []
    for i, (size, lang, scene) in enumerate(
        [
            ((1280, 720), "ar", "rollup"),
            ((1280, 720), "fr", "rollup-focus"),
            ((1280, 720), "fr", "results"),
            ((1024, 768), "fr", "rollup"),
            ((1024, 768), "ar", "rollup-focus"),
            ((1024, 768), "ar", "results"),
        ]
    ):
        split = i % 2 == 0 or scene == "results"  # the split's bars narrow the titles
        out.append(
            {
                "size": size,
                "lang": lang,
                "scene": scene,
                "room": "groups",
                "split": split,
                "timer": not split,
            }
        )
    return out


def group_matrix() -> list[dict]:
    """The room that rolled up at every resolution and language: its roll-up, one group shown,
    its results (split and countdown turning)."""
    return [
        {
            "size": size,
            "lang": lang,
            "scene": scene,
            "room": "groups",
            "split": i % 2 == 0,
            "timer": i % 3 == 0,
        }
        for i, (size, lang, scene) in enumerate(
            itertools.product(RESOLUTIONS, LANGS, ("rollup", "rollup-focus", "results"))
        )
    ]


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
        if t.get("cut"):
            problems.append(f"{label} is cut short (ellipsis or clamp): it is read whole")
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
        "rollup": "#rollup-list > li[data-activity-id]",
    }.get(scene)


def expected_ids(w: dict, case: dict) -> set[int]:
    """The activities one rotation of the case's scene must show: every visible one in the
    proposals; the ballot's in the results of a room that rolled up; the ballot's entries in
    its roll-up, the group's only while one group is shown."""
    scene = effective_scene(case)
    if scene == "rollup":
        return set(w["focus_ids"] if case["scene"] == "rollup-focus" else w["rollup_ids"])
    if scene == "results" and "ballot_ids" in w:
        return set(w["ballot_ids"])
    return set(w["ids"]) if list_selector(scene) else set()


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
    """The seeded rooms are voting: the automatic scene is the results; one group shown is
    the scene "rollup"."""
    return {"auto": "results", "rollup-focus": "rollup"}.get(case["scene"], case["scene"])
