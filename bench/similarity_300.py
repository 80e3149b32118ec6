"""How fast are the phone's suggestions while typing, with 300 activities? Prints the figures.

    python bench/similarity_300.py

A workshop of 300 activities, 100 in each of French, Arabic and English (titles from
tests/data/similar_pairs.csv, each with a description of two other titles of its language), on
SQLite through the real API (Flask test client). A phone asks POST /similar at each pause in
typing; here 60 other titles (French, Arabic and English, many of them translations of an
activity of the workshop) are "typed": one query at each word from the second on.

- POST /similar, warm: the index of the workshop's texts is cached (the usual case);
- POST /similar, after a change: an activity was just proposed or hidden, the index is rebuilt
  (the features of the texts that did not change are reused);
- POST /similar, cold: the first query after the server started;
- a typing session: the typed queries with a change every CHANGE_EVERY queries;
- GET /duplicates, the console's list: rebuilt and cached;
- the engine alone: one query, the index rebuilt after a change, cold, all pairs.
"""

import csv
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop import create_app  # noqa: E402
from workshop.gctuning import DEFAULT, tune_for_server  # noqa: E402
from workshop.services import duplicates, similarity  # noqa: E402
from workshop.services.similarity import SimilarityIndex  # noqa: E402

N = 300
TYPED = 60
#: a pessimistic room: 50 phones typing (one pause a second each) and a proposal every 5 s
#: would be one change in 250 queries
CHANGE_EVERY = 50


def titles_by_language() -> dict[str, list[str]]:
    with (ROOT / "tests" / "data" / "similar_pairs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found: dict[str, dict[str, None]] = {"fr": {}, "ar": {}, "en": {}}
    for row in rows:
        a_lang, _, b_lang = row["lang"].partition("-")
        found[a_lang][row["a_title"]] = None
        found[b_lang or a_lang][row["b_title"]] = None
    return {lang: list(titles) for lang, titles in found.items()}


def workload() -> tuple[list[tuple[str, str]], list[str]]:
    """(title, description) of the 300 activities, and the typed queries (prefixes)."""
    rng = random.Random(6)
    by_language = titles_by_language()
    docs, typed_titles = [], []
    for titles in by_language.values():
        rng.shuffle(titles)
        chosen, rest = titles[: N // 3], titles[N // 3 :]
        for title in chosen:
            others = rng.sample(titles, 2)
            docs.append((title[:120], f"{others[0]}. {others[1]}."))
        typed_titles += rest[: TYPED // 3]
    rng.shuffle(docs)
    queries = []
    for title in typed_titles:
        words = title.split()
        queries += [" ".join(words[:n]) for n in range(2, len(words) + 1)]
    return docs, queries


def timed(fn, repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each call: the CPU time of this process does not grow when
    other programs share the machine; the wall time is what a phone waits."""
    times = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return times


def percentile(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(q * len(times)))]


def line(name: str, times: list[tuple[float, float]]) -> None:
    wall, cpu = [t[0] for t in times], [t[1] for t in times]
    print(
        f"{name:<46} median {statistics.median(wall):6.1f} ms  p95 {percentile(wall, 0.95):6.1f}"
        f" ms  | CPU median {statistics.median(cpu):6.1f}  p95 {percentile(cpu, 0.95):6.1f}"
        f"  (n={len(times)})"
    )


def main() -> None:
    docs, queries = workload()
    print(
        f"{N} activities (100 fr, 100 ar, 100 en), "
        f"{sum(len(t) + len(d) for t, d in docs) // N} characters each on average; "
        f"{len(queries)} typed queries from {TYPED} titles"
    )
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "HOST_KEY": "bench",
                "SOCKETIO_ASYNC_MODE": "threading",
                "BROADCAST_WINDOW": 0,
            }
        )
        tune_for_server(DEFAULT)  # the garbage collector as run.py and wsgi.py set it
        client = app.test_client()
        w = client.post("/api/workshops", json={"title": "Bench", "groups": ["G"]}).get_json()
        auth = {"Authorization": f"Bearer {w['facilitator_token']}"}
        base = f"/api/workshops/{w['code']}"
        body = "title,description\n" + "".join(
            f'"{t.replace(chr(34), "")}","{d.replace(chr(34), "")}"\n' for t, d in docs
        )
        imported = client.post(
            base + "/activities/import",
            data=body.encode(),
            headers={**auth, "Content-Type": "text/csv"},
        ).get_json()
        assert imported["imported"] == N, imported
        typed = iter(queries * 10)
        extra = iter(t for t, _ in docs)
        state = {"added": None}

        def similar():
            r = client.post(base + "/similar", json={"title": next(typed)}, headers=auth)
            assert r.status_code == 200

        def change():
            """A proposal arrives, or the one added before is hidden: the texts changed."""
            if state["added"] is None:
                r = client.post(base + "/activities", json={"title": next(extra)}, headers=auth)
                state["added"] = r.get_json()["activity_id"]
            else:
                client.post(f"{base}/activities/{state['added']}/hide", headers=auth)
                state["added"] = None

        def similar_after_a_change():
            change()
            return timed(similar, 1)

        def cold_similar():
            duplicates._cache.clear()
            similarity.document_features.cache_clear()
            similar()

        def cold_duplicates():
            duplicates._cache.clear()
            assert client.get(base + "/duplicates", headers=auth).status_code == 200

        def warm_duplicates():
            assert client.get(base + "/duplicates", headers=auth).status_code == 200

        similar()  # warm up Flask, SQLAlchemy and the cache
        warm = timed(similar, len(queries))
        line("POST /similar, warm (each pause in typing)", warm)
        line(
            "POST /similar, after a change",
            [t for _ in range(30) for t in similar_after_a_change()],
        )
        line("POST /similar, cold (first after a start)", timed(cold_similar, 10))
        session = []
        for n in range(len(queries)):
            if n % CHANGE_EVERY == CHANGE_EVERY - 1:
                session += similar_after_a_change()
            else:
                session += timed(similar, 1)
        line(f"typing session, a change every {CHANGE_EVERY} queries", session)
        line("GET /duplicates, index rebuilt", timed(cold_duplicates, 10))
        line("GET /duplicates, index cached", timed(warm_duplicates, 10))
        report = client.get(base + "/duplicates", headers=auth).get_json()
        print(f"  ({len(report['pairs'])} pairs, {len(report['clusters'])} clusters)")

    documents = [(i, t, d) for i, (t, d) in enumerate(docs)]
    index = SimilarityIndex(documents)
    texts = iter(queries * 3)
    line("engine: one query", timed(lambda: index.query(next(texts)), len(queries)))
    line(
        "engine: index of 300 rebuilt (after a change)",
        timed(lambda: SimilarityIndex(documents), 10),
    )

    def cold_index():
        similarity.document_features.cache_clear()
        SimilarityIndex(documents)

    line("engine: index of 300, cold", timed(cold_index, 10))
    line("engine: all pairs", timed(lambda: SimilarityIndex(documents).pairs(), 5))
    languages = Counter(index.languages.values())
    print(f"  (languages the engine saw: {dict(sorted(languages.items()))})")


if __name__ == "__main__":
    main()
