"""What the exports, the report and the workplan tell of the working groups and the roll-up.

Read-only views over the groups (services/working_groups.py), their pre-votes
(services/prevoting.py) and the plenary's ballot (services/rollup.py): the tables, names and
provenance the downstream readers lay out. No rule is decided here.
"""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    PreVote,
    WorkingGroup,
    Workshop,
)
from . import rollup
from .prevoting import prevote_results
from .results import ballot_entries, compute_results
from .wording import word
from .working_groups import group_counts, list_working_groups


def list_groups(session: Session, workshop: Workshop) -> list[WorkingGroup]:
    """The workshop's working groups in their order ([] for a workshop without any)."""
    return list_working_groups(session, workshop)


def has_groups(session: Session, workshop: Workshop) -> bool:
    return (
        session.scalar(
            select(WorkingGroup.id).where(WorkingGroup.workshop_id == workshop.id).limit(1)
        )
        is not None
    )


def group_names(
    session: Session, workshop: Workshop, language: str | None = None
) -> dict[int, str]:
    """Working group names in `language` where worded, the original otherwise."""
    return {g.id: word(g, "name", language) for g in list_groups(session, workshop)}


def prevote_ranking(session: Session, workshop: Workshop, group: WorkingGroup) -> list[dict]:
    """The group's pre-vote ranking (prevoting.prevote_results: the one home of the rule)."""
    return prevote_results(session, workshop, group.id)


def brought_by(session: Session, workshop: Workshop) -> dict[int, list[int]]:
    """Activity id -> the groups that brought it to the plenary, its own entry's first.

    An activity that absorbed another ballot activity in a merge was brought by both groups:
    the merged one's entry stays, on the activity marked merged into it (rollup.py).
    """
    out: dict[int, list[int]] = defaultdict(list)
    for record in rollup.ballot(session, workshop):
        target = record["merged_into_id"] or record["activity_id"]
        group_id = record["working_group_id"]
        if group_id is not None and group_id not in out[target]:
            out[target].append(group_id)
    return dict(out)


def group_sections(session: Session, workshop: Workshop, language: str | None = None) -> list[dict]:
    """Per working group: its name, phase, members, proposals and pre-vote ranking.

    `activities`: the group's visible activities ranked by its pre-vote, each with
    `title`, `proposed` (a phone of the workshop proposed it), `marked` (to plenary),
    `on_ballot`, `total`, `voters`, `rank`.
    """
    groups = list_groups(session, workshop)
    if not groups:
        return []
    counts = group_counts(session, workshop)
    on_ballot = {e.activity_id for e in ballot_entries(session, workshop)}
    activities = {
        a.id: a
        for a in session.scalars(
            select(Activity).where(
                Activity.workshop_id == workshop.id,
                Activity.working_group_id.is_not(None),
                Activity.status == ActivityStatus.VISIBLE.value,
            )
        )
    }
    prevoters = dict(
        session.execute(
            select(PreVote.working_group_id, func.count(func.distinct(PreVote.participant_id)))
            .join(Activity, Activity.id == PreVote.activity_id)
            .where(Activity.workshop_id == workshop.id)
            .group_by(PreVote.working_group_id)
        ).all()
    )
    sections = []
    for group in groups:
        rows = []
        for entry in prevote_ranking(session, workshop, group):
            activity = activities.get(entry["activity_id"])
            if activity is None:
                continue
            rows.append(
                {
                    "activity_id": activity.id,
                    "title": word(activity, "title", language),
                    "proposed": activity.proposed_by_id is not None,
                    "marked": bool(activity.to_plenary),
                    "on_ballot": activity.id in on_ballot,
                    "total": entry["total"],
                    "voters": entry["voters"],
                    "rank": entry["rank"],
                }
            )
        sections.append(
            {
                "id": group.id,
                "name": word(group, "name", language),
                "phase": group.phase,
                "members": counts.get(group.id, {}).get("participants", 0),
                "prevoters": prevoters.get(group.id, 0),
                "proposals": counts.get(group.id, {}).get("proposals", 0),
                "activities": rows,
            }
        )
    return sections


def ballot_rows(
    session: Session,
    workshop: Workshop,
    language: str | None = None,
    *,
    results: dict | None = None,
) -> list[dict]:
    """The roll-up: each ballot entry with its provenance and the plenary's result.

    `group` is the name of the group that brought it ("" if that group was deleted since);
    `merged_into` the activity id it was merged into on the ballot (its result is that one's);
    `plenary` its plenary `{"rank", "total", "voters"}` (None while merged or hidden).
    """
    entries = ballot_entries(session, workshop)
    if not entries:
        return []
    names = group_names(session, workshop, language)
    results = compute_results(session, workshop) if results is None else results
    plenary = {r["activity_id"]: r for r in results["activities"]}
    activities = {
        a.id: a
        for a in session.scalars(
            select(Activity).where(Activity.id.in_([e.activity_id for e in entries]))
        )
    }
    rows = []
    for entry in entries:
        activity = activities[entry.activity_id]
        result = plenary.get(activity.id)
        rows.append(
            {
                "position": entry.position,
                "activity_id": activity.id,
                "title": word(activity, "title", language),
                "status": activity.status,
                "merged_into": activity.merged_into_id,
                "working_group_id": entry.working_group_id,
                "group": names.get(entry.working_group_id, ""),
                "prevote_rank": entry.prevote_rank,
                "prevote_total": entry.prevote_total,
                "prevote_voters": entry.prevote_voters,
                "marked": bool(entry.marked),
                "plenary": None
                if result is None
                else {k: result[k] for k in ("rank", "total", "voters")},
            }
        )
    return rows
