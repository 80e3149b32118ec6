"""Comments and commitments follow a merge onto its target, and go back with its undo.

Each row a merge moves is recorded in `merge_moves` (kind, row id, the activity it came from),
so that an undo puts back exactly what that merge moved, even after later merges moved it on.
A commitment whose organisation is already committed to the target stays with its source: the
organisation is committed to the target already, and nothing is lost at an undo.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Comment, Commitment, Merge, MergeMove, Workshop


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


#: what follows a merge after its votes (merging.MOVERS puts the votes' mover first)
FOLLOWERS = (
    Mover("comments", move_comments, restore_comments),
    Mover("commitments", move_commitments, restore_commitments),
)
