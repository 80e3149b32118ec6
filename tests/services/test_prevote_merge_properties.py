"""Property tests: any sequence of pre-votes, hides, merges and undos at a table keeps every
pre-vote honest, as tests/services/test_merge_properties.py checks for votes.

Checked after every step: nobody is over the budget or a per-activity cap at the table, no
pre-vote sits on a merged activity, and the table's ranking counts exactly the pre-votes on its
visible activities. Checked at each merge: supporters of the sources support the target, no
point is created, and a lost point is one the cap or the budget forbade. Checked at each undo
that follows its merge with nothing in between: the pre-votes are exactly those before it.
"""

import secrets
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from workshop.db import make_engine
from workshop.models import Activity, Base, PreVote, WorkingGroup
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.merging import list_merges, merge_activities, undo_merge
from workshop.services.participants import join_workshop
from workshop.services.prevoting import all_prevote_results, cast_prevote, withdraw_prevote
from workshop.services.workshops import create_workshop

RULES = {
    "dots": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
    "approval": {"mode": "approval", "budget": 3},
    "score": {"mode": "score"},
}
ACTIVITIES, PEOPLE = 5, 3


class PrevoteMergeMachine(RuleBasedStateMachine):
    rule_name = "dots"

    @initialize(
        first=st.lists(
            st.tuples(
                st.integers(0, PEOPLE - 1), st.integers(0, ACTIVITIES - 1), st.integers(1, 3)
            ),
            max_size=12,
        )
    )
    def start(self, first):
        self.engine = make_engine("sqlite://")
        Base.metadata.create_all(self.engine)
        self.db = sessionmaker(self.engine, expire_on_commit=False)()
        self.workshop, _ = create_workshop(
            self.db, title="W", groups=["G1"], voting=RULES[self.rule_name]
        )
        self.db.flush()
        self.table = WorkingGroup(
            workshop_id=self.workshop.id,
            name="Table",
            position=1,
            phase="prevote",
            screen_key=secrets.token_urlsafe(16),
        )
        self.db.add(self.table)
        self.db.flush()
        self.ids = []
        for i in range(ACTIVITIES):
            activity = add_activity(self.db, self.workshop, title=f"A{i}")
            activity.working_group_id = self.table.id
            self.ids.append(activity.id)
        self.people = [
            join_workshop(self.db, self.workshop, name="", organisation="O", group="G1")[0]
            for _ in range(PEOPLE)
        ]
        for person in self.people:
            person.working_group_id = self.table.id
        self.workshop.phase = "proposing"
        self.db.commit()
        #: merges whose undo must restore exactly: (merge id, pre-votes before), latest last
        self.exact: list[tuple[int, list]] = []
        for who, which, n in first:  # a table that has already pre-voted
            self.prevote(who, which, n)

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

    def prevotes(self) -> list[tuple]:
        return sorted(
            (
                p.participant_id,
                p.activity_id,
                p.working_group_id,
                p.value,
                p.created_at,
                p.updated_at,
            )
            for p in self.db.scalars(select(PreVote))
        )

    def statuses(self) -> dict[int, str]:
        return {a.id: a.status for a in self.db.scalars(select(Activity))}

    def by_person(self) -> dict[int, dict[int, int]]:
        table: dict[int, dict[int, int]] = defaultdict(dict)
        for p in self.db.scalars(select(PreVote)):
            table[p.participant_id][p.activity_id] = p.value
        return table

    def spent(self, mine: dict[int, int], statuses: dict[int, str]) -> int:
        counted = [v for a, v in mine.items() if statuses[a] == "visible"]
        return sum(counted) if self.workshop.voting_mode == "dots" else len(counted)

    def changed(self) -> None:
        self.exact.clear()  # something else happened: an undo need not be exact any more

    # -- rules --------------------------------------------------------------------------

    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, ACTIVITIES - 1), n=st.integers(1, 4))
    def prevote(self, who, which, n):
        p, a = self.people[who], self.ids[which]
        mode = self.workshop.voting_mode
        kwargs = {"points": n} if mode == "dots" else {"score": n} if mode == "score" else {}
        if self.attempt(lambda: cast_prevote(self.db, self.workshop, p, a, **kwargs)):
            self.changed()

    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, ACTIVITIES - 1))
    def withdraw(self, who, which):
        p, a = self.people[who], self.ids[which]
        if self.attempt(lambda: withdraw_prevote(self.db, self.workshop, p, a)):
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
        before, statuses, snapshot = self.by_person(), self.statuses(), self.prevotes()
        merged = []
        if not self.attempt(lambda: merged.append(merge_activities(self.db, self.workshop, t, s))):
            return
        after, now, rule = self.by_person(), self.statuses(), self.workshop
        for p in self.people:
            mine, theirs = before.get(p.id, {}), after.get(p.id, {})
            from_sources = [mine[a] for a in s if a in mine]
            assert not any(a in theirs for a in s), "a pre-vote left on a merged activity"
            for a in set(mine) | set(theirs):
                if a != t and a not in s:
                    assert mine.get(a) == theirs.get(a), "a pre-vote outside the merge changed"
            if not from_sources:
                assert mine.get(t) == theirs.get(t)
                continue
            on_target = theirs.get(t, 0)
            if rule.voting_mode == "score":
                assert on_target == max(from_sources + [mine.get(t, 0)])
                continue
            if any(statuses[a] == "visible" for a in s if a in mine) or t in mine:
                assert on_target >= 1, "a supporter of a merged activity lost their support"
            if rule.voting_mode == "dots":
                offered = mine.get(t, 0) + sum(from_sources)
                assert on_target <= offered, "the merge created points"
                if on_target < offered:  # only the cap or the budget may take points away
                    assert (
                        on_target == rule.per_activity_cap or self.spent(theirs, now) == rule.budget
                    )
        self.exact.append((merged[0].id, snapshot))

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
            assert self.prevotes() == expected, "an undo right after its merge was not exact"
            self.exact.pop()
        else:
            self.changed()

    # -- what always holds --------------------------------------------------------------

    @invariant()
    def nobody_over_a_limit_and_the_ranking_counts_what_is_there(self):
        if not hasattr(self, "workshop"):
            return
        w, statuses = self.workshop, self.statuses()
        totals: dict[int, list[int]] = defaultdict(list)
        for pid, mine in self.by_person().items():
            assert all(statuses[a] != "merged" for a in mine), "a pre-vote on a merged activity"
            if w.voting_mode == "dots":
                assert all(1 <= v <= w.per_activity_cap for v in mine.values())
                assert self.spent(mine, statuses) <= w.budget, f"participant {pid} over budget"
            elif w.voting_mode == "approval":
                assert set(mine.values()) <= {1}
                assert self.spent(mine, statuses) <= w.budget
            else:
                assert all(1 <= v <= 5 for v in mine.values())
            for a, v in mine.items():
                totals[a].append(v)
        ranked = all_prevote_results(self.db, w, [self.table.id])[self.table.id]
        shown = {r["activity_id"]: (r["total"], r["voters"]) for r in ranked}
        assert set(shown) == {a for a in self.ids if statuses[a] == "visible"}
        for a, (total, voters) in shown.items():
            values = totals.get(a, [])
            assert voters == len(values)
            if w.voting_mode != "score":
                assert total == sum(values)


SETTINGS = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("rule_name", list(RULES))
def test_prevotes_merges_and_undos_keep_every_prevote_honest(rule_name):
    machine = type(f"PrevoteMerge_{rule_name}", (PrevoteMergeMachine,), {"rule_name": rule_name})
    machine.TestCase.settings = SETTINGS
    machine.TestCase().runTest()
