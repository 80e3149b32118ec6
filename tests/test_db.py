"""The SQLite engine's settings: what docs/security.md promises about a power cut."""

import pytest
from sqlalchemy import text

from workshop import create_app

#: SQLite's numbers for PRAGMA synchronous
FULL, NORMAL = 2, 1


def synchronous(app) -> int:
    with app.extensions["atelier.engine"].connect() as conn:
        return conn.execute(text("PRAGMA synchronous")).scalar()


def test_sqlite_syncs_every_commit_by_default(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "TESTING": True})
    try:
        assert synchronous(app) == FULL
        with app.extensions["atelier.engine"].connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        app.extensions["atelier.engine"].dispose()


def test_normal_is_a_choice_and_a_typo_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SQLITE_SYNCHRONOUS": "normal"})
    try:
        assert synchronous(app) == NORMAL
    finally:
        app.extensions["atelier.engine"].dispose()
    with pytest.raises(ValueError, match="ATELIER_SQLITE_SYNCHRONOUS"):
        create_app({"DATABASE_URL": url, "TESTING": True, "SQLITE_SYNCHRONOUS": "OFF"})


#: under gevent, as run.py serves: a greenlet that yields holding the write lock, another that
#: needs the lock meanwhile, and a heartbeat that shows whether the process kept running
GEVENT_LOCK_SCRIPT = """
from gevent import monkey; monkey.patch_all()
import io, json, sys, time
import gevent
from sqlalchemy import text
from workshop.db import YIELD_MARK, make_engine, watch_yields

engine = make_engine(sys.argv[1])
out = io.StringIO()
watch_yields(engine, out)
with engine.begin() as conn:
    conn.execute(text("CREATE TABLE t (x INTEGER)"))
ticks, order = [], []

def holder():
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        gevent.sleep(0.3)  # what no handler may do; here it stands for one that does
        order.append("holder")

def waiter():
    gevent.sleep(0.05)
    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
    order.append(("waiter", round(time.monotonic() - started, 2)))

def heartbeat():
    for _ in range(30):
        ticks.append(time.monotonic())
        gevent.sleep(0.01)

gevent.joinall([gevent.spawn(holder), gevent.spawn(waiter), gevent.spawn(heartbeat)])
print(json.dumps({"order": order, "ticks": len(ticks),
                  "span": ticks[-1] - ticks[0], "yields": out.getvalue().count(YIELD_MARK),
                  "where": out.getvalue()[-300:]}))
"""


def test_a_writer_waiting_for_sqlite_s_lock_lets_the_process_run_under_gevent(tmp_path):
    """The driver's busy wait froze the whole process: the holder could not finish and every
    request waited 30 s. The wait is now short tries with cooperative sleeps between them."""
    import json
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'lock.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", GEVENT_LOCK_SCRIPT, url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["order"][0] == "holder", facts  # the waiter got the lock once it was free
    assert facts["order"][1][0] == "waiter" and facts["order"][1][1] < 5, facts
    assert facts["ticks"] == 30 and facts["span"] < 2, facts  # the heartbeat never stalled
    assert facts["yields"] >= 1 and "in holder" in facts["where"], facts
