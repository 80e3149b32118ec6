"""Idempotent client actions: the same op_id from the same actor has effect once."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Operation
from .errors import DomainError


def participant_actor(participant_id: int) -> str:
    return f"p{participant_id}"


FACILITATOR = "facilitator"


def replayed_result(
    session: Session, workshop_id: int, actor: str, op_id: str, kind: str
) -> dict | None:
    """The acknowledgement recorded for this op_id, if the action was already carried out."""
    stored = session.execute(
        select(Operation.kind, Operation.result).where(
            Operation.workshop_id == workshop_id,
            Operation.actor == actor,
            Operation.op_id == op_id,
        )
    ).first()
    if stored is None:
        return None
    if stored.kind != kind:
        raise DomainError("op_id_reused")
    return json.loads(stored.result)


def record_operation(
    session: Session, workshop_id: int, actor: str, op_id: str, kind: str, result: dict
) -> None:
    """Remember the action in the same transaction as its effect (unique per actor and op_id)."""
    session.add(
        Operation(
            workshop_id=workshop_id,
            actor=actor,
            op_id=op_id,
            kind=kind,
            result=json.dumps(result, ensure_ascii=False),
        )
    )
    session.flush()
