"""The roll-up: each group's top N (or what its table marked) becomes the plenary's ballot with
its provenance; the plenary then votes on the ballot only; cross-group duplicates are proposed
with the console's engine and merged with the merge service, provenance kept."""

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from tests.services.test_prevoting import DOTS, Tables, make_group
from workshop.models import Activity, BallotEntry, PreVote, Vote
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.duplicates import duplicate_report, index_for, visible_documents
from workshop.services.errors import DomainError, NotFound
from workshop.services.merging import merge_activities, undo_merge
from workshop.services.participants import join_workshop
from workshop.services.prevoting import (
    cast_prevote,
    my_prevotes,
    prevote_results,
    withdraw_prevote,
)
from workshop.services.results import compute_results
from workshop.services.rollup import (
    ballot,
    ballot_duplicates,
    roll_up,
    set_rollup_focus,
    set_to_plenary,
    undo_roll_up,
)
from workshop.services.state import workshop_state
from workshop.services.voting import cast_vote, my_votes, withdraw_vote
from workshop.services.working_groups import delete_working_group
from workshop.services.workshops import create_workshop


def refused(key, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


def prevoted(db, people=3) -> Tables:
    """g1: b (2 voters, 2), c (1 voter, 2), a (1); g2: d (1), e none; p2 sits at g2."""
    t = Tables(db, DOTS, people=people)
    p0, p1, p2 = t.people
    t.cast(t.c, who=p0, points=2)
    t.cast(t.b, who=p1, points=1)
    t.cast(t.b, who=p2, points=1)
    t.cast(t.a, who=p2, points=1)
    p2.working_group_id = t.g2.id
    db.commit()
    t.cast(t.d, who=p2, points=1)
    return t


def entry(activity, group, position, rank, total, voters, marked=False):
    return {
        "activity_id": activity.id,
        "position": position,
        "working_group_id": group.id,
        "prevote_rank": rank,
        "prevote_total": total,
        "prevote_voters": voters,
        "marked": marked,
        "merged_into_id": None,
    }


def test_top_n_per_group_in_group_order_then_rank(db):
    t = prevoted(db)
    version = t.workshop.version
    roll_up(db, t.workshop, 2)
    db.commit()
    assert ballot(db, t.workshop) == [
        entry(t.b, t.g1, 1, 1, 2, 2),
        entry(t.c, t.g1, 2, 2, 2, 1),
        entry(t.d, t.g2, 3, 1, 1, 1),  # e: nobody supported it, it stays at its table
    ]
    assert t.workshop.version > version
    assert workshop_state(db, t.workshop)["ballot"] == ballot(db, t.workshop)


def test_marked_activities_replace_the_top_n_of_their_group_only(db):
    t = prevoted(db)
    set_to_plenary(db, t.workshop, t.a.id, True)
    set_to_plenary(db, t.workshop, t.e.id, True)
    roll_up(db, t.workshop, 1)
    db.commit()
    assert ballot(db, t.workshop) == [
        entry(t.a, t.g1, 1, 3, 1, 1, marked=True),
        entry(t.e, t.g2, 2, 2, 0, 0, marked=True),
    ]
    set_to_plenary(db, t.workshop, t.e.id, False)
    roll_up(db, t.workshop, 1)  # rolling up again replaces the ballot
    db.commit()
    assert [(e["activity_id"], e["marked"]) for e in ballot(db, t.workshop)] == [
        (t.a.id, True),
        (t.d.id, False),
    ]


def test_roll_up_refusals_and_undo(db):
    t = prevoted(db)
    refused("field_out_of_range", roll_up, db, t.workshop, 0)
    refused("field_out_of_range", roll_up, db, t.workshop, 21)
    refused("field_invalid", roll_up, db, t.workshop, "two")
    roll_up(db, t.workshop, 3)
    db.commit()
    t.workshop.phase = "voting"
    db.commit()
    refused("ballot_locked", undo_roll_up, db, t.workshop)
    refused("ballot_locked", roll_up, db, t.workshop, 3)
    t.workshop.phase = "proposing"
    db.commit()
    assert undo_roll_up(db, t.workshop) == 4
    db.commit()
    assert ballot(db, t.workshop) == [] == workshop_state(db, t.workshop)["ballot"]
    assert undo_roll_up(db, t.workshop) == 0  # nothing to undo: not an error


def test_roll_up_needs_working_groups(db):
    t = Tables(db, DOTS)
    for group in (t.g1, t.g2):
        db.delete(group)
    db.commit()
    refused("working_groups_none", roll_up, db, t.workshop, 3)


def test_to_plenary_mark(db):
    t = Tables(db, DOTS)
    refused("field_invalid", set_to_plenary, db, t.workshop, t.a.id, "yes")
    version = t.workshop.version
    assert set_to_plenary(db, t.workshop, t.a.id, True).to_plenary is True
    assert t.workshop.version == version + 1
    set_to_plenary(db, t.workshop, t.a.id, True)  # already marked: nothing changes
    assert t.workshop.version == version + 1
    loose = add_activity(db, t.workshop, title="Sans table")
    loose.working_group_id = None
    db.flush()
    refused("activity_no_working_group", set_to_plenary, db, t.workshop, loose.id, True)
    refused("activity_not_found", set_to_plenary, db, t.workshop, 10**9, True)


def test_plenary_votes_only_on_the_ballot_and_results_carry_provenance(db):
    t = prevoted(db)
    p0 = t.p
    without = compute_results(db, t.workshop)
    assert all("provenance" not in item for item in without["activities"])
    assert len(without["activities"]) == 5
    t.workshop.phase = "voting"
    db.commit()
    cast_vote(db, t.workshop, p0, t.a.id, points=2)  # before any roll-up: any activity
    db.commit()
    t.workshop.phase = "proposing"
    db.commit()
    roll_up(db, t.workshop, 1)
    t.workshop.phase = "voting"
    db.commit()
    refused("not_on_ballot", cast_vote, db, t.workshop, p0, t.c.id, points=1)
    cast_vote(db, t.workshop, p0, t.b.id, points=2)
    cast_vote(db, t.workshop, p0, t.d.id, points=1)
    db.commit()
    results = compute_results(db, t.workshop)
    assert [r["activity_id"] for r in results["activities"]] == [t.b.id, t.d.id]
    assert results["activities"][0]["provenance"] == {
        "working_group_id": t.g1.id,
        "prevote_rank": 1,
        "prevote_total": 2,
        "prevote_voters": 2,
        "marked": False,
    }
    # the vote cast off the ballot before the roll-up may be withdrawn: its dots come back
    assert my_votes(db, t.workshop, p0)["left"] == 0
    withdraw_vote(db, t.workshop, p0, t.a.id)
    db.commit()
    assert my_votes(db, t.workshop, p0)["left"] == 2


def cross_language_tables(db) -> Tables:
    t = Tables(db, DOTS)
    t.a.title = "Partenariat Maroc–Allemagne pour la mobilité des infirmiers"
    t.d.title = "Skills partnership with Germany for nurses"
    t.b.title = "Formation des inspecteurs du travail"
    t.c.title = "Former les inspecteurs du travail"  # b's duplicate, at the same table
    t.e.title = "تكوين مفتشي الشغل"  # b's, in Arabic, at the other table
    for activity in (t.a, t.b, t.c):
        set_to_plenary(db, t.workshop, activity.id, True)
    for activity in (t.d, t.e):
        set_to_plenary(db, t.workshop, activity.id, True)
    roll_up(db, t.workshop, 5)
    db.commit()
    return t


def test_cross_group_duplicates_with_the_console_engine(db):
    t = cross_language_tables(db)
    index = index_for(t.workshop.id, visible_documents(db, t.workshop))
    found = ballot_duplicates(index, ballot(db, t.workshop))
    pairs = {tuple(p["activity_ids"]) for p in found}
    assert (t.a.id, t.d.id) in pairs  # French at one table, English at the other
    assert (t.b.id, t.e.id) in pairs  # French and Arabic
    console = {tuple(p["activity_ids"]): p["score"] for p in duplicate_report(index)["pairs"]}
    assert (t.b.id, t.c.id) in console  # the console sees the same-table pair...
    assert (t.b.id, t.c.id) not in pairs  # ...which is not the roll-up's to propose
    for pair in found:
        assert console[tuple(pair["activity_ids"])] == pair["score"]  # the same scores


def test_a_merge_of_two_ballot_activities_keeps_both_provenances(db):
    t = cross_language_tables(db)
    merge_activities(db, t.workshop, t.a.id, [t.d.id])
    db.commit()
    rows = {e["activity_id"]: e for e in ballot(db, t.workshop)}
    assert rows[t.a.id]["working_group_id"] == t.g1.id and rows[t.a.id]["merged_into_id"] is None
    assert rows[t.d.id]["working_group_id"] == t.g2.id
    assert rows[t.d.id]["merged_into_id"] == t.a.id  # "brought by both tables" reads from here
    index = index_for(t.workshop.id, visible_documents(db, t.workshop))
    assert (t.a.id, t.d.id) not in {
        tuple(p["activity_ids"]) for p in ballot_duplicates(index, ballot(db, t.workshop))
    }
    t.workshop.phase = "voting"
    db.commit()
    cast_vote(db, t.workshop, t.p, t.a.id, points=1)
    refused("activity_merged", cast_vote, db, t.workshop, t.p, t.d.id, points=1)
    results = compute_results(db, t.workshop)
    assert t.d.id not in {r["activity_id"] for r in results["activities"]}


def test_a_ballot_activity_may_not_be_merged_into_one_off_the_ballot(db):
    t = prevoted(db)
    roll_up(db, t.workshop, 1)  # b (g1) and d (g2)
    t.workshop.phase = "voting"
    db.commit()
    cast_vote(db, t.workshop, t.p, t.b.id, points=3)
    db.commit()
    refused("merge_target_off_ballot", merge_activities, db, t.workshop, t.c.id, [t.b.id])
    db.rollback()  # the handler's transaction: nothing of the merge stays
    assert db.get(Activity, t.b.id).status == "visible"
    assert db.scalars(select(Vote.activity_id)).all() == [t.b.id]
    # the other way round: c's supporters (none here) come to b, which stays on the ballot
    merge = merge_activities(db, t.workshop, t.b.id, [t.c.id])
    db.commit()
    assert {e["activity_id"] for e in ballot(db, t.workshop)} == {t.b.id, t.d.id}
    undo_merge(db, t.workshop, merge.id)
    db.commit()
    assert db.get(Activity, t.c.id).status == "visible"
    # two activities off the ballot merge as before
    merge_activities(db, t.workshop, t.c.id, [t.a.id])
    db.commit()


def test_entries_go_with_their_activity(db):
    t = prevoted(db)
    roll_up(db, t.workshop, 1)
    db.commit()
    db.delete(db.get(Activity, t.b.id))
    db.commit()
    assert [e["activity_id"] for e in ballot(db, t.workshop)] == [t.d.id]
    assert db.scalars(select(BallotEntry.activity_id)).all() == [t.d.id]


def test_a_deleted_group_leaves_its_entries_without_a_group(db):
    t = prevoted(db)
    roll_up(db, t.workshop, 1)
    db.commit()
    db.delete(t.g2)
    db.commit()
    assert [(e["activity_id"], e["working_group_id"]) for e in ballot(db, t.workshop)] == [
        (t.b.id, t.g1.id),
        (t.d.id, None),
    ]


def test_the_big_screen_shows_one_group_while_its_rapporteur_speaks(db):
    t = prevoted(db)
    refused("rollup_none", set_rollup_focus, db, t.workshop, t.g2.id)  # nothing to show yet
    roll_up(db, t.workshop, 1)
    db.commit()
    version = t.workshop.version
    assert set_rollup_focus(db, t.workshop, t.g2.id) == t.g2.id
    db.commit()
    assert t.workshop.version > version
    assert workshop_state(db, t.workshop)["rollup_focus_group_id"] == t.g2.id
    other = Tables(db, DOTS)  # another workshop's group is no group of this one
    for wrong in (other.g1.id, 0, -1, "g2", 10**9):
        with pytest.raises(NotFound) as info:
            set_rollup_focus(db, t.workshop, wrong)
        assert info.value.key == "working_group_not_found"
    version = t.workshop.version
    assert set_rollup_focus(db, t.workshop, t.g2.id) == t.g2.id  # the same again: no change
    assert t.workshop.version == version
    assert set_rollup_focus(db, t.workshop, None) is None  # every group again
    db.commit()
    assert workshop_state(db, t.workshop)["rollup_focus_group_id"] is None
    # undoing the roll-up clears it, as does deleting the group (by the service or the database)
    set_rollup_focus(db, t.workshop, t.g1.id)
    undo_roll_up(db, t.workshop)
    db.commit()
    assert t.workshop.rollup_focus_group_id is None
    roll_up(db, t.workshop, 1)
    set_rollup_focus(db, t.workshop, t.g1.id)
    delete_working_group(db, t.workshop, t.g2)  # another group: the focus stays
    db.commit()
    assert t.workshop.rollup_focus_group_id == t.g1.id
    delete_working_group(db, t.workshop, t.g1)
    db.commit()
    assert t.workshop.rollup_focus_group_id is None
    focused = Tables(db, DOTS)
    focused.workshop.rollup_focus_group_id = focused.g2.id
    db.commit()
    db.delete(focused.g2)  # ON DELETE SET NULL
    db.commit()
    db.refresh(focused.workshop)
    assert focused.workshop.rollup_focus_group_id is None


def test_the_group_order_is_the_groups_position(db):
    t = prevoted(db)
    t.g1.position, t.g2.position = 5, 1
    extra = make_group(db, t.workshop, "Vide", 3)
    db.commit()
    roll_up(db, t.workshop, 1)
    db.commit()
    assert [e["working_group_id"] for e in ballot(db, t.workshop)] == [t.g2.id, t.g1.id]
    assert extra.id not in {e["working_group_id"] for e in ballot(db, t.workshop)}


# -- the voting rules across the tables' pre-votes and the plenary (Hypothesis) ---------------

RULES = [
    {"mode": "dots", "budget": 5, "per_activity_cap": 3},
    {"mode": "dots", "budget": 2, "per_activity_cap": 2},
    {"mode": "approval", "budget": 2},
    {"mode": "approval"},
    {"mode": "score"},
]
GROUPS, ACTIVITIES, PEOPLE = 3, 7, 4


def make_tables_machine(db):
    counter = itertools.count()

    class Tables_(RuleBasedStateMachine):
        """One workshop per example: three tables pre-vote, people move, roll-up, plenary."""

        @initialize(
            rule=st.sampled_from(RULES),
            seats=st.lists(st.sampled_from([None, 0, 1, 2]), min_size=PEOPLE, max_size=PEOPLE),
        )
        def setup(self, rule, seats):
            n = next(counter)
            self.workshop, _ = create_workshop(db, title=f"W{n}", groups=["G"], voting=rule)
            db.flush()
            self.groups = [make_group(db, self.workshop, f"T{n}-{g}", g) for g in range(GROUPS)]
            self.activities = []
            for i in range(ACTIVITIES):
                activity = add_activity(db, self.workshop, title=f"Activité {i}")
                # the last one is the plenary's own: no table
                activity.working_group_id = self.groups[i % GROUPS].id if i < 6 else None
                self.activities.append(activity.id)
            self.people = [
                join_workshop(db, self.workshop, name="", organisation=f"O{i}", group="G")[0]
                for i in range(PEOPLE)
            ]
            for person, seat in zip(self.people, seats, strict=True):
                person.working_group_id = None if seat is None else self.groups[seat].id
            self.workshop.phase = "proposing"
            db.commit()
            self.cast_in = {}  # (participant id, activity id) -> the group it was cast in

        # -- actions, each in its own transaction ------------------------------------------

        def value(self, raw):
            mode = self.workshop.voting_mode
            return {"points": raw} if mode == "dots" else {"score": raw} if mode == "score" else {}

        def attempt(self, call, *args, **kwargs):
            before = (self.stored(PreVote), self.stored(Vote), self.ballot())
            try:
                result = call(db, self.workshop, *args, **kwargs)
                db.commit()
                return result, None
            except DomainError as error:
                db.rollback()
                assert (self.stored(PreVote), self.stored(Vote), self.ballot()) == before
                return None, error.key

        @rule(p=st.integers(0, PEOPLE - 1), a=st.integers(0, ACTIVITIES - 1), raw=st.integers(0, 6))
        def prevote(self, p, a, raw):
            person, activity = self.people[p], self.activities[a]
            group = person.working_group_id
            _, refused = self.attempt(cast_prevote, person, activity, **self.value(raw))
            if refused is None:
                assert db.get(Activity, activity).working_group_id == group
                key = (person.id, activity)
                if raw == 0 and self.workshop.voting_mode == "dots":
                    self.cast_in.pop(key, None)
                else:
                    self.cast_in[key] = group

        @rule(p=st.integers(0, PEOPLE - 1), k=st.integers(0, 1), raw=st.integers(1, 3))
        def prevote_at_my_table(self, p, k, raw):
            """Most pre-votes are on the participant's own table's activities (i % 3)."""
            seat = next(
                (
                    g
                    for g, group in enumerate(self.groups)
                    if group.id == self.people[p].working_group_id
                ),
                None,
            )
            if seat is not None:
                self.prevote(p, seat + GROUPS * k, raw)

        @rule(p=st.integers(0, PEOPLE - 1), a=st.integers(0, ACTIVITIES - 1))
        def withdraw_prevote(self, p, a):
            person, activity = self.people[p], self.activities[a]
            _, refused = self.attempt(withdraw_prevote, person, activity)
            if refused is None:
                self.cast_in.pop((person.id, activity), None)

        @rule(p=st.integers(0, PEOPLE - 1), seat=st.sampled_from([None, 0, 1, 2]))
        def reassign(self, p, seat):
            self.people[p].working_group_id = None if seat is None else self.groups[seat].id
            db.commit()

        @rule(g=st.integers(0, GROUPS - 1), phase=st.sampled_from(["proposing", "prevote", "done"]))
        def table_phase(self, g, phase):
            self.groups[g].phase = phase
            db.commit()

        @rule(a=st.integers(0, ACTIVITIES - 1), hidden=st.booleans())
        def moderate(self, a, hidden):
            set_activity_status(
                db, self.workshop, self.activities[a], "hidden" if hidden else "visible"
            )
            db.commit()

        @rule(a=st.integers(0, ACTIVITIES - 2), mark=st.booleans())
        def to_plenary(self, a, mark):
            self.attempt(set_to_plenary, self.activities[a], mark)

        @rule(top_n=st.integers(1, 3))
        def roll_up(self, top_n):
            _, refused = self.attempt(roll_up, top_n)
            assert (refused == "ballot_locked") == (self.workshop.phase == "voting")

        @rule()
        def undo_roll_up(self):
            self.attempt(undo_roll_up)

        @rule(phase=st.sampled_from(["proposing", "voting"]))
        def workshop_phase(self, phase):
            self.workshop.phase = phase
            db.commit()

        @rule(p=st.integers(0, PEOPLE - 1), a=st.integers(0, ACTIVITIES - 1), raw=st.integers(0, 6))
        def plenary_vote(self, p, a, raw):
            activity = self.activities[a]
            on_ballot = self.ballot()
            _, refused = self.attempt(cast_vote, self.people[p], activity, **self.value(raw))
            if refused is None:
                assert not on_ballot or activity in on_ballot  # the plenary votes on the ballot
            if refused == "not_on_ballot":
                assert on_ballot and activity not in on_ballot

        # -- what is stored ----------------------------------------------------------------

        def stored(self, model):
            return sorted(
                (v.participant_id, v.activity_id, v.value)
                + ((v.working_group_id,) if model is PreVote else ())
                for v in db.scalars(
                    select(model).join(Activity).where(Activity.workshop_id == self.workshop.id)
                )
            )

        def ballot(self):
            return {e["activity_id"] for e in ballot(db, self.workshop)}

        def visible(self):
            return set(
                db.scalars(
                    select(Activity.id).where(
                        Activity.workshop_id == self.workshop.id, Activity.status == "visible"
                    )
                )
            )

        def within_rule(self, values):
            w = self.workshop
            if w.voting_mode == "dots":
                assert sum(values) <= w.budget
                assert all(1 <= v <= w.per_activity_cap for v in values)
            elif w.voting_mode == "approval":
                assert all(v == 1 for v in values)
                assert w.budget is None or len(values) <= w.budget
            else:
                assert all(1 <= v <= 5 for v in values)

        # -- invariants --------------------------------------------------------------------

        @invariant()
        def prevotes_stay_where_they_were_cast(self):
            rows = self.stored(PreVote)
            assert {(p, a): g for p, a, _v, g in rows} == self.cast_in

        @invariant()
        def budgets_hold_per_participant_per_table_and_in_the_plenary(self):
            visible = self.visible()
            rows = self.stored(PreVote)
            for person in self.people:
                for group in self.groups:
                    self.within_rule(
                        [
                            v
                            for p, a, v, g in rows
                            if p == person.id and g == group.id and a in visible
                        ]
                    )
                mine = my_prevotes(db, self.workshop, person)
                here = [
                    (a, v)
                    for p, a, v, g in rows
                    if p == person.id and g == person.working_group_id and a in visible
                ]
                assert [(m["activity_id"], m["value"]) for m in mine["prevotes"]] == sorted(here)
                votes = [v for p, a, v in self.stored(Vote) if p == person.id and a in visible]
                self.within_rule(votes)
                assert my_votes(db, self.workshop, person)["left"] == (
                    None
                    if self.workshop.voting_mode == "score" or self.workshop.budget is None
                    else self.workshop.budget
                    - (sum(votes) if self.workshop.voting_mode == "dots" else len(votes))
                )

        @invariant()
        def totals_equal_the_rows(self):
            visible, rows = self.visible(), self.stored(PreVote)
            score = self.workshop.voting_mode == "score"

            def total(values):
                return (
                    (round(sum(values) / len(values), 2) if values else 0) if score else sum(values)
                )

            for group in self.groups:
                mine = [
                    a
                    for a in self.activities
                    if a in visible and db.get(Activity, a).working_group_id == group.id
                ]
                got = {
                    r["activity_id"]: (r["total"], r["voters"])
                    for r in prevote_results(db, self.workshop, group.id)
                }
                expected = {}
                for a in mine:
                    values = [v for _p, b, v, g in rows if b == a and g == group.id]
                    expected[a] = (total(values), len(values))
                assert got == expected
            on_ballot = self.ballot()
            counted = visible & on_ballot if on_ballot else visible
            results = compute_results(db, self.workshop)
            got = {r["activity_id"]: (r["total"], r["voters"]) for r in results["activities"]}
            votes = self.stored(Vote)
            assert got == {
                a: (total(vs := [v for _p, b, v in votes if b == a]), len(vs)) for a in counted
            }
            assert all(("provenance" in r) == bool(on_ballot) for r in results["activities"])

    return Tables_


def test_voting_rules_hold_across_tables_and_the_plenary(db):
    run_state_machine_as_test(
        make_tables_machine(db),
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
