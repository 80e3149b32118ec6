"""The JSON API of the organisation directory: the console edits it, phones search it."""

from flask import Blueprint, request
from flask_babel import get_locale

from ..auth import require_facilitator
from ..services import directory as directory_service
from ..services import organisations as organisation_service
from ..services.errors import DomainError
from ..services.workshops import LANGUAGES, get_workshop
from .api import _upload
from .common import json_body
from .routes import ANYONE, Edge, facilitator_route, workshop_route

bp = Blueprint("organisations_api", __name__, url_prefix="/api")


def _language() -> str:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else str(get_locale() or "fr")


def directory_payload(edge: Edge) -> dict:
    """The directory with what uses each organisation, the names it does not know, merges."""
    db, workshop = edge.db, edge.workshop
    directory = organisation_service.load_directory(db, workshop)
    counts = organisation_service.usage_counts(db, workshop, directory)
    language = _language()
    return {
        "organisations": [
            organisation_service.organisation_record(o, counts)
            for o in directory.organisations.values()
        ],
        "unmatched": organisation_service.unmatched_names(db, workshop, directory),
        "merges": [
            directory_service.organisation_merge_record(m, language)
            for m in directory_service.list_organisation_merges(db, workshop)
        ],
    }


@bp.get("/workshops/<code>/organisations")
@facilitator_route()
def list_organisations(edge: Edge):
    return directory_payload(edge)


@bp.get("/workshops/<code>/organisations/search")
@workshop_route(ANYONE)
def search_organisations(edge: Edge):
    """What a phone typing its organisation may mean (anyone with the join code may join)."""
    found = organisation_service.search_organisations(
        edge.db, edge.workshop, request.args.get("q", ""), _language()
    )
    return {"organisations": found}


@bp.post("/workshops/<code>/organisations")
@facilitator_route(changes=True, body=json_body)
def create_organisation(edge: Edge):
    organisation = directory_service.create_organisation(edge.db, edge.workshop, edge.data)
    return {"ok": True, "organisation": organisation_service.organisation_record(organisation)}, 201


@bp.patch("/workshops/<code>/organisations/<int:organisation_id>")
@facilitator_route(changes=True, body=json_body)
def edit_organisation(edge: Edge, organisation_id: int):
    organisation = directory_service.edit_organisation(
        edge.db, edge.workshop, organisation_id, edge.data
    )
    return {"ok": True, "organisation": organisation_service.organisation_record(organisation)}


@bp.delete("/workshops/<code>/organisations/<int:organisation_id>")
@facilitator_route(changes=True)
def delete_organisation(edge: Edge, organisation_id: int):
    directory_service.delete_organisation(edge.db, edge.workshop, organisation_id)
    return {"ok": True}


@bp.post("/workshops/<code>/organisations/import")
@facilitator_route(changes=True, body=_upload)
def import_organisations(edge: Edge):
    touched = directory_service.import_organisations(edge.db, edge.workshop, edge.data)
    ids = [o.id for o in touched]
    return {"ok": True, "imported": len(ids), "organisation_ids": ids}, 201


@bp.post("/workshops/<code>/organisations/copy")
@facilitator_route(changes=True, body=json_body)
def copy_organisations(edge: Edge):
    """Copy the directory of another workshop this console (or token) facilitates too."""
    source_code = edge.data.get("from")
    if not isinstance(source_code, str) or not source_code.strip():
        raise DomainError("field_required", field="from")
    source = get_workshop(edge.db, source_code)
    require_facilitator(edge.db, source)
    touched = directory_service.copy_directory(edge.db, edge.workshop, source)
    ids = [o.id for o in touched]
    return {"ok": True, "imported": len(ids), "organisation_ids": ids}, 201


@bp.post("/workshops/<code>/organisations/merges")
@facilitator_route(changes=True, body=json_body)
def merge_organisation(edge: Edge):
    """Map a name typed at join onto an organisation of the directory."""
    merge = directory_service.merge_organisation(
        edge.db, edge.workshop, edge.data.get("name"), edge.data.get("organisation_id")
    )
    record = directory_service.organisation_merge_record(merge, _language())
    return {"ok": True, "merge": record}, 201


@bp.post("/workshops/<code>/organisations/merges/<int:merge_id>/undo")
@facilitator_route(changes=True)
def undo_organisation_merge(edge: Edge, merge_id: int):
    merge = directory_service.undo_organisation_merge(edge.db, edge.workshop, merge_id)
    return {"ok": True, "merge": directory_service.organisation_merge_record(merge, _language())}
