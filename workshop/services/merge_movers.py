"""The tables' pre-votes, comments and commitments follow a merge onto its target, and go
back with its undo.

Each comment or commitment a merge moves is recorded in `merge_moves` (kind, row id, the
activity it came from), so that an undo puts back exactly what that merge moved, even after
later merges moved it on. A commitment whose organisation is already committed to the target
stays with its source: the organisation is committed to the target already, and nothing is
lost at an undo. Pre-votes combine as votes do (rules.merged_value), recorded in
`merge_prevotes` as votes are in `merge_votes`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    ActivityStatus,
    Comment,
    Commitment,
    Merge,
    MergeMove,
    MergePreVote,
    Participant,
    ParticipantStatus,
    PreVote,
    Workshop,
)
from .participants import lock_participants
from .prevoting import spent_at_table, trim_prevotes_over_limit
from .rules import merged_value


@dataclass(frozen=True)
class Mover:
    """Carries one kind of record from merged activities to their target, and back.

    `apply(session, workshop, merge)` runs after the merge record (merge.target_id, its
    MergeSource rows) is flushed and before the sources change status; it must leave enough
    (in its own table or columns tied to merge.id) for `revert(session, workshop, merge)` to
    put every record back where it was. Reverts run in the reverse order of registration.
    """

    name: str
    apply: Callable[[Session, Workshop, Merge], None]
    revert: Callable[[Session, Workshop, Merge], None]


def _sources(merge: Merge) -> list[int]:
    return [s.activity_id for s in merge.sources]


def _record(session: Session, merge: Merge, kind: str, row_id: int, from_activity: int) -> None:
    session.add(
        MergeMove(merge_id=merge.id, kind=kind, row_id=row_id, from_activity_id=from_activity)
    )


def move_comments(session: Session, workshop: Workshop, merge: Merge) -> None:
    for comment in session.scalars(
        select(Comment).where(Comment.activity_id.in_(_sources(merge))).order_by(Comment.id)
    ):
        _record(session, merge, "comment", comment.id, comment.activity_id)
        comment.activity_id = merge.target_id
    session.flush()


def move_commitments(session: Session, workshop: Workshop, merge: Merge) -> None:
    committed = set(
        session.scalars(
            select(Commitment.organisation_key).where(Commitment.activity_id == merge.target_id)
        )
    )
    for commitment in session.scalars(
        select(Commitment)
        .where(Commitment.activity_id.in_(_sources(merge)))
        .order_by(Commitment.id)
    ):
        if commitment.organisation_key in committed:
            continue  # already committed to the target: it stays with its source
        committed.add(commitment.organisation_key)
        _record(session, merge, "commitment", commitment.id, commitment.activity_id)
        commitment.activity_id = merge.target_id
    session.flush()


def _put_back(session: Session, merge: Merge, kind: str, model) -> None:
    moves = session.scalars(
        select(MergeMove).where(MergeMove.merge_id == merge.id, MergeMove.kind == kind)
    ).all()
    for move in moves:
        row = session.get(model, move.row_id)
        if row is not None and row.activity_id == merge.target_id:
            row.activity_id = move.from_activity_id  # a row removed since stays removed
        session.delete(move)
    session.flush()


def restore_comments(session: Session, workshop: Workshop, merge: Merge) -> None:
    _put_back(session, merge, "comment", Comment)


def restore_commitments(session: Session, workshop: Workshop, merge: Merge) -> None:
    _put_back(session, merge, "commitment", Commitment)


# -- pre-votes: as votes, at the target's table ----------------------------------------------


def move_prevotes(session: Session, workshop: Workshop, merge: Merge) -> None:
    """Pre-votes cast at the target's table on the sources go to the target under the votes'
    rule: dots add up within the cap and the table's budget, an approval stays one within
    the budget, the strongest score carries over. A pre-vote cast at another table stays
    with its source (it counts nowhere while the source is merged) and is there at the undo;
    so do all of a participant's whose pre-vote on the target was cast at another table."""
    group_id = merge.target.working_group_id
    if group_id is None:
        return  # an activity of no group is pre-voted at no table
    source_ids = _sources(merge)
    involved = {merge.target_id, *source_ids}
    supporters = sorted(
        set(
            session.scalars(
                select(PreVote.participant_id).where(
                    PreVote.activity_id.in_(source_ids), PreVote.working_group_id == group_id
                )
            )
        )
    )
    if not supporters:
        return
    lock_participants(session, supporters)
    prevotes: dict[int, dict[int, PreVote]] = defaultdict(dict)
    for prevote in session.scalars(
        select(PreVote).where(
            PreVote.activity_id.in_(involved), PreVote.participant_id.in_(supporters)
        )
    ):
        prevotes[prevote.participant_id][prevote.activity_id] = prevote
    for participant_id in supporters:
        mine = prevotes[participant_id]
        on_target = mine.get(merge.target_id)
        if on_target is not None and on_target.working_group_id != group_id:
            continue
        moving = {a: p for a, p in mine.items() if p.working_group_id == group_id}
        after = merged_value(
            workshop,
            on_target.value if on_target else None,
            [moving[s].value for s in source_ids if s in moving],
            lambda pid=participant_id: spent_at_table(session, workshop, pid, group_id, involved),
        )
        for activity_id, prevote in moving.items():
            on = activity_id == merge.target_id
            _record_prevote(session, merge, prevote, after if on else None)
        if on_target is None and after:
            session.add(
                MergePreVote(
                    merge_id=merge.id,
                    participant_id=participant_id,
                    activity_id=merge.target_id,
                    working_group_id=group_id,
                    value_after=after,
                )
            )
        for source_id in source_ids:
            if source_id in moving:
                session.delete(moving[source_id])
        if on_target is not None and after:
            on_target.value = after
        elif on_target is not None:
            session.delete(on_target)
        elif after:
            session.add(
                PreVote(
                    participant_id=participant_id,
                    activity_id=merge.target_id,
                    working_group_id=group_id,
                    value=after,
                )
            )
    session.flush()


def _record_prevote(session: Session, merge: Merge, prevote: PreVote, after: int | None):
    session.add(
        MergePreVote(
            merge_id=merge.id,
            participant_id=prevote.participant_id,
            activity_id=prevote.activity_id,
            working_group_id=prevote.working_group_id,
            value_before=prevote.value,
            value_after=after or None,
            created_before=prevote.created_at,
            updated_before=prevote.updated_at,
        )
    )


def restore_prevotes(session: Session, workshop: Workshop, merge: Merge) -> None:
    """Pre-votes as they were before the merge; a later change to the target's is kept, and
    whoever spent at their table what the merge gave back loses the excess on the sources."""
    rows = session.scalars(
        select(MergePreVote).where(MergePreVote.merge_id == merge.id).order_by(MergePreVote.id)
    ).all()
    merged_away = set(  # their pre-votes went to the kept participant since: see there
        session.scalars(
            select(Participant.id).where(
                Participant.id.in_(sorted({row.participant_id for row in rows})),
                Participant.status == ParticipantStatus.MERGED.value,
            )
        )
    )
    rows = [row for row in rows if row.participant_id not in merged_away]
    if not rows:
        return
    people = sorted({row.participant_id for row in rows})
    lock_participants(session, people)
    current = {
        (p.participant_id, p.activity_id): p
        for p in session.scalars(
            select(PreVote).where(
                PreVote.participant_id.in_(people),
                PreVote.activity_id.in_({row.activity_id for row in rows}),
            )
        )
    }
    for row in rows:
        prevote = current.get((row.participant_id, row.activity_id))
        if row.activity_id == merge.target_id:
            if (prevote.value if prevote else None) != row.value_after:
                continue  # they changed their pre-vote on the target since: their latest word
            if row.value_before is None:
                if prevote is not None:
                    session.delete(prevote)
                continue
        if prevote is None:
            prevote = PreVote(participant_id=row.participant_id, activity_id=row.activity_id)
            session.add(prevote)
        prevote.working_group_id = row.working_group_id
        prevote.value = row.value_before
        prevote.created_at = row.created_before
        prevote.updated_at = row.updated_before
    session.flush()
    for source in merge.sources:
        if source.status_before == ActivityStatus.VISIBLE.value:  # a hidden one spends nothing
            trim_prevotes_over_limit(session, workshop, source.activity_id)


#: what follows a merge after its votes (merging.MOVERS puts the votes' mover first)
FOLLOWERS = (
    Mover("prevotes", move_prevotes, restore_prevotes),
    Mover("comments", move_comments, restore_comments),
    Mover("commitments", move_commitments, restore_commitments),
)
