"""How fast is the similar-activity engine with 300 activities? Prints the figures.

    python bench/similarity_300.py

300 activities in French, Arabic and English (titles from tests/data/similar_pairs.csv, each
with a one- or two-sentence description), on SQLite through the real API (Flask test client):

- POST /similar, what a phone sends at each pause in typing: warm (the index of the
  workshop's texts is cached) and cold (the first call after an activity changed);
- GET /duplicates, the console's list of pairs and clusters: cold and warm;
- the engine alone: building the index, one query, all pairs.
"""

import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop import create_app  # noqa: E402
from workshop.services import duplicates  # noqa: E402
from workshop.services.similarity import SimilarityIndex  # noqa: E402

N = 300
QUERIES = 200


def activities() -> list[tuple[str, str]]:
    with (ROOT / "tests" / "data" / "similar_pairs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    titles = list(dict.fromkeys(t for r in rows for t in (r["a_title"], r["b_title"])))
    rng = random.Random(6)
    out = []
    for i in range(N):
        title = titles[i % len(titles)]
        if i >= len(titles):
            title = f"{title} ({i})"
        others = rng.sample(titles, 2)
        out.append((title[:120], f"{others[0]}. {others[1]}."))
    return out


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    median = statistics.median(times)
    print(f"{name:<46} median {median:7.1f} ms   p95 {p95:7.1f} ms   (n={len(times)})")


def main() -> None:
    docs = activities()
    typed = [t[: random.Random(i).randint(12, len(t))] for i, (t, _) in enumerate(docs[:QUERIES])]
    print(
        f"{N} activities, {sum(len(t) + len(d) for t, d in docs) // N} characters each on average"
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
        queries = iter(typed * 3)

        def similar():
            r = client.post(base + "/similar", json={"title": next(queries)}, headers=auth)
            assert r.status_code == 200

        def cold_similar():
            duplicates._cache.clear()
            similar()

        def cold_duplicates():
            duplicates._cache.clear()
            assert client.get(base + "/duplicates", headers=auth).status_code == 200

        def warm_duplicates():
            assert client.get(base + "/duplicates", headers=auth).status_code == 200

        similar()  # warm up Flask, SQLAlchemy and the cache
        line("POST /similar, index cached (each keystroke pause)", timed(similar, QUERIES))
        line("POST /similar, index rebuilt (after a change)", timed(cold_similar, 20))
        line("GET /duplicates, index rebuilt", timed(cold_duplicates, 10))
        line("GET /duplicates, index cached", timed(warm_duplicates, 10))
        report = client.get(base + "/duplicates", headers=auth).get_json()
        print(f"  ({len(report['pairs'])} pairs, {len(report['clusters'])} clusters)")

    documents = [(i, t, d) for i, (t, d) in enumerate(docs)]
    index = SimilarityIndex(documents)
    line("engine: build the index of 300", timed(lambda: SimilarityIndex(documents), 10))
    texts = iter(typed * 3)
    line("engine: one query", timed(lambda: index.query(next(texts)), QUERIES))
    line("engine: all pairs", timed(lambda: SimilarityIndex(documents).pairs(), 5))


if __name__ == "__main__":
    main()
