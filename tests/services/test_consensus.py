"""Consensus across stakeholder groups: scores, equal weights, flags, and in the results."""

import math

import pytest

from workshop.services import consensus
from workshop.services.activities import add_activity
from workshop.services.consensus import (
    GroupCounts,
    consensus_score,
    equal_weight_totals,
    flag_groups,
    flags,
)
from workshop.services.participants import join_workshop
from workshop.services.results import compute_results
from workshop.services.voting import cast_vote
from workshop.services.workshops import create_workshop


def test_consensus_is_the_geometric_mean_of_pol_is_factors():
    score, product = consensus_score([3, 1], [4, 2])
    assert product == pytest.approx((4 / 6) * (2 / 4))
    assert score == pytest.approx(math.sqrt(product))
    assert consensus_score([0, 0], [0, 0]) == (0.0, 0.0)
    # a group without voters is left out, not counted as a refusal
    assert consensus_score([3, 0], [4, 0]) == pytest.approx((4 / 6, 4 / 6))


def test_a_large_delegation_does_not_drown_a_small_one():
    # 30 government voters, 3 union voters. A: all of government, no union. B: half of each.
    a, _ = consensus_score([30, 0], [30, 3])
    b, _ = consensus_score([15, 2], [30, 3])
    assert b > a  # raw supporters would say A (30) over B (17)


def test_flags():
    assert flags([2, 1, 1], [4, 3, 3]) == ["broad_support"]
    # a dot or an approval cannot oppose: a silent group is "no support", never "contested"
    assert flags([3, 0], [4, 3]) == ["single_group"]  # single_group already says it all
    assert flags([3, 1, 0], [4, 3, 2]) == ["no_support_from"]
    assert flags([3, 1, 0], [4, 3, 1]) == []  # the silent group is one person
    assert flags([2, 1, 0], [5, 3, 4]) == []  # 40%: support, not a group's majority
    assert flags([1, 0], [2, 3]) == []  # half of a group, but one person is not a group's voice
    assert flags([1, 0], [10, 3]) == []  # one supporter is neither strong nor a group's voice
    assert flags([2, 0], [10, 3]) == ["single_group"]  # 20%: not strong, but one group only
    assert flags([4, 4], [4, 4]) == ["broad_support"]
    assert flags([5], [5]) == []  # one group in the room: no cross-group question
    assert flags([5, 0], [5, 0]) == []  # the other group did not vote at all
    assert flags([0, 0], [5, 5]) == []


def test_flag_groups_name_the_groups_the_words_speak_of():
    assert flag_groups([3, 1, 0, 0], [4, 3, 2, 1]) == {"no_support_from": [2]}
    assert flag_groups([3, 0, 0], [4, 3, 0]) == {"single_group": [0]}
    assert flag_groups([2, 1, 1], [4, 3, 3]) == {"broad_support": [0, 1, 2]}


def test_only_low_scores_make_an_activity_contested():
    # score mode: 3 of 4 of group 0 score it 4 or 5; group 1: 2 of 3 score it 1 or 2
    assert flag_groups([3, 0, 1], [4, 3, 2], low=[0, 2, 0]) == {"contested": [1]}
    # the same silence without low scores is only an absence of support
    assert flag_groups([3, 0, 1], [4, 3, 2], low=[0, 1, 0]) == {"no_support_from": [1]}
    # one low score is one person, not a group's voice; nor is a minority of the group
    assert flag_groups([3, 1, 1], [4, 5, 2], low=[0, 2, 0]) == {}
    # low scores against an activity no group strongly supports: not a disagreement
    assert flag_groups([1, 0, 1], [4, 3, 4], low=[0, 3, 0]) == {}
    # without low counts (dots, approval) nothing is ever contested
    assert "contested" not in flag_groups([4, 0], [4, 4], low=None)
    assert consensus.rule()["score_low"] == consensus.SCORE_LOW


def test_equal_weight_scales_each_group_to_the_same_weight():
    # group 0 cast 30 points, group 1 cast 10: each becomes 20 (the raw sum stays 40)
    counts = {
        1: [GroupCounts(10, 10, 30), GroupCounts(0, 0, 0)],
        2: [GroupCounts(0, 0, 0), GroupCounts(5, 5, 10)],
    }
    assert equal_weight_totals(counts, 2, mean=False) == {1: 20.0, 2: 20.0}
    # score mode: the mean over groups of each group's mean score
    scores = {1: [GroupCounts(2, 2, 10), GroupCounts(1, 1, 1)]}
    assert equal_weight_totals(scores, 2, mean=True) == {1: 3.0}
    assert equal_weight_totals({1: [GroupCounts()]}, 1, mean=False) == {1: 0}


def room(db, voting, sizes=(6, 2)):
    workshop, _ = create_workshop(db, title="W", groups=["Big", "Small"], voting=voting)
    db.flush()
    ids = [add_activity(db, workshop, title=f"A{i}").id for i in range(3)]
    workshop.phase = "voting"
    people = {
        name: [
            join_workshop(db, workshop, name="", organisation="O", group=name)[0]
            for _ in range(size)
        ]
        for name, size in zip(("Big", "Small"), sizes, strict=True)
    }
    db.commit()
    return workshop, ids, people


def test_results_carry_shares_consensus_equal_weight_and_flags(db):
    workshop, (a, b, c), people = room(db, {"mode": "approval"})
    for p in people["Big"]:
        cast_vote(db, workshop, p, a)  # A: every Big voter, no Small voter
    for p in people["Big"][:2] + people["Small"]:
        cast_vote(db, workshop, p, b)  # B: 2 of 6 Big, 2 of 2 Small
    cast_vote(db, workshop, people["Small"][0], c)
    db.commit()
    results = compute_results(db, workshop)
    big, small = (g.id for g in workshop.groups)
    assert results["groups"] == [{"group_id": big, "voters": 6}, {"group_id": small, "voters": 2}]
    assert results["consensus_rule"] == consensus.rule()
    rows = {r["activity_id"]: r for r in results["activities"]}
    assert rows[a]["rank"] == 1 and rows[b]["rank"] == 2  # raw: 6 votes against 4
    assert rows[a]["support"] == [
        {"group_id": big, "supporters": 6, "share": 1.0},
        {"group_id": small, "supporters": 0, "share": 0.0},
    ]
    assert rows[b]["consensus_rank"] == 1 and rows[a]["consensus_rank"] == 2
    assert rows[b]["consensus"] > rows[a]["consensus"]
    # equal weight: Big cast 8 approvals, Small 3; each group weighs 5.5
    assert rows[a]["equal_total"] == pytest.approx(6 * 5.5 / 8, abs=0.01)
    assert rows[b]["equal_total"] == pytest.approx(2 * 5.5 / 8 + 2 * 5.5 / 3, abs=0.01)
    assert rows[b]["equal_rank"] == 1 and rows[a]["equal_rank"] == 2
    assert rows[a]["flags"] == ["single_group"]
    assert rows[a]["flag_groups"] == {"single_group": [big]}
    assert rows[b]["flags"] == ["broad_support"]
    assert rows[b]["flag_groups"] == {"broad_support": [big, small]}
    assert rows[c]["flags"] == []
    # the spine's fields are still there, unchanged in meaning
    assert rows[a]["by_group"] == [
        {"group_id": big, "total": 6, "voters": 6},
        {"group_id": small, "total": 0, "voters": 0},
    ]


def test_score_mode_support_is_a_high_score(db):
    workshop, (a, _b, _c), people = room(db, {"mode": "score"}, sizes=(2, 2))
    cast_vote(db, workshop, people["Big"][0], a, score=5)
    cast_vote(db, workshop, people["Big"][1], a, score=2)
    cast_vote(db, workshop, people["Small"][0], a, score=4)
    db.commit()
    row = next(r for r in compute_results(db, workshop)["activities"] if r["activity_id"] == a)
    assert [s["supporters"] for s in row["support"]] == [1, 1]
    assert [s["share"] for s in row["support"]] == [0.5, 1.0]
    assert row["total"] == pytest.approx(3.67, abs=0.01)
    assert row["equal_total"] == pytest.approx((3.5 + 4) / 2)


def test_score_mode_low_scores_of_a_group_make_it_contested(db):
    workshop, (a, b, _c), people = room(db, {"mode": "score"}, sizes=(2, 2))
    big, small = (g.id for g in workshop.groups)
    for p in people["Big"]:
        cast_vote(db, workshop, p, a, score=5)
        cast_vote(db, workshop, p, b, score=5)
    for p in people["Small"]:
        cast_vote(db, workshop, p, a, score=1)
        cast_vote(db, workshop, p, b, score=3)
    db.commit()
    rows = {r["activity_id"]: r for r in compute_results(db, workshop)["activities"]}
    assert rows[a]["flags"] == ["contested", "single_group"]
    assert rows[a]["flag_groups"] == {"contested": [small], "single_group": [big]}
    assert rows[b]["flags"] == ["single_group"]  # 3 of 5 is no support, and no opposition


def test_no_votes_no_consensus(db):
    workshop, _ids, _people = room(db, {"mode": "dots"})
    results = compute_results(db, workshop)
    assert results["voters"] == 0
    for row in results["activities"]:
        assert row["consensus"] == 0 and row["equal_total"] == 0 and row["flags"] == []
        assert row["flag_groups"] == {}
        assert [s["share"] for s in row["support"]] == [None, None]
