"""What comments, commitments and the workplan cost each snapshot, and what the outputs cost.

    python bench/workplan_snapshot.py [--participants 300] [--activities 30] [--comments 300]
                                      [--commitments 250] [--rounds 20]

Builds a workshop in a temporary SQLite database, then prints the size of the snapshots
(console, and big screen/phones) as JSON, the time to read one snapshot (the broadcaster does
this once per coalescing window), and the time of workplan.xlsx, the export ZIP's parts
and the report's data. A script that prints numbers, not a test.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop import create_app, export  # noqa: E402
from workshop.db import transaction  # noqa: E402
from workshop.models import Workshop  # noqa: E402
from workshop.realtime.broadcast import public_state, read_snapshot  # noqa: E402
from workshop.services import state as state_module  # noqa: E402
from workshop.services.activities import add_activity  # noqa: E402
from workshop.services.comments import add_comment  # noqa: E402
from workshop.services.commitments import add_commitment  # noqa: E402
from workshop.services.interchange import build_document, document_json  # noqa: E402
from workshop.services.participants import join_workshop  # noqa: E402
from workshop.services.report import report_data  # noqa: E402
from workshop.services.voting import cast_vote  # noqa: E402
from workshop.services.workplan import retain_top  # noqa: E402
from workshop.services.workshops import create_workshop  # noqa: E402

ORGANISATIONS = [f"Organisation {n}" for n in range(40)]
ROLES = ["lead", "co_lead", "partner", "support", "partner", "support"]


def timed(fn, rounds: int) -> float:
    """Median milliseconds of `rounds` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def build(app, args, rng) -> int:
    with transaction(app) as db:
        workshop, _ = create_workshop(
            db,
            title="Atelier de référence",
            groups=["Gouvernement", "Employeurs", "Travailleurs", "Agences", "Société civile"],
            tracks=["Emploi", "Compétences", "Protection"],
        )
        db.flush()
        ids = [
            add_activity(
                db,
                workshop,
                title=f"Activité {n} : renforcer les capacités des acteurs de l'emploi",
                description="Une description de deux lignes.\nAvec des détails.",
                track=["Emploi", "Compétences", "Protection"][n % 3],
            ).id
            for n in range(args.activities)
        ]
        people = [
            join_workshop(
                db,
                workshop,
                name="",
                organisation=rng.choice(ORGANISATIONS),
                group=rng.choice([g.name for g in workshop.groups]),
                max_participants=10**6,
            )[0]
            for _ in range(args.participants)
        ]
        workshop.phase = "voting"
        db.flush()
        for person in people:
            left = 5
            for activity in rng.sample(ids, 4):
                points = min(left, rng.randint(1, 2))
                if points:
                    cast_vote(db, workshop, person, activity, points=points)
                    left -= points
        for n in range(args.comments):
            add_comment(
                db, workshop, people[n % len(people)], rng.choice(ids), f"Commentaire {n} " * 6
            )
        retain_top(db, workshop, count=min(12, args.activities))
        made = set()
        while len(made) < args.commitments:
            pair = (rng.choice(ids), rng.choice(ORGANISATIONS))
            if pair in made:
                continue
            made.add(pair)
            add_commitment(
                db,
                workshop,
                activity_id=pair[0],
                organisation=pair[1],
                role=rng.choice(ROLES),
                timeframe=rng.choice(["", "2026", "T1 2026"]),
            )
        return workshop.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--activities", type=int, default=30)
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--commitments", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "HOST_KEY": "bench",
                "SOCKETIO_ASYNC_MODE": "threading",
            }
        )
        workshop_id = build(app, args, random.Random(1))
        state, results = read_snapshot(app, workshop_id)
        public = public_state(state)
        base_keys = [
            k
            for k in state
            if k
            not in (
                "commitments_open",
                "show_comments",
                "show_workplan",
                "comment_counts",
                "comments",
                "commitments",
                "workplan",
            )
        ]

        def size(obj) -> int:
            return len(json.dumps(obj, ensure_ascii=False).encode())

        print(
            f"workshop: {args.participants} participants, {args.activities} activities, "
            f"{args.comments} comments, {len(state['commitments'])} commitments, "
            f"{len(state['workplan']['retained_ids'])} retained"
        )
        print(
            f"console snapshot: {size(state):>8} bytes (without this feature's keys: "
            f"{size({k: state[k] for k in base_keys})})"
        )
        print(
            f"public snapshot:  {size(public):>8} bytes (without this feature's keys: "
            f"{size({k: public[k] for k in base_keys})})"
        )
        public_on = dict(state, show_comments=True)
        print(f"public snapshot, comments on the big screen: {size(public_state(public_on))} bytes")
        committing = dict(state, commitments_open=True)
        print(f"public snapshot, commitments open: {size(public_state(committing))} bytes")
        print(f"results:          {size(results):>8} bytes")
        ms = timed(lambda: read_snapshot(app, workshop_id), args.rounds)
        print(f"read one snapshot (state + results): {ms:.1f} ms median")
        real = state_module.workplan_state
        state_module.workplan_state = lambda *a, **k: {
            "show_comments": False,
            "comments": [],
            "comment_counts": [],
            "commitments": [],
            "commitments_open": False,
        }
        try:
            ms = timed(lambda: read_snapshot(app, workshop_id), args.rounds)
        finally:
            state_module.workplan_state = real
        print(f"  the same without comments, commitments and the workplan: {ms:.1f} ms median")
        with transaction(app) as db:
            workshop = db.get(Workshop, workshop_id)
            for name in ("workplan.xlsx", "workplan.csv", "commitments.csv", "comments.csv"):
                table, fmt = name.split(".")
                ms = timed(lambda t=table, f=fmt: export.render(db, workshop, t, f), 5)
                body, _ = export.render(db, workshop, table, fmt)
                print(f"{name:<16} {len(body):>8} bytes  {ms:.1f} ms median")
            ms = timed(lambda: document_json(build_document(db, workshop)), 5)
            document = document_json(build_document(db, workshop))
            print(f"atelier-export.json {len(document):>6} bytes  {ms:.1f} ms median")
            print(f"report data: {timed(lambda: report_data(db, workshop), 5):.1f} ms median")


if __name__ == "__main__":
    main()
