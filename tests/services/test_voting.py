"""Votes: every rule, budgets and caps, refusals that change nothing, hide and restore."""

import pytest
from sqlalchemy import select

from workshop.models import Activity, Vote, Workshop
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.errors import DomainError
from workshop.services.participants import join_workshop
from workshop.services.results import compute_results
from workshop.services.voting import (
    cast_vote,
    cast_vote_and_list_mine,
    my_votes,
    trim_votes_over_limit,
    withdraw_vote,
)
from workshop.services.workshops import create_workshop


class Room:
    """A workshop in the voting phase with activities A, B, C, D and helpers to vote."""

    def __init__(self, db, voting, people=1):
        self.db = db
        self.workshop, _ = create_workshop(
            db, title="Atelier", groups=["Gouvernement", "Employeurs"], voting=voting
        )
        db.flush()
        self.a, self.b, self.c, self.d = (
            add_activity(db, self.workshop, title=t).id for t in "ABCD"
        )
        self.people = [
            join_workshop(db, self.workshop, name=f"P{i}", organisation="O", group="Employeurs")[0]
            for i in range(people)
        ]
        self.workshop.phase = "voting"
        db.commit()

    @property
    def p(self):
        return self.people[0]

    def vote(self, activity, who=None, **kwargs):
        result = cast_vote(self.db, self.workshop, who or self.p, activity, **kwargs)
        self.db.commit()
        return result

    def refused(self, key, activity, who=None, **kwargs) -> DomainError:
        with pytest.raises(DomainError) as info:
            cast_vote(self.db, self.workshop, who or self.p, activity, **kwargs)
        assert info.value.key == key, (info.value.key, info.value.params)
        return info.value

    def mine(self, who=None) -> dict:
        return my_votes(self.db, self.workshop, who or self.p)

    def values(self, who=None) -> dict[int, int]:
        return {v["activity_id"]: v["value"] for v in self.mine(who)["votes"]}

    def stored(self) -> list[tuple[int, int, int]]:
        """Every vote row, hidden activities included."""
        rows = self.db.execute(
            select(Vote.participant_id, Vote.activity_id, Vote.value).order_by(Vote.id)
        )
        return [tuple(r) for r in rows]

    def totals(self) -> dict[int, float]:
        return {
            r["activity_id"]: r["total"]
            for r in compute_results(self.db, self.workshop)["activities"]
        }

    def version(self) -> int:
        return self.db.scalar(select(Workshop.version).where(Workshop.id == self.workshop.id))

    def snapshot(self):
        return (self.stored(), compute_results(self.db, self.workshop), self.mine(), self.version())

    def hide(self, activity):
        set_activity_status(self.db, self.workshop, activity, "hidden")
        self.db.commit()

    def restore(self, activity):
        set_activity_status(self.db, self.workshop, activity, "visible")
        self.db.commit()


DOTS = {"mode": "dots", "budget": 5, "per_activity_cap": 3}


# -- dots -----------------------------------------------------------------------------------


def test_dots_points_is_the_new_total_on_that_activity(db):
    room = Room(db, DOTS)
    vote = room.vote(room.a, points=2)
    assert vote.value == 2
    room.vote(room.a, points=3)
    assert room.values() == {room.a: 3}  # 3, not 2 + 3
    room.vote(room.a, points=1)
    assert room.mine() == {"votes": [{"activity_id": room.a, "value": 1}], "left": 4}
    assert len(room.stored()) == 1


def test_dots_accepts_a_number_as_text(db):
    room = Room(db, DOTS)
    room.vote(room.a, points="2")
    room.vote(str(room.b), points=" 1 ")
    assert room.values() == {room.a: 2, room.b: 1}


def test_dots_cap_per_activity(db):
    room = Room(db, DOTS)
    room.vote(room.a, points=3)
    error = room.refused("over_activity_cap", room.b, points=4)
    assert error.params == {"max": 3}
    assert room.values() == {room.a: 3}


def test_dots_budget_spreads_across_activities(db):
    room = Room(db, DOTS)
    room.vote(room.a, points=3)
    room.vote(room.b, points=1)
    assert room.mine()["left"] == 1
    room.vote(room.c, points=1)
    assert room.mine()["left"] == 0
    assert room.values() == {room.a: 3, room.b: 1, room.c: 1}


def test_dots_changing_a_vote_frees_or_uses_dots(db):
    room = Room(db, DOTS)
    room.vote(room.a, points=3)
    room.vote(room.b, points=2)
    room.vote(room.a, points=1)  # frees 2 dots
    assert room.mine()["left"] == 2
    room.vote(room.c, points=2)
    assert room.values() == {room.a: 1, room.b: 2, room.c: 2}


def test_dots_zero_points_withdraws(db):
    room = Room(db, DOTS)
    room.vote(room.a, points=2)
    room.vote(room.b, points=1)
    assert room.vote(room.a, points=0) is None
    assert room.values() == {room.b: 1}
    assert room.mine()["left"] == 4
    assert room.vote(room.c, points=0) is None  # nothing to withdraw is fine
    assert room.values() == {room.b: 1}


def test_withdraw(db):
    room = Room(db, DOTS)
    room.vote(room.a, points=3)
    before = room.version()
    withdraw_vote(db, room.workshop, room.p, room.a)
    db.commit()
    assert room.mine() == {"votes": [], "left": 5}
    assert room.stored() == []
    assert room.version() == before + 1
    withdraw_vote(db, room.workshop, room.p, room.a)  # twice is not an error
    db.commit()
    assert room.stored() == []


def test_over_budget_refused_and_nothing_changed(db):
    room = Room(db, DOTS, people=2)
    other = room.people[1]
    room.vote(room.a, points=3)
    room.vote(room.b, points=2)
    room.vote(room.a, who=other, points=1)
    before = room.snapshot()
    error = room.refused("over_budget", room.c, points=1)
    assert error.params == {"budget": 5, "left": 0}
    error = room.refused("over_budget", room.b, points=3)  # 3 + 3 > 5
    assert error.params == {"budget": 5, "left": 2}
    assert room.snapshot() == before  # before any rollback: nothing was even written
    db.rollback()
    assert room.snapshot() == before
    assert room.values() == {room.a: 3, room.b: 2}
    assert room.totals() == {room.a: 4, room.b: 2, room.c: 0, room.d: 0}


@pytest.mark.parametrize(
    ("points", "key"),
    [
        (None, "field_required"),
        (-1, "field_out_of_range"),
        ("-1", "field_out_of_range"),
        (1.5, "field_invalid"),
        (True, "field_invalid"),
        ("deux", "field_invalid"),
        ("²", "field_invalid"),
        ("9" * 5000, "field_invalid"),
        ([1], "field_invalid"),
        (10**40, "field_out_of_range"),
    ],
)
def test_dots_bad_points_refused(db, points, key):
    room = Room(db, DOTS)
    room.vote(room.a, points=1)
    before = room.snapshot()
    room.refused(key, room.b, points=points)
    assert room.snapshot() == before


# -- approval -------------------------------------------------------------------------------


def test_approval_without_maximum(db):
    room = Room(db, {"mode": "approval"})
    for activity in (room.a, room.b, room.c, room.d):
        assert room.vote(activity).value == 1
    room.vote(room.a)  # approving twice is still one approval
    assert room.values() == {room.a: 1, room.b: 1, room.c: 1, room.d: 1}
    assert room.mine()["left"] is None
    withdraw_vote(db, room.workshop, room.p, room.b)
    db.commit()
    assert set(room.values()) == {room.a, room.c, room.d}


def test_approval_with_maximum(db):
    room = Room(db, {"mode": "approval", "budget": 2})
    room.vote(room.a, points=3)  # points mean nothing here: an approval is 1
    assert room.mine() == {"votes": [{"activity_id": room.a, "value": 1}], "left": 1}
    room.vote(room.b)
    assert room.mine()["left"] == 0
    before = room.snapshot()
    error = room.refused("over_approvals", room.c)
    assert error.params == {"max": 2}
    assert room.snapshot() == before
    room.vote(room.a)  # re-approving one already approved is not a new approval
    withdraw_vote(db, room.workshop, room.p, room.a)
    db.commit()
    room.vote(room.c)
    assert room.values() == {room.b: 1, room.c: 1}


# -- score ----------------------------------------------------------------------------------


def test_score_one_to_five(db):
    room = Room(db, {"mode": "score"})
    for activity, score in zip((room.a, room.b, room.c), (1, 5, "3"), strict=True):
        room.vote(activity, score=score)
    assert room.values() == {room.a: 1, room.b: 5, room.c: 3}
    room.vote(room.a, score=4)  # a new score replaces the old one
    assert room.values()[room.a] == 4
    assert room.mine()["left"] is None


@pytest.mark.parametrize(
    ("score", "key"),
    [(0, "field_out_of_range"), (6, "field_out_of_range"), (None, "field_required")],
)
def test_score_out_of_range_refused(db, score, key):
    room = Room(db, {"mode": "score"})
    room.vote(room.a, score=2)
    before = room.snapshot()
    error = room.refused(key, room.a, score=score, points=3)
    if key == "field_out_of_range":
        assert error.params == {"field": "score", "min": 1, "max": 5}
    assert room.snapshot() == before


# -- who, when and what ---------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["setup", "proposing", "closed"])
def test_not_in_voting_phase_refused(db, phase):
    room = Room(db, DOTS)
    room.vote(room.a, points=2)
    room.workshop.phase = phase
    db.commit()
    room.refused("not_voting", room.b, points=1)
    with pytest.raises(DomainError) as info:
        withdraw_vote(db, room.workshop, room.p, room.a)
    assert info.value.key == "not_voting"
    assert room.stored() == [(room.p.id, room.a, 2)]


def test_hidden_activity_refused(db):
    room = Room(db, DOTS)
    room.hide(room.a)
    room.refused("activity_hidden", room.a, points=1)
    assert room.stored() == []


def test_unknown_activity_refused(db):
    room = Room(db, DOTS)
    other = Room(db, DOTS)
    for activity in (other.a, 10**6, "x", None):
        room.refused("activity_not_found", activity, points=1)
    assert room.stored() == []


def test_participant_of_another_workshop_refused(db):
    room = Room(db, DOTS)
    other = Room(db, DOTS)
    room.refused("participant_unknown", room.a, who=other.p, points=1)
    with pytest.raises(DomainError) as info:
        withdraw_vote(db, room.workshop, other.p, room.a)
    assert info.value.key == "participant_unknown"
    assert room.stored() == []


# -- hiding and restoring -------------------------------------------------------------------


def test_votes_on_a_hidden_activity_do_not_count_and_give_dots_back(db):
    room = Room(db, DOTS, people=2)
    other = room.people[1]
    room.vote(room.a, points=3)
    room.vote(room.b, points=2)
    room.vote(room.a, who=other, points=2)
    assert room.mine()["left"] == 0
    room.hide(room.a)
    assert room.mine() == {"votes": [{"activity_id": room.b, "value": 2}], "left": 3}
    results = compute_results(db, room.workshop)
    assert room.a not in room.totals()
    assert results["voters"] == 1  # the other participant only voted on A
    room.vote(room.c, points=3)  # the dots given back can be spent again
    assert room.values() == {room.b: 2, room.c: 3}
    assert (room.p.id, room.a, 3) in room.stored()  # kept, in case A comes back


def test_restoring_trims_the_excess_on_the_restored_activity(db):
    room = Room(db, DOTS, people=3)
    spender, partial, untouched = room.people
    room.vote(room.a, who=spender, points=3)
    room.vote(room.b, who=spender, points=2)
    room.vote(room.a, who=partial, points=2)
    room.vote(room.b, who=partial, points=1)
    room.vote(room.a, who=untouched, points=3)
    room.hide(room.a)
    room.vote(room.c, who=spender, points=3)  # spender: B 2 + C 3 = 5, A would be 3 more
    room.vote(room.c, who=partial, points=1)  # partial: B 1 + C 1 = 2, A 2 more: 4 fits
    room.restore(room.a)
    assert room.values(spender) == {room.b: 2, room.c: 3}  # A's 3 dots removed, newer kept
    assert room.values(partial) == {room.a: 2, room.b: 1, room.c: 1}
    assert room.values(untouched) == {room.a: 3}
    for person in room.people:
        assert room.mine(person)["left"] >= 0
    assert room.totals()[room.a] == 5


def test_restoring_reduces_rather_than_removes_when_some_dots_fit(db):
    room = Room(db, DOTS)
    room.vote(room.a, points=3)
    room.vote(room.b, points=2)
    room.hide(room.a)
    room.vote(room.c, points=2)
    room.restore(room.a)  # A 3 + B 2 + C 2 = 7: 2 too many, taken from A
    assert room.values() == {room.a: 1, room.b: 2, room.c: 2}
    assert room.mine()["left"] == 0


def test_restoring_trims_approvals_over_the_maximum(db):
    room = Room(db, {"mode": "approval", "budget": 2})
    room.vote(room.a)
    room.vote(room.b)
    room.hide(room.a)
    room.vote(room.c)
    room.restore(room.a)
    assert room.values() == {room.b: 1, room.c: 1}
    assert room.mine()["left"] == 0


def test_restoring_keeps_scores(db):
    room = Room(db, {"mode": "score"})
    room.vote(room.a, score=5)
    room.hide(room.a)
    room.vote(room.b, score=4)
    room.restore(room.a)
    assert room.values() == {room.a: 5, room.b: 4}


def test_trim_votes_over_limit_only_touches_voters_over_budget(db):
    room = Room(db, DOTS, people=2)
    over, within = room.people
    room.vote(room.a, who=within, points=2)
    # votes written behind the rules' back: 3 + 3 = 6 dots for a budget of 5
    db.add_all(
        [
            Vote(participant_id=over.id, activity_id=room.a, value=3),
            Vote(participant_id=over.id, activity_id=room.b, value=3),
        ]
    )
    db.commit()
    trim_votes_over_limit(db, room.workshop, db.get(Activity, room.a))
    db.commit()
    assert room.values(over) == {room.a: 2, room.b: 3}
    assert room.values(within) == {room.a: 2}


# -- what is left ---------------------------------------------------------------------------


def test_my_votes_left_per_mode(db):
    dots = Room(db, {"mode": "dots", "budget": 7, "per_activity_cap": 4})
    assert dots.mine() == {"votes": [], "left": 7}
    dots.vote(dots.b, points=4)
    dots.vote(dots.a, points=1)
    assert dots.mine() == {
        "votes": [{"activity_id": dots.a, "value": 1}, {"activity_id": dots.b, "value": 4}],
        "left": 2,
    }
    approval = Room(db, {"mode": "approval", "budget": 3})
    approval.vote(approval.a)
    assert approval.mine()["left"] == 2
    assert Room(db, {"mode": "approval"}).mine()["left"] is None
    assert Room(db, {"mode": "score"}).mine()["left"] is None


# -- the acknowledgement of a vote ----------------------------------------------------------


@pytest.mark.parametrize(
    ("voting", "steps"),
    [
        (DOTS, [("a", {"points": 2}), ("b", {"points": 3}), ("a", {"points": 0}),
                ("c", {"points": 1}), ("b", {"points": 1}), ("d", {"points": 0})]),
        ({"mode": "approval", "budget": 3}, [("b", {}), ("a", {}), ("b", {}), ("d", {})]),
        ({"mode": "score"}, [("c", {"score": 4}), ("a", {"score": 1}), ("c", {"score": 5})]),
    ],
)  # fmt: skip
def test_the_ack_of_a_vote_is_what_my_votes_reads_afterwards(db, voting, steps):
    room = Room(db, voting)
    hidden = room.d if voting is not DOTS else None
    if hidden is not None:  # a vote on a hidden activity is in neither
        room.vote(hidden, **({"score": 3} if voting["mode"] == "score" else {}))
        set_activity_status(db, room.workshop, hidden, "hidden")
        db.commit()
        steps = [s for s in steps if s[0] != "d"]
    for name, kwargs in steps:
        acked = cast_vote_and_list_mine(db, room.workshop, room.p, getattr(room, name), **kwargs)
        db.commit()
        assert acked == room.mine(), (name, kwargs)
    assert room.mine()["votes"]  # the steps left votes to compare
