"""Results: tallies, ranking and the split by stakeholder group, recomputed from the votes."""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Activity, ActivityStatus, Participant, Vote, VotingMode, Workshop


def compute_results(session: Session, workshop: Workshop) -> dict:
    """Ranked results of the visible activities, with each group's share."""
    rows = session.execute(
        select(
            Vote.activity_id,
            Participant.group_id,
            func.count(Vote.id),
            func.sum(Vote.value),
        )
        .join(Activity, Activity.id == Vote.activity_id)
        .join(Participant, Participant.id == Vote.participant_id)
        .where(
            Activity.workshop_id == workshop.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
        .group_by(Vote.activity_id, Participant.group_id)
    ).all()
    voters = session.scalar(
        select(func.count(func.distinct(Vote.participant_id)))
        .join(Activity, Activity.id == Vote.activity_id)
        .where(
            Activity.workshop_id == workshop.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
    )
    per_group: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for activity_id, group_id, count, total in rows:
        per_group[activity_id][group_id] = (count, int(total or 0))
    activity_ids = session.scalars(
        select(Activity.id).where(
            Activity.workshop_id == workshop.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
    ).all()
    mean = workshop.voting_mode == VotingMode.SCORE.value
    items = []
    for activity_id in activity_ids:
        groups = per_group.get(activity_id, {})
        count = sum(c for c, _ in groups.values())
        points = sum(t for _, t in groups.values())
        items.append(
            {
                "activity_id": activity_id,
                "total": _total(points, count, mean),
                "voters": count,
                "by_group": [_group_share(g.id, groups, mean) for g in workshop.groups],
            }
        )
    items.sort(key=lambda r: (-r["total"], -r["voters"], r["activity_id"]))
    rank, previous = 0, None
    for position, item in enumerate(items, start=1):
        key = (item["total"], item["voters"])
        if key != previous:
            rank, previous = position, key
        item["rank"] = rank
    return {"mode": workshop.voting_mode, "voters": voters or 0, "activities": items}


def _group_share(group_id: int, groups: dict[int, tuple[int, int]], mean: bool) -> dict:
    count, points = groups.get(group_id, (0, 0))
    return {"group_id": group_id, "total": _total(points, count, mean), "voters": count}


def _total(points: int, count: int, mean: bool) -> float | int:
    if not mean:
        return points
    return round(points / count, 2) if count else 0
