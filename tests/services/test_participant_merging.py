"""Merging two participants, removing one, undoing either; the recovery code."""

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.services.test_prevoting import Tables, prevote_table
from workshop.models import Comment, Operation, ParticipantChangePreVote, PreVote, Vote
from workshop.services.activities import add_activity, propose_activity, set_activity_status
from workshop.services.comments import add_comment
from workshop.services.errors import DomainError
from workshop.services.merging import merge_activities, undo_merge
from workshop.services.operations import perform_once
from workshop.services.participant_merging import (
    merge_participants,
    participant_rows,
    remove_participant,
    undo_participant_change,
)
from workshop.services.participants import (
    count_participants,
    join_workshop,
    participant_by_token,
    token_holder,
)
from workshop.services.prevoting import my_prevotes, prevote_results
from workshop.services.recovery import recover_identity, recovery_code, show_recovery_code
from workshop.services.results import compute_results
from workshop.services.voting import cast_vote, my_votes
from workshop.services.workshops import create_workshop

DOTS = {"mode": "dots", "budget": 5, "per_activity_cap": 3}
SECRET = "test-secret"


def setup(db, voting=DOTS, activities=4, phase="voting"):
    workshop, _ = create_workshop(db, title="Atelier", groups=["Gouv", "Empl"], voting=voting)
    db.flush()
    ids = [add_activity(db, workshop, title=f"A{i}").id for i in range(activities)]
    workshop.phase = phase
    db.commit()
    return workshop, ids


def person(db, workshop, organisation="CGEM"):
    participant, token = join_workshop(
        db, workshop, name="", organisation=organisation, group="Empl"
    )
    db.commit()
    return participant, token


def values(db, workshop, who) -> dict[int, int]:
    return {v["activity_id"]: v["value"] for v in my_votes(db, workshop, who)["votes"]}


def table(db):
    return sorted(
        (v.participant_id, v.activity_id, v.value, v.created_at, v.updated_at)
        for v in db.scalars(select(Vote))
    )


def test_a_merge_combines_votes_within_the_cap_and_the_budget_and_returns_the_excess(db):
    workshop, (a, b, c, _d) = setup(db)
    kept, _ = person(db, workshop)
    twin, _ = person(db, workshop)
    for who, activity, points in [(kept, a, 2), (kept, b, 1), (twin, a, 3), (twin, c, 2)]:
        cast_vote(db, workshop, who, activity, points=points)
    db.commit()
    before = table(db)
    change = merge_participants(db, workshop, kept.public_id, twin.public_id)
    db.commit()
    # kept 2+1 = 3 spent; a: 2 + min(3, cap room 1) = 3 (4 spent); c: room 1 of 2 -> 1
    assert values(db, workshop, kept) == {a: 3, b: 1, c: 1}
    assert my_votes(db, workshop, kept)["left"] == 0
    assert db.scalars(select(Vote).where(Vote.participant_id == twin.id)).all() == []
    assert count_participants(db, workshop) == 1
    assert compute_results(db, workshop)["activities"][0]["voters"] == 1
    undo_participant_change(db, workshop, change.id)
    db.commit()
    assert table(db) == before, "an undo right after the merge gives back exactly"
    assert count_participants(db, workshop) == 2


def test_approvals_and_scores_combine_by_their_own_rule(db):
    workshop, (a, b, c, _d) = setup(db, {"mode": "approval", "budget": 2})
    kept, _ = person(db, workshop)
    twin, _ = person(db, workshop)
    cast_vote(db, workshop, kept, a)
    cast_vote(db, workshop, twin, b)
    cast_vote(db, workshop, twin, c)
    merge_participants(db, workshop, kept.public_id, twin.public_id)
    assert values(db, workshop, kept) == {a: 1, b: 1}  # budget 2: c is returned

    scores, (x, y, *_rest) = setup(db, {"mode": "score"})
    one, _ = person(db, scores)
    two, _ = person(db, scores)
    cast_vote(db, scores, one, x, score=2)
    cast_vote(db, scores, two, x, score=5)
    cast_vote(db, scores, two, y, score=1)
    merge_participants(db, scores, one.public_id, two.public_id)
    assert values(db, scores, one) == {x: 5, y: 1}


def test_the_merged_phone_acts_as_the_kept_participant_and_its_op_ids_stay_idempotent(db):
    workshop, (a, b, *_rest) = setup(db)
    kept, _ = person(db, workshop)
    twin, twin_token = person(db, workshop)

    def vote_a():
        cast_vote(db, workshop, twin, a, points=2)
        return {"ok": True}

    ack, replayed = perform_once(db, twin, "op-1", "cast_vote", vote_a)
    add_comment(db, workshop, twin, b, "Avec l'ANAPEC")
    db.commit()
    change = merge_participants(db, workshop, kept.public_id, twin.public_id)
    db.commit()
    acting = participant_by_token(db, twin_token, workshop.id)
    assert acting.id == kept.id
    assert token_holder(db, twin_token, workshop.id).id == twin.id
    again, replayed = perform_once(db, acting, "op-1", "cast_vote", lambda: pytest.fail("twice"))
    assert replayed and again["ok"]
    assert values(db, workshop, kept) == {a: 2}
    assert db.scalar(select(Comment.participant_id)) == kept.id
    assert db.scalar(select(Operation.actor)) == f"p{kept.id}"
    undo_participant_change(db, workshop, change.id)
    db.commit()
    assert participant_by_token(db, twin_token, workshop.id).id == twin.id
    assert db.scalar(select(Comment.participant_id)) == twin.id
    assert db.scalar(select(Operation.actor)) == f"p{twin.id}"


def test_a_vote_changed_after_the_merge_is_kept_by_the_undo(db):
    workshop, (a, b, *_rest) = setup(db)
    kept, _ = person(db, workshop)
    twin, _ = person(db, workshop)
    cast_vote(db, workshop, kept, a, points=1)
    cast_vote(db, workshop, twin, a, points=1)
    cast_vote(db, workshop, twin, b, points=3)
    change = merge_participants(db, workshop, kept.public_id, twin.public_id)
    assert values(db, workshop, kept) == {a: 2, b: 3}
    cast_vote(db, workshop, kept, a, points=1)  # after the merge: their latest word on a
    db.commit()
    undo_participant_change(db, workshop, change.id)
    db.commit()
    assert values(db, workshop, kept) == {a: 1}
    assert values(db, workshop, twin) == {a: 1, b: 3}


def test_a_removal_withdraws_the_votes_signs_the_phone_out_and_can_be_undone(db):
    workshop, (a, b, *_rest) = setup(db)
    stays, _ = person(db, workshop)
    gone, token = person(db, workshop)
    cast_vote(db, workshop, stays, a, points=1)
    cast_vote(db, workshop, gone, a, points=2)
    cast_vote(db, workshop, gone, b, points=3)
    db.commit()
    before = table(db)
    change = remove_participant(db, workshop, gone.public_id)
    db.commit()
    assert participant_by_token(db, token, workshop.id) is None
    assert [r["participant_id"] for r in participant_rows(db, workshop)] == [stays.public_id]
    assert {r["activity_id"]: r["total"] for r in compute_results(db, workshop)["activities"]}[
        a
    ] == 1
    with pytest.raises(DomainError) as refused:
        remove_participant(db, workshop, gone.public_id)
    assert refused.value.key == "participant_not_active"
    undo_participant_change(db, workshop, change.id)
    db.commit()
    assert table(db) == before
    with pytest.raises(DomainError) as twice:
        undo_participant_change(db, workshop, change.id)
    assert twice.value.key == "participant_change_already_undone"


def test_refusals_have_keys(db):
    workshop, _ids = setup(db)
    one, _ = person(db, workshop)
    two, _ = person(db, workshop)
    cases = [
        (
            lambda: merge_participants(db, workshop, one.public_id, one.public_id),
            "participant_merge_itself",
        ),
        (
            lambda: merge_participants(db, workshop, "P-NOPE", one.public_id),
            "participant_not_found",
        ),
        (lambda: undo_participant_change(db, workshop, 999), "participant_change_not_found"),
    ]
    for action, key in cases:
        with pytest.raises(DomainError) as refused:
            action()
        assert refused.value.key == key
    change = merge_participants(db, workshop, one.public_id, two.public_id)
    three, _ = person(db, workshop)
    merge_participants(db, workshop, three.public_id, one.public_id)  # the kept one, merged on
    with pytest.raises(DomainError) as order:
        undo_participant_change(db, workshop, change.id)
    assert order.value.key == "participant_undo_order"
    workshop.phase = "closed"
    with pytest.raises(DomainError) as closed:
        remove_participant(db, workshop, three.public_id)
    assert closed.value.key == "participants_closed"


def test_merged_proposals_follow_the_kept_participant(db):
    workshop, _ids = setup(db, phase="proposing")
    kept, _ = person(db, workshop)
    twin, _ = person(db, workshop)
    activity = propose_activity(db, workshop, twin, title="Guichet mobilité")
    change = merge_participants(db, workshop, kept.public_id, twin.public_id)
    assert activity.proposed_by_id == kept.id
    undo_participant_change(db, workshop, change.id)
    assert activity.proposed_by_id == twin.id


# -- recovery code -------------------------------------------------------------------------


def test_a_recovery_code_restores_the_identity_on_a_new_device_and_signs_the_old_one_out(db):
    workshop, (a, *_rest) = setup(db)
    me, old_token = person(db, workshop)
    cast_vote(db, workshop, me, a, points=2)
    code = show_recovery_code(db, workshop, me, old_token, SECRET)
    db.commit()
    assert len(code) == 9 and code[4] == "-"
    assert code == show_recovery_code(db, workshop, me, old_token, SECRET), "shown again"
    assert me.recovery_hash and code.replace("-", "") not in me.recovery_hash
    holder, new_token = recover_identity(db, workshop, code.lower().replace("-", " "), SECRET)
    db.commit()
    assert holder.id == me.id and new_token != old_token
    assert participant_by_token(db, old_token, workshop.id) is None, "the old phone is out"
    assert participant_by_token(db, new_token, workshop.id).id == me.id
    assert values(db, workshop, me) == {a: 2}
    with pytest.raises(DomainError) as used:
        recover_identity(db, workshop, code, SECRET)
    assert used.value.key == "recovery_code_invalid", "a code works once"
    assert recovery_code(SECRET, new_token) != code


def test_recovery_refusals_have_keys(db):
    workshop, _ids = setup(db)
    me, token = person(db, workshop)
    show_recovery_code(db, workshop, me, token, SECRET)
    for raw, key in [
        ("", "field_required"),
        ("ABC", "recovery_code_format"),
        ("AAAA-AAAA", "recovery_code_invalid"),
    ]:
        with pytest.raises(DomainError) as refused:
            recover_identity(db, workshop, raw, SECRET)
        assert refused.value.key == key
    code = recovery_code(SECRET, token)
    remove_participant(db, workshop, me.public_id)
    with pytest.raises(DomainError) as removed:
        recover_identity(db, workshop, code, SECRET)
    assert removed.value.key == "participant_removed"


def test_an_action_that_waited_for_the_lock_of_a_merged_participant_is_refused(
    database_url, monkeypatch
):
    """The phone's participant was read before the merge committed; its lock (PostgreSQL's
    path, read under the lock) sees the merge, and the action is refused."""
    from sqlalchemy.orm import sessionmaker

    from workshop.db import make_engine
    from workshop.models import Base
    from workshop.services.operations import perform_once

    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    make = sessionmaker(engine, expire_on_commit=False)
    phone, facilitator = make(), make()
    workshop, (a, *_rest) = setup(facilitator)
    kept, _ = person(facilitator, workshop)
    twin, _ = person(facilitator, workshop)
    stale = phone.get(type(twin), twin.id)  # what the phone's event loaded
    phone.commit()
    merge_participants(facilitator, workshop, kept.public_id, twin.public_id)
    facilitator.commit()
    if engine.dialect.name == "sqlite":  # take the lock statement's path, as on PostgreSQL
        monkeypatch.setattr(engine.dialect, "name", "postgresql")
    assert stale.status == "active"
    with pytest.raises(DomainError) as refused:
        perform_once(phone, stale, "op-late", "cast_vote", lambda: pytest.fail("ran"))
    assert refused.value.key == "participant_not_active"
    phone.close()
    facilitator.close()
    engine.dispose()


# -- pre-votes at the tables: combined as votes, table by table -----------------------------


def prevoted(db, who) -> dict[tuple[int, int], int]:
    """(table, activity) -> value of one participant's pre-votes."""
    return {
        (p.working_group_id, p.activity_id): p.value
        for p in db.scalars(select(PreVote).where(PreVote.participant_id == who.id))
    }


def merge_twins(t):
    change = merge_participants(t.db, t.workshop, t.people[0].public_id, t.people[1].public_id)
    t.db.commit()
    return change


def test_a_merge_combines_prevotes_at_the_same_table_within_the_cap(db):
    t = Tables(db, DOTS)
    kept, twin = t.people
    t.cast(t.a, who=kept, points=2)
    t.cast(t.a, who=twin, points=2)
    t.cast(t.c, who=twin, points=1)
    change = merge_twins(t)
    # a: 2 + 2 under a cap of 3 is 3, one dot back; c comes along: 4 of 5 spent at the table
    assert prevoted(db, kept) == {(t.g1.id, t.a.id): 3, (t.g1.id, t.c.id): 1}
    assert prevoted(db, twin) == {}
    assert my_prevotes(db, t.workshop, kept)["prevote_left"] == 1
    totals = {r["activity_id"]: (r["total"], r["voters"]) for r in ranking(db, t, t.g1)}
    assert totals == {t.a.id: (3, 1), t.b.id: (0, 0), t.c.id: (1, 1)}
    recorded = {
        (r.participant_id, r.activity_id, r.working_group_id, r.value_before, r.value_after)
        for r in db.scalars(select(ParticipantChangePreVote))
    }
    assert recorded == {
        (twin.id, t.a.id, t.g1.id, 2, None),
        (twin.id, t.c.id, t.g1.id, 1, None),
        (kept.id, t.a.id, t.g1.id, 2, 3),
        (kept.id, t.c.id, t.g1.id, None, 1),
    }
    assert {r.change_id for r in db.scalars(select(ParticipantChangePreVote))} == {change.id}


def test_prevotes_at_two_tables_stay_at_their_own_table_with_its_own_budget(db):
    t = Tables(db, DOTS)
    kept, twin = t.people
    t.cast(t.a, who=kept, points=3)
    t.cast(t.b, who=kept, points=2)  # the kept one's budget at the first table is spent
    t.cast(t.c, who=twin, points=2)
    twin.working_group_id = t.g2.id  # the twin moved to the second table and pre-voted there
    db.commit()
    t.cast(t.d, who=twin, points=3)
    t.cast(t.e, who=twin, points=2)
    merge_twins(t)
    # the first table has no room for c; the second is another budget: all of it comes along
    assert prevoted(db, kept) == {
        (t.g1.id, t.a.id): 3,
        (t.g1.id, t.b.id): 2,
        (t.g2.id, t.d.id): 3,
        (t.g2.id, t.e.id): 2,
    }
    assert {r["activity_id"]: r["total"] for r in ranking(db, t, t.g1)}[t.c.id] == 0
    assert [(r["activity_id"], r["total"]) for r in ranking(db, t, t.g2)] == [
        (t.d.id, 3),
        (t.e.id, 2),
    ]
    assert kept.working_group_id == t.g1.id  # the kept one still sits at their own table


def test_a_prevote_on_an_activity_the_kept_one_prevoted_at_another_table_finds_no_room(db):
    t = Tables(db, DOTS)
    kept, twin = t.people
    t.cast(t.b, who=kept, points=1)
    t.b.working_group_id = t.g2.id  # b moved to the second table, where the twin sits
    twin.working_group_id = t.g2.id
    db.commit()
    t.cast(t.b, who=twin, points=2)
    before = prevote_table(db)
    change = merge_twins(t)
    assert prevoted(db, kept) == {(t.g1.id, t.b.id): 1}, "two tables never combine"
    assert prevoted(db, twin) == {}
    undo_participant_change(db, t.workshop, change.id)
    db.commit()
    assert prevote_table(db) == before


def test_an_undo_right_after_the_merge_puts_every_prevote_back_exactly(db):
    t = Tables(db, DOTS, people=3)
    kept, twin, other = t.people
    t.cast(t.a, who=kept, points=2)
    t.cast(t.b, who=kept, points=1)
    t.cast(t.a, who=twin, points=3)
    t.cast(t.c, who=twin, points=2)
    t.cast(t.a, who=other, points=1)
    twin.working_group_id = t.g2.id
    db.commit()
    t.cast(t.d, who=twin, points=1)
    for p in db.scalars(select(PreVote)):  # distinct past times: the undo must give them back
        p.created_at = p.updated_at = datetime(2026, 12, 1, 9, p.id)
    db.commit()
    before = prevote_table(db)
    change = merge_twins(t)
    assert prevoted(db, kept) == {
        (t.g1.id, t.a.id): 3,
        (t.g1.id, t.b.id): 1,
        (t.g1.id, t.c.id): 1,
        (t.g2.id, t.d.id): 1,
    }
    undo_participant_change(db, t.workshop, change.id)
    db.commit()
    assert prevote_table(db) == before
    assert {r["activity_id"]: r["voters"] for r in ranking(db, t, t.g1)}[t.a.id] == 3


def test_an_undo_keeps_the_kept_ones_later_prevotes_and_trims_within_the_tables_budget(db):
    t = Tables(db, DOTS)
    kept, twin = t.people
    t.cast(t.a, who=twin, points=3)
    set_activity_status(db, t.workshop, t.a.id, "hidden")  # gives the twin's 3 dots back
    db.commit()
    t.cast(t.b, who=twin, points=3)
    t.cast(t.c, who=twin, points=2)
    change = merge_twins(t)
    # a is hidden: it combines within the cap only, and spends nothing while hidden
    assert prevoted(db, kept) == {(t.g1.id, t.a.id): 3, (t.g1.id, t.b.id): 3, (t.g1.id, t.c.id): 2}
    set_activity_status(db, t.workshop, t.a.id, "visible")  # the restore trims a: 8 > 5
    db.commit()
    assert prevoted(db, kept) == {(t.g1.id, t.b.id): 3, (t.g1.id, t.c.id): 2}
    t.cast(t.b, who=kept, points=1)  # after the merge: their latest word on b
    t.cast(t.a, who=kept, points=2)  # and more on a
    undo_participant_change(db, t.workshop, change.id)
    db.commit()
    # the kept one's own later word stands; c, as the merge left it, goes back to the twin
    assert prevoted(db, kept) == {(t.g1.id, t.a.id): 2, (t.g1.id, t.b.id): 1}
    # the twin's pre-votes come back as cast (3 + 3 + 2 with a visible again: 8 of 5), and
    # the latest activities give back the excess, as for votes
    assert prevoted(db, twin) == {(t.g1.id, t.a.id): 3, (t.g1.id, t.b.id): 2}
    for who in (kept, twin):
        assert sum(prevoted(db, who).values()) <= DOTS["budget"]


def test_an_activity_merge_undone_while_the_twin_is_merged_gives_the_twin_nothing_back(db):
    t = Tables(db, DOTS)
    kept, twin = t.people
    t.cast(t.a, who=twin, points=2)
    done = merge_activities(db, t.workshop, t.b.id, [t.a.id])  # the twin's a goes to b
    db.commit()
    change = merge_twins(t)
    assert prevoted(db, kept) == {(t.g1.id, t.b.id): 2}
    undo_merge(db, t.workshop, done.id)
    db.commit()
    # as for votes: that support went with the kept participant, and stays with them
    assert prevoted(db, twin) == {}
    assert prevoted(db, kept) == {(t.g1.id, t.b.id): 2}
    undo_participant_change(db, t.workshop, change.id)
    db.commit()
    assert prevoted(db, twin) == {(t.g1.id, t.b.id): 2}
    assert prevoted(db, kept) == {}


def ranking(db, t, group):
    return prevote_results(db, t.workshop, group.id)
