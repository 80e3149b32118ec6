"""The host's pages for consolidating several workshops into one inter-agency workplan."""

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import export
from ..auth import check_csrf, csrf_token, is_host
from ..db import transaction
from ..messages import (
    CHANGE_LABELS,
    CHANGE_SUBJECTS,
    ROLES,
    error_message,
    field_name,
    value_words,
)
from ..models import PLAN_VERSION_TITLE_MAX
from ..services import consolidation as consolidation_service
from ..services import consolidation_record as record_service
from ..services import workshops as workshop_service
from ..services.errors import DomainError, NotFound
from ..services.plan_versions import change_rows
from .common import csv_conventions, large_body, public_base_url

bp = Blueprint("consolidation", __name__, url_prefix="/host/consolidations")

#: an export ZIP of a large workshop can be over the API's 1 MiB request limit


def _locked():
    return render_template("host_locked.html"), 403


@bp.get("")
def index():
    if not is_host():
        return _locked()
    return _index_page()


def _index_page(error: str | None = None, status: int = 200):
    with transaction() as db:
        rows = [
            {"id": c.id, "title": c.title, "sources": len(c.sources), "created_at": c.created_at}
            for c in consolidation_service.list_consolidations(db)
        ]
    return render_template(
        "consolidations.html", consolidations=rows, csrf=csrf_token(), error=error
    ), status


@bp.post("")
def create():
    if not is_host():
        return _locked()
    try:
        check_csrf(request.form.get("csrf"))
        with transaction() as db:
            consolidation = consolidation_service.create_consolidation(
                db, request.form.get("title")
            )
            consolidation_id = consolidation.id
    except DomainError as error:
        return _index_page(error_message(error.key, error.params), 400)
    return redirect(url_for("consolidation.show", consolidation_id=consolidation_id))


def _comparison(db, consolidation, versions: list) -> dict:
    """The compare form's choices and, when asked (?from=&to=), what changed between the two
    (a bad choice: the page says so, and shows the rest)."""
    current = record_service.CURRENT
    choices = [
        (str(v.number), _("v%(number)s", number=v.number) + " · " + v.title) for v in versions
    ]
    choices.append((current, _("The plan now (not published)")))
    latest = str(versions[-1].number) if versions else current
    before = request.args.get("from", str(versions[-2].number) if len(versions) > 1 else latest)
    after = request.args.get("to", current)
    compare = {"choices": choices, "from": before, "to": after, "rows": None, "error": None}
    if "from" in request.args or "to" in request.args:
        try:
            compared = record_service.compare_versions(db, consolidation, before, after)
        except DomainError as refused:
            compare["error"] = error_message(refused.key, refused.params)
        else:
            compare["rows"] = change_rows(compared)
    return compare


def _view_page(consolidation_id: int, error: str | None = None, status: int = 200):
    with transaction() as db:
        consolidation = consolidation_service.get_consolidation(db, consolidation_id)
        view = consolidation_service.consolidated_view(db, consolidation)
        taken = {s.workshop_id for s in consolidation.sources}
        page = record_service.ensure_page(db, consolidation)
        versions = record_service.list_versions(db, consolidation)
        compare = _comparison(db, consolidation, versions)
        record = {
            "versions": [record_service.version_record(v) for v in versions],
            "public_url": public_base_url()
            + url_for("consolidation_api.public_page", key=page.key),
            "title_max": PLAN_VERSION_TITLE_MAX,
        }
        workshops = [
            {"code": w.code, "title": w.title}
            for w in workshop_service.list_workshops(db)
            if w.id not in taken
        ]
    return render_template(
        "consolidation.html",
        consolidation_id=consolidation_id,
        view=view,
        record=record,
        compare=compare,
        workshops=workshops,
        roles=ROLES,
        change_words=CHANGE_LABELS,
        change_subjects=CHANGE_SUBJECTS,
        field_words=field_name,
        value_words=value_words,
        csrf=csrf_token(),
        error=error or compare["error"],
    ), (400 if compare["error"] and status == 200 else status)


@bp.get("/<int:consolidation_id>")
def show(consolidation_id: int):
    if not is_host():
        return _locked()
    return _view_page(consolidation_id)


def _act(consolidation_id: int, action):
    """Run a form's action in one transaction, then back to the page (or the page with why)."""
    if not is_host():
        return _locked()
    try:
        check_csrf(request.form.get("csrf"))
        with transaction() as db:
            consolidation = consolidation_service.get_consolidation(db, consolidation_id)
            action(db, consolidation)
    except NotFound as error:
        if error.key == "consolidation_not_found":
            raise
        return _view_page(consolidation_id, error_message(error.key, error.params), 400)
    except DomainError as error:
        return _view_page(consolidation_id, error_message(error.key, error.params), 400)
    return redirect(url_for("consolidation.show", consolidation_id=consolidation_id))


@bp.post("/<int:consolidation_id>/sources")
def add_source(consolidation_id: int):
    return _act(
        consolidation_id,
        lambda db, c: consolidation_service.add_local_source(db, c, request.form.get("code")),
    )


@bp.post("/<int:consolidation_id>/import")
@large_body()
def import_source(consolidation_id: int):
    def action(db, consolidation):
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        consolidation_service.add_imported_source(db, consolidation, data)

    return _act(consolidation_id, action)


@bp.post("/<int:consolidation_id>/sources/<int:source_id>/remove")
def remove_source(consolidation_id: int, source_id: int):
    return _act(
        consolidation_id,
        lambda db, c: consolidation_service.remove_source(db, c, source_id),
    )


def _int(name: str) -> object:
    raw = request.form.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else raw


def _float(name: str) -> object:
    try:
        return float(request.form.get(name, ""))
    except ValueError:
        return None


@bp.post("/<int:consolidation_id>/links")
def decide_link(consolidation_id: int):
    def action(db, consolidation):
        consolidation_service.decide_link(
            db,
            consolidation,
            (_int("left_source"), _int("left_activity")),
            (_int("right_source"), _int("right_activity")),
            request.form.get("decision"),
            score=_float("score"),
        )

    return _act(consolidation_id, action)


@bp.post("/<int:consolidation_id>/manual-link")
def manual_link(consolidation_id: int):
    """Link two activities the engine did not propose: each is "source:activity"."""

    def ref(name: str) -> tuple[object, object]:
        source, _sep, activity = request.form.get(name, "").partition(":")
        as_int = [int(x) if x.isdigit() and len(x) < 19 else x for x in (source, activity)]
        return as_int[0], as_int[1]

    def action(db, consolidation):
        consolidation_service.decide_link(
            db, consolidation, ref("left"), ref("right"), "accepted", score=None
        )

    return _act(consolidation_id, action)


@bp.post("/<int:consolidation_id>/versions")
def publish_version(consolidation_id: int):
    return _act(
        consolidation_id,
        lambda db, c: record_service.publish_version(
            db, c, request.form.get("title"), request.form.get("date")
        ),
    )


@bp.post("/<int:consolidation_id>/delete")
def delete(consolidation_id: int):
    if not is_host():
        return _locked()
    try:
        check_csrf(request.form.get("csrf"))
    except DomainError as error:
        return _view_page(consolidation_id, error_message(error.key, error.params), 400)
    with transaction() as db:
        consolidation = consolidation_service.get_consolidation(db, consolidation_id)
        consolidation_service.delete_consolidation(db, consolidation)
    return redirect(url_for("consolidation.index"))


@bp.get("/<int:consolidation_id>/export/<name>.<fmt>")
def export_file(consolidation_id: int, name: str, fmt: str):
    if not is_host():
        return _locked()
    known = {("consolidated", "csv"), ("organisations", "csv"), ("consolidated", "xlsx")}
    if (name, fmt) not in known:
        raise NotFound("not_found")
    with transaction() as db:
        consolidation = consolidation_service.get_consolidation(db, consolidation_id)
        view = consolidation_service.consolidated_view(db, consolidation)
    if fmt == "xlsx":
        body = export.consolidation_workbook(view)
        mimetype = export.XLSX_MIMETYPE
    else:
        table = (
            export.consolidated_table
            if name == "consolidated"
            else export.consolidated_organisations_table
        )
        conventions = csv_conventions(str(get_locale() or "en"))
        body, mimetype = export.to_csv(*table(view), conventions), "text/csv"
    filename = f"consolidation-{consolidation_id}-{name}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
