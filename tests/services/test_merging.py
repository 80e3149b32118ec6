"""Merging activities: supporters follow, nobody goes over a limit, undo puts things back."""

import pytest
from sqlalchemy import select

from workshop.models import Activity, Vote
from workshop.services import merging
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.merging import (
    Mover,
    merge_activities,
    merge_history,
    merge_notices,
    register_mover,
    undo_merge,
)
from workshop.services.participants import join_workshop
from workshop.services.results import compute_results
from workshop.services.voting import cast_vote, my_votes, withdraw_vote
from workshop.services.workshops import create_workshop

GROUPS = ["Gouvernement", "Employeurs"]


def setup(db, voting, activities=4):
    workshop, _ = create_workshop(db, title="Atelier", groups=GROUPS, voting=voting)
    db.flush()
    ids = [add_activity(db, workshop, title=f"A{i}").id for i in range(activities)]
    workshop.phase = "voting"
    db.commit()
    return workshop, ids


def person(db, workshop, group="Gouvernement"):
    participant, _ = join_workshop(db, workshop, name="", organisation="O", group=group)
    db.commit()
    return participant


def vote(db, workshop, who, activity, **kwargs):
    cast_vote(db, workshop, who, activity, **kwargs)
    db.commit()


def table(db):
    """Every vote with its timestamps: what an exact undo must give back."""
    return sorted(
        (v.participant_id, v.activity_id, v.value, v.created_at, v.updated_at)
        for v in db.scalars(select(Vote))
    )


def values(db, who):
    return {v["activity_id"]: v["value"] for v in my_votes(db, who.workshop, who)["votes"]}


DOTS = {"mode": "dots", "budget": 5, "per_activity_cap": 3}


def test_supporters_follow_and_the_excess_comes_back(db):
    workshop, (t, s, other, _) = setup(db, DOTS)
    both, only_source, bystander = person(db, workshop), person(db, workshop), person(db, workshop)
    vote(db, workshop, both, t, points=2)
    vote(db, workshop, both, s, points=2)
    vote(db, workshop, only_source, s, points=1)
    vote(db, workshop, bystander, other, points=3)
    merge = merge_activities(db, workshop, t, [s])
    db.commit()
    assert values(db, both) == {t: 3}  # the cap: 2 + 2 becomes 3, not 4
    assert my_votes(db, workshop, both)["left"] == 2  # one dot came back
    assert values(db, only_source) == {t: 1}
    assert values(db, bystander) == {other: 3}
    source = db.get(Activity, s)
    assert (source.status, source.merged_into_id) == ("merged", t)
    assert merge_history(db, workshop) == {t: [s]}
    [notice] = merge_notices(db, workshop, both)
    assert notice["returned"] == 1 and notice["target_id"] == t
    assert notice["source_titles"] == ["A1"] and notice["value"] == 3
    assert merge_notices(db, workshop, only_source)[0]["returned"] == 0
    assert merge_notices(db, workshop, bystander) == []
    results = {r["activity_id"]: r for r in compute_results(db, workshop)["activities"]}
    assert s not in results
    assert (results[t]["total"], results[t]["voters"]) == (4, 2)
    assert merge.sources[0].status_before == "visible"


def test_undo_right_after_restores_every_vote_exactly(db):
    workshop, (t, s, u, other) = setup(db, DOTS)
    people = [person(db, workshop, g) for g in GROUPS * 2]
    vote(db, workshop, people[0], t, points=3)
    vote(db, workshop, people[0], s, points=2)
    vote(db, workshop, people[1], s, points=3)
    vote(db, workshop, people[1], u, points=2)
    vote(db, workshop, people[2], u, points=1)
    vote(db, workshop, people[3], other, points=1)
    before = table(db)
    merge = merge_activities(db, workshop, t, [s, u])
    db.commit()
    assert table(db) != before
    undo_merge(db, workshop, merge.id)
    db.commit()
    assert table(db) == before
    assert {a.status for a in db.scalars(select(Activity))} == {"visible"}
    assert merge_notices(db, workshop, people[0]) == []  # an undone merge tells nothing


def test_undo_after_the_dots_were_spent_elsewhere_trims_the_restored_source(db):
    workshop, (t, s, elsewhere, _) = setup(db, DOTS)
    p = person(db, workshop)
    vote(db, workshop, p, t, points=2)
    vote(db, workshop, p, s, points=2)
    vote(db, workshop, p, elsewhere, points=1)  # 5 of 5 spent
    merge = merge_activities(db, workshop, t, [s])
    db.commit()
    assert values(db, p) == {t: 3, elsewhere: 1}
    vote(db, workshop, p, elsewhere, points=2)  # spends the dot that came back
    undo_merge(db, workshop, merge.id)
    db.commit()
    # target back to 2, the newer vote kept, the restored source loses the excess
    assert values(db, p) == {t: 2, s: 1, elsewhere: 2}
    assert my_votes(db, workshop, p)["left"] == 0


def test_a_changed_target_vote_is_kept_at_undo(db):
    workshop, (t, s, _, _) = setup(db, DOTS)
    p = person(db, workshop)
    vote(db, workshop, p, s, points=2)
    merge = merge_activities(db, workshop, t, [s])
    db.commit()
    assert values(db, p) == {t: 2}
    vote(db, workshop, p, t, points=1)  # their latest word on the merged activity
    undo_merge(db, workshop, merge.id)
    db.commit()
    assert values(db, p) == {t: 1, s: 2}


def test_approval_gives_back_the_second_support(db):
    workshop, (t, s, u, other) = setup(db, {"mode": "approval", "budget": 3})
    p = person(db, workshop)
    for activity in (t, s, u):
        vote(db, workshop, p, activity)
    assert my_votes(db, workshop, p)["left"] == 0
    merge_activities(db, workshop, t, [s, u])
    db.commit()
    assert values(db, p) == {t: 1}
    assert my_votes(db, workshop, p)["left"] == 2
    assert merge_notices(db, workshop, p)[0]["returned"] == 2
    vote(db, workshop, p, other)  # the support that came back can be used


def test_score_keeps_the_strongest_support(db):
    workshop, (t, s, _, _) = setup(db, {"mode": "score"})
    p, q = person(db, workshop), person(db, workshop)
    vote(db, workshop, p, t, score=2)
    vote(db, workshop, p, s, score=5)
    vote(db, workshop, q, s, score=3)
    merge_activities(db, workshop, t, [s])
    db.commit()
    assert values(db, p) == {t: 5} and values(db, q) == {t: 3}
    assert merge_notices(db, workshop, p)[0]["returned"] == 0


def test_a_hidden_source_brings_its_dots_back_within_the_budget(db):
    workshop, (t, s, elsewhere, _) = setup(db, DOTS)
    p = person(db, workshop)
    vote(db, workshop, p, s, points=3)
    set_activity_status(db, workshop, s, "hidden")
    db.commit()
    vote(db, workshop, p, elsewhere, points=3)  # the hidden dots came back and were spent
    merge = merge_activities(db, workshop, t, [s])
    db.commit()
    assert values(db, p) == {t: 2, elsewhere: 3}  # only what the budget leaves
    assert my_votes(db, workshop, p)["left"] == 0
    undo_merge(db, workshop, merge.id)
    db.commit()
    assert db.get(Activity, s).status == "hidden"
    assert values(db, p) == {elsewhere: 3}  # the hidden vote is kept, not counted


def test_refusals(db):
    workshop, (t, s, u, _) = setup(db, DOTS)

    def refused(key, *args):
        with pytest.raises(DomainError) as caught:
            merge_activities(db, workshop, *args)
        db.rollback()
        assert caught.value.key == key

    refused("merge_into_itself", t, [t])
    refused("merge_sources_required", t, [])
    refused("merge_sources_required", t, None)
    refused("activity_not_found", t, [999999])
    refused("activity_not_found", 999999, [s])
    refused("too_many", t, list(range(1, 60)))
    set_activity_status(db, workshop, u, "hidden")
    db.commit()
    refused("merge_target_hidden", u, [s])
    merge = merge_activities(db, workshop, t, [s])
    db.commit()
    refused("activity_merged", t, [s])
    refused("activity_merged", s, [t])
    p = person(db, workshop)
    with pytest.raises(DomainError) as caught:
        cast_vote(db, workshop, p, s, points=1)
    assert caught.value.key == "activity_merged"
    db.rollback()
    with pytest.raises(DomainError) as caught:
        withdraw_vote(db, workshop, p, s)
    assert caught.value.key == "activity_merged"
    db.rollback()
    for status in ("visible", "hidden"):
        with pytest.raises(DomainError) as caught:
            set_activity_status(db, workshop, s, status)
        assert caught.value.key == "activity_merged"
        db.rollback()
    workshop.phase = "closed"
    db.commit()
    refused("merge_closed", t, [u])
    with pytest.raises(DomainError) as caught:
        undo_merge(db, workshop, merge.id)
    assert caught.value.key == "merge_closed"
    db.rollback()
    workshop.phase = "voting"
    db.commit()
    undo_merge(db, workshop, merge.id)
    db.commit()
    with pytest.raises(DomainError) as caught:
        undo_merge(db, workshop, merge.id)
    assert caught.value.key == "merge_already_undone"
    db.rollback()
    for bad in (None, True, "x", 0, -1, 2**70, 999):
        with pytest.raises(DomainError) as caught:
            undo_merge(db, workshop, bad)
        assert caught.value.key == "merge_not_found"


def test_merges_are_undone_latest_first(db):
    workshop, (a, b, c, _) = setup(db, DOTS)
    p = person(db, workshop)
    vote(db, workshop, p, a, points=1)
    vote(db, workshop, p, b, points=1)
    vote(db, workshop, p, c, points=1)
    before = table(db)
    first = merge_activities(db, workshop, b, [a])
    db.commit()
    second = merge_activities(db, workshop, c, [b])
    db.commit()
    assert values(db, p) == {c: 3}
    assert db.get(Activity, a).merged_into_id == b  # a chain: a -> b -> c
    with pytest.raises(DomainError) as caught:
        undo_merge(db, workshop, first.id)
    assert caught.value.key == "merge_undo_order"
    db.rollback()
    undo_merge(db, workshop, second.id)
    undo_merge(db, workshop, first.id)
    db.commit()
    assert table(db) == before


def test_another_workshops_merge_is_not_found(db):
    workshop, (t, s, _, _) = setup(db, DOTS)
    other, _ = setup(db, DOTS)
    merge = merge_activities(db, workshop, t, [s])
    db.commit()
    with pytest.raises(DomainError) as caught:
        undo_merge(db, other, merge.id)
    assert caught.value.key == "merge_not_found"


def test_a_later_feature_registers_what_it_moves(db):
    workshop, (t, s, _, _) = setup(db, DOTS)
    calls = []
    saved = list(merging.MOVERS)
    register_mover(
        Mover(
            "notes",
            lambda session, w, merge: calls.append(("apply", merge.target_id, merge.sources)),
            lambda session, w, merge: calls.append(("revert", merge.target_id)),
        )
    )
    # the app's own movers first (a feature's module registers its own when imported)
    before = [m.name for m in saved]
    assert before[:4] == ["votes", "prevotes", "comments", "commitments"]
    try:
        assert [m.name for m in merging.MOVERS] == [*before, "notes"]
        merge = merge_activities(db, workshop, t, [s])
        assert calls[0][0:2] == ("apply", t) and calls[0][2][0].activity_id == s
        undo_merge(db, workshop, merge.id)
        assert calls[1] == ("revert", t)
        register_mover(Mover("notes", lambda *a: None, lambda *a: None))  # replaced, not added
        assert [m.name for m in merging.MOVERS] == [*before, "notes"]
    finally:
        merging.MOVERS[:] = saved


def test_approval_of_a_hidden_source_only_comes_back_within_the_budget(db):
    workshop, (t, s, a, b) = setup(db, {"mode": "approval", "budget": 2})
    p = person(db, workshop)
    vote(db, workshop, p, s)
    set_activity_status(db, workshop, s, "hidden")
    db.commit()
    vote(db, workshop, p, a)
    vote(db, workshop, p, b)  # both supports used while s is hidden
    merge_activities(db, workshop, t, [s])
    db.commit()
    assert values(db, p) == {a: 1, b: 1}  # no third support on the target
    assert my_votes(db, workshop, p)["left"] == 0
