"""The JSON API of consolidations (the host), and the consolidated plan's public page (/c/<key>).

The host is the browser session opened with /host?key=... (with its CSRF header for changes,
as the console sends it) or `Authorization: Bearer <host key>`; a workshop's facilitator
token is refused. Each route runs in one transaction.
"""

import base64
import io
import json
import zipfile
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from .. import export
from ..auth import require_host
from ..db import transaction
from ..messages import ROLES
from ..models import Consolidation
from ..services import consolidation as consolidation_service
from ..services import consolidation_follow_up as follow_up_service
from ..services import consolidation_record as record_service
from ..services import follow_up as follow_up_links
from ..services.commitments import ROLE_ORDER
from ..services.errors import DomainError, NotFound
from .common import csv_conventions, json_body, large_body, public_base_url
from .outcome import POLL_SECONDS
from .screen import qr_svg

bp = Blueprint("consolidation_api", __name__)


def host_route(view: Callable) -> Callable:
    """`view(db, consolidation, **url_args)` for the host, in one transaction; a route without
    `consolidation_id` gets `view(db, **url_args)`."""

    @wraps(view)
    def route(**url_args):
        require_host()
        with transaction() as db:
            if "consolidation_id" in url_args:
                consolidation = consolidation_service.get_consolidation(
                    db, url_args.pop("consolidation_id")
                )
                return view(db, consolidation, **url_args)
            return view(db, **url_args)

    return route


def public_url(db: Session, consolidation: Consolidation) -> str:
    page = record_service.ensure_page(db, consolidation)
    return public_base_url() + url_for("consolidation_api.public_page", key=page.key)


def _summary(db: Session, consolidation: Consolidation) -> dict:
    latest = record_service.latest_version(db, consolidation)
    return {
        "id": consolidation.id,
        "title": consolidation.title,
        "created_at": consolidation.created_at.isoformat() + "Z",
        "sources": len(consolidation.sources),
        "latest_version": None if latest is None else latest.number,
    }


def _item(item: consolidation_service.Item) -> dict:
    return {
        "id": record_service.activity_ref(*item.ref),
        "source_id": item.source_id,
        "activity_id": item.activity_id,
        "source": item.source_label,
        "source_code": item.source_code,
        "source_version": item.version,
        "title": item.title,
        "description": item.description,
        "track": item.track,
        "group": item.group,
        "timeframe": item.timeframe,
        "roles": [
            {
                "role": role,
                "organisations": [
                    {"organisation": c["organisation"], "confirmed": bool(c.get("confirmed"))}
                    for c in item.roles[role]
                ],
            }
            for role in ROLE_ORDER
        ],
    }


def _ref(item: consolidation_service.Item) -> dict:
    return {"source_id": item.source_id, "activity_id": item.activity_id, "title": item.title}


@bp.get("/api/consolidations")
@host_route
def list_consolidations(db: Session):
    return {
        "consolidations": [_summary(db, c) for c in consolidation_service.list_consolidations(db)]
    }


@bp.post("/api/consolidations")
@host_route
def create_consolidation(db: Session):
    data = json_body()
    consolidation = consolidation_service.create_consolidation(db, data.get("title"))
    return {"ok": True, "consolidation": _summary(db, consolidation)}, 201


@bp.get("/api/consolidations/<int:consolidation_id>")
@host_route
def get_consolidation(db: Session, consolidation: Consolidation):
    view = consolidation_service.consolidated_view(db, consolidation)
    return {
        "consolidation": _summary(db, consolidation),
        "sources": view["sources"],
        "public_url": public_url(db, consolidation),
    }


@bp.delete("/api/consolidations/<int:consolidation_id>")
@host_route
def delete_consolidation(db: Session, consolidation: Consolidation):
    consolidation_service.delete_consolidation(db, consolidation)
    return {"ok": True}


@bp.post("/api/consolidations/<int:consolidation_id>/sources")
@large_body()
@host_route
def add_source(db: Session, consolidation: Consolidation):
    """A workshop of this instance by its code (JSON), or an export uploaded (multipart `file`,
    or the atelier-export.json itself as the body)."""
    if request.is_json:
        source = consolidation_service.add_local_source(db, consolidation, json_body().get("code"))
    else:
        upload = request.files.get("file")
        data = upload.read() if upload is not None else request.get_data()
        source = consolidation_service.add_imported_source(db, consolidation, data)
    return {
        "ok": True,
        "source": {"id": source.id, "label": source.label, "imported": source.workshop_id is None},
    }, 201


@bp.delete("/api/consolidations/<int:consolidation_id>/sources/<int:source_id>")
@host_route
def remove_source(db: Session, consolidation: Consolidation, source_id: int):
    consolidation_service.remove_source(db, consolidation, source_id)
    return {"ok": True}


def _side(data: dict, name: str) -> tuple[object, object]:
    side = data.get(name)
    if not isinstance(side, dict):
        raise DomainError("link_invalid")
    return side.get("source_id"), side.get("activity_id")


@bp.post("/api/consolidations/<int:consolidation_id>/links")
@host_route
def decide_link(db: Session, consolidation: Consolidation):
    """Accept or reject a proposed link (or link by hand): {left, right, decision, score}."""
    data = json_body()
    consolidation_service.decide_link(
        db,
        consolidation,
        _side(data, "left"),
        _side(data, "right"),
        data.get("decision"),
        score=data.get("score"),
    )
    return {"ok": True}


@bp.get("/api/consolidations/<int:consolidation_id>/plan")
@host_route
def consolidated_plan(db: Session, consolidation: Consolidation):
    """The consolidated plan as it stands: activities with their source, link groups, the
    proposals still undecided, the decisions, and the per-organisation view."""
    view = consolidation_service.consolidated_view(db, consolidation)
    return {
        "title": view["title"],
        "sources": view["sources"],
        "activities": [_item(i) for i in view["activities"]],
        "groups": [
            {"group": label, "activities": [i["id"] for i in members]}
            for label, members in _groups([_item(i) for i in view["activities"]])
        ],
        "proposals": [
            {"left": _ref(p["left"]), "right": _ref(p["right"]), "score": p["score"]}
            for p in view["proposals"]
        ],
        "decided": [
            {
                "left": _ref(d["left"]),
                "right": _ref(d["right"]),
                "decision": d["decision"],
                "score": d["score"],
            }
            for d in view["decided"]
        ],
        "organisations": [
            {
                "organisation": o["organisation"],
                "workshops": o["workshops"],
                "total": o["total"],
                "roles": [
                    {"role": role, "activities": [_ref(i) for i in o["roles"][role]]}
                    for role in ROLE_ORDER
                ],
            }
            for o in view["organisations"]
        ],
    }


def _groups(items: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for item in items:
        if item["group"]:
            groups.setdefault(item["group"], []).append(item)
    return list(groups.items())


@bp.get("/api/consolidations/<int:consolidation_id>/versions")
@host_route
def list_versions(db: Session, consolidation: Consolidation):
    versions = record_service.list_versions(db, consolidation)
    return {"versions": [record_service.version_record(v) for v in versions]}


@bp.post("/api/consolidations/<int:consolidation_id>/versions")
@host_route
def publish_version(db: Session, consolidation: Consolidation):
    """The consolidated plan as it stands becomes the next version: {title, date?}."""
    data = json_body()
    version = record_service.publish_version(db, consolidation, data.get("title"), data.get("date"))
    return {
        "ok": True,
        "version": record_service.version_record(version),
        "public_url": public_url(db, consolidation),
    }, 201


@bp.get("/api/consolidations/<int:consolidation_id>/versions/<int:number>")
@host_route
def get_version(db: Session, consolidation: Consolidation, number: int):
    version = record_service.get_version(db, consolidation, number)
    return {"version": record_service.version_record(version, with_document=True)}


@bp.get("/api/consolidations/<int:consolidation_id>/compare")
@host_route
def compare_versions(db: Session, consolidation: Consolidation):
    before = request.args.get("from", "1")
    after = request.args.get("to", record_service.CURRENT)
    return record_service.compare_versions(db, consolidation, before, after)


# -- exports with provenance --------------------------------------------------------------------


def _plan_of(db: Session, consolidation: Consolidation) -> tuple[dict, list[dict], str]:
    """(document, sources, which) of `?version=N`, or of the plan as it stands."""
    asked = request.args.get("version")
    if asked in (None, "", record_service.CURRENT):
        document, sources = record_service.plan_document(db, consolidation)
        return document, sources, record_service.CURRENT
    version = record_service.get_version(db, consolidation, asked)
    return (
        record_service.document_of(version),
        record_service.sources_of(version),
        f"v{version.number}",
    )


def _tables(db: Session, consolidation: Consolidation) -> tuple[list, dict, list[dict], str]:
    """The export's sheets: the plan with provenance, its workshops, and what changed (from the
    previous version to this one; for the plan as it stands, since the latest version)."""
    document, sources, which = _plan_of(db, consolidation)
    latest = record_service.latest_version(db, consolidation)
    comparison = None
    if which == record_service.CURRENT and latest is not None:
        comparison = record_service.compare_versions(db, consolidation, latest.number, which)
    elif which != record_service.CURRENT and which != "v1":
        number = int(which[1:])
        comparison = record_service.compare_versions(db, consolidation, number - 1, number)
    rows = record_service.provenance_rows(document, sources)
    tables = [
        (_("Consolidated workplan"), export.consolidated_plan_table(rows)),
        (_("Workshops"), export.consolidated_sources_table(sources)),
        (_("Changes"), export.comparison_table(comparison)),
    ]
    return tables, document, sources, which


@bp.get("/api/consolidations/<int:consolidation_id>/export/<name>")
@host_route
def export_plan(db: Session, consolidation: Consolidation, name: str):
    """plan.csv, plan.xlsx, consolidation.zip (the plan, its workshops and its changes as CSV,
    the workbook, and the plan document as JSON), of `?version=N` or the plan as it stands."""
    if name not in ("plan.csv", "plan.xlsx", "consolidation.zip"):
        raise NotFound("not_found")
    tables, document, sources, which = _tables(db, consolidation)
    conventions = csv_conventions(str(get_locale() or "fr"))
    stem = f"consolidation-{consolidation.id}-{which}"
    if name == "plan.csv":
        body, mimetype = export.to_csv(*tables[0][1], conventions), "text/csv"
    elif name == "plan.xlsx":
        body, mimetype = export.consolidated_record_workbook(tables), export.XLSX_MIMETYPE
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file, (_title, table) in zip(
                ("plan.csv", "workshops.csv", "changes.csv"), tables, strict=True
            ):
                archive.writestr(file, export.to_csv(*table, conventions))
            archive.writestr("plan.xlsx", export.consolidated_record_workbook(tables))
            archive.writestr(
                "consolidation.json",
                json.dumps(
                    {"title": consolidation.title, "version": which, "sources": sources} | document,
                    ensure_ascii=False,
                    indent=1,
                ),
            )
        body, mimetype = buffer.getvalue(), "application/zip"
    filename = f"{stem}-{name}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# -- follow-up by organisation across the consolidation ------------------------------------------


@bp.get("/api/consolidations/<int:consolidation_id>/follow-up")
@host_route
def follow_up_organisations(db: Session, consolidation: Consolidation):
    """Each organisation with commitments across the sources, with its links per workshop."""
    return {"organisations": follow_up_service.follow_up_organisations(db, consolidation)}


@bp.post("/api/consolidations/<int:consolidation_id>/follow-up/links")
@host_route
def create_follow_up_links(db: Session, consolidation: Consolidation):
    """One follow-up link per workshop where the organisation has commitments: {organisation_key,
    deadline, label}. Each link's token is shown once, as the workshop's own links are."""
    data = json_body()
    made, skipped = follow_up_service.create_links(
        db, consolidation, data.get("organisation_key"), data.get("deadline"), data.get("label", "")
    )
    links = []
    for workshop, link, token in made:
        url = public_base_url() + url_for("follow_up.page", code=workshop.code, token=token)
        links.append(
            {
                "code": workshop.code,
                "workshop": workshop.title,
                "link": follow_up_links.link_record(link, workshop.time_zone),
                "url": url,
                "qr": "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode(),
            }
        )
    return {"ok": True, "links": links, "skipped": skipped}, 201


@bp.delete("/api/consolidations/<int:consolidation_id>/follow-up/links")
@host_route
def revoke_follow_up_links(db: Session, consolidation: Consolidation):
    """Revoke the organisation's open links in every workshop: ?organisation_key=..."""
    key = request.args.get("organisation_key")
    return {"ok": True, "revoked": follow_up_service.revoke_links(db, consolidation, key)}


# -- the public page ----------------------------------------------------------------------------


def _blocks(rows: list[dict]) -> list[dict]:
    """The rows by track, in the order tracks first appear."""
    blocks: dict[str, list[dict]] = {}
    for row in rows:
        blocks.setdefault(row["track"], []).append(row)
    return [{"track": track, "activities": items} for track, items in blocks.items()]


def version_word(version: str) -> str:
    """A source's provenance in words: "version 2", "live plan (no version published)"..."""
    if version == consolidation_service.LIVE:
        return _("live plan (no version published)")
    if version == consolidation_service.EXPORT:
        return _("imported export")
    return _("version %(n)s", n=version.removeprefix("v"))


@bp.get("/c/<key>")
def public_page(key: str):
    """The consolidated plan's latest published version, read-only, in the reader's language."""
    with transaction() as db:
        consolidation, version = record_service.public_version(db, key)
        rows = record_service.provenance_rows(
            record_service.document_of(version), record_service.sources_of(version)
        )
        sources = record_service.sources_of(version)
        title, number, version_title = consolidation.title, version.number, version.title
        day = version.published_on
    return render_template(
        "consolidation_public.html",
        title=title,
        version_line=_("Version %(n)s: %(title)s, %(date)s")
        % {"n": number, "title": version_title, "date": format_date(day, "long")},
        blocks=_blocks(rows),
        sources=sources,
        roles=ROLES,
        role_order=ROLE_ORDER,
        version_word=version_word,
        stamp=str(number),
        stamp_url=url_for("consolidation_api.public_stamp", key=key),
        poll_ms=1000 * POLL_SECONDS,
        qr_url=url_for("consolidation_api.public_qr", key=key),
    )


@bp.get("/c/<key>/stamp")
def public_stamp(key: str):
    """The number of the version shown: a page that sees it change reloads (outcome.js)."""
    with transaction() as db:
        _consolidation, version = record_service.public_version(db, key)
        stamp = str(version.number)
    return {"stamp": stamp}, 200, {"Cache-Control": "no-store"}


@bp.get("/c/<key>/qr.svg")
def public_qr(key: str):
    with transaction() as db:
        record_service.public_version(db, key)
    address = public_base_url() + url_for("consolidation_api.public_page", key=key)
    return Response(
        qr_svg(address), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"}
    )
