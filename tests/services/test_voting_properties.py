"""Property-based tests of the voting rules (Hypothesis): for any sequence of casts,
withdrawals, retries (same op_id), op_id reuse, hides and restores, the stored tally equals
the tally recomputed from the votes, and no budget or cap is ever exceeded.

The invariants are stated over what is stored (votes, results, op_id records), not over a
second copy of the rules, so a `merge` rule (issue #6: merging duplicate activities) can be
added to the machine as one more @rule calling merge_activities; every invariant below must
keep holding after it.
"""

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from workshop.models import Activity, ActivityStatus, Operation, Vote
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.operations import perform_once
from workshop.services.participants import join_workshop
from workshop.services.results import compute_results
from workshop.services.voting import cast_vote, my_votes, withdraw_vote
from workshop.services.workshops import create_workshop, set_phase

RULES = [
    {"mode": "dots", "budget": 5, "per_activity_cap": 3},
    {"mode": "dots", "budget": 2, "per_activity_cap": 2},
    {"mode": "approval", "budget": 2},
    {"mode": "approval"},
    {"mode": "score"},
]
PARTICIPANTS, ACTIVITIES = 3, 4


def make_machine(db):
    counter = itertools.count()

    class Voting(RuleBasedStateMachine):
        """One workshop per example, in the shared test database."""

        @initialize(rule=st.sampled_from(RULES))
        def setup(self, rule):
            self.workshop, _ = create_workshop(
                db, title=f"W{next(counter)}", groups=["G1", "G2"], voting=rule
            )
            self.activities = [
                add_activity(db, self.workshop, title=f"A{i}").id for i in range(ACTIVITIES)
            ]
            self.participants = [
                join_workshop(db, self.workshop, name="", organisation=f"O{i}", group="G1")[0]
                for i in range(PARTICIPANTS)
            ]
            set_phase(db, self.workshop, "voting")
            db.commit()
            self.done = []  # (participant index, op_id, kind, payload, ack) of stored actions

        # -- actions, each in its own transaction as a socket handler runs it ---------------

        def run(self, p, op_id, kind, payload):
            participant = self.participants[p]

            def act():
                if kind == "cast_vote":
                    cast_vote(
                        db,
                        self.workshop,
                        participant,
                        payload["activity_id"],
                        points=payload.get("points"),
                        score=payload.get("score"),
                    )
                else:
                    withdraw_vote(db, self.workshop, participant, payload["activity_id"])
                return {"ok": True, **my_votes(db, self.workshop, participant)}

            before = self.stored_votes()
            try:
                ack, replayed = perform_once(db, participant, op_id, kind, act)
                db.commit()
            except DomainError as error:
                db.rollback()
                assert self.stored_votes() == before, "a refused action changed votes"
                return error.key, None
            if replayed:
                assert self.stored_votes() == before, "a replay changed votes"
            else:
                self.done.append((p, op_id, kind, payload, ack))
            return ack, replayed

        @rule(
            p=st.integers(0, PARTICIPANTS - 1),
            a=st.integers(0, ACTIVITIES - 1),
            value=st.integers(0, 6),
        )
        def cast(self, p, a, value):
            payload = {"activity_id": self.activities[a]}
            mode = self.workshop.voting_mode
            if mode == "dots":
                payload["points"] = value
            elif mode == "score":
                payload["score"] = value
            self.run(p, f"op{next(counter)}", "cast_vote", payload)

        @rule(p=st.integers(0, PARTICIPANTS - 1), a=st.integers(0, ACTIVITIES - 1))
        def withdraw(self, p, a):
            self.run(p, f"op{next(counter)}", "withdraw_vote", {"activity_id": self.activities[a]})

        @precondition(lambda self: self.done)
        @rule(data=st.data())
        def retry(self, data):
            """A lost ack: the same action, same op_id, again (maybe after other changes)."""
            p, op_id, kind, payload, ack = data.draw(st.sampled_from(self.done))
            again, replayed = self.run(p, op_id, kind, payload)
            assert replayed is True and again == {**ack, "replayed": True}

        @precondition(lambda self: self.done)
        @rule(data=st.data())
        def reuse_op_id_for_another_action(self, data):
            p, op_id, kind, payload, _ack = data.draw(st.sampled_from(self.done))
            other = "withdraw_vote" if kind == "cast_vote" else "cast_vote"
            key, _ = self.run(p, op_id, other, {**payload, "points": 1, "score": 1})
            assert key == "op_id_reused"

        @rule(a=st.integers(0, ACTIVITIES - 1), hidden=st.booleans())
        def moderate(self, a, hidden):
            status = ActivityStatus.HIDDEN if hidden else ActivityStatus.VISIBLE
            set_activity_status(db, self.workshop, self.activities[a], status)
            db.commit()

        # -- invariants ---------------------------------------------------------------------

        def stored_votes(self):
            return sorted(
                (v.participant_id, v.activity_id, v.value)
                for v in db.scalars(
                    select(Vote).join(Activity).where(Activity.workshop_id == self.workshop.id)
                )
            )

        @invariant()
        def tally_equals_votes(self):
            visible = set(
                db.scalars(
                    select(Activity.id).where(
                        Activity.workshop_id == self.workshop.id,
                        Activity.status == ActivityStatus.VISIBLE.value,
                    )
                )
            )
            expected = {a: [] for a in visible}
            for _p, a, value in self.stored_votes():
                if a in visible:
                    expected[a].append(value)
            results = compute_results(db, self.workshop)
            score = self.workshop.voting_mode == "score"
            got = {r["activity_id"]: (r["total"], r["voters"]) for r in results["activities"]}
            assert got == {
                a: ((round(sum(v) / len(v), 2) if v else 0) if score else sum(v), len(v))
                for a, v in expected.items()
            }
            voters = {p for p, a, _ in self.stored_votes() if a in visible}
            assert results["voters"] == len(voters)

        @invariant()
        def no_budget_or_cap_exceeded(self):
            w = self.workshop
            for participant in self.participants:
                mine = my_votes(db, w, participant)
                values = [v["value"] for v in mine["votes"]]
                if w.voting_mode == "dots":
                    assert sum(values) <= w.budget and all(
                        1 <= v <= w.per_activity_cap for v in values
                    )
                    assert mine["left"] == w.budget - sum(values) >= 0
                elif w.voting_mode == "approval":
                    assert all(v == 1 for v in values)
                    if w.budget is not None:
                        assert len(values) <= w.budget and mine["left"] == w.budget - len(values)
                else:
                    assert all(1 <= v <= 5 for v in values)

        @invariant()
        def each_stored_action_once(self):
            if not hasattr(self, "workshop"):
                return
            ops = db.scalars(
                select(Operation.op_id).where(Operation.workshop_id == self.workshop.id)
            ).all()
            assert sorted(ops) == sorted(op for _p, op, *_ in self.done)

    return Voting


def test_voting_rules_hold_for_any_sequence_of_actions(db):
    machine = make_machine(db)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.mark.parametrize("rule", RULES)
def test_a_retry_returns_the_first_ack_even_after_later_changes(db, rule):
    w, _ = create_workshop(db, title="W", groups=["G"], voting=rule)
    a = add_activity(db, w, title="A").id
    p, _ = join_workshop(db, w, name="", organisation="O", group="G")
    set_phase(db, w, "voting")
    db.commit()
    value = {"points": 1} if rule["mode"] == "dots" else {"score": 3}

    def cast():
        cast_vote(db, w, p, a, **value)
        return {"ok": True, **my_votes(db, w, p)}

    first, replayed = perform_once(db, p, "x", "cast_vote", cast)
    db.commit()
    assert replayed is False
    withdraw_vote(db, w, p, a)
    db.commit()
    again, replayed = perform_once(db, p, "x", "cast_vote", cast)
    assert replayed is True and again == {**first, "replayed": True}
    assert my_votes(db, w, p)["votes"] == []  # the replay did not vote again
