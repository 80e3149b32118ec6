"""The load generator's working-groups scenario, at a tiny size: it runs against a real server
and prints the figures docs/performance.md quotes (per table screen, the plenary screen)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serverproc import free_port

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent


def test_two_tables_of_three_phones_pre_vote_then_the_plenary_votes(tmp_path):
    out = tmp_path / "groups.json"
    command = [
        sys.executable,
        "bench/loadgen.py",
        "groups",
        "--tables", "2",
        "--per-table", "3",
        "--spread", "0.3",
        "--port", str(free_port()),
        "--timeout", "120",
        "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = json.loads(done.stdout)
    assert printed == json.loads(out.read_text())
    assert printed["errors"] == [] and printed["server_tracebacks"] == 0, printed
    prevotes = printed["prevotes"]
    assert (prevotes["sent"], prevotes["acknowledged_ok"]) == (6, 6), prevotes
    assert len(prevotes["tables"]) == 2
    for table in prevotes["tables"]:
        # every pre-vote of the table reached its table screen, and the figure is a number
        assert table["prevotes_ok"] == 3 and table["table_screen_total"] == 3, table
        latency = table["to_table_screen"]
        assert latency["n"] == 3 and latency["never_seen"] == 0, latency
        assert 0 < latency["p99_ms"] < 30_000
    assert prevotes["to_plenary_screen"]["n"] == 6
    assert prevotes["table_screen_p99_ms"]["max"] is not None
    votes = printed["votes"]
    assert printed["ballot"] >= 2
    assert (votes["sent"], votes["acknowledged_ok"]) == (6, 6), votes
    assert votes["screen_final_total"] == votes["server_final_total"] == 6
    assert votes["vote_to_screen"]["n"] == 6 and votes["vote_to_screen"]["p99_ms"] > 0
