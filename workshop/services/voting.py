"""Votes: the server is the only judge of the workshop's voting rule."""

from sqlalchemy import bindparam, delete, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..models import (
    Activity,
    ActivityStatus,
    BallotEntry,
    Participant,
    Phase,
    Vote,
    VotingMode,
    Workshop,
)
from .errors import DomainError, NotFound
from .participants import lock_participant, lock_participants
from .rules import (
    left,
    limited_by_budget,
    over_budget,
    spent,
    vote_value,
    within_budget,
)
from .text import activity_key
from .workshops import bump_version

#: The statements of a vote are built once: SQLAlchemy then reuses their cache key instead
#: of rebuilding and re-hashing them on every vote (seen in a profile of a burst). They name
#: table columns, not mapped attributes: rows, not objects, so the ORM's result machinery
#: stays out of the hot path.
_VOTES = Vote.__table__
_ACTIVITIES = Activity.__table__
_BALLOT = BallotEntry.__table__
#: the activity voted on, and whether the workshop has a ballot (a roll-up: rollup.py) and it
#: is on it: one indexed read, as before the ballot existed
_ACTIVITY = select(
    _ACTIVITIES.c.workshop_id,
    _ACTIVITIES.c.status,
    exists().where(_BALLOT.c.workshop_id == _ACTIVITIES.c.workshop_id).label("has_ballot"),
    exists()
    .where(
        _BALLOT.c.workshop_id == _ACTIVITIES.c.workshop_id,
        _BALLOT.c.activity_id == _ACTIVITIES.c.id,
    )
    .label("on_ballot"),
).where(_ACTIVITIES.c.id == bindparam("activity_id"))
_MY_VOTES = (
    select(_VOTES.c.id, _VOTES.c.activity_id, _VOTES.c.value)
    .join(_ACTIVITIES, _ACTIVITIES.c.id == _VOTES.c.activity_id)
    .where(
        _VOTES.c.participant_id == bindparam("participant_id"),
        _ACTIVITIES.c.status == ActivityStatus.VISIBLE.value,
    )
    .order_by(_VOTES.c.activity_id)
)
_INSERT_VOTE = _VOTES.insert()
_UPDATE_VOTE = (
    _VOTES.update().where(_VOTES.c.id == bindparam("vote_id")).values(value=bindparam("value"))
)


def _votable(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    activity_id,
    *,
    withdrawing: bool = False,
) -> int:
    """The id of a visible activity of the workshop that may be voted on now, or raise.

    Once there is a ballot, only its activities; a vote cast elsewhere before the roll-up
    may still be withdrawn (`withdrawing`), so that its dots come back.
    """
    if participant.workshop_id != workshop.id:
        raise DomainError("participant_unknown")
    if workshop.phase != Phase.VOTING.value:
        raise DomainError("not_voting")
    key = activity_key(activity_id)
    row = session.execute(_ACTIVITY, {"activity_id": key}).first()
    if row is None or row.workshop_id != workshop.id:
        raise NotFound("activity_not_found")
    if row.status == ActivityStatus.MERGED.value:
        raise DomainError("activity_merged")
    if row.status != ActivityStatus.VISIBLE.value:
        raise DomainError("activity_hidden")
    if row.has_ballot and not row.on_ballot and not withdrawing:
        raise DomainError("not_on_ballot")
    return key


def _my_vote_rows(session: Session, participant: Participant) -> list:
    """(id, activity_id, value) of the participant's votes on visible activities."""
    return session.execute(_MY_VOTES, {"participant_id": participant.id}).all()


def cast_vote(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    activity_id: object,
    *,
    points: object = None,
    score: object = None,
) -> Vote | None:
    """Set the participant's vote on one activity; dots `points` is the new total there.

    Returns the vote, or None when dots `points` is 0 (the vote is withdrawn).
    """
    return _cast(session, workshop, participant, activity_id, points, score)[0]


def cast_vote_and_list_mine(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    activity_id: object,
    *,
    points: object = None,
    score: object = None,
) -> dict:
    """`cast_vote`, then what `my_votes` would say, without reading the votes a second time."""
    _vote, after = _cast(session, workshop, participant, activity_id, points, score)
    return _summary(workshop, after)


def _cast(session, workshop, participant, activity_id, points, score):
    """The vote (or None) and the participant's visible votes after it, as (activity, value)."""
    activity = _votable(session, workshop, participant, activity_id)
    lock_participant(session, participant)
    # One read gives the vote being changed, the dots spent elsewhere and the supports.
    mine = _my_vote_rows(session, participant)
    existing = next((row for row in mine if row.activity_id == activity), None)
    others = [r.value for r in mine if r.activity_id != activity]
    value = vote_value(workshop, points, score, others, new=existing is None)
    if value == 0:  # dots taken back
        _withdraw(session, workshop, existing)
        return None, [(r.activity_id, r.value) for r in mine if r.activity_id != activity]
    # Core statements, not the unit of work: a flush cost more than the rest of the vote.
    if existing is None:
        vote_id = session.execute(
            _INSERT_VOTE,
            {"participant_id": participant.id, "activity_id": activity, "value": value},
        ).inserted_primary_key[0]
    else:
        vote_id = existing.id
        session.execute(_UPDATE_VOTE, {"vote_id": vote_id, "value": value})
        loaded = session.identity_map.get(session.identity_key(Vote, vote_id))
        if loaded is not None:  # keep a Vote object of this session true to the row
            set_committed_value(loaded, "value", value)
    bump_version(session, workshop)
    after = sorted(
        [(r.activity_id, r.value) for r in mine if r.activity_id != activity] + [(activity, value)]
    )
    vote = Vote(id=vote_id, participant_id=participant.id, activity_id=activity, value=value)
    return vote, after


def withdraw_vote(
    session: Session, workshop: Workshop, participant: Participant, activity_id: object
) -> None:
    """Remove the participant's vote on one activity (nothing to remove is not an error)."""
    activity = _votable(session, workshop, participant, activity_id, withdrawing=True)
    lock_participant(session, participant)
    mine = _my_vote_rows(session, participant)
    _withdraw(session, workshop, next((row for row in mine if row.activity_id == activity), None))


def _withdraw(session: Session, workshop: Workshop, vote) -> None:
    if vote is not None:
        # ORM-enabled: a Vote object of this session is marked deleted too
        session.execute(delete(Vote).where(Vote.id == vote.id))
        bump_version(session, workshop)


def _visible_votes(participant: Participant):
    return (
        select(Vote)
        .join(Activity, Activity.id == Vote.activity_id)
        .where(
            Vote.participant_id == participant.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
    )


def _spent(session: Session, participant: Participant, exclude_activity: int | None = None) -> int:
    # Dots on hidden activities come back to the participant's budget.
    query = _visible_votes(participant).with_only_columns(func.coalesce(func.sum(Vote.value), 0))
    if exclude_activity is not None:
        query = query.where(Vote.activity_id != exclude_activity)
    return session.scalar(query)


def _count(session: Session, participant: Participant) -> int:
    return session.scalar(_visible_votes(participant).with_only_columns(func.count(Vote.id)))


def my_votes(session: Session, workshop: Workshop, participant: Participant) -> dict:
    """The participant's votes on visible activities and what they have left to give."""
    return _summary(
        workshop, [(row.activity_id, row.value) for row in _my_vote_rows(session, participant)]
    )


def _summary(workshop: Workshop, mine: list[tuple[int, int]]) -> dict:
    """`my_votes` from (activity id, value) pairs in activity order."""
    votes = [{"activity_id": activity, "value": value} for activity, value in mine]
    return {"votes": votes, "left": left(workshop, spent(workshop, (v for _a, v in mine)))}


def trim_votes_over_limit(session: Session, workshop: Workshop, activity: Activity) -> None:
    """Reduce votes on `activity` so that no voter exceeds the budget (after a restore)."""
    if not limited_by_budget(workshop):
        return
    voters = session.scalars(
        select(Vote.participant_id).where(Vote.activity_id == activity.id).distinct()
    ).all()
    # Before reading what they spent: a vote of theirs in flight commits first, and is seen.
    lock_participants(session, voters)
    for vote in session.scalars(select(Vote).where(Vote.activity_id == activity.id)).all():
        participant = vote.participant
        if workshop.voting_mode == VotingMode.DOTS.value:
            over = over_budget(workshop, _spent(session, participant))
        else:
            over = over_budget(workshop, _count(session, participant))
        kept, _given = within_budget(workshop, vote.value, over)
        if kept:
            vote.value = kept
        else:
            session.delete(vote)
        session.flush()
