"""Property tests: any sequence of votes, hides, merges and undos keeps every vote honest.

Checked after every step: nobody is over the budget or a per-activity cap, no vote sits on a
merged activity. Checked at each merge: supporters of the sources support the target, no
point is created, a lost point is one the cap or budget forbade, and the budget a merge gives
back is the one the participant is told. Checked at each undo that follows its merge with
nothing in between: the votes are exactly those before the merge, timestamps included.
"""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from workshop.db import make_engine
from workshop.models import Activity, Base, Vote
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.merging import list_merges, merge_activities, merge_notices, undo_merge
from workshop.services.participants import join_workshop
from workshop.services.voting import cast_vote, withdraw_vote
from workshop.services.workshops import create_workshop

RULES = {
    "dots": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
    "approval": {"mode": "approval", "budget": 3},
    "approval_unlimited": {"mode": "approval"},
    "score": {"mode": "score"},
}
ACTIVITIES, PEOPLE = 5, 3


class MergeMachine(RuleBasedStateMachine):
    rule_name = "dots"

    @initialize(
        first_votes=st.lists(
            st.tuples(
                st.integers(0, PEOPLE - 1), st.integers(0, ACTIVITIES - 1), st.integers(1, 3)
            ),
            max_size=12,
        )
    )
    def start(self, first_votes):
        self.engine = make_engine("sqlite://")
        Base.metadata.create_all(self.engine)
        self.db = sessionmaker(self.engine, expire_on_commit=False)()
        self.workshop, _ = create_workshop(
            self.db, title="W", groups=["G1", "G2"], voting=RULES[self.rule_name]
        )
        self.db.flush()
        self.ids = [
            add_activity(self.db, self.workshop, title=f"A{i}").id for i in range(ACTIVITIES)
        ]
        self.people = [
            join_workshop(self.db, self.workshop, name="", organisation="O", group=f"G{i % 2 + 1}")[
                0
            ]
            for i in range(PEOPLE)
        ]
        self.workshop.phase = "voting"
        self.db.commit()
        #: merges whose undo must restore exactly: (merge id, votes before), latest last
        self.exact: list[tuple[int, list]] = []
        for who, which, n in first_votes:  # a room that has already voted
            self.vote(who, which, n)

    def teardown(self):
        if hasattr(self, "db"):
            self.db.close()
            self.engine.dispose()

    # -- helpers ------------------------------------------------------------------------

    def attempt(self, action) -> bool:
        try:
            action()
        except DomainError:
            self.db.rollback()
            return False
        self.db.commit()
        return True

    def votes(self) -> list[tuple]:
        return sorted(
            (v.participant_id, v.activity_id, v.value, v.created_at, v.updated_at)
            for v in self.db.scalars(select(Vote))
        )

    def statuses(self) -> dict[int, str]:
        return {a.id: a.status for a in self.db.scalars(select(Activity))}

    def by_person(self) -> dict[int, dict[int, int]]:
        table: dict[int, dict[int, int]] = defaultdict(dict)
        for v in self.db.scalars(select(Vote)):
            table[v.participant_id][v.activity_id] = v.value
        return table

    def spent(self, votes: dict[int, int], statuses: dict[int, str]) -> int:
        counted = [v for a, v in votes.items() if statuses[a] == "visible"]
        return sum(counted) if self.workshop.voting_mode == "dots" else len(counted)

    def changed(self) -> None:
        self.exact.clear()  # something else happened: an undo need not be exact any more

    # -- rules --------------------------------------------------------------------------

    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, ACTIVITIES - 1), n=st.integers(1, 4))
    def vote(self, who, which, n):
        p, a = self.people[who], self.ids[which]
        mode = self.workshop.voting_mode
        kwargs = (
            {"points": n} if mode == "dots" else {"score": max(1, n)} if mode == "score" else {}
        )
        if self.attempt(lambda: cast_vote(self.db, self.workshop, p, a, **kwargs)):
            self.changed()

    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, ACTIVITIES - 1))
    def withdraw(self, who, which):
        p, a = self.people[who], self.ids[which]
        if self.attempt(lambda: withdraw_vote(self.db, self.workshop, p, a)):
            self.changed()

    @rule(which=st.integers(0, ACTIVITIES - 1), hide=st.booleans())
    def hide_or_restore(self, which, hide):
        status = "hidden" if hide else "visible"
        a = self.ids[which]
        if self.attempt(lambda: set_activity_status(self.db, self.workshop, a, status)):
            self.changed()

    @rule(
        into=st.integers(0, ACTIVITIES - 1),
        sources=st.lists(st.integers(0, ACTIVITIES - 1), min_size=1, max_size=3, unique=True),
    )
    def merge(self, into, sources):
        t, s = self.ids[into], [self.ids[i] for i in sources]
        before, statuses = self.by_person(), self.statuses()
        snapshot = self.votes()
        merged = []
        if not self.attempt(lambda: merged.append(merge_activities(self.db, self.workshop, t, s))):
            return
        merge = merged[0]
        after, now = self.by_person(), self.statuses()
        rule = self.workshop
        for p in self.people:
            mine, theirs = before.get(p.id, {}), after.get(p.id, {})
            source_votes = [mine[a] for a in s if a in mine]
            assert not any(a in theirs for a in s), "a vote left on a merged activity"
            for a in set(mine) | set(theirs):
                if a != t and a not in s:
                    assert mine.get(a) == theirs.get(a), "a vote outside the merge changed"
            if not source_votes:
                assert mine.get(t) == theirs.get(t)
                continue
            on_target = theirs.get(t, 0)
            if rule.voting_mode == "score":
                assert on_target == max(source_votes + [mine.get(t, 0)])
                continue
            visible_source = any(statuses[a] == "visible" for a in s if a in mine)
            if visible_source or t in mine:
                assert on_target >= 1, "a supporter of a merged activity lost their support"
            if rule.voting_mode == "dots":
                offered = mine.get(t, 0) + sum(source_votes)
                assert on_target <= offered, "the merge created points"
                if on_target < offered:  # only the cap or the budget may take points away
                    assert (
                        on_target == rule.per_activity_cap or self.spent(theirs, now) == rule.budget
                    )
            if all(statuses[a] == "visible" for a in s):
                [notice] = [n for n in merge_notices(self.db, rule, p) if n["merge_id"] == merge.id]
                assert self.spent(theirs, now) == self.spent(mine, statuses) - notice["returned"]
        self.exact.append((merge.id, snapshot))

    @precondition(lambda self: hasattr(self, "workshop"))
    @rule(pick=st.integers(0, 10))
    def undo(self, pick):
        standing = list_merges(self.db, self.workshop)
        if not standing:
            return
        merge_id = standing[pick % len(standing)].id
        expected = self.exact[-1][1] if self.exact and self.exact[-1][0] == merge_id else None
        if not self.attempt(lambda: undo_merge(self.db, self.workshop, merge_id)):
            return
        if expected is not None:
            assert self.votes() == expected, "an undo right after its merge was not exact"
            self.exact.pop()
        else:
            self.changed()

    # -- what always holds --------------------------------------------------------------

    @invariant()
    def nobody_over_a_limit(self):
        if not hasattr(self, "workshop"):
            return
        w, statuses = self.workshop, self.statuses()
        for pid, votes in self.by_person().items():
            assert all(statuses[a] != "merged" for a in votes), "a vote on a merged activity"
            if w.voting_mode == "dots":
                assert all(1 <= v <= w.per_activity_cap for v in votes.values())
                assert self.spent(votes, statuses) <= w.budget, f"participant {pid} over budget"
            elif w.voting_mode == "approval":
                assert set(votes.values()) <= {1}
                if w.budget is not None:
                    assert self.spent(votes, statuses) <= w.budget
            else:
                assert all(1 <= v <= 5 for v in votes.values())


SETTINGS = settings(
    max_examples=35,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("rule_name", list(RULES))
def test_votes_merges_and_undos_keep_every_vote_honest(rule_name):
    machine = type(f"Merge_{rule_name}", (MergeMachine,), {"rule_name": rule_name})
    machine.TestCase.settings = SETTINGS
    machine.TestCase().runTest()
