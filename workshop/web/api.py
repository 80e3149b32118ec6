"""The JSON API: everything the facilitator does, plus joining over HTTP."""

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from .. import export
from ..db import transaction
from ..models import ActivityStatus, Phase
from ..services import access as access_service
from ..services import activities as activity_service
from ..services import duplicates as duplicate_service
from ..services import merging as merge_service
from ..services import participants as participant_service
from ..services import timer as timer_service
from ..services import workshops as workshop_service
from ..services.errors import DomainError, Forbidden, NotFound
from ..services.results import compute_results
from ..services.similarity import DEFAULT_THRESHOLD
from ..services.state import activity_record, workshop_state
from ..services.voting import my_votes
from .auth import (
    NotAuthenticated,
    bearer_token,
    console_grant,
    current_participant,
    hit_limits,
    json_body,
    require_facilitator,
    require_participant,
)
from .common import broadcast, public_base_url, revoke_sockets, workshop_links

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
    return jsonify(payload), 201


def _is_facilitator(db, workshop) -> bool:
    """Whether the facilitator asks; another bearer token (a participant's) is not an error.

    A facilitator's token without the workshop's PIN is refused (pin_required, pin_invalid):
    otherwise a stolen link could probe the PIN here without being counted.
    """
    token = bearer_token()
    if token is not None:
        try:
            access_service.token_grant(db, workshop, token)
        except Forbidden:
            return False
        require_facilitator(db, workshop)
        return True
    return console_grant(db, workshop) is not None


@bp.get("/workshops/<code>")
def get_workshop(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        state = workshop_state(db, workshop, include_hidden=_is_facilitator(db, workshop))
        state["organisations"] = participant_service.organisation_suggestions(db, workshop)
        state.update(workshop_service.session_settings(workshop))
    return jsonify(state)


@bp.patch("/workshops/<code>")
def update_workshop(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        workshop_service.update_settings(
            db,
            workshop,
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
        workshop_id = workshop.id
    broadcast(workshop_id)
    return jsonify({"ok": True})


@bp.delete("/workshops/<code>")
def delete_workshop(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop, owner=True)
        workshop_id = workshop.id
        workshop_service.delete_workshop(db, workshop)
    broadcast(workshop_id)  # tells every screen the workshop is gone
    return jsonify({"ok": True})


@bp.post("/workshops/<code>/phase")
def set_phase(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        workshop_service.set_phase(db, workshop, data.get("phase"))
        workshop_id, phase = workshop.id, workshop.phase
    broadcast(workshop_id)
    return jsonify({"ok": True, "phase": phase})


@bp.post("/workshops/<code>/timer")
def control_timer(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        timer_service.control_timer(db, workshop, data.get("action"), data.get("seconds"))
        workshop_id, timer = workshop.id, timer_service.timer_state(workshop)
    broadcast(workshop_id)
    return jsonify({"ok": True, "timer": timer})


@bp.post("/workshops/<code>/activities")
def add_activity(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        activity = activity_service.add_activity(
            db,
            workshop,
            title=data.get("title"),
            description=data.get("description", ""),
            track=data.get("track"),
        )
        workshop_id, record = workshop.id, activity_record(activity, with_author=True)
    broadcast(workshop_id)
    return jsonify({"ok": True, "activity_id": record["id"], "activity": record}), 201


@bp.post("/workshops/<code>/activities/import")
def import_activities(code: str):
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
    else:  # a raw body, whatever curl or a script calls its type
        data = request.get_data(parse_form_data=False)
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        if not data:
            raise DomainError("field_required", field="file")
        created = activity_service.import_activities(db, workshop, data)
        workshop_id, ids = workshop.id, [a.id for a in created]
    broadcast(workshop_id)
    return jsonify({"ok": True, "imported": len(ids), "activity_ids": ids}), 201


@bp.patch("/workshops/<code>/activities/<int:activity_id>")
def edit_activity(code: str, activity_id: int):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        activity = activity_service.edit_activity(
            db,
            workshop,
            activity_id,
            title=data.get("title"),
            description=data.get("description"),
            track=data.get("track", ...),
        )
        workshop_id, record = workshop.id, activity_record(activity, with_author=True)
    broadcast(workshop_id)
    return jsonify({"ok": True, "activity": record})


def _set_status(code: str, activity_id: int, status: ActivityStatus):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        activity = activity_service.set_activity_status(db, workshop, activity_id, status)
        workshop_id, record = workshop.id, activity_record(activity, with_author=True)
    broadcast(workshop_id)
    return jsonify({"ok": True, "activity": record})


@bp.post("/workshops/<code>/activities/<int:activity_id>/hide")
def hide_activity(code: str, activity_id: int):
    return _set_status(code, activity_id, ActivityStatus.HIDDEN)


@bp.post("/workshops/<code>/activities/hide")
def hide_activities(code: str):
    """Hide several proposals at once: all of them in one transaction, or none."""
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        hidden = activity_service.hide_activities(db, workshop, data.get("activity_ids"))
        workshop_id, ids = workshop.id, [a.id for a in hidden]
    broadcast(workshop_id)
    return jsonify({"ok": True, "hidden": len(ids), "activity_ids": ids})


@bp.post("/workshops/<code>/activities/<int:activity_id>/restore")
def restore_activity(code: str, activity_id: int):
    return _set_status(code, activity_id, ActivityStatus.VISIBLE)


@bp.get("/workshops/<code>/results")
def results(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if not _is_facilitator(db, workshop):
            if current_participant(db, workshop) is None:
                require_facilitator(db, workshop)  # raises: neither facilitator nor participant
            if not (workshop.live_results or workshop.phase == Phase.CLOSED.value):
                raise Forbidden("results_hidden")
        payload = compute_results(db, workshop)
        payload["version"] = workshop.version
    return jsonify(payload)


@bp.post("/workshops/<code>/participants")
def join(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
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
        workshop_id = workshop.id
        payload = {
            "ok": True,
            "participant_token": token,
            "participant_id": participant.public_id,
            "group_id": participant.group_id,
        }
    broadcast(workshop_id)
    return jsonify(payload), 200 if token == existing else 201


@bp.get("/workshops/<code>/participants")
def list_participants(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        rows = [
            {
                "participant_id": p.public_id,
                "name": p.display_name,
                "organisation": p.organisation,
                "group_id": p.group_id,
                "joined_at": p.joined_at.isoformat() + "Z",
            }
            for p in participant_service.list_participants(db, workshop)
        ]
    return jsonify({"participants": rows})


@bp.get("/workshops/<code>/me")
def me(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        participant = require_participant(db, workshop)
        payload = {
            "participant_id": participant.public_id,
            "name": participant.display_name,
            "organisation": participant.organisation,
            "group_id": participant.group_id,
            **my_votes(db, workshop, participant),
            "merges": merge_service.merge_notices(db, workshop, participant),
        }
    return jsonify(payload)


@bp.post("/workshops/<code>/similar")
def similar(code: str):
    """Activities like the text being typed: for phones (participants) and facilitators."""
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if not _is_facilitator(db, workshop) and current_participant(db, workshop) is None:
            raise NotAuthenticated("not_authenticated")
        workshop_id = workshop.id
        documents = duplicate_service.visible_documents(db, workshop)
    index = duplicate_service.index_for(workshop_id, documents)
    candidates = duplicate_service.similar_activities(
        index, title=data.get("title", ""), description=data.get("description", "")
    )
    return jsonify({"ok": True, "threshold": DEFAULT_THRESHOLD, "candidates": candidates})


@bp.get("/workshops/<code>/duplicates")
def duplicates(code: str):
    """Likely duplicate pairs and clusters among the visible activities (facilitator)."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        workshop_id = workshop.id
        documents = duplicate_service.visible_documents(db, workshop)
    report = duplicate_service.duplicate_report(duplicate_service.index_for(workshop_id, documents))
    return jsonify({"ok": True, **report})


@bp.get("/workshops/<code>/merges")
def list_merges(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        merges = [
            merge_service.merge_record(m)
            for m in merge_service.list_merges(db, workshop, include_undone=True)
        ]
    return jsonify({"merges": merges})


@bp.post("/workshops/<code>/merges")
def merge(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        merged = merge_service.merge_activities(
            db, workshop, data.get("target_id"), data.get("source_ids")
        )
        workshop_id, record = workshop.id, merge_service.merge_record(merged)
    broadcast(workshop_id)
    return jsonify({"ok": True, "merge": record}), 201


@bp.post("/workshops/<code>/merges/<int:merge_id>/undo")
def undo_merge(code: str, merge_id: int):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        undone = merge_service.undo_merge(db, workshop, merge_id)
        workshop_id, record = workshop.id, merge_service.merge_record(undone)
    broadcast(workshop_id)
    return jsonify({"ok": True, "merge": record})


@bp.get("/workshops/<code>/export/<name>.<fmt>")
def export_file(code: str, name: str, fmt: str):
    if name not in export.TABLES or fmt not in ("csv", "xlsx"):
        raise NotFound("not_found")
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        options = {}
        if name == "participants" and request.args.get("names") == "1":
            options["names"] = True  # names only when asked for: exports are pseudonymous
        body, mimetype = export.render(db, workshop, name, fmt, **options)
        filename = f"{workshop.code}-{name}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/workshops/<code>/access")
def access(code: str):
    """Who am I on this workshop (owner or co-host), is there a PIN, and (owner) the co-hosts."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        grant = require_facilitator(db, workshop)
        cohosts = None
        if grant.is_owner:
            links = access_service.list_cohost_links(db, workshop)
            cohosts = [_cohost_record(link) for link in links]
        payload = {
            "role": grant.role,
            "pin_set": workshop.pin_hash is not None,
            "cohosts": cohosts,
        }
    return jsonify(payload)


def _cohost_record(link) -> dict:
    return {"id": link.id, "label": link.label, "created_at": link.created_at.isoformat() + "Z"}


@bp.post("/workshops/<code>/cohosts")
def create_cohost(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop, owner=True)
        link, token = access_service.create_cohost_link(db, workshop, data.get("label", ""))
        payload = {
            "ok": True,
            **_cohost_record(link),
            "facilitator_url": _facilitator_url(workshop, token),
            "facilitator_token": token,
        }
    return jsonify(payload), 201


@bp.delete("/workshops/<code>/cohosts/<int:link_id>")
def revoke_cohost(code: str, link_id: int):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop, owner=True)
        access_service.revoke_cohost_link(db, workshop, link_id)
        workshop_id = workshop.id
    revoke_sockets(workshop_id)  # co-hosts' consoles reconnect; the revoked one is refused
    return jsonify({"ok": True})


@bp.put("/workshops/<code>/pin")
def set_pin(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop, owner=True)
        access_service.set_pin(db, workshop, data.get("pin"))
        pin_set = workshop.pin_hash is not None
    return jsonify({"ok": True, "pin_set": pin_set})


@bp.get("/openapi.json")
def openapi():
    path = Path(current_app.root_path) / "openapi.json"
    return Response(path.read_text(encoding="utf-8"), mimetype="application/json")
