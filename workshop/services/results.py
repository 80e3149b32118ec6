"""Results: tallies, ranking and the split by stakeholder group, recomputed from the votes.

Once the working groups rolled up (rollup.py), the plenary's results are those of the ballot's
activities only, each with its provenance (the group that brought it, its pre-vote there).
"""

from collections import defaultdict

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from ..models import Activity, ActivityStatus, BallotEntry, Participant, Vote, VotingMode, Workshop
from . import consensus

#: what a ballot entry tells of where an activity comes from
PROVENANCE_FIELDS = (
    "working_group_id",
    "prevote_rank",
    "prevote_total",
    "prevote_voters",
    "marked",
)


def provenance(entry: BallotEntry) -> dict:
    return {field: getattr(entry, field) for field in PROVENANCE_FIELDS}


def ballot_entries(session: Session, workshop: Workshop) -> list[BallotEntry]:
    """The plenary's ballot in presenting order ([]: no roll-up, every activity is voted on)."""
    return list(
        session.scalars(
            select(BallotEntry)
            .where(BallotEntry.workshop_id == workshop.id)
            .order_by(BallotEntry.position, BallotEntry.id)
        )
    )


def compute_results(session: Session, workshop: Workshop) -> dict:
    """Ranked results of the visible activities, with each group's share and consensus;
    of the ballot's activities only once there is a ballot, each with its provenance."""
    mean = workshop.voting_mode == VotingMode.SCORE.value
    support = (
        case((Vote.value >= consensus.SCORE_SUPPORT, 1), else_=0) if mean else literal_column("1")
    )
    low = case((Vote.value <= consensus.SCORE_LOW, 1), else_=0) if mean else literal_column("0")
    visible = (
        Activity.workshop_id == workshop.id,
        Activity.status == ActivityStatus.VISIBLE.value,
    )
    entries = {e.activity_id: e for e in ballot_entries(session, workshop)}
    if entries:  # the ballot already read: its ids, not a subquery of it in each query
        visible = (*visible, Activity.id.in_(list(entries)))
    rows = session.execute(
        select(
            Vote.activity_id,
            Participant.group_id,
            func.count(Vote.id),
            func.sum(Vote.value),
            func.sum(support),
            func.sum(low),
        )
        .join(Activity, Activity.id == Vote.activity_id)
        .join(Participant, Participant.id == Vote.participant_id)
        .where(*visible)
        .group_by(Vote.activity_id, Participant.group_id)
    ).all()
    voters_by_group = dict(
        session.execute(
            select(Participant.group_id, func.count(func.distinct(Vote.participant_id)))
            .join(Activity, Activity.id == Vote.activity_id)
            .join(Participant, Participant.id == Vote.participant_id)
            .where(*visible)
            .group_by(Participant.group_id)
        ).all()
    )
    voters = sum(voters_by_group.values())
    per_group: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    supporters: dict[int, dict[int, int]] = defaultdict(dict)
    lows: dict[int, dict[int, int]] = defaultdict(dict)
    for activity_id, group_id, count, total, supporting, scored_low in rows:
        per_group[activity_id][group_id] = (count, int(total or 0))
        supporters[activity_id][group_id] = int(supporting or 0)
        lows[activity_id][group_id] = int(scored_low or 0)
    activity_ids = session.scalars(select(Activity.id).where(*visible)).all()
    groups = list(workshop.groups)
    items = []
    for activity_id in activity_ids:
        by_group = per_group.get(activity_id, {})
        count = sum(c for c, _ in by_group.values())
        points = sum(t for _, t in by_group.values())
        item = {
            "activity_id": activity_id,
            "total": support_total(points, count, mean),
            "voters": count,
            "by_group": [_group_share(g.id, by_group, mean) for g in groups],
        }
        if entries:
            item["provenance"] = provenance(entries[activity_id])
        items.append(item)
    ranked(items)
    counts = {
        activity_id: [
            consensus.GroupCounts(
                supporters=supporters[activity_id].get(g.id, 0),
                votes=per_group[activity_id].get(g.id, (0, 0))[0],
                points=per_group[activity_id].get(g.id, (0, 0))[1],
                low=lows[activity_id].get(g.id, 0),
            )
            for g in groups
        ]
        for activity_id in activity_ids
    }
    group_voters = [voters_by_group.get(g.id, 0) for g in groups]
    consensus.annotate(items, counts, [g.id for g in groups], group_voters, mean)
    return {
        "mode": workshop.voting_mode,
        "voters": voters,
        "groups": [
            {"group_id": g.id, "voters": n} for g, n in zip(groups, group_voters, strict=True)
        ],
        "consensus_rule": consensus.rule(),
        "activities": items,
    }


def ranked(items: list[dict]) -> list[dict]:
    """Sort by total desc, voters desc, activity id asc, and set each one's `rank` (the same
    rank for the same total and voters); the items are changed in place and returned."""
    items.sort(key=lambda r: (-r["total"], -r["voters"], r["activity_id"]))
    rank, previous = 0, None
    for position, item in enumerate(items, start=1):
        key = (item["total"], item["voters"])
        if key != previous:
            rank, previous = position, key
        item["rank"] = rank
    return items


def _group_share(group_id: int, groups: dict[int, tuple[int, int]], mean: bool) -> dict:
    count, points = groups.get(group_id, (0, 0))
    return {"group_id": group_id, "total": support_total(points, count, mean), "voters": count}


def support_total(points: int, count: int, mean: bool) -> float | int:
    """An activity's total: its points (dots, approvals), or its mean score."""
    if not mean:
        return points
    return round(points / count, 2) if count else 0
