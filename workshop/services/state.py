"""Snapshots of a workshop, as pushed to screens and phones: full state, never deltas."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Activity, ActivityStatus, Participant, Workshop, utcnow
from .activities import list_activities
from .commitments import committable_ids
from .merging import list_merges, merge_notices, merge_record
from .outcome import outcome_state
from .participants import count_by_group
from .prevoting import my_prevotes
from .rollup import ballot
from .rules import voting_rule
from .timer import iso_utc, timer_state
from .voting import my_votes
from .wording import ACTIVITY_FIELDS, GROUP_FIELDS, TRACK_FIELDS, wording_record
from .working_groups import working_groups_state
from .workplan import my_contributions, public_contributions, workplan_state


def activity_record(activity: Activity, *, with_author: bool = False, grouped: bool = True) -> dict:
    """An activity as snapshots give it; `grouped`: with its working group and roll-up mark
    (left out of the snapshots of a workshop without working groups)."""
    record = {
        "id": activity.id,
        "title": activity.title,
        "description": activity.description,
        "track_id": activity.track_id,
        "status": activity.status,
        "merged_into_id": activity.merged_into_id,
        "proposed_by_participant": activity.proposed_by_id is not None,
        **wording_record(activity, ACTIVITY_FIELDS),
    }
    if grouped:
        record["working_group_id"] = activity.working_group_id
        record["to_plenary"] = activity.to_plenary
    if with_author:
        author = activity.proposed_by
        record["proposed_by"] = (
            None
            if author is None
            else {
                "group_id": author.group_id,
                "organisation": author.organisation,
                "public_id": author.public_id,
            }
        )
    return record


def workshop_state(
    session: Session,
    workshop: Workshop,
    *,
    include_hidden: bool = False,
    results: dict | None = None,
) -> dict:
    """What every screen shows of the workshop; hidden activities only for the facilitator.

    `server_time` lets a client whose clock is wrong still show the countdown right.
    """
    now = utcnow()
    groups = [
        dict(g, **wording_record(group, GROUP_FIELDS))
        for g, group in zip(count_by_group(session, workshop), workshop.groups, strict=True)
    ]
    activities = list_activities(session, workshop, include_hidden=include_hidden)
    if include_hidden:  # load the authors in one query, not one per activity
        authors = {a.proposed_by_id for a in activities} - {None}
        if authors:
            list(session.scalars(select(Participant).where(Participant.id.in_(authors))))
    working_groups = working_groups_state(session, workshop, now=now, screen_base="")
    state = {
        "version": workshop.version,
        "code": workshop.code,
        "title": workshop.title,
        "description": workshop.description,
        "language": workshop.language,
        "phase": workshop.phase,
        "live_results": workshop.live_results,
        "show_group_split": workshop.show_group_split,
        "screen_scene": workshop.screen_scene,
        "voting": voting_rule(workshop),
        "groups": groups,
        "participants": sum(g["participants"] for g in groups),
        "tracks": [
            {"id": t.id, "name": t.name, **wording_record(t, TRACK_FIELDS)} for t in workshop.tracks
        ],
        "activities": [
            activity_record(a, with_author=include_hidden, grouped=bool(working_groups))
            for a in activities
        ],
        "working_groups": working_groups,
        "working_group_choice": workshop.working_group_choice,
        "timer": timer_state(workshop, now),
        "server_time": iso_utc(now),
        "merges": [merge_record(m) for m in list_merges(session, workshop)],
        "ballot": ballot(session, workshop),
        "rollup_focus_group_id": workshop.rollup_focus_group_id,
        "outcome": outcome_state(session, workshop),
        **workplan_state(session, workshop, results=results),
    }
    state["workplan"]["committable_ids"] = committable_ids(
        state["commitments_open"],
        [a.id for a in activities if a.status == ActivityStatus.VISIBLE.value],
        state["workplan"]["retained_ids"],
    )
    return state if include_hidden else public_state(state)


def public_state(state: dict) -> dict:
    """The public snapshot (big screens, phones, anonymous readers) from the facilitator's:
    no hidden activities, no authors. Applying it to a public snapshot changes nothing."""
    visible = [
        {k: v for k, v in a.items() if k != "proposed_by"}
        for a in state["activities"]
        if a["status"] == "visible"
    ]
    groups = [{k: v for k, v in g.items() if k != "screen_url"} for g in state["working_groups"]]
    return dict(state, activities=visible, working_groups=groups, **public_contributions(state))


def participant_state(session: Session, workshop: Workshop, participant: Participant) -> dict:
    """What one phone shows of its own: its votes, proposals, merges and contributions."""
    return {
        "participant_id": participant.public_id,
        "group_id": participant.group_id,
        "organisation": participant.organisation,
        "name": participant.display_name,
        "working_group_id": participant.working_group_id,
        "my_activity_ids": [
            a.id for a in list_activities(session, workshop) if a.proposed_by_id == participant.id
        ],
        **my_votes(session, workshop, participant),
        **my_prevotes(session, workshop, participant),
        "merges": merge_notices(session, workshop, participant),
        **my_contributions(session, workshop, participant),
    }
