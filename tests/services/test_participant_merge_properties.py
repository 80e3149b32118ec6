"""Property tests: any sequence of votes, hides, participant merges, removals and undos keeps
every vote honest.

Checked after every step: no active participant is over the budget or a per-activity cap, and
a participant merged away or removed holds no vote (none counted twice). Checked at each
merge: the kept participant's own votes stay, nothing is created, and a point of the other
that did not arrive is one the cap or the budget forbade (none lost otherwise). Checked at
each undo that follows its change with nothing in between: the votes are exactly those before.
"""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from workshop.db import make_engine
from workshop.models import Activity, Base, Participant, ParticipantChange, Vote
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.participant_merging import (
    merge_participants,
    remove_participant,
    undo_participant_change,
)
from workshop.services.participants import join_workshop
from workshop.services.voting import cast_vote, withdraw_vote
from workshop.services.workshops import create_workshop

RULES = {
    "dots": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
    "approval": {"mode": "approval", "budget": 2},
    "approval_unlimited": {"mode": "approval"},
    "score": {"mode": "score"},
}
ACTIVITIES, PEOPLE = 4, 4
person = st.integers(0, PEOPLE - 1)
activity = st.integers(0, ACTIVITIES - 1)


class ParticipantMachine(RuleBasedStateMachine):
    rule_name = "dots"

    @initialize(first=st.lists(st.tuples(person, activity, st.integers(1, 3)), max_size=10))
    def start(self, first):
        self.engine = make_engine("sqlite://")
        Base.metadata.create_all(self.engine)
        self.db = sessionmaker(self.engine, expire_on_commit=False)()
        self.workshop, _ = create_workshop(
            self.db, title="W", groups=["G"], voting=RULES[self.rule_name]
        )
        self.db.flush()
        self.ids = [
            add_activity(self.db, self.workshop, title=f"A{i}").id for i in range(ACTIVITIES)
        ]
        self.people = [
            join_workshop(self.db, self.workshop, name="", organisation="O", group="G")[0]
            for _ in range(PEOPLE)
        ]
        self.workshop.phase = "voting"
        self.db.commit()
        #: the change whose undo must restore exactly: (change id, votes before it)
        self.exact: tuple[int, list] | None = None
        for who, which, n in first:
            self.vote(who, which, n)

    def teardown(self):
        if hasattr(self, "db"):
            self.db.close()
            self.engine.dispose()

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

    def by_person(self) -> dict[int, dict[int, int]]:
        table: dict[int, dict[int, int]] = defaultdict(dict)
        for v in self.db.scalars(select(Vote)):
            table[v.participant_id][v.activity_id] = v.value
        return table

    def statuses(self) -> dict[int, str]:
        return {a.id: a.status for a in self.db.scalars(select(Activity))}

    def spent(self, votes: dict[int, int]) -> int:
        statuses = self.statuses()
        counted = [v for a, v in votes.items() if statuses[a] == "visible"]
        return sum(counted) if self.workshop.voting_mode == "dots" else len(counted)

    # -- rules --------------------------------------------------------------------------

    @rule(who=person, which=activity, n=st.integers(1, 4))
    def vote(self, who, which, n):
        p, a = self.people[who], self.ids[which]
        mode = self.workshop.voting_mode
        kwargs = {"points": n} if mode == "dots" else {"score": n} if mode == "score" else {}
        if p.status == "active" and self.attempt(
            lambda: cast_vote(self.db, self.workshop, p, a, **kwargs)
        ):
            self.exact = None

    @rule(who=person, which=activity)
    def withdraw(self, who, which):
        p, a = self.people[who], self.ids[which]
        if p.status == "active" and self.attempt(
            lambda: withdraw_vote(self.db, self.workshop, p, a)
        ):
            self.exact = None

    @rule(which=activity, hide=st.booleans())
    def hide_or_restore(self, which, hide):
        status = "hidden" if hide else "visible"
        a = self.ids[which]
        if self.attempt(lambda: set_activity_status(self.db, self.workshop, a, status)):
            self.exact = None

    @rule(keep=person, other=person)
    def merge(self, keep, other):
        kept, twin = self.people[keep], self.people[other]
        before, snapshot, statuses = self.by_person(), self.votes(), self.statuses()
        done = []
        action = lambda: done.append(  # noqa: E731
            merge_participants(self.db, self.workshop, kept.public_id, twin.public_id)
        )
        if not self.attempt(action):
            return
        after = self.by_person()
        mine, theirs, now = before.get(kept.id, {}), before.get(twin.id, {}), after[kept.id]
        w = self.workshop
        for a in set(mine) | set(theirs):
            if w.voting_mode == "score":
                assert now[a] == max(mine.get(a, 0), theirs.get(a, 0))
                continue
            if a in mine:
                assert now[a] >= mine[a], "the kept participant lost a vote of their own"
            offered = mine.get(a, 0) + theirs.get(a, 0)
            if w.voting_mode == "dots":
                assert now.get(a, 0) <= offered, "the merge created points"
                if now.get(a, 0) < offered:  # only the cap or the budget may hold points back
                    full = self.spent(now) == w.budget and statuses[a] == "visible"
                    assert now.get(a, 0) == w.per_activity_cap or full, "a point was lost"
            elif a in theirs and a not in now:
                assert w.budget is not None and self.spent(now) == w.budget, "a vote was lost"
        self.exact = (done[0].id, snapshot)

    @rule(who=person)
    def remove(self, who):
        p = self.people[who]
        snapshot, done = self.votes(), []
        if self.attempt(
            lambda: done.append(remove_participant(self.db, self.workshop, p.public_id))
        ):
            self.exact = (done[0].id, snapshot)

    @precondition(lambda self: hasattr(self, "workshop"))
    @rule(pick=st.integers(0, 10))
    def undo(self, pick):
        standing = self.db.scalars(
            select(ParticipantChange.id).where(ParticipantChange.undone_at.is_(None))
        ).all()
        if not standing:
            return
        change_id = standing[pick % len(standing)]
        expected = self.exact[1] if self.exact and self.exact[0] == change_id else None
        if not self.attempt(lambda: undo_participant_change(self.db, self.workshop, change_id)):
            return
        if expected is not None:
            assert self.votes() == expected, "an undo right after its change was not exact"
        self.exact = None

    # -- what always holds --------------------------------------------------------------

    @invariant()
    def nobody_over_a_limit_and_nobody_counted_twice(self):
        if not hasattr(self, "workshop"):
            return
        w, statuses = self.workshop, self.statuses()
        status = dict(self.db.execute(select(Participant.id, Participant.status)).all())
        for pid, votes in self.by_person().items():
            assert status[pid] == "active", "a merged or removed participant still holds votes"
            if w.voting_mode == "dots":
                assert all(1 <= v <= w.per_activity_cap for v in votes.values())
                assert self.spent(votes) <= w.budget, f"participant {pid} over budget"
            elif w.voting_mode == "approval":
                assert set(votes.values()) <= {1}
                if w.budget is not None:
                    assert self.spent(votes) <= w.budget
            else:
                assert all(1 <= v <= 5 for v in votes.values())
        assert set(statuses.values()) <= {"visible", "hidden"}


SETTINGS = settings(
    max_examples=35,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("rule_name", list(RULES))
def test_votes_participant_merges_removals_and_undos_keep_every_vote_honest(rule_name):
    machine = type(f"People_{rule_name}", (ParticipantMachine,), {"rule_name": rule_name})
    machine.TestCase.settings = SETTINGS
    machine.TestCase().runTest()
