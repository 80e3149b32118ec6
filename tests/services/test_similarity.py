"""The similar-activity engine: normalisation per language, scores, pairs, clusters, quality."""

import importlib.util
from pathlib import Path

import pytest

from workshop.services.similarity import (
    DEFAULT_THRESHOLD,
    Pair,
    SimilarityIndex,
    clusters,
    content_words,
    normalise,
    stem,
)

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
    # Known limit (docs/similarity.md): sharing two of three content words, the regional
    # fund comes second: shown as a candidate, well below the true duplicate.
    assert [key for key, _ in found[1:]] == [2] and found[1][1] < 0.5


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


def test_evaluation_set_meets_the_documented_figures():
    """The figures docs/similarity.md reports, from the script that prints them."""
    spec = importlib.util.spec_from_file_location("ev", ROOT / "scripts" / "eval_similarity.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    rows = ev.load()
    assert {r["lang"] for r in rows} >= {"fr", "ar", "en"}
    for lang in ("fr", "ar", "en"):
        labels = [r["label"] for r in rows if r["lang"] == lang]
        assert len(labels) >= 60 and 25 <= sum(labels) <= 40
    scored = ev.score_pairs(rows)
    same = [(r, s) for r, s in scored if r["lang"] in ev.SAME_LANGUAGE]
    figures = ev.counts(same, DEFAULT_THRESHOLD)
    assert figures["p"] >= 0.83 and figures["r"] >= 0.95
    assert ev.best_threshold(same) == DEFAULT_THRESHOLD  # the threshold is the documented rule's
