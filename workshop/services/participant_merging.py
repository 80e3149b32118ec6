"""The facilitator's fixes to who is in the room: merge two participants, remove one, undo.

A merge is the lost-cookies case: one person joined twice. The kept participant keeps their
votes and receives the other's within the voting rule (rules.combined_votes); what finds no
room is returned. Their pre-votes combine the same way, table by table: each at the table it
was cast at, within that table's budget. The merged participant's proposals, comments,
commitments and op_ids follow, so that their old phone, which now acts as the kept
participant, sees its own work and a retried action still has effect once. A removal
withdraws the participant's votes (their pre-votes stay and stop counting: prevoting.py).
Both are recorded (ParticipantChange) and undone from the record while the workshop is open.
"""

from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    Comment,
    Commitment,
    Operation,
    Participant,
    ParticipantChange,
    ParticipantChangeKind,
    ParticipantChangeMove,
    ParticipantChangePreVote,
    ParticipantChangeVote,
    ParticipantStatus,
    Phase,
    PreVote,
    Vote,
    Workshop,
    utcnow,
)
from .errors import Conflict, DomainError, NotFound
from .operations import participant_actor
from .participants import ACTIVE, lock_participants
from .rules import combined_votes, limited_by_budget, over_budget, spent, within_budget
from .text import record_id
from .timer import iso_utc
from .workshops import bump_version


def get_participant(session: Session, workshop: Workshop, public_id: object) -> Participant:
    """The workshop's participant with this pseudonym (any status), or NotFound."""
    if not isinstance(public_id, str) or not 0 < len(public_id) <= 16:
        raise NotFound("participant_not_found")
    participant = session.scalar(
        select(Participant).where(
            Participant.workshop_id == workshop.id, Participant.public_id == public_id.strip()
        )
    )
    if participant is None:
        raise NotFound("participant_not_found")
    return participant


def _open(workshop: Workshop) -> None:
    if workshop.phase == Phase.CLOSED.value:
        raise DomainError("participants_closed")


def _active(session: Session, workshop: Workshop, public_id: object) -> Participant:
    participant = get_participant(session, workshop, public_id)
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise Conflict("participant_not_active")
    return participant


def _votes(session: Session, participant_id: int) -> dict[int, Vote]:
    return {
        v.activity_id: v
        for v in session.scalars(select(Vote).where(Vote.participant_id == participant_id))
    }


def _statuses(session: Session, activity_ids) -> dict[int, str]:
    return dict(
        session.execute(
            select(Activity.id, Activity.status).where(Activity.id.in_(sorted(activity_ids)))
        ).all()
    )


def _record_vote(change: ParticipantChange, vote: Vote | None, participant_id, activity_id, after):
    change.votes.append(
        ParticipantChangeVote(
            participant_id=participant_id,
            activity_id=activity_id,
            value_before=vote.value if vote else None,
            value_after=after,
            created_before=vote.created_at if vote else None,
            updated_before=vote.updated_at if vote else None,
        )
    )


def _prevotes(session: Session, participant_id: int) -> dict[int, PreVote]:
    return {
        p.activity_id: p
        for p in session.scalars(select(PreVote).where(PreVote.participant_id == participant_id))
    }


def _record_prevote(
    change: ParticipantChange, prevote: PreVote | None, participant_id, activity_id, table, after
):
    change.prevotes.append(
        ParticipantChangePreVote(
            participant_id=participant_id,
            activity_id=activity_id,
            working_group_id=table,
            value_before=prevote.value if prevote else None,
            value_after=after,
            created_before=prevote.created_at if prevote else None,
            updated_before=prevote.updated_at if prevote else None,
        )
    )


# -- merge ---------------------------------------------------------------------------------


def merge_participants(
    session: Session, workshop: Workshop, kept_id: object, merged_id: object
) -> ParticipantChange:
    """Merge participant `merged_id` into `kept_id` (pseudonyms): one person, one budget."""
    _open(workshop)
    kept = _active(session, workshop, kept_id)
    merged = _active(session, workshop, merged_id)
    if kept.id == merged.id:
        raise DomainError("participant_merge_itself")
    # Both, in id order, before reading what they spent (services/participants.py).
    lock_participants(session, (kept.id, merged.id))
    mine, theirs = _votes(session, kept.id), _votes(session, merged.id)
    statuses = _statuses(session, set(mine) | set(theirs))
    combined = combined_votes(
        workshop,
        {a: v.value for a, v in mine.items()},
        {a: v.value for a, v in theirs.items()},
        lambda a: statuses[a] == ActivityStatus.VISIBLE.value,
    )
    change = ParticipantChange(
        workshop_id=workshop.id,
        kind=ParticipantChangeKind.MERGE.value,
        participant_id=merged.id,
        kept_id=kept.id,
    )
    session.add(change)
    for activity_id, vote in sorted(theirs.items()):
        _record_vote(change, vote, merged.id, activity_id, None)
        session.delete(vote)
    for activity_id, value in sorted(combined.items()):
        vote = mine.get(activity_id)
        if vote is not None and vote.value == value:
            continue
        _record_vote(change, vote, kept.id, activity_id, value)
        if vote is None:
            session.add(Vote(participant_id=kept.id, activity_id=activity_id, value=value))
        else:
            vote.value = value
    session.flush()
    _combine_prevotes(session, workshop, change, kept.id, merged.id)
    _move_rows(session, workshop, change, merged.id, kept.id)
    merged.status = ParticipantStatus.MERGED.value
    session.flush()
    bump_version(session, workshop)
    return change


def _combine_prevotes(
    session: Session, workshop: Workshop, change: ParticipantChange, kept_id: int, merged_id: int
) -> None:
    """The merged participant's pre-votes join the kept one's at the table each was cast at,
    under the votes' rule and that table's budget (prevoting.spent_at_table: visible
    activities). Two tables never mix; a pre-vote on an activity the kept one pre-voted at
    another table finds no room (a participant pre-votes once per activity)."""
    mine, theirs = _prevotes(session, kept_id), _prevotes(session, merged_id)
    if not theirs:
        return
    statuses = _statuses(session, set(mine) | set(theirs))
    combined: dict[int, dict[int, int]] = {}
    for table in sorted({p.working_group_id for p in theirs.values()}):
        combined[table] = combined_votes(
            workshop,
            {a: p.value for a, p in mine.items() if p.working_group_id == table},
            {
                a: p.value
                for a, p in theirs.items()
                if p.working_group_id == table and mine.get(a, p).working_group_id == table
            },
            lambda a: statuses[a] == ActivityStatus.VISIBLE.value,
        )
    for activity_id, prevote in sorted(theirs.items()):
        _record_prevote(change, prevote, merged_id, activity_id, prevote.working_group_id, None)
        session.delete(prevote)
    for table, values in combined.items():
        for activity_id, value in sorted(values.items()):
            prevote = mine.get(activity_id)
            if prevote is not None and prevote.value == value:
                continue
            _record_prevote(change, prevote, kept_id, activity_id, table, value)
            if prevote is None:
                session.add(
                    PreVote(
                        participant_id=kept_id,
                        activity_id=activity_id,
                        working_group_id=table,
                        value=value,
                    )
                )
            else:
                prevote.value = value
    session.flush()


#: what follows a merged participant to the kept one: kind -> (model, column)
_FOLLOWERS = {
    "activity": (Activity, Activity.proposed_by_id),
    "comment": (Comment, Comment.participant_id),
    "commitment": (Commitment, Commitment.made_by_id),
}


def _move_rows(session: Session, workshop: Workshop, change, from_id: int, to_id: int) -> None:
    for kind, (model, column) in _FOLLOWERS.items():
        ids = session.scalars(select(model.id).where(column == from_id).order_by(model.id)).all()
        for row_id in ids:
            change.moves.append(ParticipantChangeMove(kind=kind, row_id=row_id))
        if ids:
            session.execute(
                update(model).where(model.id.in_(ids)).values({column.key: to_id}),
                execution_options={"synchronize_session": "fetch"},
            )
    # Their op_ids: a retry from the merged phone (now acting as the kept participant) finds
    # its first acknowledgement. An op_id the kept participant already used stays behind.
    old, new = participant_actor(from_id), participant_actor(to_id)
    taken = set(
        session.scalars(
            select(Operation.op_id).where(
                Operation.workshop_id == workshop.id, Operation.actor == new
            )
        )
    )
    operations = session.scalars(
        select(Operation)
        .where(Operation.workshop_id == workshop.id, Operation.actor == old)
        .order_by(Operation.id)
    ).all()
    for operation in operations:
        if operation.op_id not in taken:
            change.moves.append(ParticipantChangeMove(kind="operation", row_id=operation.id))
            operation.actor = new
    session.flush()


def _move_back(session: Session, workshop: Workshop, change: ParticipantChange) -> None:
    """Rows the merge moved go back to the merged participant, if still with the kept one."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for move in change.moves:
        by_kind[move.kind].append(move.row_id)
    for kind, (model, column) in _FOLLOWERS.items():
        if by_kind[kind]:
            session.execute(
                update(model)
                .where(model.id.in_(by_kind[kind]), column == change.kept_id)
                .values({column.key: change.participant_id}),
                execution_options={"synchronize_session": "fetch"},
            )
    if by_kind["operation"]:
        session.execute(
            update(Operation)
            .where(
                Operation.id.in_(by_kind["operation"]),
                Operation.actor == participant_actor(change.kept_id),
            )
            .values(actor=participant_actor(change.participant_id)),
            execution_options={"synchronize_session": "fetch"},
        )


# -- removal -------------------------------------------------------------------------------


def remove_participant(session: Session, workshop: Workshop, public_id: object):
    """Remove a participant: their votes are withdrawn (recorded, so that an undo restores
    them); their proposals, comments and commitments stay, as anyone's do."""
    _open(workshop)
    participant = _active(session, workshop, public_id)
    lock_participants(session, (participant.id,))
    change = ParticipantChange(
        workshop_id=workshop.id,
        kind=ParticipantChangeKind.REMOVAL.value,
        participant_id=participant.id,
    )
    session.add(change)
    for activity_id, vote in sorted(_votes(session, participant.id).items()):
        _record_vote(change, vote, participant.id, activity_id, None)
        session.delete(vote)
    participant.status = ParticipantStatus.REMOVED.value
    session.flush()
    bump_version(session, workshop)
    return change


# -- undo ----------------------------------------------------------------------------------


def get_participant_change(session: Session, workshop: Workshop, change_id: object):
    key = record_id(change_id)
    change = session.get(ParticipantChange, key) if key is not None else None
    if change is None or change.workshop_id != workshop.id:
        raise NotFound("participant_change_not_found")
    return change


def undo_participant_change(
    session: Session, workshop: Workshop, change_id: object
) -> ParticipantChange:
    """Put a merge or a removal back: the votes and pre-votes as recorded, except what changed
    since."""
    change = get_participant_change(session, workshop, change_id)
    if change.undone_at is not None:
        raise Conflict("participant_change_already_undone")
    _open(workshop)
    if change.kept is not None and change.kept.status != ParticipantStatus.ACTIVE.value:
        raise Conflict("participant_undo_order")  # the kept one was merged or removed since
    ids = [change.participant_id] + ([change.kept_id] if change.kept_id else [])
    lock_participants(session, ids)
    rows = list(change.votes)
    statuses = _statuses(session, {r.activity_id for r in rows})
    current = {pid: _votes(session, pid) for pid in ids}
    for row in rows:
        vote = current[row.participant_id].get(row.activity_id)
        if row.participant_id == change.kept_id:
            if (vote.value if vote else None) != row.value_after:
                continue  # they changed this vote since: their latest word stands
            if row.value_before is None:
                if vote is not None:
                    session.delete(vote)
                continue
        elif statuses[row.activity_id] == ActivityStatus.MERGED.value:
            continue  # merged since: that support moved on with the kept participant's
        if vote is None:
            vote = Vote(participant_id=row.participant_id, activity_id=row.activity_id)
            session.add(vote)
        vote.value = row.value_before
        vote.created_at, vote.updated_at = row.created_before, row.updated_before
    session.flush()
    _restore_prevotes(session, change, ids)
    if change.kind == ParticipantChangeKind.MERGE.value:
        _move_back(session, workshop, change)
    change.participant.status = ParticipantStatus.ACTIVE.value
    change.undone_at = utcnow()
    session.flush()
    for pid in ids:
        _trim(session, workshop, pid)
        _trim_prevotes(session, workshop, pid)
    bump_version(session, workshop)
    return change


def _restore_prevotes(session: Session, change: ParticipantChange, ids: list[int]) -> None:
    """The pre-votes as recorded (value, table, timestamps), as `undo_participant_change` puts
    the votes back: a kept pre-vote changed since is their latest word."""
    rows = list(change.prevotes)
    if not rows:
        return
    statuses = _statuses(session, {r.activity_id for r in rows})
    current = {pid: _prevotes(session, pid) for pid in ids}
    for row in rows:
        prevote = current[row.participant_id].get(row.activity_id)
        if row.participant_id == change.kept_id:
            now = (prevote.working_group_id, prevote.value) if prevote else None
            if now != ((row.working_group_id, row.value_after) if row.value_after else None):
                continue  # they changed this pre-vote since: their latest word stands
            if row.value_before is None:
                if prevote is not None:
                    session.delete(prevote)
                continue
        elif statuses[row.activity_id] == ActivityStatus.MERGED.value:
            continue  # merged since: that support moved on with the kept participant's
        if prevote is None:
            prevote = PreVote(participant_id=row.participant_id, activity_id=row.activity_id)
            session.add(prevote)
        prevote.working_group_id = row.working_group_id
        prevote.value = row.value_before
        prevote.created_at, prevote.updated_at = row.created_before, row.updated_before
    session.flush()


def _trim(session: Session, workshop: Workshop, participant_id: int) -> None:
    """Bring a participant back within the budget (votes on activities restored since their
    record), taking from their latest activities first."""
    if not limited_by_budget(workshop):
        return
    votes = _votes(session, participant_id)
    statuses = _statuses(session, set(votes))
    counted = [v for a, v in sorted(votes.items()) if statuses[a] == ActivityStatus.VISIBLE.value]
    _give_back(session, workshop, counted)


def _trim_prevotes(session: Session, workshop: Workshop, participant_id: int) -> None:
    """As `_trim`, for the pre-votes: within the budget at each table they were cast at."""
    if not limited_by_budget(workshop):
        return
    prevotes = _prevotes(session, participant_id)
    statuses = _statuses(session, set(prevotes))
    tables: dict[int, list[PreVote]] = defaultdict(list)
    for activity_id, prevote in sorted(prevotes.items()):
        if statuses[activity_id] == ActivityStatus.VISIBLE.value:
            tables[prevote.working_group_id].append(prevote)
    for counted in tables.values():
        _give_back(session, workshop, counted)


def _give_back(session: Session, workshop: Workshop, counted: list) -> None:
    """Votes or pre-votes of one budget, in activity order: the latest give back the excess."""
    over = over_budget(workshop, spent(workshop, (v.value for v in counted)))
    for vote in reversed(counted):
        if over <= 0:
            break
        kept, given = within_budget(workshop, vote.value, over)
        over -= given
        if kept:
            vote.value = kept
        else:
            session.delete(vote)
    session.flush()


# -- what the console shows ----------------------------------------------------------------


def participant_rows(session: Session, workshop: Workshop) -> list[dict]:
    """The active participants, in joining order, with what they spent (votes that count)."""
    people = session.scalars(
        select(Participant)
        .where(Participant.workshop_id == workshop.id, ACTIVE)
        .order_by(Participant.joined_at, Participant.id)
    ).all()
    votes: dict[int, list[int]] = defaultdict(list)
    for participant_id, value in session.execute(
        select(Vote.participant_id, Vote.value)
        .join(Activity, Activity.id == Vote.activity_id)
        .where(
            Activity.workshop_id == workshop.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
    ):
        votes[participant_id].append(value)
    return [
        {
            "participant_id": p.public_id,
            "name": p.display_name,
            "organisation": p.organisation,
            "group_id": p.group_id,
            "working_group_id": p.working_group_id,
            "joined_at": iso_utc(p.joined_at, "auto"),
            "votes": len(votes[p.id]),
            "spent": spent(workshop, votes[p.id]),
            "_id": p.id,
        }
        for p in people
    ]


def change_record(change: ParticipantChange) -> dict:
    return {
        "change_id": change.id,
        "kind": change.kind,
        "participant_id": change.participant.public_id,
        "kept_id": change.kept.public_id if change.kept is not None else None,
        "created_at": iso_utc(change.created_at, "seconds"),
        "undone_at": iso_utc(change.undone_at, "seconds") if change.undone_at else None,
    }


def list_participant_changes(session: Session, workshop: Workshop) -> list[ParticipantChange]:
    return list(
        session.scalars(
            select(ParticipantChange)
            .where(ParticipantChange.workshop_id == workshop.id)
            .order_by(ParticipantChange.id)
        )
    )
