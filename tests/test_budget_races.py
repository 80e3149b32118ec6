"""Budgets hold when the facilitator gives dots back while the room votes (issue 16, A).

Two `run.py` processes on one PostgreSQL database (READ COMMITTED, as in production), 40
phones spread over both. Each round, every phone has dots on an activity X; the facilitator
takes X out of the count (hide, or merge it into another activity); then, at one barrier,
every phone spends its dots on Y while the facilitator gives X back (restore, or undo the
merge). Whatever the interleaving, no participant may end with more dots counted than the
budget: the facilitator's action must wait for each voter's own transaction, or trim after it.
"""

import threading

import pytest

from tests.json_http import http
from tests.serverproc import ServerProcess, assert_clean_log
from tests.test_integrity_server import phone, rows

pytestmark = [pytest.mark.server, pytest.mark.postgres]

BUDGET, CAP = 5, 3
PHONES = 40
#: restore and undo in turn; on the code before the fix, every run overspent within 8 rounds
ROUNDS = 8
#: flood guards off: this is forty phones of one room on one address, voting at once
UNLIMITED = {
    "ATELIER_SOCKET_EVENT_RATE": "0",
    "ATELIER_RATE_JOIN_ADDRESS": "off",
}


def overspent(database_url, code):
    """Participants whose counted dots exceed the budget or the cap, as (id, spent)."""
    return rows(
        database_url,
        """
        SELECT v.participant_id, SUM(v.value), MAX(v.value)
        FROM votes v
        JOIN activities a ON a.id = v.activity_id
        JOIN workshops w ON w.id = a.workshop_id
        WHERE w.code = :code AND a.status = 'visible'
        GROUP BY v.participant_id
        HAVING SUM(v.value) > :budget OR MAX(v.value) > :cap
        """,
        code=code,
        budget=BUDGET,
        cap=CAP,
    )


def test_giving_dots_back_during_a_burst_never_overspends(tmp_path, postgres_url):
    one = ServerProcess(postgres_url, env=UNLIMITED)
    two = ServerProcess(postgres_url, env=UNLIMITED)
    one.start(tmp_path / "one.log")
    two.start(tmp_path / "two.log")
    phones = []
    try:
        status, w = http(
            "POST",
            f"{one.url}/api/workshops",
            {
                "title": "Atelier",
                "groups": ["Gouvernement", "Syndicats"],
                "voting": {"mode": "dots", "budget": BUDGET, "per_activity_cap": CAP},
            },
        )
        assert status == 201, w
        code, token = w["code"], w["facilitator_token"]

        def api(suffix, body=None, method="POST"):
            status, answer = http(method, f"{one.url}/api/workshops/{code}{suffix}", body, token)
            assert status in (200, 201), (suffix, answer)
            return answer

        def add(title):
            return api("/activities", {"title": title})["activity_id"]

        tokens = []
        for i in range(PHONES):
            status, joined = http(
                "POST",
                f"{one.url}/api/workshops/{code}/participants",
                {"organisation": f"Org {i}", "group": "Syndicats"},
            )
            assert status == 201, joined
            tokens.append(joined["participant_token"])
        api("/phase", {"phase": "voting"})
        phones = [phone((one, two)[i % 2].url, t) for i, t in enumerate(tokens)]

        def everyone(make_payload):
            """Every phone sends its vote at one barrier; returns the acks."""
            acks, barrier = [None] * PHONES, threading.Barrier(PHONES + 1)

            def send(n):
                barrier.wait()
                acks[n] = phones[n].call("cast_vote", make_payload(n), timeout=30)

            threads = [threading.Thread(target=send, args=(n,)) for n in range(PHONES)]
            for t in threads:
                t.start()
            return barrier, threads, acks

        def join_all(threads):
            for t in threads:
                t.join(60)

        old: list[int] = []
        overspends = []
        for round_ in range(ROUNDS):
            for activity in old:  # earlier rounds' dots no longer count
                api(f"/activities/{activity}/hide")
            x, y, z = add(f"X{round_}"), add(f"Y{round_}"), add(f"Z{round_}")
            old += [x, y, z]
            action = ("restore", "undo")[round_ % 2]
            barrier, threads, acks = everyone(
                lambda n, x=x, round_=round_: {
                    "activity_id": x,
                    "points": CAP,
                    "op_id": f"{round_}-x-{n}",
                }
            )
            barrier.wait()
            join_all(threads)
            assert all(a["ok"] for a in acks), acks[:3]
            if action == "restore":
                api(f"/activities/{x}/hide")
                give_back = f"/activities/{x}/restore"
            else:
                # dots on Z too: the merge caps X+Z at 3, its undo gives back 5
                barrier, threads, acks = everyone(
                    lambda n, z=z, round_=round_: {
                        "activity_id": z,
                        "points": 2,
                        "op_id": f"{round_}-z-{n}",
                    }
                )
                barrier.wait()
                join_all(threads)
                assert all(a["ok"] for a in acks), acks[:3]
                merged = api("/merges", {"target_id": z, "source_ids": [x]})["merge"]
                give_back = f"/merges/{merged['merge_id']}/undo"
            # at one barrier: every phone spends its budget on Y, the facilitator gives X back
            barrier, threads, acks = everyone(
                lambda n, y=y, round_=round_: {
                    "activity_id": y,
                    "points": 2 + (n + round_) % 2,
                    "op_id": f"{round_}-y-{n}",
                }
            )
            barrier.wait()
            api(give_back)
            join_all(threads)
            assert all(a is not None for a in acks)
            assert all(a["ok"] or a["error"] == "over_budget" for a in acks), acks[:3]
            overspends += [(round_, action, *row) for row in overspent(postgres_url, code)]
        assert overspends == [], (
            f"participants over budget (round, action, id, spent, max): {overspends}"
        )
    finally:
        for client in phones:
            client.disconnect()
        one.stop()
        two.stop()
    assert_clean_log(one.log_path)
    assert_clean_log(two.log_path)
