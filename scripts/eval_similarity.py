"""Precision and recall of the similar-activity engine on the labelled pairs in tests/data/.

    python scripts/eval_similarity.py            # figures at the default threshold
    python scripts/eval_similarity.py --sweep    # and the table the threshold was chosen from

Every text of the file is indexed together, as the activities of one workshop would be (the
rarity of a word is learnt from them); each labelled pair is then scored. A pair is called a
duplicate when its score reaches the threshold. Same-language pairs (fr, ar, en) choose the
threshold; cross-language pairs are reported apart, as what they are: a stretch.
"""

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop.services.similarity import DEFAULT_THRESHOLD, SimilarityIndex  # noqa: E402

DATA = ROOT / "tests" / "data" / "similar_pairs.csv"
SAME_LANGUAGE = ("fr", "ar", "en")


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["label"] = int(row["label"])
    return rows


def score_pairs(rows: list[dict]) -> list[tuple[dict, float]]:
    """Index both sides of every pair as one corpus, then score each pair."""
    documents = []
    for row in rows:
        key = int(row["id"]) * 2
        documents.append((key, row["a_title"], row["a_description"]))
        documents.append((key + 1, row["b_title"], row["b_description"]))
    index = SimilarityIndex(documents)
    return [(row, index.score(int(row["id"]) * 2, int(row["id"]) * 2 + 1)) for row in rows]


def counts(scored, threshold: float) -> dict:
    tp = sum(1 for r, s in scored if r["label"] and s >= threshold)
    fp = sum(1 for r, s in scored if not r["label"] and s >= threshold)
    fn = sum(1 for r, s in scored if r["label"] and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(scored),
        **{"tp": tp, "fp": fp, "fn": fn},
        **{"p": precision, "r": recall, "f1": f1},
    }


def line(name: str, c: dict) -> str:
    return (
        f"{name:<14} pairs {c['pairs']:>3}  precision {c['p']:.3f}  recall {c['r']:.3f}  "
        f"F1 {c['f1']:.3f}  (TP {c['tp']}, FP {c['fp']}, FN {c['fn']})"
    )


#: how far below the best F1 the chosen threshold may be, to lean towards recall
F1_TOLERANCE = 0.01


def best_threshold(scored) -> float:
    """The lowest threshold whose F1 is within F1_TOLERANCE of the best F1.

    Leaning towards recall: on the phone a wrong suggestion costs a glance ("propose
    anyway"), while a missed duplicate splits the room's votes between two copies.
    """
    candidates = [round(t / 100, 2) for t in range(5, 96)]
    f1 = {t: counts(scored, t)["f1"] for t in candidates}
    best = max(f1.values())
    return min(t for t in candidates if f1[t] >= best - F1_TOLERANCE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweep", action="store_true", help="print the threshold table")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    rows = load()
    scored = score_pairs(rows)
    same = [(r, s) for r, s in scored if r["lang"] in SAME_LANGUAGE]
    cross = [(r, s) for r, s in scored if r["lang"] not in SAME_LANGUAGE]
    t = args.threshold
    print(f"Similar-activity engine on {DATA.relative_to(ROOT)}, threshold {t}")
    print(line("fr+ar+en", counts(same, t)))
    for lang in SAME_LANGUAGE:
        print(line(f"  {lang}", counts([x for x in same if x[0]["lang"] == lang], t)))
    hard = [x for x in same if x[0]["label"] == 1 or x[0]["kind"] == "hard"]
    print(line("  hard only", counts(hard, t)))
    print(line("cross-language", counts(cross, t)))
    for lang in sorted({r["lang"] for r, _ in cross}):
        print(line(f"  {lang}", counts([x for x in cross if x[0]["lang"] == lang], t)))

    # Held out: choose the threshold on half the pairs, measure on the other half.
    halves = [[x for x in same if int(x[0]["id"]) % 2 == k] for k in (0, 1)]
    for k in (0, 1):
        chosen = best_threshold(halves[k])
        print(line(f"held-out {k + 1}/2", counts(halves[1 - k], chosen)) + f"  [t={chosen}]")
    print(f"threshold chosen by the rule on all same-language pairs: {best_threshold(same)}")

    if args.sweep:
        print("\nthreshold  precision  recall  F1")
        for step in range(10, 71, 2):
            c = counts(same, step / 100)
            print(f"  {step / 100:.2f}      {c['p']:.3f}     {c['r']:.3f}   {c['f1']:.3f}")
        print("\nmisjudged at the threshold (score, lang, label, a | b):")
        for r, s in sorted(same, key=lambda x: x[1]):
            if (s >= t) != bool(r["label"]):
                print(f"  {s:.3f} {r['lang']} {r['label']} {r['a_title']} | {r['b_title']}")


if __name__ == "__main__":
    main()
