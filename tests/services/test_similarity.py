"""The similar-activity engine: normalisation per language, scores, pairs, clusters, quality."""

import csv
import importlib.util
import re
from pathlib import Path

import pytest

from workshop.services.similarity import (
    DEFAULT_THRESHOLD,
    LEXICON,
    Pair,
    SimilarityIndex,
    clusters,
    concepts,
    content_words,
    lexicon,
    normalise,
    stem,
)
from workshop.services.similarity import _terms as _terms

LANGUAGES = ("fr", "ar", "en")

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Étude sur l'ÉCONOMIE informelle !", "etude sur l economie informelle"),
        (
            "Former les formateurs : compétences numériques (2025)",
            "former les formateurs competences numeriques 2025",
        ),
        ("Cœur de métier", "coeur de metier"),
        ("رَقْمَنَةُ خَدَمَاتِ الوَكَالَةِ", "رقمنه خدمات الوكاله"),  # tashkeel, ta marbuta
        ("إنشاء أو آلية", "انشاء او اليه"),  # hamza and madda forms of alif
        ("مرصـــد المهنى", "مرصد المهني"),  # tatweel, alif maqsura
        ("مؤسسة، هيئة؟ ٢٠٢٥", "موسسه هييه 2025"),  # hamza on waw/ya, Arabic punctuation, digits
        ("  many\u00a0spaces\tand\nlines ", "many spaces and lines"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_content_words_drop_stop_words_and_action_words_in_three_languages():
    assert content_words("Mettre en place un observatoire de l'emploi") == [
        "observatoire",
        "emploi",
    ]
    assert content_words("Set up an observatory for the employment of youth") == [
        "observatory",
        "employment",
        "youth",
    ]
    assert content_words("إحداث مرصد جهوي للتشغيل في الجهة") == ["مرصد", "جهوي", "للتشغيل", "الجهه"]


def test_light_stems_join_singular_plural_and_the_arabic_article():
    assert stem("formations") == stem("formation")
    assert stem("workers") == stem("worker")
    assert stem(normalise("الدورات")) == stem(normalise("دورة"))
    assert stem(normalise("التدريبية")) == "تدريب" == stem(normalise("التدريب"))
    assert stem("bus") == "bus"  # short words stay whole


def index(*titles: str) -> SimilarityIndex:
    return SimilarityIndex((i, t, "") for i, t in enumerate(titles, start=1))


WORKSHOP = (
    "Créer un observatoire régional de l'emploi",
    "Créer un fonds régional pour l'emploi des jeunes",
    "Campagne contre le travail des enfants",
    "Former les inspecteurs du travail",
    "Appui aux coopératives féminines",
    "Guichet unique pour les porteurs de projets",
    "Emplois verts dans les énergies renouvelables",
    "Enquête sur l'insertion des lauréats",
)


def test_a_paraphrase_scores_above_the_threshold_and_a_neighbour_below():
    engine = index(*WORKSHOP)
    found = engine.query("Formation des inspecteurs du travail en SST", limit=None)
    assert [key for key, _ in found] == [4]  # not the child-labour campaign (3), "travail" too
    found = engine.query("Mise en place d'un observatoire régional de l'emploi", limit=None)
    assert found[0][0] == 1 and found[0][1] > 0.9
    # Sharing two of three content words, the regional fund stays below the threshold.
    assert [key for key, _ in found[1:]] == []
    fund = dict(engine.query("Observatoire régional de l'emploi", threshold=0, limit=None))[2]
    assert 0.2 < fund < DEFAULT_THRESHOLD


def test_arabic_with_diacritics_matches_the_plain_spelling():
    engine = index("رقمنة خدمات الوكالة الوطنية لإنعاش التشغيل", "حماية العمال المنزليين")
    [(key, score)] = engine.query("رَقْمَنَةُ خَدَمَاتِ الوَكَالَةِ الوَطَنِيَّةِ لِإِنْعَاشِ التَّشْغِيلِ")
    assert key == 1 and score > 0.9


def test_identical_text_scores_one_and_unrelated_text_nothing():
    engine = index("Formation des inspecteurs du travail", "Crèches sur le lieu de travail")
    assert engine.query("FORMATION DES INSPECTEURS DU TRAVAIL !!!")[0] == (1, pytest.approx(1.0))
    assert engine.query("Accès des femmes au crédit") == []
    assert engine.query("") == [] and engine.query("de la et les") == []


def test_query_orders_best_first_limits_and_excludes():
    engine = index(
        "Emplois verts dans les énergies renouvelables",
        "Promouvoir les emplois verts liés aux énergies renouvelables",
        "Emplois verts",
    )
    found = engine.query("emplois verts énergies renouvelables", limit=None)
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True) and len(found) == 3
    assert len(engine.query("emplois verts énergies renouvelables", limit=1)) == 1
    assert 1 not in dict(engine.query("emplois verts énergies renouvelables", exclude=[1]))


def test_description_counts_but_less_than_the_title():
    engine = SimilarityIndex(
        [
            (1, "Observatoire de l'emploi", "Données sur le marché du travail régional"),
            (2, "Données sur le marché du travail régional", "Observatoire de l'emploi"),
            (3, "Campagne contre le travail des enfants", ""),
        ]
    )
    scores = dict(engine.query("Observatoire de l'emploi", threshold=0, limit=None))
    assert scores[1] > scores[2] > scores.get(3, 0)


def test_pairs_and_clusters():
    engine = index(
        "Appui aux coopératives féminines",
        "Soutien aux coopératives féminines rurales",
        "Coopératives féminines : appui",
        "Salon régional de l'emploi",
    )
    pairs = engine.pairs()
    assert {(p.a, p.b) for p in pairs} == {(1, 2), (1, 3), (2, 3)}
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    assert all(p.score == pytest.approx(engine.score(p.a, p.b)) for p in pairs)
    assert clusters(pairs) == [[1, 2, 3]]
    assert clusters([Pair(5, 6, 0.9), Pair(1, 2, 0.5), Pair(2, 3, 0.4)]) == [[1, 2, 3], [5, 6]]


def test_an_empty_workshop_finds_nothing():
    engine = SimilarityIndex([])
    assert len(engine) == 0 and engine.query("Observatoire") == [] and engine.pairs() == []


def load_eval():
    spec = importlib.util.spec_from_file_location("ev", ROOT / "scripts" / "eval_similarity.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    return ev


def test_the_evaluation_set_has_the_pairs_issue_12_asks_for():
    rows = load_eval().load()
    for lang in ("fr", "ar", "en"):
        labels = [r["label"] for r in rows if r["lang"] == lang]
        assert len(labels) >= 60 and 25 <= sum(labels) <= 40
    for lang, least in (("fr-ar", 60), ("fr-en", 60), ("ar-en", 30)):
        pairs = [r for r in rows if r["lang"] == lang]
        negatives = [r for r in pairs if r["label"] == 0]
        assert len(pairs) >= least and len(negatives) >= len(pairs) // 2 - 1
        assert sum(r["kind"] == "hard" for r in negatives) >= len(negatives) - 1  # same theme
    assert len({r["id"] for r in rows}) == len(rows)


def test_the_measured_half_meets_the_targets_at_the_engines_threshold():
    """The figures scripts/eval_similarity.py prints, computed by its own code."""
    ev = load_eval()
    result = ev.evaluate()
    assert result["threshold"] == DEFAULT_THRESHOLD  # the engine's is the rule's choice
    measured = result["measured"]
    assert measured["same"]["pairs"] >= 100 and measured["cross"]["pairs"] >= 75
    assert ev.meets_targets(measured) == {"same": True, "cross": True}
    assert measured["same"]["p"] >= 0.85 and measured["same"]["r"] >= 0.90
    assert measured["cross"]["p"] >= 0.85 and measured["cross"]["r"] >= 0.70
    for lang in ("fr-ar", "fr-en", "ar-en"):  # each pair of languages, not only on average
        assert measured[lang]["r"] >= 0.70 and measured[lang]["p"] >= 0.80, lang
    # wording the lexicon was not written next to: recall lower (docs/similarity.md)
    after = result["after_lexicon"]["cross"]
    assert after["pairs"] == 36 and after["p"] >= 0.85 and after["r"] >= 0.6


CROSS = [
    # (one language, the same activity in another, a neighbour on the same theme in the first)
    (
        "Partenariat Maroc–Allemagne pour la mobilité des infirmiers",
        "Skills partnership with Germany for nurses",
        "Mobilité des chauffeurs de poids lourds vers l'Allemagne",
    ),
    (
        "Formation des inspecteurs du travail",
        "تكوين مفتشي الشغل",
        "تكوين مستشاري التشغيل",
    ),
    (
        "الحماية الاجتماعية للعمال المهاجرين",
        "Social protection for migrant workers",
        "الصحة والسلامة المهنية للعمال المهاجرين",
    ),
    (
        "Formation des formateurs de l'OFPPT",
        "تكوين المكونين بمكتب التكوين المهني وإنعاش الشغل",
        "تكوين مستشاري الوكالة الوطنية لإنعاش التشغيل والكفاءات",
    ),
]


@pytest.mark.parametrize(("text", "translation", "neighbour"), CROSS)
def test_an_activity_matches_its_equivalent_in_another_language(text, translation, neighbour):
    engine = index(text, neighbour, *WORKSHOP)
    found = engine.query(translation, limit=None)
    assert found[0][0] == 1 and found[0][1] >= DEFAULT_THRESHOLD
    assert 2 not in dict(found)  # same theme, another activity


def test_cross_language_pairs_and_clusters_in_all_three_pairs_of_languages():
    engine = index(
        "Reconnaissance des qualifications des migrants de retour",  # 1 fr
        "الاعتراف بمؤهلات المهاجرين العائدين",  # 2 ar
        "Recognition of the qualifications of returning migrants",  # 3 en
        "Psychosocial support for returning migrants",  # 4 en, same theme
        "Observatoire national des migrations",  # 5
    )
    pairs = {(p.a, p.b) for p in engine.pairs()}
    assert pairs == {(1, 2), (1, 3), (2, 3)}
    assert clusters(engine.pairs()) == [[1, 2, 3]]


def test_institutions_match_by_acronym_name_or_arabic_name():
    engine = index("Digitaliser les services de l'ANAPEC", "Digitaliser les services de la CNSS")
    for text in (
        "رقمنة خدمات الوكالة الوطنية لإنعاش التشغيل والكفاءات",
        "Digitalisation of ANAPEC services",
        "رقمنة خدمات أنابيك",
    ):
        assert [key for key, _ in engine.query(text)] == [1], text
    assert concepts("OIT")[0] == concepts("ILO")[0] == concepts("منظمة العمل الدولية")[0]
    assert concepts("BIT")[0] == ["c:ilo"]
    assert concepts("EU")[0] == concepts("UE")[0] == concepts("الاتحاد الأوروبي")[0] == ["c:eu"]


def test_arabic_clitics_and_negation_reach_the_lexicon():
    # بـ "at" glued to أنابيك; لـ glued to a word; غير turns "regular" into "irregular"
    assert concepts("بأنابيك")[0] == ["c:anapec"]
    assert concepts("الهجرة غير النظامية")[0] == concepts("la migration irrégulière")[0]
    assert concepts("الهجرة النظامية")[0] != concepts("الهجرة غير النظامية")[0]
    assert concepts("رَقْمَنَةُ")[0] == concepts("رقمنة")[0] == ["c:digitalisation"]
    # a phrase wins over its words: jobseekers are not researchers («باحث»), nor "chercheurs"
    assert concepts("الباحثين عن الشغل")[0] == concepts("demandeurs d'emploi")[0]
    assert concepts("الباحثين عن الشغل")[0] == ["c:jobseeker"] != concepts("الباحثين")[0]


def test_the_language_of_a_text():
    assert concepts("Formation des inspecteurs du travail")[1] == "fr"
    assert concepts("Training of labour inspectors")[1] == "en"
    assert concepts("تكوين مفتشي الشغل")[1] == "ar"
    assert concepts("ANAPEC")[1] == ""  # an acronym alone says nothing


def test_every_concept_of_the_lexicon_is_named_in_french_arabic_and_english():
    with LEXICON.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 150 and len({r["concept"] for r in rows}) == len(rows)
    arabic = re.compile(r"[\u0600-\u06ff]")
    for row in rows:
        terms = {lang: [t for t in row[lang].split(";") if t.strip()] for lang in LANGUAGES}
        assert all(terms.values()), row["concept"]
        assert all(arabic.search(t) for t in terms["ar"]), row["concept"]
        assert not any(arabic.search(t) for t in terms["fr"] + terms["en"]), row["concept"]
        for term in sum(terms.values(), []):
            assert row["concept"] in lexicon().phrases[tuple(_terms(term))], term


def test_a_lexicon_file_is_read_as_written(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text(
        "concept,fr,en,ar\nnurse,infirmiers;soins infirmiers,nurses,الممرضين\n", "utf-8"
    )
    lex = lexicon(path)
    assert lex.phrases[("infirmier",)] == {"nurse"} and lex.phrases[("soin", "infirmier")]
    assert lex.phrases[(stem(normalise("الممرضين")),)] == {"nurse"}
    assert lex.longest == 2 and lex.languages[("nurse",)] == "en"
