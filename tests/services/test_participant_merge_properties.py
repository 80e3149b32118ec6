"""Property tests: any sequence of votes, pre-votes at two tables, moves between tables, hides,
participant merges, removals and undos keeps every vote and pre-vote honest.

Checked after every step: no active participant is over the budget or a per-activity cap (for
pre-votes: at each table they were cast at), and a participant merged away or removed holds no
vote, one merged away no pre-vote (none counted twice). Checked at each merge: the kept
participant's own votes stay, nothing is created, and a point of the other that did not arrive
is one the cap or the budget forbade (none lost otherwise); their own pre-votes stay and the
merge creates none. Checked at each undo that follows its change with nothing in between: the
votes and pre-votes are exactly those before.
"""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from workshop.db import make_engine
from workshop.models import (
    Activity,
    Base,
    Participant,
    ParticipantChange,
    PreVote,
    Vote,
    WorkingGroup,
)
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.participant_merging import (
    merge_participants,
    remove_participant,
    undo_participant_change,
)
from workshop.services.participants import join_workshop
from workshop.services.prevoting import cast_prevote
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
#: one of the two activities of the participant's table
mine = st.integers(0, 1)


class ParticipantMachine(RuleBasedStateMachine):
    rule_name = "dots"

    @initialize(
        first=st.lists(st.tuples(person, activity, st.integers(1, 3)), max_size=10),
        first_at_tables=st.lists(st.tuples(person, mine, st.integers(1, 3)), max_size=10),
    )
    def start(self, first, first_at_tables):
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
        # two tables pre-voting: activities 0, 1 at the first, 2, 3 at the second
        self.tables = []
        for position in (1, 2):
            table = WorkingGroup(
                workshop_id=self.workshop.id,
                name=f"T{position}",
                position=position,
                phase="prevote",
                screen_key=f"k{position}",
            )
            self.db.add(table)
            self.db.flush()
            self.tables.append(table.id)
        for i, activity_id in enumerate(self.ids):
            self.db.get(Activity, activity_id).working_group_id = self.tables[i // 2]
        for i, p in enumerate(self.people):
            p.working_group_id = self.tables[i % 2]
        self.workshop.phase = "voting"
        self.db.commit()
        #: the change whose undo must restore exactly: (change id, votes before it)
        self.exact: tuple[int, list] | None = None
        for who, which, n in first:
            self.vote(who, which, n)
        for who, which, n in first_at_tables:
            self.prevote(who, which, n)

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
        """Every vote and pre-vote with its timestamps (a pre-vote: with its table)."""
        return sorted(
            (v.participant_id, v.activity_id, 0, v.value, v.created_at, v.updated_at)
            for v in self.db.scalars(select(Vote))
        ) + sorted(
            (p.participant_id, p.activity_id, p.working_group_id, p.value)
            + (p.created_at, p.updated_at)
            for p in self.db.scalars(select(PreVote))
        )

    def prevotes(self) -> dict[int, dict[tuple[int, int], int]]:
        """participant -> (table, activity) -> value."""
        table: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
        for p in self.db.scalars(select(PreVote)):
            table[p.participant_id][(p.working_group_id, p.activity_id)] = p.value
        return table

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

    @rule(who=person, which=mine, n=st.integers(0, 4))
    def prevote(self, who, which, n):
        """At the participant's table, while the tables pre-vote (the workshop proposing)."""
        p = self.people[who]
        a = self.ids[2 * self.tables.index(p.working_group_id) + which]
        mode = self.workshop.voting_mode
        kwargs = {"points": n} if mode == "dots" else {"score": n} if mode == "score" else {}

        def cast():
            self.workshop.phase = "proposing"
            try:
                cast_prevote(self.db, self.workshop, p, a, **kwargs)
            finally:
                self.workshop.phase = "voting"

        if p.status == "active" and self.attempt(cast):
            self.exact = None

    @rule(who=person)
    def change_table(self, who):
        p = self.people[who]
        first, second = self.tables
        p.working_group_id = second if p.working_group_id == first else first
        self.db.commit()  # their pre-votes stay where they were cast: nothing else changes

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
        prevoted = self.prevotes()
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
        mine, theirs, now = prevoted.get(kept.id, {}), prevoted.get(twin.id, {}), self.prevotes()
        for key, value in mine.items():
            assert now[kept.id][key] >= value, "the kept participant lost a pre-vote of their own"
        assert set(now[kept.id]) <= set(mine) | set(theirs), "the merge created a pre-vote"
        if w.voting_mode == "dots":
            for key, value in now[kept.id].items():
                assert value <= mine.get(key, 0) + theirs.get(key, 0), "the merge created points"
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
        for pid, prevotes in self.prevotes().items():
            assert status[pid] != "merged", "an identity merged away still holds pre-votes"
            if status[pid] != "active":
                continue  # a removed participant's stay where they were, counted nowhere
            for table in self.tables:
                here = {a: v for (t, a), v in prevotes.items() if t == table}
                if w.voting_mode == "dots":
                    assert all(1 <= v <= w.per_activity_cap for v in here.values())
                    assert self.spent(here) <= w.budget, f"{pid} over budget at table {table}"
                elif w.voting_mode == "approval":
                    assert set(here.values()) <= {1}
                    if w.budget is not None:
                        assert self.spent(here) <= w.budget
                else:
                    assert all(1 <= v <= 5 for v in here.values())


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
