"""Results: totals per rule, distinct voters, the split by group, ranking and hidden items."""

from workshop.services.activities import add_activity, set_activity_status
from workshop.services.participants import join_workshop
from workshop.services.results import compute_results
from workshop.services.voting import cast_vote
from workshop.services.workshops import create_workshop

GROUPS = ["Gouvernement", "Employeurs", "Travailleurs"]


def setup(db, voting, activities=4):
    workshop, _ = create_workshop(db, title="Atelier", groups=GROUPS, voting=voting)
    db.flush()
    ids = [add_activity(db, workshop, title=f"A{i}").id for i in range(activities)]
    workshop.phase = "voting"
    db.commit()
    return workshop, ids


def person(db, workshop, group):
    participant, _ = join_workshop(db, workshop, name="", organisation="O", group=group)
    db.commit()
    return participant


def vote(db, workshop, who, activity, **kwargs):
    cast_vote(db, workshop, who, activity, **kwargs)
    db.commit()


def by_id(results):
    return {r["activity_id"]: r for r in results["activities"]}


def test_dots_total_is_the_sum_of_points(db):
    workshop, (a, b, c, _d) = setup(db, {"mode": "dots", "budget": 5, "per_activity_cap": 3})
    p1, p2 = person(db, workshop, "Gouvernement"), person(db, workshop, "Employeurs")
    vote(db, workshop, p1, a, points=3)
    vote(db, workshop, p1, b, points=2)
    vote(db, workshop, p2, a, points=1)
    vote(db, workshop, p2, c, points=3)
    results = compute_results(db, workshop)
    assert results["mode"] == "dots"
    rows = by_id(results)
    assert [(rows[i]["total"], rows[i]["voters"]) for i in (a, b, c)] == [(4, 2), (2, 1), (3, 1)]
    assert [r["activity_id"] for r in results["activities"]][:3] == [a, c, b]


def test_approval_total_is_the_number_of_approvals(db):
    workshop, (a, b, _c, _d) = setup(db, {"mode": "approval"})
    people = [person(db, workshop, g) for g in GROUPS]
    for p in people:
        vote(db, workshop, p, a)
    vote(db, workshop, people[0], b)
    rows = by_id(compute_results(db, workshop))
    assert (rows[a]["total"], rows[a]["voters"]) == (3, 3)
    assert (rows[b]["total"], rows[b]["voters"]) == (1, 1)


def test_score_total_is_the_mean(db):
    workshop, (a, b, c, _d) = setup(db, {"mode": "score"})
    p1, p2, p3 = (person(db, workshop, g) for g in GROUPS)
    vote(db, workshop, p1, a, score=5)
    vote(db, workshop, p2, a, score=4)
    vote(db, workshop, p1, b, score=5)
    vote(db, workshop, p2, b, score=4)
    vote(db, workshop, p3, b, score=4)
    results = compute_results(db, workshop)
    rows = by_id(results)
    assert rows[a]["total"] == 4.5
    assert rows[b]["total"] == 4.33  # 13 / 3, two decimals
    assert (rows[c]["total"], rows[c]["voters"]) == (0, 0)
    assert results["mode"] == "score"
    assert [r["activity_id"] for r in results["activities"]][:2] == [a, b]


def test_voters_counts_distinct_participants(db):
    workshop, (a, b, c, _d) = setup(db, {"mode": "approval"})
    p1, p2, _idle = (person(db, workshop, g) for g in GROUPS)
    for activity in (a, b, c):
        vote(db, workshop, p1, activity)
    vote(db, workshop, p2, a)
    results = compute_results(db, workshop)
    assert results["voters"] == 2  # not 4 votes, not 3 participants
    assert by_id(results)[a]["voters"] == 2


def test_no_votes(db):
    workshop, ids = setup(db, {"mode": "dots"})
    results = compute_results(db, workshop)
    assert results["voters"] == 0
    assert [(r["activity_id"], r["total"], r["rank"]) for r in results["activities"]] == [
        (i, 0, 1) for i in ids
    ]


def test_split_by_group(db):
    workshop, (a, b, _c, _d) = setup(db, {"mode": "dots", "budget": 5, "per_activity_cap": 3})
    gov1, gov2 = person(db, workshop, "Gouvernement"), person(db, workshop, "Gouvernement")
    worker = person(db, workshop, "Travailleurs")
    vote(db, workshop, gov1, a, points=3)
    vote(db, workshop, gov2, a, points=2)
    vote(db, workshop, worker, a, points=1)
    vote(db, workshop, worker, b, points=3)
    rows = by_id(compute_results(db, workshop))
    group_ids = [g.id for g in workshop.groups]
    assert rows[a]["by_group"] == [
        {"group_id": group_ids[0], "total": 5, "voters": 2},
        {"group_id": group_ids[1], "total": 0, "voters": 0},
        {"group_id": group_ids[2], "total": 1, "voters": 1},
    ]
    assert [g["total"] for g in rows[b]["by_group"]] == [0, 0, 3]
    for row in rows.values():
        assert sum(g["total"] for g in row["by_group"]) == row["total"]
        assert sum(g["voters"] for g in row["by_group"]) == row["voters"]


def test_split_by_group_of_scores_is_each_groups_mean(db):
    workshop, (a, *_rest) = setup(db, {"mode": "score"})
    for group, score in [("Gouvernement", 5), ("Gouvernement", 2), ("Employeurs", 4)]:
        vote(db, workshop, person(db, workshop, group), a, score=score)
    row = by_id(compute_results(db, workshop))[a]
    assert row["total"] == 3.67
    assert [(g["total"], g["voters"]) for g in row["by_group"]] == [(3.5, 2), (4, 1), (0, 0)]


def test_ranking_with_ties_is_competition_ranking(db):
    workshop, (a, b, c, d) = setup(db, {"mode": "approval"})
    people = [person(db, workshop, "Employeurs") for _ in range(3)]
    for p in people:
        vote(db, workshop, p, b)  # 3
    for p in people[:2]:
        vote(db, workshop, p, d)  # 2
        vote(db, workshop, p, a)  # 2
    vote(db, workshop, people[0], c)  # 1
    results = compute_results(db, workshop)
    assert [(r["activity_id"], r["rank"]) for r in results["activities"]] == [
        (b, 1),
        (a, 2),  # tied with d; the older activity is listed first
        (d, 2),
        (c, 4),
    ]


def test_equal_totals_with_more_voters_rank_first(db):
    workshop, (a, b, c, _d) = setup(db, {"mode": "dots", "budget": 5, "per_activity_cap": 3})
    p1, p2, p3 = (person(db, workshop, g) for g in GROUPS)
    vote(db, workshop, p1, a, points=3)  # a: 3 points, 1 voter
    vote(db, workshop, p2, b, points=2)  # b: 3 points, 2 voters
    vote(db, workshop, p3, b, points=1)
    vote(db, workshop, p3, c, points=3)  # c: 3 points, 1 voter: tied with a
    ranked = [(r["activity_id"], r["rank"]) for r in compute_results(db, workshop)["activities"]]
    assert ranked[:3] == [(b, 1), (a, 2), (c, 2)]


def test_hidden_activities_are_excluded(db):
    workshop, (a, b, c, d) = setup(db, {"mode": "approval"})
    fan = person(db, workshop, "Gouvernement")  # votes only for a
    other = person(db, workshop, "Employeurs")
    vote(db, workshop, fan, a)
    vote(db, workshop, other, a)
    vote(db, workshop, other, b)
    set_activity_status(db, workshop, a, "hidden")
    db.commit()
    results = compute_results(db, workshop)
    assert a not in by_id(results)
    assert [r["activity_id"] for r in results["activities"]] == [b, c, d]
    assert [r["rank"] for r in results["activities"]] == [1, 2, 2]
    assert results["voters"] == 1
    set_activity_status(db, workshop, a, "visible")
    db.commit()
    results = compute_results(db, workshop)
    assert by_id(results)[a]["total"] == 2 and results["voters"] == 2


def test_other_workshops_do_not_leak_in(db):
    first, (a, *_r1) = setup(db, {"mode": "approval"})
    second, (x, *_r2) = setup(db, {"mode": "approval"})
    vote(db, first, person(db, first, "Employeurs"), a)
    for _ in range(3):
        vote(db, second, person(db, second, "Employeurs"), x)
    results = compute_results(db, first)
    assert results["voters"] == 1
    assert x not in by_id(results) and by_id(results)[a]["total"] == 1
