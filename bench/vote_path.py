"""CPU per vote on the hot path, without sockets: what a profile of a burst pointed at.

Runs the socket handler of `cast_vote` (load, lock, op_id, rules, insert, version, ack)
in its own transaction N times, then reads the snapshot N/10 times, and prints the CPU
microseconds of each (process time: less sensitive to a busy machine than wall time),
and two figures that do not depend on the machine at all: SQL statements and Python
function calls per vote (cProfile, over the last 200 votes).

    python bench/vote_path.py --votes 3000 [--database-url URL] [--json FILE]
        [--sqlite-synchronous FULL|NORMAL]   (wall_us_per_vote: with the disk's fsync)
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.db import transaction  # noqa: E402
from workshop.realtime.broadcast import read_snapshot  # noqa: E402
from workshop.realtime.namespace import WorkshopNamespace  # noqa: E402
from workshop.services.activities import add_activity  # noqa: E402
from workshop.services.participants import join_workshop  # noqa: E402
from workshop.services.workshops import create_workshop, set_phase  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes", type=int, default=2200)
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--database-url")
    parser.add_argument("--json")
    parser.add_argument("--sqlite-synchronous", default="FULL", choices=["FULL", "NORMAL"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/votes.sqlite3",
                "SECRET_KEY": "bench",
                "HOST_KEY": "bench",
                "SOCKETIO_ASYNC_MODE": "threading",
                "SQLITE_SYNCHRONOUS": args.sqlite_synchronous,
            }
        )
        with transaction(app) as db:
            workshop, _ = create_workshop(
                db, title="Banc", groups=[f"G{i}" for i in range(6)], voting={"mode": "dots"}
            )
            activities = [add_activity(db, workshop, title=f"A{i}").id for i in range(12)]
            people = [
                join_workshop(
                    db, workshop, name="", organisation="O", group=f"G{i % 6}",
                    max_participants=args.phones + 1,
                )[0].id
                for i in range(args.phones)
            ]  # fmt: skip
            set_phase(db, workshop, "voting")
            wid = workshop.id
        namespace = WorkshopNamespace("/")
        statements = [0]

        @event.listens_for(app.extensions["atelier.engine"], "before_cursor_execute")
        def _count(*_args):
            statements[0] += 1

        profiler = cProfile.Profile()
        profiled = min(200, args.votes)
        with app.test_request_context():
            start, wall_start = time.process_time(), time.perf_counter()
            for j in range(args.votes):
                if j == args.votes - profiled:
                    vote_cpu = time.process_time() - start
                    vote_wall = time.perf_counter() - wall_start
                    counted = statements[0]
                    profiler.enable()
                i = j % len(people)
                client = {"workshop_id": wid, "audience": "phones", "participant_id": people[i]}
                data = {
                    "activity_id": activities[i % len(activities)],
                    "points": 1 + (j // len(people)) % 3,
                    "op_id": uuid.uuid4().hex,
                }
                with transaction(app) as db:
                    ack, _effect = namespace.on_cast_vote(db, client, data)
                assert ack["ok"], ack
            profiler.disable()
            per_vote_statements = (statements[0] - counted) / profiled
            calls = pstats.Stats(profiler).total_calls / profiled
            vote_us = vote_cpu / (args.votes - profiled) * 1e6
            wall_us = vote_wall / (args.votes - profiled) * 1e6
            reads = max(1, args.votes // 10)
            start = time.process_time()
            for _ in range(reads):
                read_snapshot(app, wid)
            snapshot_us = (time.process_time() - start) / reads * 1e6
        event_calls = _socket_event_calls(app)
        app.extensions["atelier.engine"].dispose()
    report = {
        "votes": args.votes,
        "cpu_us_per_vote": round(vote_us),
        # wall time includes waiting for the disk (fsync at each commit with FULL)
        "wall_us_per_vote": round(wall_us),
        "sql_statements_per_vote": per_vote_statements,
        "python_calls_per_vote": round(calls),
        "cpu_us_per_snapshot_read": round(snapshot_us),
        # the whole event through the Socket.IO layer (the test client, one at a time)
        "python_calls_per_socket_event": event_calls,
        "database": (args.database_url or "sqlite").split(":")[0],
        "sqlite_synchronous": None if args.database_url else args.sqlite_synchronous,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "nproc": os.cpu_count(),
    }
    print(json.dumps(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


def _socket_event_calls(app, phones: int = 60, events: int = 180) -> int:
    """Python calls per `cast_vote` event sent through Socket.IO (Flask-SocketIO's test
    client): the handler plus what surrounds it (dispatch, context, batching, ack)."""
    from workshop.extensions import socketio

    with transaction(app) as db:
        workshop = create_workshop(db, title="Banc 2", groups=["G"], voting={"mode": "dots"})[0]
        tokens = [
            join_workshop(db, workshop, name="", organisation="O", group="G")[1]
            for _ in range(phones)
        ]
        set_phase(db, workshop, "voting")
        targets = [add_activity(db, workshop, title=f"B{i}").id for i in range(3)]
    clients = [socketio.test_client(app, auth={"participant_token": t}) for t in tokens]
    profiler = cProfile.Profile()
    for j in range(events):
        sio = clients[j % phones]
        data = {"activity_id": targets[j % 3], "points": 1, "op_id": uuid.uuid4().hex}
        if j == phones:  # the first round warms the caches up
            profiler.enable()
        ack = sio.emit("cast_vote", data, callback=True)
        assert ack["ok"], ack
    profiler.disable()
    for sio in clients:
        sio.disconnect()
    return round(pstats.Stats(profiler).total_calls / (events - phones))


if __name__ == "__main__":
    main()
