"""Which activities of two lists look alike: the interface consolidation relies on.

`similar_pairs(left, right)` is all consolidation calls. This implementation is a plain
TF-IDF cosine over folded word stems (accents and case folded, common French and English
words dropped, words cut to their first six letters so that "compétence"/"compétences" and
"renforcer"/"renforcement" meet). It finds activities that share distinctive words, in one
language; it does not know synonyms or translations. A better engine (issue 6's similarity)
plugs in by replacing `similar_pairs` with the same signature.
"""

import math
import re
import unicodedata
from collections import Counter

#: pairs below this cosine are not proposed
THRESHOLD = 0.3
STEM = 6
_WORD = re.compile(r"\w+")
STOPWORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "aux",
        "pour",
        "par",
        "sur",
        "dans",
        "avec",
        "sans",
        "entre",
        "vers",
        "chez",
        "leur",
        "leurs",
        "ses",
        "son",
        "sont",
        "est",
        "plus",
        "moins",
        "tous",
        "tout",
        "toute",
        "toutes",
        "cette",
        "ces",
        "qui",
        "que",
        "quoi",
        "dont",
        "mais",
        "donc",
        "afin",
        "ainsi",
        "etre",
        "faire",
        "mettre",
        "place",
        "niveau",
        "cadre",
        "mise",
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "that",
        "this",
        "these",
        "those",
        "their",
        "its",
        "are",
        "was",
        "were",
        "been",
        "have",
        "has",
        "will",
        "shall",
        "can",
        "all",
        "any",
        "each",
        "more",
        "most",
        "other",
        "some",
        "such",
        "than",
        "then",
        "them",
        "they",
    ]
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def stems(text: str) -> list[str]:
    """The words that carry meaning, folded and cut to a common stem."""
    words = []
    for word in _WORD.findall(_fold(text)):
        if len(word) < 3 or word.isdigit() or word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith(("s", "x")):
            word = word[:-1]
        words.append(word[:STEM])
    return words


def _vectors(texts: list[str], idf: dict[str, float]) -> list[dict[str, float]]:
    vectors = []
    for text in texts:
        counts = Counter(stems(text))
        vector = {w: (1 + math.log(n)) * idf[w] for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    return vectors


def similar_pairs(
    left_texts: list[str], right_texts: list[str], threshold: float = THRESHOLD
) -> list[tuple[int, int, float]]:
    """(i, j, score) for left_texts[i] and right_texts[j] alike, best first; score in 0..1."""
    documents = [set(stems(t)) for t in left_texts + right_texts]
    total = len(documents) or 1
    frequency = Counter(w for words in documents for w in words)
    idf = {w: math.log((1 + total) / (1 + n)) + 1 for w, n in frequency.items()}
    left = _vectors(left_texts, idf)
    right = _vectors(right_texts, idf)
    pairs = []
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            small, large = (a, b) if len(a) <= len(b) else (b, a)
            score = sum(v * large.get(w, 0.0) for w, v in small.items())
            if score >= threshold:
                pairs.append((i, j, round(min(score, 1.0), 3)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs
