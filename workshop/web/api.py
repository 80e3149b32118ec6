"""The JSON API: everything the facilitator does, plus joining over HTTP."""

from pathlib import Path

from flask import Blueprint, Response, current_app, request, url_for

from .. import export
from ..auth import (
    NotAuthenticated,
    bearer_token,
    console_grant,
    current_participant,
    hit_limits,
    require_facilitator,
)
from ..db import transaction
from ..models import ActivityStatus, Phase
from ..services import access as access_service
from ..services import activities as activity_service
from ..services import duplicates as duplicate_service
from ..services import merging as merge_service
from ..services import outcome as outcome_service
from ..services import participants as participant_service
from ..services import plan_versions as plan_service
from ..services import rollup as rollup_service
from ..services import timer as timer_service
from ..services import wording
from ..services import working_groups as working_groups_service
from ..services import workshops as workshop_service
from ..services.errors import DomainError, Forbidden, NotFound
from ..services.prevoting import my_prevotes
from ..services.results import compute_results
from ..services.rules import phones_see_results
from ..services.similarity import DEFAULT_THRESHOLD
from ..services.state import activity_record, workshop_state
from ..services.timer import iso_utc
from ..services.voting import my_votes
from .common import csv_conventions, json_body, public_base_url, workshop_links
from .routes import ANYONE, PARTICIPANT, Edge, facilitator_route, workshop_route

bp = Blueprint("api", __name__, url_prefix="/api")


def _facilitator_url(workshop, token: str) -> str:
    return public_base_url() + url_for("facilitator.enter", code=workshop.code, token=token)


def _created_payload(workshop, token: str) -> dict:
    links = workshop_links(workshop)
    return {
        "ok": True,
        "code": workshop.code,
        "join_url": links["join_url"],
        "screen_url": links["screen_url"],
        "facilitator_url": _facilitator_url(workshop, token),
        "facilitator_token": token,
    }


@bp.post("/workshops")
def create_workshop():
    data = json_body()
    with transaction() as db:
        workshop, token = workshop_service.create_workshop(
            db,
            title=data.get("title"),
            description=data.get("description", ""),
            groups=data.get("groups"),
            tracks=data.get("tracks"),
            voting=data.get("voting"),
            language=data.get("language", "fr"),
            live_results=data.get("live_results", True),
        )
        access_service.set_pin(db, workshop, data.get("pin"))
        payload = _created_payload(workshop, token)
    return payload, 201


def _is_facilitator(db, workshop) -> bool:
    """Whether the facilitator asks; another bearer token (a participant's) is not an error.

    A facilitator's token without the workshop's PIN is refused (pin_required, pin_invalid):
    otherwise a stolen link could probe the PIN here without being counted.
    """
    token = bearer_token()
    if token is not None:
        try:
            grant = access_service.token_grant(db, workshop, token)
        except Forbidden:
            return False
        if grant.is_table:
            return False  # a table link reads what phones read; its group's own routes say more
        require_facilitator(db, workshop)
        return True
    return console_grant(db, workshop) is not None


@bp.get("/workshops/<code>")
@workshop_route(ANYONE)
def get_workshop(edge: Edge):
    db, workshop = edge.db, edge.workshop
    state = workshop_state(db, workshop, include_hidden=_is_facilitator(db, workshop))
    state["organisations"] = participant_service.organisation_suggestions(db, workshop)
    state.update(workshop_service.session_settings(workshop))
    return state


@bp.patch("/workshops/<code>")
@facilitator_route(changes=True, body=json_body)
def update_workshop(edge: Edge):
    data = edge.data
    workshop_service.update_settings(
        edge.db,
        edge.workshop,
        live_results=data.get("live_results"),
        show_group_split=data.get("show_group_split"),
        title=data.get("title"),
        description=data.get("description"),
        commitments_open=data.get("commitments_open"),
        show_comments=data.get("show_comments"),
        show_workplan=data.get("show_workplan"),
        screen_scene=data.get("screen_scene"),
        session_date=data.get("session_date", workshop_service.KEEP),
        venue=data.get("venue"),
        time_zone=data.get("time_zone"),
    )
    if data.get("working_group_choice") is not None:
        working_groups_service.set_working_group_choice(
            edge.db, edge.workshop, data["working_group_choice"]
        )
    if "rollup_focus_group_id" in data:  # null: every group again
        rollup_service.set_rollup_focus(edge.db, edge.workshop, data["rollup_focus_group_id"])
    return {"ok": True}


@bp.delete("/workshops/<code>")
@facilitator_route(owner=True, changes=True)  # the broadcast tells every screen it is gone
def delete_workshop(edge: Edge):
    workshop_service.delete_workshop(edge.db, edge.workshop)
    return {"ok": True}


@bp.post("/workshops/<code>/phase")
@facilitator_route(changes=True, body=json_body)
def set_phase(edge: Edge):
    workshop_service.set_phase(edge.db, edge.workshop, edge.data.get("phase"))
    plan_service.freeze_room_plan(edge.db, edge.workshop)  # closing: version 1, the room's plan
    if edge.workshop.phase == Phase.CLOSED.value:  # the outcome page gets its key
        outcome_service.ensure_page(edge.db, edge.workshop)
    return {"ok": True, "phase": edge.workshop.phase}


@bp.post("/workshops/<code>/timer")
@facilitator_route(changes=True, body=json_body)
def control_timer(edge: Edge):
    data, workshop = edge.data, edge.workshop
    timer_service.control_timer(edge.db, workshop, data.get("action"), data.get("seconds"))
    return {"ok": True, "timer": timer_service.timer_state(workshop)}


@bp.post("/workshops/<code>/activities")
@facilitator_route(changes=True, body=json_body)
def add_activity(edge: Edge):
    data = edge.data
    activity = activity_service.add_activity(
        edge.db,
        edge.workshop,
        title=data.get("title"),
        description=data.get("description", ""),
        track=data.get("track"),
        wordings=wording.given(data, wording.ACTIVITY_FIELDS),
    )
    record = activity_record(activity, with_author=True)
    return {"ok": True, "activity_id": record["id"], "activity": record}, 201


def _upload() -> bytes:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        return upload.read() if upload is not None else b""
    return request.get_data(parse_form_data=False)  # a raw body, whatever its type is called


@bp.post("/workshops/<code>/activities/import")
@facilitator_route(changes=True, body=_upload)
def import_activities(edge: Edge):
    if not edge.data:
        raise DomainError("field_required", field="file")
    created = activity_service.import_activities(edge.db, edge.workshop, edge.data)
    ids = [a.id for a in created]
    return {"ok": True, "imported": len(ids), "activity_ids": ids}, 201


def _own_group(edge: Edge, *activity_ids: object) -> None:
    """A table link acts on its own working group's activities only (403 table_link_scope)."""
    if edge.grant is not None and edge.grant.is_table:
        for activity_id in activity_ids:
            activity = activity_service.get_activity(edge.db, edge.workshop, activity_id)
            edge.require_group(activity.working_group_id)


@bp.patch("/workshops/<code>/activities/<int:activity_id>")
@facilitator_route(changes=True, body=json_body, table=True)
def edit_activity(edge: Edge, activity_id: int):
    data = edge.data
    _own_group(edge, activity_id)
    activity = activity_service.edit_activity(
        edge.db,
        edge.workshop,
        activity_id,
        title=data.get("title"),
        description=data.get("description"),
        track=data.get("track", ...),
        wordings=wording.given(data, wording.ACTIVITY_FIELDS),
    )
    return {"ok": True, "activity": activity_record(activity, with_author=True)}


@bp.patch("/workshops/<code>/groups/<int:group_id>")
def edit_group(code: str, group_id: int):
    """A stakeholder group's name in other languages: {"name_ar": ..., "name_en": ...}."""
    return _edit_name(code, kind="group", item_id=group_id)


@bp.patch("/workshops/<code>/tracks/<int:track_id>")
def edit_track(code: str, track_id: int):
    """A track's name in other languages: {"name_ar": ..., "name_en": ...}."""
    return _edit_name(code, kind="track", item_id=track_id)


@facilitator_route(changes=True, body=json_body)
def _edit_name(edge: Edge, kind: str, item_id: int):
    item = workshop_service.set_name_wordings(edge.db, edge.workshop, kind, item_id, edge.data)
    return {"ok": True, kind: _named_record(item)}


def _named_record(item) -> dict:
    return {"id": item.id, "name": item.name, **wording.wording_record(item, ("name",))}


@facilitator_route(changes=True, table=True)
def _set_status(edge: Edge, activity_id: int, status: ActivityStatus):
    _own_group(edge, activity_id)
    activity = activity_service.set_activity_status(edge.db, edge.workshop, activity_id, status)
    return {"ok": True, "activity": activity_record(activity, with_author=True)}


@bp.post("/workshops/<code>/activities/<int:activity_id>/hide")
def hide_activity(code: str, activity_id: int):
    return _set_status(code, activity_id=activity_id, status=ActivityStatus.HIDDEN)


@bp.post("/workshops/<code>/activities/hide")
@facilitator_route(changes=True, body=json_body)
def hide_activities(edge: Edge):
    """Hide several proposals at once: all of them in one transaction, or none."""
    hidden = activity_service.hide_activities(edge.db, edge.workshop, edge.data.get("activity_ids"))
    ids = [a.id for a in hidden]
    return {"ok": True, "hidden": len(ids), "activity_ids": ids}


@bp.post("/workshops/<code>/activities/<int:activity_id>/restore")
def restore_activity(code: str, activity_id: int):
    return _set_status(code, activity_id=activity_id, status=ActivityStatus.VISIBLE)


@bp.get("/workshops/<code>/results")
@workshop_route(ANYONE)
def results(edge: Edge):
    db, workshop = edge.db, edge.workshop
    if not _is_facilitator(db, workshop):
        if current_participant(db, workshop) is None:
            require_facilitator(db, workshop)  # raises: neither facilitator nor participant
        if not phones_see_results(workshop.live_results, workshop.phase):
            raise Forbidden("results_hidden")
    payload = compute_results(db, workshop)
    payload["version"] = workshop.version
    return payload


@bp.post("/workshops/<code>/participants")
@workshop_route(ANYONE, changes=True, body=json_body)
def join(edge: Edge):
    db, workshop, data = edge.db, edge.workshop, edge.data
    known = participant_service.participant_by_token(db, bearer_token(), workshop.id)
    hit_limits(db, workshop.id, "join", known.id if known else None)
    participant, token = participant_service.join_workshop(
        db,
        workshop,
        name=data.get("name", ""),
        organisation=data.get("organisation"),
        group=data.get("group"),
        language=data.get("language", workshop.language),
        existing_token=(existing := bearer_token()),
        max_participants=current_app.config["MAX_PARTICIPANTS"],
    )
    payload = {
        "ok": True,
        "participant_token": token,
        "participant_id": participant.public_id,
        "group_id": participant.group_id,
    }
    return payload, 200 if token == existing else 201


@bp.get("/workshops/<code>/me")
@workshop_route(PARTICIPANT)
def me(edge: Edge):
    db, workshop, participant = edge.db, edge.workshop, edge.participant
    return {
        "participant_id": participant.public_id,
        "name": participant.display_name,
        "organisation": participant.organisation,
        "group_id": participant.group_id,
        "working_group_id": participant.working_group_id,
        **my_votes(db, workshop, participant),
        **my_prevotes(db, workshop, participant),
        "merges": merge_service.merge_notices(db, workshop, participant),
    }


@workshop_route(ANYONE)
def _documents_for_participants(edge: Edge):
    db, workshop = edge.db, edge.workshop
    if not _is_facilitator(db, workshop) and current_participant(db, workshop) is None:
        raise NotAuthenticated("not_authenticated")
    return workshop.id, duplicate_service.visible_documents(db, workshop)


@facilitator_route()
def _documents_for_facilitator(edge: Edge):
    return edge.workshop.id, duplicate_service.visible_documents(edge.db, edge.workshop)


@bp.post("/workshops/<code>/similar")
def similar(code: str):
    """Activities like the text being typed: for phones (participants) and facilitators."""
    data = json_body()
    # the index is built after the transaction: the read is short, building is not
    index = duplicate_service.index_for(*_documents_for_participants(code))
    candidates = duplicate_service.similar_activities(
        index, title=data.get("title", ""), description=data.get("description", "")
    )
    return {"ok": True, "threshold": DEFAULT_THRESHOLD, "candidates": candidates}


@bp.get("/workshops/<code>/duplicates")
def duplicates(code: str):
    """Likely duplicate pairs and clusters among the visible activities (facilitator)."""
    index = duplicate_service.index_for(*_documents_for_facilitator(code))
    return {"ok": True, **duplicate_service.duplicate_report(index)}


@bp.get("/workshops/<code>/merges")
@facilitator_route()
def list_merges(edge: Edge):
    merges = merge_service.list_merges(edge.db, edge.workshop, include_undone=True)
    return {"merges": [merge_service.merge_record(m) for m in merges]}


@bp.post("/workshops/<code>/merges")
@facilitator_route(changes=True, body=json_body, table=True)
def merge(edge: Edge):
    data = edge.data
    sources = data.get("source_ids")
    _own_group(edge, data.get("target_id"), *(sources if isinstance(sources, list) else []))
    merged = merge_service.merge_activities(
        edge.db, edge.workshop, data.get("target_id"), data.get("source_ids")
    )
    return {"ok": True, "merge": merge_service.merge_record(merged)}, 201


@bp.post("/workshops/<code>/merges/<int:merge_id>/undo")
@facilitator_route(changes=True, table=True)
def undo_merge(edge: Edge, merge_id: int):
    if edge.grant.is_table:
        _own_group(edge, merge_service.get_merge(edge.db, edge.workshop, merge_id).target_id)
    undone = merge_service.undo_merge(edge.db, edge.workshop, merge_id)
    return {"ok": True, "merge": merge_service.merge_record(undone)}


@bp.get("/workshops/<code>/export/<name>.<fmt>")
def export_file(code: str, name: str, fmt: str):
    if name not in export.TABLES or fmt not in ("csv", "xlsx"):
        raise NotFound("not_found")  # before the workshop is looked up
    return _export_file(code, name=name, fmt=fmt)


@facilitator_route()
def _export_file(edge: Edge, name: str, fmt: str):
    options = {}
    if name == "participants" and request.args.get("names") == "1":
        options["names"] = True  # names only when asked for: exports are pseudonymous
    if name == "changes":  # which versions of the plan: from the room's (1) to now by default
        options["before"] = request.args.get("from", "1")
        options["after"] = request.args.get("to", plan_service.CURRENT)
    conventions = csv_conventions(edge.workshop.language)
    body, mimetype = export.render(edge.db, edge.workshop, name, fmt, conventions, **options)
    filename = f"{edge.workshop.code}-{name}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/workshops/<code>/access")
@facilitator_route()
def access(edge: Edge):
    """Who am I on this workshop (owner or co-host), is there a PIN, and (owner) the co-hosts."""
    grant, workshop = edge.grant, edge.workshop
    cohosts = None
    if grant.is_owner:
        links = access_service.list_cohost_links(edge.db, workshop)
        cohosts = [_cohost_record(link) for link in links]
    return {"role": grant.role, "pin_set": workshop.pin_hash is not None, "cohosts": cohosts}


def _cohost_record(link) -> dict:
    return {
        "id": link.id,
        "label": link.label,
        "created_at": iso_utc(link.created_at, "auto"),
        #: a table link's working group (null: a co-host of the whole workshop)
        "working_group_id": link.working_group_id,
    }


@bp.post("/workshops/<code>/cohosts")
@facilitator_route(owner=True, body=json_body)
def create_cohost(edge: Edge):
    workshop = edge.workshop
    link, token = access_service.create_cohost_link(edge.db, workshop, edge.data.get("label", ""))
    payload = {
        "ok": True,
        **_cohost_record(link),
        "facilitator_url": _facilitator_url(workshop, token),
        "facilitator_token": token,
    }
    return payload, 201


@bp.delete("/workshops/<code>/cohosts/<int:link_id>")
@facilitator_route(owner=True)
def revoke_cohost(edge: Edge, link_id: int):
    access_service.revoke_cohost_link(edge.db, edge.workshop, link_id)
    edge.revoked = True  # co-hosts' consoles reconnect; the revoked one is refused
    return {"ok": True}


@bp.put("/workshops/<code>/pin")
@facilitator_route(owner=True, body=json_body)
def set_pin(edge: Edge):
    access_service.set_pin(edge.db, edge.workshop, edge.data.get("pin"))
    return {"ok": True, "pin_set": edge.workshop.pin_hash is not None}


@bp.get("/openapi.json")
def openapi():
    path = Path(current_app.root_path) / "openapi.json"
    return Response(path.read_text(encoding="utf-8"), mimetype="application/json")
