"""Working groups over HTTP: define them, seat participants, run a table's phase and countdown,
and make a table facilitator's link.

A table link (a co-host link scoped to one group) may call only the routes marked `table=True`
here, and only on its own group: `edge.require_group` refuses the others (`table_link_scope`).
"""

from flask import Blueprint, request, url_for

from ..models import ParticipantStatus
from ..services import access as access_service
from ..services import activities
from ..services import working_groups as wg
from ..services.errors import DomainError, NotFound
from ..services.participant_merging import get_participant
from ..services.state import activity_record
from ..services.timer import timer_state
from .common import json_body, public_base_url
from .routes import PARTICIPANT, Edge, facilitator_route, workshop_route
from .screen import qr_svg

bp = Blueprint("working_groups_api", __name__, url_prefix="/api")


def _records(edge: Edge) -> list[dict]:
    return wg.working_groups_state(edge.db, edge.workshop, screen_base=public_base_url())


def _regroup(edge: Edge, participant_ids: list[int] | None = None) -> None:
    """After the commit: phones of moved participants follow them to their group's room."""
    from ..realtime.broadcast import broadcaster

    workshop_id = edge.workshop.id
    edge.after.append(lambda: broadcaster().regroup(workshop_id, participant_ids))


@bp.get("/workshops/<code>/working-groups")
@facilitator_route(table=True)
def list_groups(edge: Edge):
    """Every group with its counts (a table link: its own group only) and how people sit."""
    records = _records(edge)
    if edge.grant.is_table:
        records = [r for r in records if r["id"] == edge.grant.working_group_id]
    return {"working_groups": records, "assignment": wg.assignment_state(edge.db, edge.workshop)}


@bp.post("/workshops/<code>/working-groups")
@facilitator_route(changes=True, body=json_body)
def create_groups(edge: Edge):
    """{"names": [...]} (lines "Name | ar: ... | en: ..." or objects), or {"from_tracks": true}."""
    data = edge.data
    if data.get("from_tracks") is True:
        made = wg.create_groups_from_tracks(edge.db, edge.workshop)
        edge.changed = bool(made)
    elif "names" in data:
        made = wg.create_working_groups(edge.db, edge.workshop, data.get("names"))
    else:
        raise DomainError("field_required", field="names")
    ids = {g.id for g in made}
    return {"ok": True, "working_groups": [r for r in _records(edge) if r["id"] in ids]}, 201


@bp.get("/workshops/<code>/working-groups/<int:group_id>")
@facilitator_route(table=True)
def get_group(edge: Edge, group_id: int):
    """One group's record and all its activities, hidden and merged ones included (what its
    table facilitator moderates), or those in `?status=` (a table console reads its hidden
    ones so that any browser of the table restores them); the authors for the workshop's
    facilitators only."""
    edge.require_group(group_id)
    group = wg.get_working_group(edge.db, edge.workshop, group_id)
    authors = not edge.grant.is_table
    found = wg.group_activities(edge.db, edge.workshop, group, request.args.get("status") or None)
    activities = [activity_record(a, with_author=authors) for a in found]
    return {"working_group": _record(edge, group.id), "activities": activities}


@bp.patch("/workshops/<code>/working-groups/<int:group_id>")
@facilitator_route(changes=True, body=json_body)
def rename_group(edge: Edge, group_id: int):
    group = wg.get_working_group(edge.db, edge.workshop, group_id)
    wg.rename_working_group(edge.db, edge.workshop, group, edge.data)
    return {"ok": True, "working_group": _record(edge, group.id)}


@bp.delete("/workshops/<code>/working-groups/<int:group_id>")
@facilitator_route(changes=True)
def delete_group(edge: Edge, group_id: int):
    """Members sit nowhere, activities belong to no table, the group's table links stop."""
    group = wg.get_working_group(edge.db, edge.workshop, group_id)
    members = wg.member_ids(edge.db, group)
    wg.delete_working_group(edge.db, edge.workshop, group)  # its table links go with it
    if members:
        _regroup(edge, members)
    return {"ok": True}


@bp.post("/workshops/<code>/working-groups/assign")
@facilitator_route(changes=True, body=json_body)
def assign(edge: Edge):
    """{"method": "stakeholder_group" | "organisation" | "balanced", "only_unassigned": bool}"""
    data = edge.data
    before = wg.seating(edge.db, edge.workshop)
    plan = wg.assign_participants(
        edge.db, edge.workshop, data.get("method"), data.get("only_unassigned", False)
    )
    moved = sorted(pid for pid, gid in plan.items() if before.get(pid) != gid)
    edge.changed = bool(moved)
    if moved:
        _regroup(edge, moved)
    return {
        "ok": True,
        "assigned": len(plan),
        "moved": len(moved),
        "working_groups": _records(edge),
        "assignment": wg.assignment_state(edge.db, edge.workshop),
    }


def _target(data: dict) -> object:
    if "working_group_id" not in data:
        raise DomainError("field_required", field="working_group_id")
    return data["working_group_id"]


@bp.put("/workshops/<code>/participants/<participant_id>/working-group")
@facilitator_route(changes=True, body=json_body)
def seat_participant(edge: Edge, participant_id: str):
    """By hand: {"working_group_id": id | null}. Their votes stay as they are."""
    participant = get_participant(edge.db, edge.workshop, participant_id)
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise DomainError("participant_not_active")
    before = participant.working_group_id
    wg.assign_participant(edge.db, edge.workshop, participant, _target(edge.data))
    edge.changed = participant.working_group_id != before
    if edge.changed:
        _regroup(edge, [participant.id])
    return {
        "ok": True,
        "participant_id": participant.public_id,
        "working_group_id": participant.working_group_id,
    }


@bp.put("/workshops/<code>/activities/<int:activity_id>/working-group")
@facilitator_route(changes=True, body=json_body)
def place_activity(edge: Edge, activity_id: int):
    """{"working_group_id": id | null}: the table an activity is reviewed at (not a table
    link: it would take from, or give to, another table)."""
    before = activities.get_activity(edge.db, edge.workshop, activity_id).working_group_id
    activity = activities.place_activity(edge.db, edge.workshop, activity_id, _target(edge.data))
    edge.changed = activity.working_group_id != before
    return {"ok": True, "activity_id": activity.id, "working_group_id": activity.working_group_id}


@bp.put("/workshops/<code>/me/working-group")
@workshop_route(PARTICIPANT, changes=True, body=json_body)
def choose_group(edge: Edge):
    """The phone chooses its table: {"working_group_id": id} (403 when phones may not)."""
    participant = edge.participant
    before = participant.working_group_id
    wg.choose_working_group(edge.db, edge.workshop, participant, _target(edge.data))
    edge.changed = participant.working_group_id != before
    if edge.changed:
        _regroup(edge, [participant.id])
    return {"ok": True, "working_group_id": participant.working_group_id}


@bp.post("/workshops/<code>/working-groups/<int:group_id>/phase")
@facilitator_route(changes=True, body=json_body, table=True)
def set_phase(edge: Edge, group_id: int):
    """{"phase": "proposing" | "prevote" | "done"}: a table link on its own group only."""
    edge.require_group(group_id)
    group = wg.get_working_group(edge.db, edge.workshop, group_id)
    wg.set_group_phase(edge.db, edge.workshop, group, edge.data.get("phase"))
    return {"ok": True, "phase": group.phase, "timer": timer_state(group)}


@bp.post("/workshops/<code>/working-groups/<int:group_id>/timer")
@facilitator_route(changes=True, body=json_body, table=True)
def control_timer(edge: Edge, group_id: int):
    """{"action": "start" | "pause" | "add" | "reset", "seconds"}: the workshop's timer rules."""
    edge.require_group(group_id)
    group = wg.get_working_group(edge.db, edge.workshop, group_id)
    data = edge.data
    wg.control_group_timer(edge.db, edge.workshop, group, data.get("action"), data.get("seconds"))
    return {"ok": True, "timer": timer_state(group)}


@bp.post("/workshops/<code>/working-groups/<int:group_id>/links")
@facilitator_route(body=json_body)
def create_link(edge: Edge, group_id: int):
    """A table facilitator's link (owner or co-host of the whole workshop): shown once."""
    group = wg.get_working_group(edge.db, edge.workshop, group_id)
    link, token = access_service.create_table_link(
        edge.db, edge.workshop, group, edge.data.get("label", "")
    )
    url = public_base_url() + url_for("facilitator.enter", code=edge.workshop.code, token=token)
    return {
        "ok": True,
        "id": link.id,
        "label": link.label,
        "working_group_id": group.id,
        "url": url,
        "token": token,
        "qr_svg": qr_svg(url).decode(),
    }, 201


def _record(edge: Edge, group_id: int) -> dict:
    for record in _records(edge):
        if record["id"] == group_id:
            return record
    raise NotFound("working_group_not_found")  # pragma: no cover - read in the same transaction
