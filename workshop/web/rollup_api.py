"""Pre-votes at the tables and the roll-up to the plenary, over HTTP.

A phone pre-votes on its table's activities (also over the socket: `cast_prevote`); a table's
facilitator marks what to bring to the plenary (a table link: its own group's only); the main
facilitator rolls up, sees the ballot with the cross-group duplicates to merge (the console's
engine, merged with POST /merges), and may undo it until the plenary votes.
"""

from flask import Blueprint

from ..auth import NotAuthenticated, current_participant, require_facilitator
from ..services import prevoting
from ..services import rollup as rollup_service
from ..services.activities import get_activity
from ..services.duplicates import index_for, visible_documents
from ..services.working_groups import get_working_group
from .common import json_body
from .routes import ANYONE, PARTICIPANT, Edge, facilitator_route, workshop_route

bp = Blueprint("rollup_api", __name__, url_prefix="/api")


# -- a phone's pre-votes ----------------------------------------------------------------------


@bp.post("/workshops/<code>/me/prevotes")
@workshop_route(PARTICIPANT, changes=True, body=json_body)
def cast_prevote(edge: Edge):
    """{"activity_id", "points" (dots: the new total there, 0 withdraws) | "score" | nothing}."""
    data = edge.data
    mine = prevoting.cast_prevote(
        edge.db,
        edge.workshop,
        edge.participant,
        data.get("activity_id"),
        points=data.get("points"),
        score=data.get("score"),
    )
    return prevoting.acknowledgement(mine)


@bp.delete("/workshops/<code>/me/prevotes/<int:activity_id>")
@workshop_route(PARTICIPANT, changes=True)
def withdraw_prevote(edge: Edge, activity_id: int):
    mine = prevoting.withdraw_prevote(edge.db, edge.workshop, edge.participant, activity_id)
    return prevoting.acknowledgement(mine)


# -- a table's pre-vote and marks -------------------------------------------------------------


@bp.get("/workshops/<code>/working-groups/<int:group_id>/prevote")
@workshop_route(ANYONE)
def group_prevote(edge: Edge, group_id: int):
    """A table's pre-vote ranking, read-only: for the workshop's participants and facilitators
    (a table link too: reading is not acting), as its table screen shows it."""
    if current_participant(edge.db, edge.workshop) is None:
        try:
            require_facilitator(edge.db, edge.workshop, table=True)
        except NotAuthenticated:
            raise NotAuthenticated("not_authenticated") from None
    group = get_working_group(edge.db, edge.workshop, group_id)
    return {
        "working_group_id": group.id,
        "phase": group.phase,
        "activities": prevoting.prevote_results(edge.db, edge.workshop, group.id),
    }


@bp.post("/workshops/<code>/activities/<int:activity_id>/to-plenary")
@facilitator_route(changes=True, body=json_body, table=True)
def to_plenary(edge: Edge, activity_id: int):
    """{"to_plenary": bool}: a table link on its own group's activities only."""
    edge.require_group(get_activity(edge.db, edge.workshop, activity_id).working_group_id)
    activity = rollup_service.set_to_plenary(
        edge.db, edge.workshop, activity_id, edge.data.get("to_plenary")
    )
    return {"ok": True, "activity_id": activity.id, "to_plenary": activity.to_plenary}


# -- the roll-up ------------------------------------------------------------------------------


def _with_duplicates(workshop_id: int, ballot: list[dict], documents) -> dict:
    """The ballot and its cross-group duplicates; the index is built after the transaction
    (as for /duplicates: the read is short, building is not)."""
    index = index_for(workshop_id, documents)
    return {"ballot": ballot, "duplicates": rollup_service.ballot_duplicates(index, ballot)}


def _ballot_and_documents(edge: Edge) -> tuple:
    db, workshop = edge.db, edge.workshop
    return workshop.id, rollup_service.ballot(db, workshop), visible_documents(db, workshop)


@facilitator_route(changes=True, body=json_body)
def _roll_up(edge: Edge):
    rollup_service.roll_up(edge.db, edge.workshop, edge.data.get("top_n"))
    return _ballot_and_documents(edge)


@facilitator_route()
def _read_ballot(edge: Edge):
    return _ballot_and_documents(edge)


@bp.post("/workshops/<code>/rollup")
def roll_up(code: str):
    """{"top_n": 1..20}: each group's marked activities, or its top N by pre-vote, become the
    plenary's ballot (replacing one made before), with the cross-group duplicates."""
    return {"ok": True, **_with_duplicates(*_roll_up(code))}


@bp.get("/workshops/<code>/rollup")
def get_rollup(code: str):
    return {"ok": True, **_with_duplicates(*_read_ballot(code))}


@bp.delete("/workshops/<code>/rollup")
@facilitator_route(changes=True)
def undo_rollup(edge: Edge):
    """Remove the ballot while the plenary does not vote yet: every activity is voted on."""
    removed = rollup_service.undo_roll_up(edge.db, edge.workshop)
    edge.changed = removed > 0
    return {"ok": True, "removed": removed, "ballot": []}
