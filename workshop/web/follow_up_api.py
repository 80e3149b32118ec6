"""The JSON API of the follow-up by organisation (facilitator): links, pending changes."""

import base64

from flask import Blueprint, request, url_for

from ..services import follow_up as follow_up_service
from .common import json_body, public_base_url
from .follow_up_strings import follow_up_card
from .routes import Edge, facilitator_route
from .screen import qr_svg

bp = Blueprint("follow_up_api", __name__, url_prefix="/api")


def _links_payload(edge: Edge) -> dict:
    links = follow_up_service.list_links(edge.db, edge.workshop)
    return {
        "organisations": follow_up_service.commitment_organisations(edge.db, edge.workshop),
        "links": [follow_up_service.link_record(link, edge.workshop.time_zone) for link in links],
    }


@bp.get("/workshops/<code>/follow-up/links")
@facilitator_route()
def list_links(edge: Edge):
    return _links_payload(edge)


@bp.post("/workshops/<code>/follow-up/links")
@facilitator_route(body=json_body)
def create_link(edge: Edge):
    data = edge.data
    link, token = follow_up_service.create_link(
        edge.db,
        edge.workshop,
        data.get("organisation_key"),
        data.get("deadline"),
        data.get("label", ""),
    )
    url = public_base_url() + url_for("follow_up.page", code=edge.workshop.code, token=token)
    qr = base64.b64encode(qr_svg(url)).decode()
    payload = {
        "ok": True,
        "link": follow_up_service.link_record(link, edge.workshop.time_zone),
        "url": url,
        "token": token,
        "qr": "data:image/svg+xml;base64," + qr,
    }
    return payload, 201


@bp.delete("/workshops/<code>/follow-up/links/<int:link_id>")
@facilitator_route()
def revoke_link(edge: Edge, link_id: int):
    link = follow_up_service.revoke_link(edge.db, edge.workshop, link_id)
    return {"ok": True, "link": follow_up_service.link_record(link, edge.workshop.time_zone)}


@bp.get("/workshops/<code>/follow-up/changes")
@facilitator_route()
def list_changes(edge: Edge):
    status = request.args.get("status") or None
    return {"changes": follow_up_service.list_changes(edge.db, edge.workshop, status)}


@bp.post("/workshops/<code>/follow-up/changes/decide")
@facilitator_route(changes=True, body=json_body)
def decide_changes(edge: Edge):
    results = follow_up_service.decide_changes(
        edge.db, edge.workshop, edge.data.get("ids"), edge.data.get("decision")
    )
    edge.changed = any(r["ok"] for r in results)
    return {"ok": True, "results": results}


@bp.app_context_processor
def _follow_up_card():
    """The console's follow-up card (templates/_follow_up.html) reads this."""
    return {"follow_up_card": follow_up_card}
