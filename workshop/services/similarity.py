"""Similar activities: which proposals say the same thing, in French, Arabic or English.

A small TF-IDF engine in pure Python (no model, no download, no native code): each activity
becomes three sparse vectors, one of word stems, one of character n-grams taken inside words,
and one of concepts (the words and phrases a curated lexicon of the domain, workshop/lexicon.csv,
maps to one id whatever the language: "infirmiers" = "nurses" = «الممرضين»), each weighted by
how rare its features are among the workshop's activities. Two texts in the same language are
as similar as a weighted mean of the three cosines; two texts in different languages share no
word to compare, and are as similar as their concept cosine. Text is normalised first so that
what differs without changing meaning does not count: case, accents, Arabic diacritics,
tatweel and letter variants, punctuation, common words. See docs/similarity.md.
"""

import csv
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from . import stopwords

#: score at or above which two activities are called likely duplicates (docs/similarity.md)
DEFAULT_THRESHOLD = 0.46
#: weights of the word, character n-gram and concept cosines for two texts of one language
WORD_WEIGHT = 0.33
GRAM_WEIGHT = 0.33
CONCEPT_WEIGHT = 0.34
#: weight of the concept cosine for two texts of different languages (nothing else is shared)
CROSS_WEIGHT = 0.7
#: a word the lexicon does not know still counts in the concept vector, this much
UNKNOWN_WEIGHT = 0.5
#: the curated multilingual lexicon: concept,fr,en,ar; terms separated by ";"
LEXICON = Path(__file__).resolve().parent.parent / "lexicon.csv"
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


#: words that turn the next word into its opposite: "غير نظامية" (irregular) is not "نظامية"
_NEGATIONS = frozenset({"غير", "non"})
#: one-letter Arabic prepositions and conjunctions glued to a word (ب ل ك ف و)
_AR_CLITICS = "بلكفو"
_FRENCH = frozenset(normalise(w) for w in stopwords.words(stopwords.FRENCH))
_ENGLISH = frozenset(normalise(w) for w in stopwords.words(stopwords.ENGLISH))


def _terms(text: str) -> list[str]:
    """Stems of the content words, a negation glued to the word it negates ("-نظام")."""
    out, negate = [], False
    for word in normalise(text).split():
        if word in _NEGATIONS:
            negate = True
            continue
        if len(word) < 2 or word in _STOP:
            continue
        out.append(("-" if negate else "") + stem(word))
        negate = False
    return out


@dataclass(frozen=True)
class Lexicon:
    """Phrases (tuples of stems) -> the concepts they name and the language they belong to
    ("" when several), and every stem that occurs."""

    phrases: dict[tuple[str, ...], frozenset[str]]
    languages: dict[tuple[str, ...], str]
    vocabulary: frozenset[str]
    longest: int


@cache
def lexicon(path: Path = LEXICON) -> Lexicon:
    """The curated lexicon, read once: each fr/en/ar term normalised as the texts are."""
    phrases: dict[tuple[str, ...], set[str]] = defaultdict(set)
    languages: dict[tuple[str, ...], set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for language in ("fr", "en", "ar"):
                for term in (row[language] or "").split(";"):
                    key = tuple(_terms(term))
                    if key:
                        phrases[key].add(row["concept"])
                        languages[key].add(language)
    vocabulary = frozenset(t for key in phrases for t in key)
    return Lexicon(
        {k: frozenset(v) for k, v in phrases.items()},
        # a term of several languages ("ANAPEC", "social") says nothing of the text's
        {k: next(iter(v)) if len(v) == 1 else "" for k, v in languages.items()},
        vocabulary,
        max(map(len, phrases), default=0),
    )


def _known(term: str, vocabulary: frozenset[str]) -> str:
    """The term as the lexicon spells it: an Arabic clitic (بـ لـ وـ) may hide a known word."""
    if term in vocabulary or not _ARABIC.search(term):
        return term
    negated = term.startswith("-")
    word = term.lstrip("-")
    if word[0] in _AR_CLITICS and len(word) > 3:
        candidate = ("-" if negated else "") + stem(word[1:])
        if candidate in vocabulary:
            return candidate
    return term


def concepts(text: str) -> tuple[list[str], str]:
    """The concepts of `text` (longest lexicon phrase first), unknown words kept as themselves,
    and the text's language ("ar", "fr", "en", or "" when nothing says)."""
    lex = lexicon()
    terms = [_known(t, lex.vocabulary) for t in _terms(text)]
    found: list[str] = []
    votes: Counter = Counter()
    position = 0
    while position < len(terms):
        for size in range(min(lex.longest, len(terms) - position), 0, -1):
            key = tuple(terms[position : position + size])
            if key in lex.phrases:
                found.extend(f"c:{c}" for c in lex.phrases[key])
                votes[lex.languages[key]] += size
                position += size
                break
        else:
            found.append(f"w:{terms[position]}")
            position += 1
    return found, _language(text, votes)


def _language(text: str, votes: Counter) -> str:
    if _ARABIC.search(text):
        return "ar"
    words = normalise(text).split()
    votes = Counter({k: v for k, v in votes.items() if k in ("fr", "en")})
    votes["fr"] += 2 * sum(w in _FRENCH and w not in _ENGLISH for w in words)
    votes["en"] += 2 * sum(w in _ENGLISH and w not in _FRENCH for w in words)
    (first, a), (_, b) = (votes.most_common(2) + [("", 0), ("", 0)])[:2]
    return first if a > b else ""


def _features(text: str, weight: float, words: Counter, grams: Counter) -> None:
    for word in content_words(text):
        words[stem(word)] += weight
        padded = f" {word} "
        for size in NGRAM_SIZES:
            for start in range(len(padded) - size + 1):
                grams[padded[start : start + size]] += weight


@dataclass(frozen=True)
class Features:
    """What the engine compares: word stems, character n-grams and concepts, and the language.

    Shared between indexes (see `document_features`): read, never changed."""

    words: Counter
    grams: Counter
    concepts: Counter
    language: str


def features(title: str, description: str = "") -> Features:
    """The counts of the three feature kinds, the description weighted down."""
    words: Counter = Counter()
    grams: Counter = Counter()
    ideas: Counter = Counter()
    languages: Counter = Counter()
    for text, weight in ((title, 1.0), (description, DESCRIPTION_WEIGHT)):
        _features(text, weight, words, grams)
        found, language = concepts(text)
        for feature in found:
            ideas[feature] += weight if feature.startswith("c:") else weight * UNKNOWN_WEIGHT
        if language:
            languages[language] += weight * (1 + len(found))
    language = languages.most_common(1)[0][0] if languages else ""
    return Features(words, grams, ideas, language)


#: The features of the activities indexed last (about 30 kB each): an index rebuilt after one
#: activity changed reads the others' instead of computing them again. Texts typed in a query
#: are not kept (each is new).
document_features = lru_cache(maxsize=2048)(features)


def _same_language(a: str, b: str) -> bool:
    """Unknown ("") counts as the same: words are then compared as words."""
    return a == b or not a or not b


def combine(word: float, gram: float, concept: float, same_language: bool) -> float:
    """The score of two texts from the cosines of their three vectors, between 0 and 1."""
    if same_language:
        score = WORD_WEIGHT * word + GRAM_WEIGHT * gram + CONCEPT_WEIGHT * concept
    else:
        score = CROSS_WEIGHT * concept
    return min(1.0, score)


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
        self._idf = {f: self.idf(f) for f in df}
        self.vectors = {key: self.weigh(counter) for key, counter in counts.items()}
        # feature -> document keys ascending, and their weights (a rebuild's hot loop)
        keys_of: dict[str, list[int]] = {}
        values_of: dict[str, list[float]] = {}
        for key in sorted(self.vectors):
            for feature, value in self.vectors[key].items():
                keys = keys_of.get(feature)
                if keys is None:
                    keys_of[feature] = [key]
                    values_of[feature] = [value]
                else:
                    keys.append(key)
                    values_of[feature].append(value)
        self.postings = {f: (keys, values_of[f]) for f, keys in keys_of.items()}

    def idf(self, feature: str) -> float:
        return math.log((1 + self.size) / (1 + self.df.get(feature, 0))) + 1

    def weigh(self, counter: Counter) -> dict[str, float]:
        """Sublinear tf times smoothed idf, scaled to unit length."""
        idf, unseen = self._idf, self.idf("")
        vector = {f: _tf(c) * idf.get(f, unseen) for f, c in counter.items()}
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


@cache
def _tf(count: float) -> float:
    """Sublinear term frequency; counts take few values (1, 1.5, 2...): computed once each."""
    return 1 + math.log(count) if count >= 1 else count


class SimilarityIndex:
    """The activities of one workshop, ready to be compared with a new text or each other."""

    def __init__(self, documents: Iterable[tuple[int, str, str]]) -> None:
        found = {
            key: document_features(title, description) for key, title, description in documents
        }
        self.keys = list(found)
        self.languages = {key: f.language for key, f in found.items()}
        self.words = _Space({key: f.words for key, f in found.items()})
        self.grams = _Space({key: f.grams for key, f in found.items()})
        self.concepts = _Space({key: f.concepts for key, f in found.items()})
        self._pairs: dict[float, list[Pair]] = {}  # the index never changes: compute once

    def __len__(self) -> int:
        return len(self.keys)

    def _scored(self, vectors: tuple[dict, dict, dict], language: str, after: int | None = None):
        spaces = (self.words, self.grams, self.concepts)
        word, gram, concept = (s.dots(v, after) for s, v in zip(spaces, vectors, strict=True))
        for key in set(word) | set(gram) | set(concept):
            same = _same_language(language, self.languages[key])
            yield key, combine(word.get(key, 0.0), gram.get(key, 0.0), concept.get(key, 0.0), same)

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
        f = features(title, description)
        vectors = (self.words.weigh(f.words), self.grams.weigh(f.grams))
        scored = self._scored((*vectors, self.concepts.weigh(f.concepts)), f.language)
        skip = set(exclude)
        found = sorted(
            ((k, s) for k, s in scored if s >= threshold and k not in skip),
            key=lambda item: (-item[1], item[0]),
        )
        return found if limit is None else found[:limit]

    def score(self, a: int, b: int) -> float:
        """Similarity of two indexed documents."""
        cosines = (
            _dot(s.vectors[a], s.vectors[b]) for s in (self.words, self.grams, self.concepts)
        )
        same = _same_language(self.languages[a], self.languages[b])
        return combine(*cosines, same)

    def pairs(self, threshold: float = DEFAULT_THRESHOLD) -> list[Pair]:
        """Every pair of documents scoring at least `threshold`, strongest first."""
        if threshold in self._pairs:
            return list(self._pairs[threshold])
        found = []
        for key in self.keys:
            vectors = (s.vectors[key] for s in (self.words, self.grams, self.concepts))
            scored = self._scored(tuple(vectors), self.languages[key], after=key)
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
