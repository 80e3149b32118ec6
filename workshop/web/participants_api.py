"""Participants: the facilitator's list, merge, removal and undo; the phone's recovery code.

A phone's recovery code is shown to the phone holding the token (GET .../recovery-code) and
used on another device (POST .../recover, or the join page's form); a wrong code is counted
against the address and the workshop after the request, like a wrong PIN.
"""

from contextlib import suppress

from flask import Blueprint, current_app, request

from ..auth import PARTICIPANT_COOKIE, bearer_token, client_address_key, rate_limit
from ..db import transaction
from ..realtime.broadcast import broadcaster
from ..services import participant_merging as merging
from ..services import recovery as recovery_service
from ..services.errors import DomainError
from ..services.participants import token_holder
from ..services.workshops import get_workshop
from .common import json_body
from .routes import PARTICIPANT, Edge, facilitator_route, workshop_route

bp = Blueprint("participants_api", __name__, url_prefix="/api")


@bp.get("/workshops/<code>/participants")
@facilitator_route()
def list_participants(edge: Edge):
    online = broadcaster().online(edge.workshop.id)
    rows = merging.participant_rows(edge.db, edge.workshop)
    for row in rows:
        row["online"] = row.pop("_id") in online
    changes = merging.list_participant_changes(edge.db, edge.workshop)
    return {"participants": rows, "changes": [merging.change_record(c) for c in changes]}


@bp.post("/workshops/<code>/participants/merge")
@facilitator_route(changes=True, body=json_body)
def merge_participants(edge: Edge):
    data = edge.data
    for field in ("kept_id", "merged_id"):
        if not data.get(field):
            raise DomainError("field_required", field=field)
    change = merging.merge_participants(edge.db, edge.workshop, data["kept_id"], data["merged_id"])
    _tell(edge, "merged", change.participant_id)
    return {"ok": True, "change": merging.change_record(change)}, 201


@bp.post("/workshops/<code>/participants/<participant_id>/remove")
@facilitator_route(changes=True)
def remove_participant(edge: Edge, participant_id: str):
    change = merging.remove_participant(edge.db, edge.workshop, participant_id)
    _tell(edge, "removed", change.participant_id)
    return {"ok": True, "change": merging.change_record(change)}


@bp.post("/workshops/<code>/participant-changes/<int:change_id>/undo")
@facilitator_route(changes=True)
def undo_change(edge: Edge, change_id: int):
    change = merging.undo_participant_change(edge.db, edge.workshop, change_id)
    if change.kept_id is not None:  # phones of the merged one act as the kept one until now
        _tell(edge, "restored", change.kept_id)
    return {"ok": True, "change": merging.change_record(change)}


def _tell(edge: Edge, reason: str, participant_id: int) -> None:
    """After the commit: the phones acting as this participant reload (or are signed out)."""
    workshop_id = edge.workshop.id
    edge.after.append(lambda: broadcaster().identity_changed(workshop_id, reason, [participant_id]))


# -- the recovery code ---------------------------------------------------------------------


def _phone_token(workshop) -> str | None:
    return bearer_token() or request.cookies.get(PARTICIPANT_COOKIE.format(code=workshop.code))


def phone_recovery_code(db, workshop) -> str | None:
    """The recovery code of the phone asking (its own token's), or None."""
    token = _phone_token(workshop)
    holder = token_holder(db, token, workshop.id)
    if holder is None:
        return None
    secret = current_app.config["SECRET_KEY"]
    return recovery_service.show_recovery_code(db, workshop, holder, token, secret)


@bp.get("/workshops/<code>/recovery-code")
@workshop_route(PARTICIPANT)
def recovery_code(edge: Edge):
    return {"recovery_code": phone_recovery_code(edge.db, edge.workshop)}


def _limit_keys(workshop_id: int) -> list[tuple[str, str]]:
    return [
        (f"w{workshop_id}:recover:addr:{client_address_key()}", "RATE_RECOVER_ADDRESS"),
        (f"w{workshop_id}:recover", "RATE_RECOVER_WORKSHOP"),
    ]


def recover(code: str, raw: object):
    """Use a recovery code: (workshop, participant row, new token), or raise.

    Too many wrong codes from one address (or in the workshop) lock further tries out for
    the window, whether the next one is right or not; each wrong one is counted once the
    transaction has ended, so that its refusal cannot roll the count back.
    """
    limiter = current_app.extensions["atelier.limiter"]
    failed = None
    try:
        with transaction() as db:
            workshop = get_workshop(db, code)
            for key, limit in _limit_keys(workshop.id):
                limiter.check(key, rate_limit(limit), session=db)
            try:
                holder, token = recovery_service.recover_identity(
                    db, workshop, raw, current_app.config["SECRET_KEY"]
                )
            except recovery_service.RecoveryRefused:
                failed = workshop.id
                raise
            result = workshop.id, holder.id, holder.public_id, token
    finally:
        if failed is not None:
            for key, limit in _limit_keys(failed):
                with suppress(DomainError):  # over the limit already: the next try is refused
                    limiter.hit(key, rate_limit(limit), failed)
    workshop_id, holder_id = result[0], result[1]
    broadcaster().identity_changed(workshop_id, "recovered", holder_ids=[holder_id])
    return result


@bp.post("/workshops/<code>/recover")
def recover_api(code: str):
    data = json_body()
    _workshop_id, _holder, public_id, token = recover(code, data.get("recovery_code"))
    return {"ok": True, "participant_token": token, "participant_id": public_id}
