"""Pre-votes at the tables: the workshop's rule per participant per group, members only,
while the group pre-votes; results ranked per group; reassignment keeps what was cast."""

import secrets

import pytest
from sqlalchemy import select

from workshop.models import PreVote, WorkingGroup
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.merging import merge_activities, merge_notices, undo_merge
from workshop.services.participant_merging import remove_participant, undo_participant_change
from workshop.services.participants import join_workshop
from workshop.services.prevoting import (
    all_prevote_results,
    cast_prevote,
    my_prevotes,
    prevote_results,
    withdraw_prevote,
)
from workshop.services.state import participant_state
from workshop.services.workshops import create_workshop


def make_group(db, workshop, name, position, phase="prevote") -> WorkingGroup:
    group = WorkingGroup(
        workshop_id=workshop.id,
        name=name,
        position=position,
        phase=phase,
        screen_key=secrets.token_urlsafe(16),
    )
    db.add(group)
    db.flush()
    return group


class Tables:
    """A proposing workshop with two groups (g1: activities a, b, c; g2: d, e) and people."""

    def __init__(self, db, voting, people=2):
        self.db = db
        self.workshop, _ = create_workshop(
            db, title="Atelier", groups=["Gouv", "Empl"], voting=voting
        )
        db.flush()
        self.g1 = make_group(db, self.workshop, "Gouvernance", 1)
        self.g2 = make_group(db, self.workshop, "Compétences", 2)
        self.a, self.b, self.c, self.d, self.e = (
            add_activity(db, self.workshop, title=f"Activité {t}") for t in "ABCDE"
        )
        for activity, group in zip(
            (self.a, self.b, self.c, self.d, self.e), (self.g1,) * 3 + (self.g2,) * 2, strict=True
        ):
            activity.working_group_id = group.id
        self.people = [
            join_workshop(db, self.workshop, name=f"P{i}", organisation="O", group="Gouv")[0]
            for i in range(people)
        ]
        for person in self.people:
            person.working_group_id = self.g1.id
        self.workshop.phase = "proposing"
        db.commit()

    @property
    def p(self):
        return self.people[0]

    def cast(self, activity, who=None, **kwargs) -> dict:
        mine = cast_prevote(self.db, self.workshop, who or self.p, activity.id, **kwargs)
        self.db.commit()
        return mine

    def refused(self, key, activity, who=None, **kwargs) -> DomainError:
        with pytest.raises(DomainError) as info:
            cast_prevote(self.db, self.workshop, who or self.p, activity.id, **kwargs)
        self.db.rollback()
        assert info.value.key == key, (info.value.key, info.value.params)
        return info.value

    def values(self, who=None) -> dict[int, int]:
        mine = my_prevotes(self.db, self.workshop, who or self.p)
        return {v["activity_id"]: v["value"] for v in mine["prevotes"]}


DOTS = {"mode": "dots", "budget": 5, "per_activity_cap": 3}


def test_dots_budget_and_cap_per_group(db):
    t = Tables(db, DOTS)
    assert t.cast(t.a, points=3) == {
        "prevotes": [{"activity_id": t.a.id, "value": 3}],
        "prevote_left": 2,
    }
    t.refused("over_activity_cap", t.b, points=4)
    error = t.refused("over_budget", t.b, points=3)
    assert error.params == {"budget": 5, "left": 2}
    assert t.cast(t.b, points=2)["prevote_left"] == 0
    # the new total on one activity: 3 -> 1 gives two back
    assert t.cast(t.a, points=1)["prevote_left"] == 2
    assert t.cast(t.a, points=0) == {
        "prevotes": [{"activity_id": t.b.id, "value": 2}],
        "prevote_left": 3,
    }
    assert db.scalars(select(PreVote.activity_id)).all() == [t.b.id]


def test_only_members_and_only_while_the_group_prevotes(db):
    t = Tables(db, DOTS)
    t.refused("not_your_group", t.d, points=1)  # g2's activity, the participant sits at g1
    t.g1.phase = "proposing"
    db.commit()
    t.refused("not_prevoting", t.a, points=1)
    t.g1.phase = "done"
    db.commit()
    t.refused("not_prevoting", t.a, points=1)
    t.g1.phase = "prevote"
    t.workshop.phase = "voting"  # the plenary has the floor
    db.commit()
    t.refused("not_prevoting", t.a, points=1)
    t.workshop.phase = "proposing"
    t.p.working_group_id = None
    db.commit()
    t.refused("not_your_group", t.a, points=1)
    t.a.working_group_id = None
    t.p.working_group_id = t.g1.id
    db.commit()
    t.refused("not_your_group", t.a, points=1)  # an activity of no group: the plenary's
    assert db.scalars(select(PreVote)).all() == []


def test_hidden_and_merged_activities_are_refused_and_give_back(db):
    t = Tables(db, DOTS)
    t.cast(t.a, points=3)
    set_activity_status(db, t.workshop, t.a.id, "hidden")
    db.commit()
    t.refused("activity_hidden", t.a, points=1)
    assert t.values() == {}
    assert t.cast(t.b, points=3)["prevote_left"] == 2  # the hidden one's dots came back


def test_approval_budget_counts_activities_in_the_group(db):
    t = Tables(db, {"mode": "approval", "budget": 2})
    t.cast(t.a)
    t.cast(t.a)  # approving again changes nothing
    t.cast(t.b)
    t.refused("over_approvals", t.c)
    assert t.values() == {t.a.id: 1, t.b.id: 1}
    withdraw_prevote(db, t.workshop, t.p, t.a.id)
    db.commit()
    assert t.cast(t.c)["prevote_left"] == 0


def test_score_mode_means(db):
    t = Tables(db, {"mode": "score"}, people=2)
    t.cast(t.a, score=5)
    t.cast(t.a, who=t.people[1], score=2)
    t.cast(t.b, score=4)
    t.refused("field_out_of_range", t.b, score=6)
    results = prevote_results(db, t.workshop, t.g1.id)
    assert results[0] == {"activity_id": t.b.id, "total": 4, "voters": 1, "rank": 1}
    assert results[1] == {"activity_id": t.a.id, "total": 3.5, "voters": 2, "rank": 2}
    assert my_prevotes(db, t.workshop, t.p)["prevote_left"] is None


def test_results_rank_by_total_then_voters_then_id(db):
    t = Tables(db, DOTS, people=3)
    p0, p1, p2 = t.people
    t.cast(t.c, who=p0, points=2)
    t.cast(t.b, who=p1, points=1)
    t.cast(t.b, who=p2, points=1)  # b: 2 from two voters beats c: 2 from one
    t.cast(t.a, who=p2, points=1)
    assert prevote_results(db, t.workshop, t.g1.id) == [
        {"activity_id": t.b.id, "total": 2, "voters": 2, "rank": 1},
        {"activity_id": t.c.id, "total": 2, "voters": 1, "rank": 2},
        {"activity_id": t.a.id, "total": 1, "voters": 1, "rank": 3},
    ]
    assert prevote_results(db, t.workshop, t.g2.id) == [
        {"activity_id": t.d.id, "total": 0, "voters": 0, "rank": 1},
        {"activity_id": t.e.id, "total": 0, "voters": 0, "rank": 1},
    ]


def test_reassignment_keeps_prevotes_with_their_group(db):
    t = Tables(db, DOTS)
    t.cast(t.a, points=3)
    t.cast(t.b, points=2)
    t.p.working_group_id = t.g2.id  # moved to the other table
    db.commit()
    # a fresh budget at the new table; what was cast at the first stays there
    assert my_prevotes(db, t.workshop, t.p) == {"prevotes": [], "prevote_left": 5}
    assert t.cast(t.d, points=3)["prevote_left"] == 2
    t.refused("not_your_group", t.a, points=1)
    g1 = {r["activity_id"]: r["total"] for r in prevote_results(db, t.workshop, t.g1.id)}
    assert g1 == {t.a.id: 3, t.b.id: 2, t.c.id: 0}
    rows = {(v.activity_id, v.working_group_id) for v in db.scalars(select(PreVote))}
    assert rows == {(t.a.id, t.g1.id), (t.b.id, t.g1.id), (t.d.id, t.g2.id)}
    # back at the first table: what they gave there is theirs again, with its budget spent
    t.p.working_group_id = t.g1.id
    db.commit()
    t.refused("over_budget", t.c, points=1)


def test_participant_state_has_prevotes(db):
    t = Tables(db, DOTS)
    t.cast(t.b, points=2)
    state = participant_state(db, t.workshop, t.p)
    assert state["prevotes"] == [{"activity_id": t.b.id, "value": 2}]
    assert state["prevote_left"] == 3
    assert state["votes"] == [] and state["left"] == 5  # the plenary's budget is untouched


def test_refused_for_a_participant_of_another_workshop(db):
    t = Tables(db, DOTS)
    other = Tables(db, DOTS)
    with pytest.raises(DomainError) as info:
        cast_prevote(db, t.workshop, other.p, t.a.id, points=1)
    assert info.value.key == "participant_unknown"
    with pytest.raises(DomainError) as info:
        cast_prevote(db, t.workshop, t.p, other.a.id, points=1)
    assert info.value.key == "activity_not_found"


def test_a_removed_participants_prevotes_stop_counting_until_the_undo(db):
    t = Tables(db, DOTS)
    t.cast(t.a, points=2)
    t.cast(t.a, who=t.people[1], points=1)
    change = remove_participant(db, t.workshop, t.people[1].public_id)
    db.commit()
    assert prevote_results(db, t.workshop, t.g1.id)[0] == {
        "activity_id": t.a.id,
        "total": 2,
        "voters": 1,
        "rank": 1,
    }
    undo_participant_change(db, t.workshop, change.id)
    db.commit()
    assert prevote_results(db, t.workshop, t.g1.id)[0]["total"] == 3


# -- merges: a table's pre-votes follow as votes do, and an undo puts them back -------------


def prevote_table(db) -> list[tuple]:
    """Every pre-vote with its table and timestamps: what an exact undo must give back."""
    return sorted(
        (p.participant_id, p.activity_id, p.working_group_id, p.value, p.created_at, p.updated_at)
        for p in db.scalars(select(PreVote))
    )


def merge(t, target, *sources):
    done = merge_activities(t.db, t.workshop, target.id, [s.id for s in sources])
    t.db.commit()
    return done


def undo(t, done):
    undo_merge(t.db, t.workshop, done.id)
    t.db.commit()


def test_a_merge_moves_the_tables_prevotes_as_votes_and_the_undo_puts_them_back(db):
    t = Tables(db, DOTS, people=3)
    both, only_source, bystander = t.people
    t.cast(t.a, who=both, points=2)
    t.cast(t.b, who=both, points=2)
    t.cast(t.b, who=only_source, points=1)
    t.cast(t.c, who=bystander, points=3)
    before = prevote_table(db)
    ranked_before = all_prevote_results(db, t.workshop, [t.g1.id, t.g2.id])
    done = merge(t, t.a, t.b)
    # the cap: 2 + 2 becomes 3, not 4, and the dot left over comes back to the table's budget
    assert t.values(both) == {t.a.id: 3}
    assert my_prevotes(db, t.workshop, both)["prevote_left"] == 2
    assert t.values(only_source) == {t.a.id: 1}
    assert t.values(bystander) == {t.c.id: 3}
    assert {p.working_group_id for p in db.scalars(select(PreVote))} == {t.g1.id}
    ranked = all_prevote_results(db, t.workshop, [t.g1.id, t.g2.id])
    assert ranked[t.g1.id] == [
        {"activity_id": t.a.id, "total": 4, "voters": 2, "rank": 1},
        {"activity_id": t.c.id, "total": 3, "voters": 1, "rank": 2},
    ]
    assert ranked[t.g2.id] == ranked_before[t.g2.id]
    assert prevote_results(db, t.workshop, t.g1.id) == ranked[t.g1.id]
    # each phone is told, as for votes: what moved, and the dot that came back
    [notice] = merge_notices(db, t.workshop, both)
    assert (notice["merge_id"], notice["target_id"]) == (done.id, t.a.id)
    assert (notice["returned"], notice["value"]) == (1, 3)
    assert merge_notices(db, t.workshop, only_source)[0]["returned"] == 0
    assert merge_notices(db, t.workshop, bystander) == []
    undo(t, done)
    assert merge_notices(db, t.workshop, both) == []  # an undone merge tells nothing
    assert prevote_table(db) == before  # values, tables and timestamps
    assert all_prevote_results(db, t.workshop, [t.g1.id, t.g2.id]) == ranked_before


def test_an_undo_after_the_returned_dots_were_spent_trims_the_source(db):
    t = Tables(db, DOTS)
    t.cast(t.a, points=2)
    t.cast(t.b, points=2)
    done = merge(t, t.a, t.b)
    assert t.cast(t.c, points=2)["prevote_left"] == 0  # the dot the cap gave back, spent
    undo(t, done)
    # the target as before, their newer pre-vote kept, the source within the budget
    assert t.values() == {t.a.id: 2, t.b.id: 1, t.c.id: 2}
    assert my_prevotes(db, t.workshop, t.p)["prevote_left"] == 0


def test_a_target_prevote_changed_since_the_merge_is_kept_at_undo(db):
    t = Tables(db, DOTS)
    t.cast(t.a, points=1)
    t.cast(t.b, points=2)
    done = merge(t, t.a, t.b)
    assert t.values() == {t.a.id: 3}
    t.cast(t.a, points=1)
    undo(t, done)
    assert t.values() == {t.a.id: 1, t.b.id: 2}


def test_approval_gives_back_the_second_and_score_keeps_the_strongest(db):
    t = Tables(db, {"mode": "approval", "budget": 2})
    t.cast(t.a)
    t.cast(t.b)
    merge(t, t.a, t.b)
    assert t.values() == {t.a.id: 1}
    assert my_prevotes(db, t.workshop, t.p)["prevote_left"] == 1
    s = Tables(db, {"mode": "score"})
    s.cast(s.a, score=2)
    s.cast(s.b, score=5)
    s.cast(s.c, who=s.people[1], score=4)
    merge(s, s.a, s.b, s.c)
    assert s.values() == {s.a.id: 5} and s.values(s.people[1]) == {s.a.id: 4}
    assert prevote_results(db, s.workshop, s.g1.id)[0]["total"] == 4.5  # the mean of 5 and 4


def test_a_prevote_cast_at_another_table_stays_with_its_source(db):
    t = Tables(db, DOTS, people=2)
    other = t.people[1]
    other.working_group_id = t.g2.id
    db.commit()
    t.cast(t.d, who=other, points=2)  # g2's activity, pre-voted at g2
    t.cast(t.a, points=1)
    before = prevote_table(db)
    done = merge(t, t.a, t.d)  # a facilitator of the plenary merges across tables
    assert prevote_table(db) == before  # nothing moves to g1's table from g2's
    assert prevote_results(db, t.workshop, t.g1.id)[0]["total"] == 1
    assert t.values(other) == {}  # on a merged activity: counts nowhere, back in the budget
    undo(t, done)
    assert t.values(other) == {t.d.id: 2}
    assert prevote_results(db, t.workshop, t.g2.id)[0]["total"] == 2


def test_a_restored_activity_trims_the_prevotes_whose_dots_were_spent_since(db):
    t = Tables(db, DOTS)
    t.cast(t.a, points=3)
    set_activity_status(db, t.workshop, t.a.id, "hidden")
    db.commit()
    t.cast(t.b, points=3)  # the hidden one's dots, spent again
    set_activity_status(db, t.workshop, t.a.id, "visible")
    db.commit()
    assert t.values() == {t.a.id: 2, t.b.id: 3}  # the newer pre-vote kept, within the budget
    assert my_prevotes(db, t.workshop, t.p)["prevote_left"] == 0
