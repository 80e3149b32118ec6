"""The JSON API of comments, commitments and the workplan (facilitator), and the export ZIP."""

import io
import zipfile

from flask import Blueprint, Response, jsonify, request
from flask_babel import force_locale

from .. import export
from ..db import transaction
from ..models import CommentStatus
from ..services import comments as comment_service
from ..services import commitments as commitment_service
from ..services import workplan as workplan_service
from ..services import workshops as workshop_service
from ..services.interchange import FILENAME, build_document, document_json
from .auth import json_body, require_facilitator
from .common import broadcast
from .report import render_report, report_language

bp = Blueprint("workplan_api", __name__, url_prefix="/api")

# -- comments ---------------------------------------------------------------------------------


@bp.get("/workshops/<code>/comments")
def list_comments(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        rows = [
            comment_service.comment_record(c, with_author=True)
            for c in comment_service.list_comments(db, workshop, include_hidden=True)
        ]
    return jsonify({"comments": rows})


def _comment_status(code: str, comment_id: int, status: CommentStatus):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        comment = comment_service.set_comment_status(db, workshop, comment_id, status)
        workshop_id = workshop.id
        record = comment_service.comment_record(comment, with_author=True)
    broadcast(workshop_id)
    return jsonify({"ok": True, "comment": record})


@bp.post("/workshops/<code>/comments/<int:comment_id>/hide")
def hide_comment(code: str, comment_id: int):
    return _comment_status(code, comment_id, CommentStatus.HIDDEN)


@bp.post("/workshops/<code>/comments/<int:comment_id>/restore")
def restore_comment(code: str, comment_id: int):
    return _comment_status(code, comment_id, CommentStatus.VISIBLE)


# -- commitments ------------------------------------------------------------------------------


@bp.get("/workshops/<code>/commitments")
def list_commitments(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        rows = [
            commitment_service.commitment_record(c, with_author=True)
            for c in commitment_service.list_commitments(db, workshop)
        ]
    return jsonify({"commitments": rows})


@bp.post("/workshops/<code>/commitments")
def add_commitment(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        commitment = commitment_service.add_commitment(
            db,
            workshop,
            activity_id=data.get("activity_id"),
            organisation=data.get("organisation"),
            role=data.get("role"),
            group=data.get("group"),
            timeframe=data.get("timeframe", ""),
            note=data.get("note", ""),
            confirmed=data.get("confirmed", True),
        )
        workshop_id = workshop.id
        record = commitment_service.commitment_record(commitment, with_author=True)
    broadcast(workshop_id)
    return jsonify({"ok": True, "commitment": record}), 201


@bp.post("/workshops/<code>/commitments/confirm")
def confirm_commitments(code: str):
    """Confirm every proposed commitment, of the whole plan or of one activity (`activity_id`)."""
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        data = json_body()  # a body that is not a JSON object: the usual 400
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        confirmed = commitment_service.confirm_commitments(db, workshop, data.get("activity_id"))
        workshop_id, ids = workshop.id, [c.id for c in confirmed]
    if ids:
        broadcast(workshop_id)
    return jsonify({"ok": True, "confirmed": len(ids), "commitment_ids": ids})


@bp.patch("/workshops/<code>/commitments/<int:commitment_id>")
def edit_commitment(code: str, commitment_id: int):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        commitment = commitment_service.edit_commitment(
            db,
            workshop,
            commitment_id,
            organisation=data.get("organisation"),
            role=data.get("role"),
            group=data.get("group", ...),
            timeframe=data.get("timeframe"),
            note=data.get("note"),
            confirmed=data.get("confirmed"),
        )
        workshop_id = workshop.id
        record = commitment_service.commitment_record(commitment, with_author=True)
    broadcast(workshop_id)
    return jsonify({"ok": True, "commitment": record})


@bp.delete("/workshops/<code>/commitments/<int:commitment_id>")
def remove_commitment(code: str, commitment_id: int):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        commitment_service.remove_commitment(db, workshop, commitment_id)
        workshop_id = workshop.id
    broadcast(workshop_id)
    return jsonify({"ok": True})


# -- the workplan -----------------------------------------------------------------------------


@bp.get("/workshops/<code>/workplan")
def get_workplan(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        payload = workplan_service.workplan_state(db, workshop)["workplan"]
        payload["version"] = workshop.version
    return jsonify(payload)


@bp.post("/workshops/<code>/workplan/top")
def retain_top(code: str):
    data = json_body()
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        ids = workplan_service.retain_top(
            db,
            workshop,
            count=data.get("count"),
            ranking=data.get("ranking", "total"),
            per_track=data.get("per_track", False),
        )
        workshop_id = workshop.id
    broadcast(workshop_id)
    return jsonify({"ok": True, "retained_ids": ids})


def _retain(code: str, activity_id: int, retained: bool):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        workplan_service.set_retained(db, workshop, activity_id, retained)
        workshop_id = workshop.id
        ids = sorted(workplan_service.retained_ids(db, workshop))
    broadcast(workshop_id)
    return jsonify({"ok": True, "retained_ids": ids})


@bp.put("/workshops/<code>/workplan/activities/<int:activity_id>")
def retain_activity(code: str, activity_id: int):
    return _retain(code, activity_id, True)


@bp.delete("/workshops/<code>/workplan/activities/<int:activity_id>")
def release_activity(code: str, activity_id: int):
    return _retain(code, activity_id, False)


# -- everything in one ZIP --------------------------------------------------------------------


@bp.get("/workshops/<code>/export.zip")
def export_zip(code: str):
    """Every table as CSV and XLSX, the formatted workplan, the report and the data document."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        require_facilitator(db, workshop)
        prefix = workshop.code
        buffer = io.BytesIO()
        with (
            force_locale(report_language(workshop, request.args.get("lang"))),
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            for name in export.TABLES:
                for fmt in ("csv", "xlsx"):
                    body, _mimetype = export.render(db, workshop, name, fmt)
                    archive.writestr(f"{prefix}/{prefix}-{name}.{fmt}", body)
            report = render_report(db, workshop, standalone=True)
            archive.writestr(f"{prefix}/{prefix}-report.html", report.encode("utf-8"))
            archive.writestr(f"{prefix}/{FILENAME}", document_json(build_document(db, workshop)))
    return Response(
        buffer.getvalue(),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{prefix}-export.zip"'},
    )
