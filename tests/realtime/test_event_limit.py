"""A flood of socket events from one participant is refused before it reaches the database."""

import pytest

from workshop.ratelimit import EventBuckets, RateLimited


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def test_a_bucket_gives_a_burst_then_its_rate():
    now = [100.0]
    buckets = EventBuckets(rate=2, burst=3, clock=lambda: now[0])
    for _ in range(3):
        buckets.take("p1")
    with pytest.raises(RateLimited) as refused:
        buckets.take("p1")
    assert refused.value.retry_after == 1
    buckets.take("p2")  # another key has its own bucket
    now[0] += 0.5  # one event's worth at 2 a second
    buckets.take("p1")
    with pytest.raises(RateLimited):
        buckets.take("p1")
    now[0] += 10  # refilled, never beyond the burst
    for _ in range(3):
        buckets.take("p1")
    with pytest.raises(RateLimited):
        buckets.take("p1")


def test_a_rate_of_zero_turns_it_off():
    buckets = EventBuckets(rate=0, burst=1)
    for _ in range(1000):
        buckets.take("p1")


def test_forgetting_refilled_buckets_keeps_the_empty_ones(monkeypatch):
    now = [0.0]
    buckets = EventBuckets(rate=1, burst=2, clock=lambda: now[0])
    monkeypatch.setattr(EventBuckets, "PRUNE_AT", 2)
    buckets.take("idle")
    now[0] += 5  # "idle" has refilled: the same as no bucket at all
    buckets.take("busy")
    buckets.take("busy")
    buckets.take("other")
    assert set(buckets._buckets) == {"busy", "other"}
    with pytest.raises(RateLimited):
        buckets.take("busy")  # still empty after the prune


@pytest.fixture
def voting(app, client, make_workshop, join, socket_client):
    app.extensions["atelier.event_buckets"] = EventBuckets(rate=1, burst=5, clock=lambda: 0.0)
    w = make_workshop(voting={"mode": "dots", "budget": 100, "per_activity_cap": 100})
    activity = client.post(url(w, "/activities"), json={"title": "A"}, headers=w["auth"])
    client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
    first, second = join(w["code"]), join(w["code"], group="Employeurs")
    return w, activity.get_json()["activity_id"], first, second, socket_client


def vote(phone, activity_id, n):
    data = {"activity_id": activity_id, "points": 1 + n % 2, "op_id": f"v{n}"}
    return phone.emit("cast_vote", data, callback=True)


def test_a_flooding_participant_is_refused_and_nothing_is_written(client, voting):
    w, activity_id, first, second, socket_client = voting
    before = client.get(url(w)).get_json()["version"]
    flooder = socket_client({"participant_token": first})
    other_tab = socket_client({"participant_token": first})
    neighbour = socket_client({"participant_token": second})
    acks = [vote(flooder, activity_id, n) for n in range(4)]
    acks += [vote(other_tab, activity_id, n) for n in range(4, 8)]  # the same participant
    assert [a["ok"] for a in acks] == [True] * 5 + [False] * 3
    refused = acks[5]
    assert refused["error"] == "rate_limited" and "1" in refused["message"]
    assert flooder.is_connected() and other_tab.is_connected()
    assert vote(neighbour, activity_id, 100)["ok"] is True  # the others are not limited
    assert client.get(url(w)).get_json()["version"] == before + 6  # 5 votes + the neighbour's
    results = client.get(url(w, "/results"), headers=w["auth"]).get_json()["activities"]
    assert results[0]["voters"] == 2  # the flooder's accepted votes and the neighbour's
    # a refused event was not recorded: its op_id is not "replayed" once the bucket refills
    buckets = client.application.extensions["atelier.event_buckets"]
    buckets.clock = lambda: 100.0
    again = vote(other_tab, activity_id, 6)
    assert again["ok"] is True and not again.get("replayed")


def test_a_refusal_reads_in_the_phones_language(app, client, voting, make_workshop):
    w, activity_id, first, _second, socket_client = voting
    english = app.test_client()
    english.set_cookie("atelier_lang", "en")
    phone = socket_client({"participant_token": first}, flask_client=english)
    acks = [vote(phone, activity_id, n) for n in range(6)]
    assert acks[-1]["error"] == "rate_limited"
    assert acks[-1]["message"].startswith("Too many attempts")
