"""Similar activities: which proposals say the same thing, in French, Arabic or English.

A small TF-IDF engine in pure Python (no model, no download, no native code): each activity
becomes two sparse vectors, one of word stems and one of character n-grams taken inside
words, weighted by how rare each feature is among the workshop's activities; two activities
are as similar as the mean of the cosines of their vectors. Text is normalised first so that
what differs without changing meaning does not count: case, accents, Arabic diacritics,
tatweel and letter variants, punctuation, common words. See docs/similarity.md.
"""

import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from . import stopwords

#: score at or above which two activities are called likely duplicates (docs/similarity.md)
DEFAULT_THRESHOLD = 0.40
#: weight of the word cosine in the score; the character n-gram cosine has the rest
WORD_WEIGHT = 0.5
#: a description counts for this much of a title: titles say what the activity is
DESCRIPTION_WEIGHT = 0.5
NGRAM_SIZES = (3, 4, 5)

_LETTERS = str.maketrans(
    {
        "ى": "ي",  # alif maqsura -> ya
        "ة": "ه",  # ta marbuta -> ha
        "ٱ": "ا",  # alif wasla
        "ـ": None,  # tatweel (kashida): stretches a word, means nothing
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "’": "'",
    }
)
#: Arabic-Indic and extended Arabic-Indic digits -> 0-9
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NOT_WORD = re.compile(r"[^\w]+|_")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
#: Arabic prefixes (article and the prepositions glued to it), longest first
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
#: Arabic suffixes of plural, dual, feminine and attached pronouns, longest first
_AR_SUFFIXES = ("يه", "ات", "ان", "ون", "ين", "ها", "ه", "ي")


def normalise(text: str) -> str:
    """Lower case without accents, diacritics, letter variants or punctuation; spaces between."""
    # NFKD splits é into e + accent and أ إ آ ؤ ئ into their base letter + hamza/madda mark,
    # so dropping combining marks removes accents, tashkeel and hamza carriers at once.
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_LETTERS).translate(_DIGITS).casefold()
    return " ".join(_NOT_WORD.sub(" ", text.replace("'", " ")).split())


_STOP = frozenset(
    normalise(w)
    for w in stopwords.words(stopwords.FRENCH)
    + stopwords.words(stopwords.ENGLISH)
    + stopwords.words(stopwords.ARABIC)
    + stopwords.words(stopwords.ACTIONS)
)


def stem(word: str) -> str:
    """A light stem: Arabic article, prefixes and suffixes; Latin plural s and x."""
    if _ARABIC.search(word):
        for prefix in _AR_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix) :]
                break
        for suffix in _AR_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
        return word
    if len(word) > 4 and word[-1] in "sx" and word[-2] != "s":
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """The normalised words of `text` that carry meaning (stop words and 1-letter words out)."""
    return [w for w in normalise(text).split() if len(w) > 1 and w not in _STOP]


def _features(text: str, weight: float, words: Counter, grams: Counter) -> None:
    for word in content_words(text):
        words[stem(word)] += weight
        padded = f" {word} "
        for size in NGRAM_SIZES:
            for start in range(len(padded) - size + 1):
                grams[padded[start : start + size]] += weight


def features(title: str, description: str = "") -> tuple[Counter, Counter]:
    """Word-stem counts and character n-gram counts, the description weighted down."""
    words: Counter = Counter()
    grams: Counter = Counter()
    _features(title, 1.0, words, grams)
    _features(description, DESCRIPTION_WEIGHT, words, grams)
    return words, grams


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    score: float


class _Space:
    """One feature space (words or n-grams): document frequencies and unit-length vectors."""

    def __init__(self, counts: dict[int, Counter]) -> None:
        self.size = len(counts)
        df: Counter = Counter()
        for counter in counts.values():
            df.update(counter.keys())
        self.df = df
        self.vectors = {key: self.weigh(counter) for key, counter in counts.items()}
        #: feature -> (document keys ascending, their weights)
        self.postings: dict[str, tuple[list[int], list[float]]] = {}
        for key in sorted(self.vectors):
            for feature, value in self.vectors[key].items():
                keys, values = self.postings.setdefault(feature, ([], []))
                keys.append(key)
                values.append(value)

    def idf(self, feature: str) -> float:
        return math.log((1 + self.size) / (1 + self.df.get(feature, 0))) + 1

    def weigh(self, counter: Counter) -> dict[str, float]:
        """Sublinear tf times smoothed idf, scaled to unit length."""
        vector = {f: (1 + math.log(c) if c >= 1 else c) * self.idf(f) for f, c in counter.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        return {f: v / norm for f, v in vector.items()} if norm else {}

    def dots(self, vector: dict[str, float], after: int | None = None) -> dict[int, float]:
        """Cosine of `vector` with every document sharing a feature with it (of key > after)."""
        scores: dict[int, float] = defaultdict(float)
        for feature, value in vector.items():
            keys, values = self.postings.get(feature, _EMPTY)
            start = 0 if after is None else bisect_right(keys, after)
            for position in range(start, len(keys)):
                scores[keys[position]] += value * values[position]
        return scores


_EMPTY: tuple[list[int], list[float]] = ([], [])


class SimilarityIndex:
    """The activities of one workshop, ready to be compared with a new text or each other."""

    def __init__(self, documents: Iterable[tuple[int, str, str]]) -> None:
        words: dict[int, Counter] = {}
        grams: dict[int, Counter] = {}
        for key, title, description in documents:
            words[key], grams[key] = features(title, description)
        self.keys = list(words)
        self.words = _Space(words)
        self.grams = _Space(grams)
        self._pairs: dict[float, list[Pair]] = {}  # the index never changes: compute once

    def __len__(self) -> int:
        return len(self.keys)

    def _combine(self, word_scores: dict[int, float], gram_scores: dict[int, float]):
        for key in set(word_scores) | set(gram_scores):
            score = WORD_WEIGHT * word_scores.get(key, 0.0) + (1 - WORD_WEIGHT) * gram_scores.get(
                key, 0.0
            )
            yield key, min(1.0, score)

    def query(
        self,
        title: str,
        description: str = "",
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int | None = 5,
        exclude: Iterable[int] = (),
    ) -> list[tuple[int, float]]:
        """Documents scoring at least `threshold` against the text, best first."""
        words, grams = features(title, description)
        scored = self._combine(
            self.words.dots(self.words.weigh(words)), self.grams.dots(self.grams.weigh(grams))
        )
        skip = set(exclude)
        found = sorted(
            ((k, s) for k, s in scored if s >= threshold and k not in skip),
            key=lambda item: (-item[1], item[0]),
        )
        return found if limit is None else found[:limit]

    def score(self, a: int, b: int) -> float:
        """Similarity of two indexed documents."""
        word = _dot(self.words.vectors[a], self.words.vectors[b])
        gram = _dot(self.grams.vectors[a], self.grams.vectors[b])
        return min(1.0, WORD_WEIGHT * word + (1 - WORD_WEIGHT) * gram)

    def pairs(self, threshold: float = DEFAULT_THRESHOLD) -> list[Pair]:
        """Every pair of documents scoring at least `threshold`, strongest first."""
        if threshold in self._pairs:
            return list(self._pairs[threshold])
        found = []
        for key in self.keys:
            scored = self._combine(
                self.words.dots(self.words.vectors[key], after=key),
                self.grams.dots(self.grams.vectors[key], after=key),
            )
            found.extend(Pair(key, other, s) for other, s in scored if s >= threshold)
        found.sort(key=lambda p: (-p.score, p.a, p.b))
        self._pairs[threshold] = found
        return list(found)


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def clusters(pairs: Iterable[Pair]) -> list[list[int]]:
    """Groups of documents linked by pairs (connected components), each sorted, largest first."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[find(pair.a)] = find(pair.b)
    groups: dict[int, list[int]] = defaultdict(list)
    for key in list(parent):
        groups[find(key)].append(key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))
