"""The JSON API of the plan's versions (facilitator): list, publish, read, compare."""

from flask import Blueprint, request

from ..services import plan_versions as plan_service
from .common import json_body
from .plan_strings import versions_card
from .routes import Edge, facilitator_route

bp = Blueprint("plan_api", __name__, url_prefix="/api")


@bp.get("/workshops/<code>/plan/versions")
@facilitator_route()
def list_versions(edge: Edge):
    versions = plan_service.list_versions(edge.db, edge.workshop)
    return {"versions": [plan_service.version_record(v) for v in versions]}


@bp.post("/workshops/<code>/plan/versions")
@facilitator_route(changes=True, body=json_body)
def publish_version(edge: Edge):
    version = plan_service.publish_version(edge.db, edge.workshop, edge.data.get("title"))
    return {"ok": True, "version": plan_service.version_record(version)}, 201


@bp.get("/workshops/<code>/plan/versions/<int:number>")
@facilitator_route()
def get_version(edge: Edge, number: int):
    version = plan_service.get_version(edge.db, edge.workshop, number)
    return {"version": plan_service.version_record(version, with_document=True)}


@bp.get("/workshops/<code>/plan/compare")
@facilitator_route()
def compare_versions(edge: Edge):
    before = request.args.get("from", "1")
    after = request.args.get("to", plan_service.CURRENT)
    return plan_service.compare_versions(edge.db, edge.workshop, before, after)


@bp.app_context_processor
def _versions_card():
    """The console's card of versions (templates/_plan_versions.html) reads this."""
    return {"plan_versions_card": versions_card}
