"""Merging duplicate activities into one, and undoing it, without bending any voting rule.

A merge moves what belongs to its source activities onto its target, and keeps a record
(Merge, MergeSource, MergeVote) from which an undo puts everything back. What moves is decided
by `MOVERS`, one static list: votes first, then comments and commitments (`merge_movers`); a
later feature adds its own mover with `register_mover` and the merge carries its records along
and back.
"""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    Merge,
    MergePreVote,
    MergeSource,
    MergeVote,
    Participant,
    ParticipantStatus,
    Phase,
    Vote,
    VotingMode,
    Workshop,
    utcnow,
)
from .activities import get_activity
from .errors import Conflict, DomainError, NotFound
from .merge_movers import FOLLOWERS, Mover
from .participants import lock_participants
from .rules import merged_value, spent
from .text import record_id
from .timer import iso_utc
from .voting import trim_votes_over_limit
from .workshops import bump_version

#: most activities merged at once
MAX_MERGE_SOURCES = 50


def register_mover(mover: Mover) -> None:
    """Add (or replace, by name) what a merge moves; `MOVERS` is built below, votes first."""
    MOVERS[:] = [m for m in MOVERS if m.name != mover.name] + [mover]


# -- merge and undo -------------------------------------------------------------------------


def merge_activities(
    session: Session, workshop: Workshop, target_id: object, source_ids: object
) -> Merge:
    """Merge the sources into the target: their supporters now support the target."""
    if workshop.phase == Phase.CLOSED.value:
        raise DomainError("merge_closed")
    target = get_activity(session, workshop, target_id)
    if target.status == ActivityStatus.MERGED.value:
        raise DomainError("activity_merged")
    if target.status != ActivityStatus.VISIBLE.value:
        raise DomainError("merge_target_hidden")
    if isinstance(source_ids, int | str) and not isinstance(source_ids, bool):
        source_ids = [source_ids]
    if not isinstance(source_ids, list) or not source_ids:
        raise DomainError("merge_sources_required")
    if len(source_ids) > MAX_MERGE_SOURCES:
        raise DomainError("too_many", field="sources", max=MAX_MERGE_SOURCES)
    sources: dict[int, Activity] = {}
    for raw in source_ids:
        source = get_activity(session, workshop, raw)
        if source.id == target.id:
            raise DomainError("merge_into_itself")
        if source.status == ActivityStatus.MERGED.value:
            raise DomainError("activity_merged")
        sources[source.id] = source
    merge = Merge(workshop_id=workshop.id, target_id=target.id)
    merge.sources = [
        MergeSource(activity_id=s.id, status_before=s.status) for s in sources.values()
    ]
    session.add(merge)
    session.flush()
    for mover in MOVERS:
        mover.apply(session, workshop, merge)
    for source in sources.values():
        source.status = ActivityStatus.MERGED.value
        source.merged_into_id = target.id
    session.flush()
    bump_version(session, workshop)
    return merge


def undo_merge(session: Session, workshop: Workshop, merge_id: object) -> Merge:
    """Put the sources back as they were, with their votes; the latest merge of a target first."""
    merge = get_merge(session, workshop, merge_id)
    if merge.undone_at is not None:
        raise Conflict("merge_already_undone")
    if workshop.phase == Phase.CLOSED.value:
        raise DomainError("merge_closed")
    if merge.target.status == ActivityStatus.MERGED.value:
        raise Conflict("merge_undo_order")  # the target was merged since: undo that first
    for row in merge.sources:
        source = session.get(Activity, row.activity_id)
        source.status = row.status_before
        source.merged_into_id = None
    session.flush()
    for mover in reversed(MOVERS):
        mover.revert(session, workshop, merge)
    merge.undone_at = utcnow()
    session.flush()
    bump_version(session, workshop)
    return merge


def get_merge(session: Session, workshop: Workshop, merge_id: object) -> Merge:
    key = record_id(merge_id)
    merge = session.get(Merge, key) if key is not None else None
    if merge is None or merge.workshop_id != workshop.id:
        raise NotFound("merge_not_found")
    return merge


def list_merges(session: Session, workshop: Workshop, *, include_undone: bool = False):
    query = select(Merge).where(Merge.workshop_id == workshop.id).order_by(Merge.id)
    if not include_undone:
        query = query.where(Merge.undone_at.is_(None))
    return list(session.scalars(query))


def merge_record(merge: Merge) -> dict:
    return {
        "merge_id": merge.id,
        "target_id": merge.target_id,
        "source_ids": [s.activity_id for s in merge.sources],
        "created_at": iso_utc(merge.created_at, "seconds"),
        "undone_at": iso_utc(merge.undone_at, "seconds") if merge.undone_at else None,
    }


# -- votes: the first mover -----------------------------------------------------------------


def _counted(status: str) -> bool:
    return status == ActivityStatus.VISIBLE.value


def _spent_elsewhere(
    session: Session, workshop: Workshop, participant_id: int, exclude: set[int]
) -> int:
    """Dots (or approvals) counted against the budget, outside the activities in `exclude`."""
    measure = (
        func.coalesce(func.sum(Vote.value), 0)
        if workshop.voting_mode == VotingMode.DOTS.value
        else func.count(Vote.id)
    )
    return session.scalar(
        select(measure)
        .join(Activity, Activity.id == Vote.activity_id)
        .where(
            Vote.participant_id == participant_id,
            Activity.status == ActivityStatus.VISIBLE.value,
            Vote.activity_id.not_in(exclude),
        )
    )


def _merged_value(
    session: Session,
    workshop: Workshop,
    participant_id: int,
    target: int | None,
    sources: list[int],
    exclude: set[int],
) -> int:
    """What the participant's vote on the target becomes; 0 means no vote."""
    return merged_value(
        workshop,
        target,
        sources,
        lambda: _spent_elsewhere(session, workshop, participant_id, exclude),
    )


def _move_votes(session: Session, workshop: Workshop, merge: Merge) -> None:
    source_ids = [s.activity_id for s in merge.sources]
    involved = {merge.target_id, *source_ids}
    supporters = sorted(
        set(session.scalars(select(Vote.participant_id).where(Vote.activity_id.in_(source_ids))))
    )
    lock_participants(session, supporters)
    votes: dict[int, dict[int, Vote]] = defaultdict(dict)
    for vote in session.scalars(
        select(Vote).where(Vote.activity_id.in_(involved), Vote.participant_id.in_(supporters))
    ):
        votes[vote.participant_id][vote.activity_id] = vote
    for participant_id in supporters:
        mine = votes[participant_id]
        on_target = mine.get(merge.target_id)
        after = _merged_value(
            session,
            workshop,
            participant_id,
            on_target.value if on_target else None,
            [mine[s].value for s in source_ids if s in mine],
            involved,
        )
        for activity_id, vote in mine.items():
            session.add(
                MergeVote(
                    merge_id=merge.id,
                    participant_id=participant_id,
                    activity_id=activity_id,
                    value_before=vote.value,
                    value_after=(after or None) if activity_id == merge.target_id else None,
                    created_before=vote.created_at,
                    updated_before=vote.updated_at,
                )
            )
        if on_target is None and after:
            session.add(
                MergeVote(
                    merge_id=merge.id,
                    participant_id=participant_id,
                    activity_id=merge.target_id,
                    value_before=None,
                    value_after=after,
                )
            )
        for source_id in source_ids:
            if source_id in mine:
                session.delete(mine[source_id])
        if on_target is not None and after:
            if on_target.value != after:
                on_target.value = after
        elif on_target is not None:
            session.delete(on_target)
        elif after:
            session.add(
                Vote(participant_id=participant_id, activity_id=merge.target_id, value=after)
            )
    session.flush()


def _restore_votes(session: Session, workshop: Workshop, merge: Merge) -> None:
    """Votes as they were before the merge; a later change to the target vote is kept."""
    rows: dict[int, list[MergeVote]] = defaultdict(list)
    gone = _not_active(session, {row.participant_id for row in merge.votes})
    for row in merge.votes:
        if row.participant_id not in gone:  # merged into another or removed since: see there
            rows[row.participant_id].append(row)
    lock_participants(session, rows)
    for participant_id, mine in rows.items():
        current = {
            v.activity_id: v
            for v in session.scalars(
                select(Vote).where(
                    Vote.participant_id == participant_id,
                    Vote.activity_id.in_([r.activity_id for r in mine]),
                )
            )
        }
        for row in mine:
            vote = current.get(row.activity_id)
            if row.activity_id == merge.target_id:
                now = vote.value if vote else None
                if now != row.value_after:
                    continue  # they changed their vote on the target since: their latest word
                if row.value_before is None:
                    if vote is not None:
                        session.delete(vote)
                    continue
            if vote is None:
                vote = Vote(participant_id=participant_id, activity_id=row.activity_id)
                session.add(vote)
            vote.value = row.value_before
            vote.created_at = row.created_before
            vote.updated_at = row.updated_before
    session.flush()
    # Whoever spent the dots that came back keeps their newer votes and loses the excess on
    # the restored sources, as when a hidden activity is restored.
    for source in merge.sources:
        if _counted(source.status_before):
            trim_votes_over_limit(session, workshop, session.get(Activity, source.activity_id))


def _not_active(session: Session, ids: set[int]) -> set[int]:
    """Participants merged into another or removed since (participant_merging.py): their
    votes went to the kept participant or were withdrawn, and an undo gives nothing back."""
    return set(
        session.scalars(
            select(Participant.id).where(
                Participant.id.in_(sorted(ids)),
                Participant.status != ParticipantStatus.ACTIVE.value,
            )
        )
    )


#: what a merge moves, in order (reverts run in reverse): votes, then what follows them
MOVERS: list[Mover] = [Mover("votes", _move_votes, _restore_votes), *FOLLOWERS]


# -- what participants are told --------------------------------------------------------------


def merge_notices(session: Session, workshop: Workshop, participant: Participant) -> list[dict]:
    """Standing merges that moved this participant's votes or pre-votes (at whichever table),
    and what came back to them."""
    merges: dict[int, Merge] = {}
    kinds: dict[int, list[list]] = defaultdict(list)  # merge id -> its votes, its pre-votes
    for record in (MergeVote, MergePreVote):
        rows = session.execute(
            select(record, Merge)
            .join(Merge, Merge.id == record.merge_id)
            .where(
                Merge.workshop_id == workshop.id,
                Merge.undone_at.is_(None),
                record.participant_id == participant.id,
            )
            .order_by(Merge.id, record.activity_id)
        ).all()
        mine: dict[int, list] = defaultdict(list)
        for row, merge in rows:
            merges[merge.id] = merge
            mine[merge.id].append(row)
        for merge_id, records in mine.items():
            kinds[merge_id].append(records)
    notices = []
    for merge_id in sorted(merges):
        merge = merges[merge_id]
        counted = {s.activity_id for s in merge.sources if _counted(s.status_before)}
        counted.add(merge.target_id)
        moved = [_moved(workshop, records, counted, merge.target_id) for records in kinds[merge_id]]
        sources = [session.get(Activity, s.activity_id) for s in merge.sources]
        notices.append(
            {
                "merge_id": merge.id,
                "target_id": merge.target_id,
                "target_title": merge.target.title,
                "source_titles": [s.title for s in sources if s is not None],
                "returned": sum(returned for returned, _after in moved),
                "value": moved[0][1],
            }
        )
    return notices


def _moved(workshop: Workshop, mine: list, counted: set[int], target_id: int) -> tuple[int, int]:
    """What a merge gave back to one participant's budget from their votes (or their pre-votes)
    `mine`, and the value it left on the target."""
    before = spent(
        workshop, (r.value_before for r in mine if r.value_before and r.activity_id in counted)
    )
    after = next((r.value_after or 0 for r in mine if r.activity_id == target_id), 0)
    if workshop.voting_mode == VotingMode.APPROVAL.value:
        after = 1 if after else 0
    returned = 0 if workshop.voting_mode == VotingMode.SCORE.value else max(0, before - after)
    return returned, after


def merge_history(session: Session, workshop: Workshop) -> dict[int, list[int]]:
    """target id -> ids of the activities merged into it (standing merges only)."""
    merged: dict[int, list[int]] = defaultdict(list)
    for source_id, target_id in session.execute(
        select(Activity.id, Activity.merged_into_id)
        .where(Activity.workshop_id == workshop.id, Activity.merged_into_id.is_not(None))
        .order_by(Activity.id)
    ):
        merged[target_id].append(source_id)
    return merged
