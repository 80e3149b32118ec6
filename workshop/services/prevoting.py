"""Pre-votes: each working group prioritises its own activities before the plenary.

The workshop's voting rule (mode, budget, cap: rules.py) applies per participant per group:
a member of a table spends the workshop's budget on that table's visible activities, while the
table is in its `prevote` phase. A pre-vote stays with the group it was cast in: a participant
moved to another table keeps what they gave at the first (it counts there) and spends a fresh
budget at the second. Pre-votes on an activity that is hidden since come back to the
participant's budget, as votes do; a merge moves those cast at the target's table onto the
target, as it moves votes (merge_movers.move_prevotes).
"""

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    GroupPhase,
    Participant,
    PreVote,
    VotingMode,
    WorkingGroup,
    Workshop,
)
from .errors import DomainError, Forbidden, NotFound
from .participants import ACTIVE, lock_participant, lock_participants
from .results import ranked, support_total
from .rules import left, limited_by_budget, over_budget, spent, vote_value, within_budget
from .text import activity_key
from .working_groups import GROUP_WORK_PHASES
from .workshops import bump_version

_PREVOTES = PreVote.__table__
_ACTIVITIES = Activity.__table__
_GROUPS = WorkingGroup.__table__
#: the activity pre-voted on, with its group's phase, in one read
_ACTIVITY = (
    select(
        _ACTIVITIES.c.workshop_id,
        _ACTIVITIES.c.status,
        _ACTIVITIES.c.working_group_id,
        _GROUPS.c.phase,
    )
    .select_from(_ACTIVITIES)
    .outerjoin(_GROUPS, _GROUPS.c.id == _ACTIVITIES.c.working_group_id)
    .where(_ACTIVITIES.c.id == bindparam("activity_id"))
)
#: the participant's pre-votes cast in one group, on activities still visible
_MY_PREVOTES = (
    select(_PREVOTES.c.id, _PREVOTES.c.activity_id, _PREVOTES.c.value)
    .join(_ACTIVITIES, _ACTIVITIES.c.id == _PREVOTES.c.activity_id)
    .where(
        _PREVOTES.c.participant_id == bindparam("participant_id"),
        _PREVOTES.c.working_group_id == bindparam("group_id"),
        _ACTIVITIES.c.status == ActivityStatus.VISIBLE.value,
    )
    .order_by(_PREVOTES.c.activity_id)
)
#: the participant's pre-vote on one activity, whatever group it was cast in
_ONE = select(_PREVOTES.c.id).where(
    _PREVOTES.c.participant_id == bindparam("participant_id"),
    _PREVOTES.c.activity_id == bindparam("activity_id"),
)
_INSERT = _PREVOTES.insert()
_UPDATE = (
    _PREVOTES.update()
    .where(_PREVOTES.c.id == bindparam("prevote_id"))
    .values(value=bindparam("value"), working_group_id=bindparam("group_id"))
)
_DELETE = _PREVOTES.delete().where(_PREVOTES.c.id == bindparam("prevote_id"))


def _prevotable(
    session: Session, workshop: Workshop, participant: Participant, activity_id: object
) -> tuple[int, int]:
    """(activity id, group id) of an activity this participant may pre-vote on now, or raise."""
    if participant.workshop_id != workshop.id:
        raise DomainError("participant_unknown")
    key = activity_key(activity_id)
    row = session.execute(_ACTIVITY, {"activity_id": key}).first()
    if row is None or row.workshop_id != workshop.id:
        raise NotFound("activity_not_found")
    if row.working_group_id is None or row.working_group_id != participant.working_group_id:
        raise Forbidden("not_your_group")
    if workshop.phase not in GROUP_WORK_PHASES or row.phase != GroupPhase.PREVOTE.value:
        raise DomainError("not_prevoting")
    if row.status == ActivityStatus.MERGED.value:
        raise DomainError("activity_merged")
    if row.status != ActivityStatus.VISIBLE.value:
        raise DomainError("activity_hidden")
    return key, row.working_group_id


def _mine(session: Session, participant: Participant, group_id: int | None) -> list:
    if group_id is None:
        return []
    return session.execute(
        _MY_PREVOTES, {"participant_id": participant.id, "group_id": group_id}
    ).all()


def cast_prevote(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    activity_id: object,
    *,
    points: object = None,
    score: object = None,
) -> dict:
    """Set the participant's pre-vote on one of their group's activities; dots `points` is the
    new total there (0 withdraws it). Returns what `my_prevotes` says after it."""
    activity, group_id = _prevotable(session, workshop, participant, activity_id)
    lock_participant(session, participant)  # concurrent casts read what the other spent
    mine = _mine(session, participant, group_id)
    others = [(r.activity_id, r.value) for r in mine if r.activity_id != activity]
    new = len(others) == len(mine)  # none given here yet
    value = vote_value(workshop, points, score, [v for _a, v in others], new=new)
    if value == 0:  # dots taken back
        _withdraw(session, workshop, participant, activity)
        return _summary(workshop, others)
    params = {"participant_id": participant.id, "activity_id": activity}
    existing = next((r.id for r in mine if r.activity_id == activity), None)
    if existing is None:  # none here; perhaps one cast before the activity came to this group
        existing = session.execute(_ONE, params).scalar()
    if existing is None:
        session.execute(_INSERT, {**params, "working_group_id": group_id, "value": value})
    else:
        session.execute(_UPDATE, {"prevote_id": existing, "value": value, "group_id": group_id})
    _forget(session, existing)
    bump_version(session, workshop)
    return _summary(workshop, sorted([*others, (activity, value)]))


def withdraw_prevote(
    session: Session, workshop: Workshop, participant: Participant, activity_id: object
) -> dict:
    """Remove the participant's pre-vote on one activity (none to remove is not an error)."""
    activity, group_id = _prevotable(session, workshop, participant, activity_id)
    lock_participant(session, participant)
    _withdraw(session, workshop, participant, activity)
    return my_prevotes(session, workshop, participant)


def _withdraw(session: Session, workshop: Workshop, participant: Participant, activity: int):
    params = {"participant_id": participant.id, "activity_id": activity}
    existing = session.execute(_ONE, params).scalar()
    if existing is not None:
        session.execute(_DELETE, {"prevote_id": existing})
        _forget(session, existing)
        bump_version(session, workshop)


def _forget(session: Session, prevote_id: int | None) -> None:
    """Drop a PreVote object of this session that a Core statement just changed."""
    if prevote_id is not None:
        loaded = session.identity_map.get(session.identity_key(PreVote, prevote_id))
        if loaded is not None:
            session.expire(loaded)


def spent_at_table(
    session: Session,
    workshop: Workshop,
    participant_id: int,
    group_id: int,
    exclude: Iterable[int] = (),
) -> int:
    """What a participant spends of the budget at one table, outside the activities `exclude`."""
    left_out = set(exclude)
    rows = session.execute(_MY_PREVOTES, {"participant_id": participant_id, "group_id": group_id})
    return spent(workshop, (r.value for r in rows if r.activity_id not in left_out))


def trim_prevotes_over_limit(session: Session, workshop: Workshop, activity_id: int) -> None:
    """Reduce the pre-votes on an activity that came back (a merge undone) so that nobody is
    over the budget at the table they were cast at: their newer pre-votes stay."""
    if not limited_by_budget(workshop):
        return
    prevotes = session.scalars(
        select(PreVote).where(PreVote.activity_id == activity_id).order_by(PreVote.participant_id)
    ).all()
    lock_participants(session, [p.participant_id for p in prevotes])
    for prevote in prevotes:
        session.flush()
        at_table = spent_at_table(
            session, workshop, prevote.participant_id, prevote.working_group_id
        )
        kept, _given = within_budget(workshop, prevote.value, over_budget(workshop, at_table))
        if kept:
            prevote.value = kept
        else:
            session.delete(prevote)
    session.flush()


def my_prevotes(session: Session, workshop: Workshop, participant: Participant) -> dict:
    """The participant's pre-votes in their current group and what they have left to give."""
    group_id = participant.working_group_id
    return _summary(
        workshop, [(r.activity_id, r.value) for r in _mine(session, participant, group_id)]
    )


def acknowledgement(mine: dict) -> dict:
    """What a phone is told after a pre-vote (socket ack and REST alike): `my_prevotes`, and
    `left`, the same figure as `prevote_left` under the name a vote's ack gives it."""
    return {"ok": True, **mine, "left": mine["prevote_left"]}


def _summary(workshop: Workshop, mine: list[tuple[int, int]]) -> dict:
    prevotes = [{"activity_id": activity, "value": value} for activity, value in mine]
    spent_now = spent(workshop, (v for _a, v in mine))
    return {"prevotes": prevotes, "prevote_left": left(workshop, spent_now)}


# -- a table's pre-vote results ---------------------------------------------------------------


def prevote_results(session: Session, workshop: Workshop, group_id: int) -> list[dict]:
    """The group's visible activities ranked by their pre-vote at this table:
    {activity_id, total, voters, rank}; ties: total desc, voters desc, activity id asc.

    Pre-votes of participants no longer active (removed, or merged into another identity:
    participant_merging.py) do not count; an undo of that change counts them again."""
    return all_prevote_results(session, workshop, [group_id])[group_id]


def all_prevote_results(
    session: Session, workshop: Workshop, group_ids: list[int]
) -> dict[int, list[dict]]:
    """`prevote_results` of several groups in two queries (a snapshot reads every table's)."""
    mean = workshop.voting_mode == VotingMode.SCORE.value
    tallies = {
        (group_id, activity_id): (count, int(points or 0))
        for group_id, activity_id, count, points in session.execute(
            select(
                PreVote.working_group_id,
                PreVote.activity_id,
                func.count(PreVote.id),
                func.sum(PreVote.value),
            )
            .join(Activity, Activity.id == PreVote.activity_id)
            .join(Participant, Participant.id == PreVote.participant_id)
            .where(
                ACTIVE,  # a removed participant's, or an identity merged into another: not counted
                Activity.workshop_id == workshop.id,
                Activity.working_group_id.in_(group_ids),
                Activity.working_group_id == PreVote.working_group_id,
                Activity.status == ActivityStatus.VISIBLE.value,
            )
            .group_by(PreVote.working_group_id, PreVote.activity_id)
        )
    }
    items: dict[int, list[dict]] = {group_id: [] for group_id in group_ids}
    for group_id, activity_id in session.execute(
        select(Activity.working_group_id, Activity.id)
        .where(
            Activity.workshop_id == workshop.id,
            Activity.working_group_id.in_(group_ids),
            Activity.status == ActivityStatus.VISIBLE.value,
        )
        .order_by(Activity.id)
    ):
        count, points = tallies.get((group_id, activity_id), (0, 0))
        items[group_id].append(
            {
                "activity_id": activity_id,
                "total": support_total(points, count, mean),
                "voters": count,
            }
        )
    return {group_id: ranked(rows) for group_id, rows in items.items()}
