"""What a working group's room sees: its table's part of the workshop's public snapshot.

Functions over the snapshots of services/state.py (the broadcaster and the table screen's
page use them), and the one lookup of a table screen by its key. During group work (the
workshop in `setup` or `proposing`) a group's phones and its table screen see only their
group: its activities, its phase and countdown, its pre-vote, its participant count. Once
the plenary reconvenes (`voting`, `closed`) they see the whole workshop again, with their
group's record beside it.
"""

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WorkingGroup, Workshop
from .errors import Forbidden
from .working_groups import GROUP_WORK_PHASES

#: what a room learns of the other groups: enough to name them and browse them over HTTP
_OTHER_GROUP_FIELDS = ("id", "name", "names", "position")


def in_group_work(state: dict) -> bool:
    """Whether the groups work at their tables (each room sees only its group)."""
    return state["phase"] in GROUP_WORK_PHASES


def group_ids(state: dict) -> list[int]:
    """The workshop's working groups, in order (none: the workshop has no groups)."""
    return [g["id"] for g in state.get("working_groups") or ()]


def prevote_of(results: dict | None, group_id: int) -> list[dict] | None:
    """The group's pre-vote results as the snapshot carries them, None before its pre-vote."""
    for entry in (results or {}).get("prevotes") or ():
        if entry["working_group_id"] == group_id:
            return entry["activities"]
    return None


def group_record(state: dict, results: dict | None, group_id: int) -> dict | None:
    """The group as its room sees it: its record without the facilitator's links, with its
    pre-vote results (None until it pre-votes)."""
    for group in state.get("working_groups") or ():
        if group["id"] == group_id:
            record = {k: v for k, v in group.items() if k != "screen_url"}
            record["prevote"] = prevote_of(results, group_id)
            return record
    return None


def group_state(public: dict, results: dict | None, group_id: int) -> dict:
    """The snapshot a group's room receives: `public` (public_state) scoped to the group
    during group work, the whole of it in plenary; `working_group` names the room's group.

    Scoped, nothing in it changes when another group changes: the activities, comments,
    commitments, merges and workplan rows of the group's activities only, the group's own
    participant count, the stakeholder groups without their (workshop-wide) counts, and the
    other groups by name only.
    """
    record = group_record(public, results, group_id)
    if not in_group_work(public):
        return dict(public, working_group=record)
    ids = {a["id"] for a in public["activities"] if a.get("working_group_id") == group_id}

    def mine(items: list[dict], key: str = "activity_id") -> list[dict]:
        return [item for item in items if item.get(key) in ids]

    workplan = dict(public.get("workplan") or {})
    for key in ("retained_ids", "committable_ids"):
        if key in workplan:
            workplan[key] = [i for i in workplan[key] if i in ids]
    if "rows" in workplan:
        workplan["rows"] = mine(workplan["rows"])
    scoped = dict(
        public,
        activities=[a for a in public["activities"] if a["id"] in ids],
        participants=(record or {}).get("participants", 0),
        groups=[{k: v for k, v in g.items() if k != "participants"} for g in public["groups"]],
        working_groups=[
            {k: g[k] for k in _OTHER_GROUP_FIELDS if k in g}
            for g in public.get("working_groups") or ()
        ],
        working_group=record,
        workplan=workplan,
    )
    for key in ("comment_counts", "comments", "commitments"):
        if key in public:
            scoped[key] = mine(public[key])
    if "merges" in public:
        scoped["merges"] = [m for m in public["merges"] if m.get("target_id") in ids]
    return scoped


def group_results(results: dict, group_id: int) -> dict:
    """The results a group's room receives (plenary only): without the other groups'
    pre-votes."""
    own = [p for p in results.get("prevotes") or () if p["working_group_id"] == group_id]
    return dict(results, prevotes=own) if "prevotes" in results else results


def table_screen_group(session: Session, workshop: Workshop, key: object) -> WorkingGroup:
    """The working group whose table screen `key` opens (read-only), or raise."""
    if isinstance(key, str) and key:
        group = session.scalar(
            select(WorkingGroup).where(
                WorkingGroup.workshop_id == workshop.id, WorkingGroup.screen_key == key
            )
        )
        if group is not None and hmac.compare_digest(group.screen_key, key):
            return group
    raise Forbidden("screen_key_invalid")
