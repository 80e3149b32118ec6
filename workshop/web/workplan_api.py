"""The JSON API of comments, commitments and the workplan (facilitator), and the export ZIP."""

import io
import zipfile

from flask import Blueprint, Response, request
from flask_babel import force_locale

from .. import export
from ..models import CommentStatus
from ..services import comments as comment_service
from ..services import commitments as commitment_service
from ..services import workplan as workplan_service
from ..services.interchange import FILENAME, build_document, document_json
from .common import csv_conventions, json_body
from .report import render_report, report_language
from .routes import Edge, facilitator_route

bp = Blueprint("workplan_api", __name__, url_prefix="/api")

# -- comments ---------------------------------------------------------------------------------


@bp.get("/workshops/<code>/comments")
@facilitator_route()
def list_comments(edge: Edge):
    rows = [
        comment_service.comment_record(c, with_author=True)
        for c in comment_service.list_comments(edge.db, edge.workshop, include_hidden=True)
    ]
    return {"comments": rows}


@facilitator_route(changes=True)
def _comment_status(edge: Edge, comment_id: int, status: CommentStatus):
    comment = comment_service.set_comment_status(edge.db, edge.workshop, comment_id, status)
    return {"ok": True, "comment": comment_service.comment_record(comment, with_author=True)}


@bp.post("/workshops/<code>/comments/<int:comment_id>/hide")
def hide_comment(code: str, comment_id: int):
    return _comment_status(code, comment_id=comment_id, status=CommentStatus.HIDDEN)


@bp.post("/workshops/<code>/comments/<int:comment_id>/restore")
def restore_comment(code: str, comment_id: int):
    return _comment_status(code, comment_id=comment_id, status=CommentStatus.VISIBLE)


# -- commitments ------------------------------------------------------------------------------


@bp.get("/workshops/<code>/commitments")
@facilitator_route()
def list_commitments(edge: Edge):
    rows = [
        commitment_service.commitment_record(c, with_author=True)
        for c in commitment_service.list_commitments(edge.db, edge.workshop)
    ]
    return {"commitments": rows}


@bp.post("/workshops/<code>/commitments")
@facilitator_route(changes=True, body=json_body)
def add_commitment(edge: Edge):
    data = edge.data
    commitment = commitment_service.add_commitment(
        edge.db,
        edge.workshop,
        activity_id=data.get("activity_id"),
        organisation=data.get("organisation"),
        role=data.get("role"),
        group=data.get("group"),
        timeframe=data.get("timeframe", ""),
        note=data.get("note", ""),
        confirmed=data.get("confirmed", True),
    )
    record = commitment_service.commitment_record(commitment, with_author=True)
    return {"ok": True, "commitment": record}, 201


def _optional_json() -> dict:
    """The JSON object sent, or {} when nothing was sent."""
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        data = json_body()  # a body that is not a JSON object: the usual 400
    return data


@bp.post("/workshops/<code>/commitments/confirm")
@facilitator_route(changes=True, body=_optional_json)
def confirm_commitments(edge: Edge):
    """Confirm every proposed commitment, of the whole plan or of one activity (`activity_id`)."""
    confirmed = commitment_service.confirm_commitments(
        edge.db, edge.workshop, edge.data.get("activity_id")
    )
    ids = [c.id for c in confirmed]
    edge.changed = bool(ids)  # nothing to confirm: nothing to tell the screens
    return {"ok": True, "confirmed": len(ids), "commitment_ids": ids}


@bp.patch("/workshops/<code>/commitments/<int:commitment_id>")
@facilitator_route(changes=True, body=json_body)
def edit_commitment(edge: Edge, commitment_id: int):
    data = edge.data
    commitment = commitment_service.edit_commitment(
        edge.db,
        edge.workshop,
        commitment_id,
        organisation=data.get("organisation"),
        role=data.get("role"),
        group=data.get("group", ...),
        timeframe=data.get("timeframe"),
        note=data.get("note"),
        contact=data.get("contact"),
        resources=data.get("resources"),
        confirmed=data.get("confirmed"),
    )
    record = commitment_service.commitment_record(commitment, with_author=True)
    return {"ok": True, "commitment": record}


@bp.delete("/workshops/<code>/commitments/<int:commitment_id>")
@facilitator_route(changes=True)
def remove_commitment(edge: Edge, commitment_id: int):
    commitment_service.remove_commitment(edge.db, edge.workshop, commitment_id)
    return {"ok": True}


# -- the workplan -----------------------------------------------------------------------------


@bp.get("/workshops/<code>/workplan")
@facilitator_route()
def get_workplan(edge: Edge):
    payload = workplan_service.workplan_state(edge.db, edge.workshop)["workplan"]
    payload["version"] = edge.workshop.version
    return payload


@bp.post("/workshops/<code>/workplan/top")
@facilitator_route(changes=True, body=json_body)
def retain_top(edge: Edge):
    data = edge.data
    ids = workplan_service.retain_top(
        edge.db,
        edge.workshop,
        count=data.get("count"),
        ranking=data.get("ranking", "total"),
        per_track=data.get("per_track", False),
    )
    return {"ok": True, "retained_ids": ids}


@facilitator_route(changes=True)
def _retain(edge: Edge, activity_id: int, retained: bool):
    workplan_service.set_retained(edge.db, edge.workshop, activity_id, retained)
    ids = sorted(workplan_service.retained_ids(edge.db, edge.workshop))
    return {"ok": True, "retained_ids": ids}


@bp.put("/workshops/<code>/workplan/activities/<int:activity_id>")
def retain_activity(code: str, activity_id: int):
    return _retain(code, activity_id=activity_id, retained=True)


@bp.delete("/workshops/<code>/workplan/activities/<int:activity_id>")
def release_activity(code: str, activity_id: int):
    return _retain(code, activity_id=activity_id, retained=False)


# -- everything in one ZIP --------------------------------------------------------------------


@bp.get("/workshops/<code>/export.zip")
@facilitator_route()
def export_zip(edge: Edge):
    """Every table as CSV and XLSX, the formatted workplan, the report and the data document."""
    db, workshop = edge.db, edge.workshop
    prefix = workshop.code
    conventions = csv_conventions(workshop.language)
    buffer = io.BytesIO()
    with (
        force_locale(report_language(workshop, request.args.get("lang"))),
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in export.table_names(db, workshop):
            for fmt in ("csv", "xlsx"):
                body, _mimetype = export.render(db, workshop, name, fmt, conventions)
                archive.writestr(f"{prefix}/{prefix}-{name}.{fmt}", body)
        report = render_report(db, workshop, standalone=True)
        archive.writestr(f"{prefix}/{prefix}-report.html", report.encode("utf-8"))
        archive.writestr(f"{prefix}/{FILENAME}", document_json(build_document(db, workshop)))
    return Response(
        buffer.getvalue(),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{prefix}-export.zip"'},
    )
