"""The workplan: retained activities, who leads and supports them, and what needs attention."""

from collections import Counter, defaultdict
from collections.abc import Callable
from statistics import median

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..models import (
    MAX_RETAIN,
    Activity,
    ActivityStatus,
    Comment,
    Commitment,
    CommitmentRole,
    CommitmentStatus,
    Participant,
    RetainedActivity,
    Workshop,
)
from .activities import get_activity, list_activities
from .comments import SCREEN_COMMENTS, comment_counts, comment_records, my_comments
from .commitments import (
    ROLE_ORDER,
    combine_commitments,
    commitment_record,
    commitment_rows,
    commitments_accepted,
    list_commitments,
)
from .errors import DomainError
from .group_report import brought_by
from .organisations import commitment_identity
from .results import compute_results
from .text import clean_int
from .workshops import bump_version

#: an organisation is flagged when it holds more than this many times the median commitments
OVERCOMMITTED_FACTOR = 2
#: ... and at least this many (three commitments is never "far more than others")
OVERCOMMITTED_MIN = 4

RankingKey = Callable[[dict, int], tuple]

#: ways to rank activities for "retain the top N": name -> sort key of a results entry.
#: A feature that computes another measure (issue 6: consensus) adds its own entry here.
RANKINGS: dict[str, RankingKey] = {
    # the results' own order: total (votes, dots or mean score), then voters
    "total": lambda r, groups: (-r["total"], -r["voters"], r["activity_id"]),
    # how many people supported it
    "voters": lambda r, groups: (-r["voters"], -r["total"], r["activity_id"]),
    # across how many stakeholder groups it found support, then total
    "breadth": lambda r, groups: (
        -sum(1 for g in r["by_group"] if g["voters"]),
        -r["total"],
        -r["voters"],
        r["activity_id"],
    ),
}


# -- retention --------------------------------------------------------------------------------


def retained_ids(session: Session, workshop: Workshop) -> set[int]:
    return set(
        session.scalars(
            select(RetainedActivity.activity_id).where(RetainedActivity.workshop_id == workshop.id)
        )
    )


def set_retained(
    session: Session, workshop: Workshop, activity_id: object, retained: bool
) -> Activity:
    """Retain an activity for the workplan by hand, or drop it (its commitments are kept)."""
    activity = get_activity(session, workshop, activity_id)
    exists = session.get(RetainedActivity, activity.id) is not None
    if retained and not exists:
        if activity.status != ActivityStatus.VISIBLE.value:
            raise DomainError("activity_hidden")
        session.add(RetainedActivity(activity_id=activity.id, workshop_id=workshop.id))
    elif not retained and exists:
        session.execute(delete(RetainedActivity).where(RetainedActivity.activity_id == activity.id))
    session.flush()
    bump_version(session, workshop)
    return activity


def rank_activities(
    session: Session, workshop: Workshop, ranking: object
) -> list[tuple[int, dict]]:
    """(rank, results entry) for visible activities with support, best first, by `ranking`."""
    if not isinstance(ranking, str) or ranking not in RANKINGS:
        raise DomainError("ranking_invalid")
    key = RANKINGS[ranking]
    groups = len(workshop.groups)
    entries = [r for r in compute_results(session, workshop)["activities"] if r["voters"]]
    entries.sort(key=lambda r: key(r, groups))
    ranked, rank, previous = [], 0, None
    for position, entry in enumerate(entries, start=1):
        tie = key(entry, groups)[:-1]  # everything but the id: equal measures share a rank
        if tie != previous:
            rank, previous = position, tie
        ranked.append((rank, entry))
    return ranked


def retain_top(
    session: Session,
    workshop: Workshop,
    *,
    count: object,
    ranking: object = "total",
    per_track: object = False,
) -> list[int]:
    """Replace the retained activities by the top `count` (ties at the boundary all kept).

    With `per_track`, the top `count` of each track (activities without a track form one).
    Activities nobody supported are never retained this way. Returns the retained ids.
    """
    n = clean_int(count, "count", 1, MAX_RETAIN)
    if not isinstance(per_track, bool):
        raise DomainError("field_invalid", field="per_track")
    ranked = rank_activities(session, workshop, ranking)
    tracks = {a.id: a.track_id for a in list_activities(session, workshop)}
    chosen: list[int] = []
    if per_track:
        by_track: dict[int | None, list[dict]] = defaultdict(list)
        for _rank, entry in ranked:
            by_track[tracks.get(entry["activity_id"])].append(entry)
        for entries in by_track.values():
            key = RANKINGS[ranking]
            groups = len(workshop.groups)
            cut = key(entries[min(n, len(entries)) - 1], groups)[:-1]
            chosen += [e["activity_id"] for e in entries if key(e, groups)[:-1] <= cut]
    else:
        chosen = [entry["activity_id"] for rank, entry in ranked if rank <= n]
    session.execute(delete(RetainedActivity).where(RetainedActivity.workshop_id == workshop.id))
    session.add_all(RetainedActivity(activity_id=i, workshop_id=workshop.id) for i in chosen)
    session.flush()
    bump_version(session, workshop)
    return sorted(chosen)


def clear_retained(session: Session, workshop: Workshop) -> None:
    session.execute(delete(RetainedActivity).where(RetainedActivity.workshop_id == workshop.id))
    bump_version(session, workshop)


# -- the workplan ---------------------------------------------------------------------------


def workplan_rows(
    session: Session,
    workshop: Workshop,
    *,
    commitments: list[Commitment] | None = None,
    results: dict | None = None,
) -> list[dict]:
    """One row per retained visible activity, in track order then results rank.

    Each row: activity id, track id, rank, one list of commitment records per role, the
    timeframe (the lead's, else every distinct one), its gaps: `no_lead`, `lead_conflict`,
    and `brought_by`: the working groups that brought it to the plenary ([] without a ballot).
    """
    keep = retained_ids(session, workshop)
    activities = [a for a in list_activities(session, workshop) if a.id in keep]
    commitments = list_commitments(session, workshop) if commitments is None else commitments
    results = compute_results(session, workshop) if results is None else results
    rank = {r["activity_id"]: r["rank"] for r in results["activities"]}
    provenance = brought_by(session, workshop)
    track_order = {t.id: i for i, t in enumerate(workshop.tracks)}
    by_activity: dict[int, list[Commitment]] = defaultdict(list)
    for commitment in commitments:
        by_activity[commitment.activity_id].append(commitment)
    rows = []
    for activity in activities:
        mine = by_activity.get(activity.id, [])
        roles = {
            role: [commitment_record(c) for c in mine if c.role == role] for role in ROLE_ORDER
        }
        rows.append(
            {
                "activity_id": activity.id,
                "track_id": activity.track_id,
                "rank": rank.get(activity.id),
                **roles,
                "timeframe": _timeframe(mine),
                "gaps": activity_gaps(mine),
                "brought_by": provenance.get(activity.id, []),
            }
        )
    rows.sort(
        key=lambda r: (
            track_order.get(r["track_id"], len(track_order)),
            r["rank"] or 10**9,
            r["activity_id"],
        )
    )
    return rows


def activity_gaps(commitments: list[Commitment]) -> list[str]:
    leads = [c for c in commitments if c.role == CommitmentRole.LEAD.value]
    if not leads:
        return ["no_lead"]
    if len(leads) > 1:
        return ["lead_conflict"]
    return []


def _timeframe(commitments: list[Commitment]) -> str:
    leads = [
        c.timeframe for c in commitments if c.role == CommitmentRole.LEAD.value and c.timeframe
    ]
    if len(leads) == 1:
        return leads[0]
    found = leads or [c.timeframe for c in commitments if c.timeframe]
    return " / ".join(dict.fromkeys(found))


def workplan_issues(
    session: Session,
    workshop: Workshop,
    rows: list[dict],
    commitments: list[Commitment],
) -> dict:
    """What the facilitator should look at: lead conflicts, gaps, overcommitted organisations."""
    counts = Counter(c.organisation_key for c in commitments)
    names: dict[str, Counter] = defaultdict(Counter)
    for c in commitments:
        names[c.organisation_key][c.organisation] += 1
    typical = median(counts.values()) if counts else 0
    overcommitted = [
        {"organisation": names[key].most_common(1)[0][0], "count": n, "median": typical}
        for key, n in counts.most_common()
        if len(counts) >= 3 and n >= OVERCOMMITTED_MIN and n > OVERCOMMITTED_FACTOR * typical
    ]
    keep = {r["activity_id"] for r in rows}
    return {
        "lead_conflicts": [r["activity_id"] for r in rows if "lead_conflict" in r["gaps"]],
        "no_lead": [r["activity_id"] for r in rows if "no_lead" in r["gaps"]],
        "overcommitted": overcommitted,
        "outside_workplan": sum(1 for c in commitments if keep and c.activity_id not in keep),
        "to_confirm": sum(1 for c in commitments if c.status == CommitmentStatus.PROPOSED.value),
    }


#: what a workplan row of a snapshot keeps of each commitment (the full records are in
#: `commitments`; a snapshot goes to every phone after every vote, so it stays small)
MEMBER_FIELDS = ("id", "organisation", "status")


def workplan_state(session: Session, workshop: Workshop, *, results: dict | None = None) -> dict:
    """The comments, commitments and workplan part of the facilitator's snapshot.

    Every comment with its author, who made each commitment; `public_contributions` cuts it
    down for big screens, phones and anonymous readers. Pass the `results` already computed
    for the same snapshot to save computing them again.
    """
    commitments = commitment_rows(session, workshop)
    rows = workplan_rows(session, workshop, commitments=commitments, results=results)
    for row in rows:
        for role in ROLE_ORDER:
            row[role] = [{k: member[k] for k in MEMBER_FIELDS} for member in row[role]]
    counts = comment_counts(session, workshop)
    return {
        "commitments_open": commitments_accepted(workshop),
        "show_comments": bool(workshop.show_comments),
        "show_workplan": bool(workshop.show_workplan),
        "comment_counts": [{"activity_id": a, "count": n} for a, n in sorted(counts.items())],
        "comments": comment_records(session, workshop),
        "commitments": [commitment_record(c, with_author=True) for c in commitments],
        "workplan": {
            "retained_ids": sorted(r["activity_id"] for r in rows),
            "rows": rows,
            "issues": workplan_issues(session, workshop, rows, commitments),
            "rankings": list(RANKINGS),
        },
    }


def public_contributions(state: dict) -> dict:
    """The public part from a snapshot: nothing about hidden activities, no authors.

    Comments are public only while the facilitator shows them on the big screen, and then
    only the newest few; commitments only while phones may commit (the workplan rows carry
    what the big screen shows). Applying it to a public snapshot changes nothing.
    """
    visible = {a["id"] for a in state["activities"] if a["status"] == "visible"}
    comments = [
        {k: v for k, v in c.items() if k != "author"}
        for c in state["comments"]
        if c["status"] == "visible" and c["activity_id"] in visible
    ]
    return {
        "comment_counts": [c for c in state["comment_counts"] if c["activity_id"] in visible],
        "comments": comments[-SCREEN_COMMENTS:] if state["show_comments"] else [],
        "commitments": [
            {k: v for k, v in c.items() if k in PUBLIC_COMMITMENT_FIELDS}
            for c in state["commitments"]
            if c["activity_id"] in visible and state["commitments_open"]
        ],
    }


#: what phones need of a commitment: their organisation's, to show and to change it
PUBLIC_COMMITMENT_FIELDS = (
    "id",
    "activity_id",
    "organisation_key",
    "role",
    "timeframe",
    "note",
    "status",
)


def my_contributions(session: Session, workshop: Workshop, participant: Participant) -> dict:
    """What a phone needs to know of its own comments and its organisation's commitments."""
    return {
        "organisation_key": commitment_identity(session, workshop, participant.organisation)[2],
        "my_comments": my_comments(session, workshop, participant),
    }


# -- merges -----------------------------------------------------------------------------------


def move_activity_contributions(
    session: Session, workshop: Workshop, source_id: int, target_id: int
) -> dict:
    """Move an activity's comments, commitments and retention onto another (for a merge).

    When both activities hold a commitment of the same organisation, one stays on the target:
    the stronger role (lead > co-lead > partner > support), confirmed if either was, with the
    timeframe and note of the target's unless it had none. Returns how many rows moved.
    The caller owns the transaction and broadcasts after commit.
    """
    source = get_activity(session, workshop, source_id)
    target = get_activity(session, workshop, target_id)
    if source.id == target.id:
        raise DomainError("field_invalid", field="activity")
    moved_comments = session.execute(
        update(Comment).where(Comment.activity_id == source.id).values(activity_id=target.id)
    ).rowcount
    existing = {
        c.organisation_key: c
        for c in session.scalars(select(Commitment).where(Commitment.activity_id == target.id))
    }
    moved_commitments = combined = 0
    for commitment in session.scalars(
        select(Commitment).where(Commitment.activity_id == source.id)
    ).all():
        kept = existing.get(commitment.organisation_key)
        if kept is None:
            commitment.activity_id = target.id
            moved_commitments += 1
            continue
        combine_commitments(kept, commitment)
        session.delete(commitment)
        combined += 1
    retained = False
    if session.get(RetainedActivity, source.id) is not None:
        session.execute(delete(RetainedActivity).where(RetainedActivity.activity_id == source.id))
        if session.get(RetainedActivity, target.id) is None:
            session.add(RetainedActivity(activity_id=target.id, workshop_id=workshop.id))
        retained = True
    session.flush()
    bump_version(session, workshop)
    return {
        "comments": moved_comments,
        "commitments": moved_commitments,
        "commitments_combined": combined,
        "retained": retained,
    }
