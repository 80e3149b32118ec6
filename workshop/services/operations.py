"""Idempotent client actions: the same op_id from the same actor has effect once."""

import json
from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import Operation, Participant
from .errors import DomainError
from .participants import check_still_active, lock_participant
from .text import clean_op_id


def participant_actor(participant_id: int) -> str:
    return f"p{participant_id}"


FACILITATOR = "facilitator"

# Built once: every vote runs both (a statement built per call was a fifth of a vote's time).
_OPERATIONS = Operation.__table__
_STORED = select(_OPERATIONS.c.kind, _OPERATIONS.c.result).where(
    _OPERATIONS.c.workshop_id == bindparam("workshop_id"),
    _OPERATIONS.c.actor == bindparam("actor"),
    _OPERATIONS.c.op_id == bindparam("op_id"),
)
_RECORD = _OPERATIONS.insert()


def replayed_result(
    session: Session, workshop_id: int, actor: str, op_id: str, kind: str
) -> dict | None:
    """The acknowledgement recorded for this op_id, if the action was already carried out."""
    stored = session.execute(
        _STORED, {"workshop_id": workshop_id, "actor": actor, "op_id": op_id}
    ).first()
    if stored is None:
        return None
    if stored.kind != kind:
        raise DomainError("op_id_reused")
    return json.loads(stored.result)


def record_operation(
    session: Session, workshop_id: int, actor: str, op_id: str, kind: str, result: dict
) -> None:
    """Remember the action in the same transaction as its effect (unique per actor and op_id).

    A Core insert, not the unit of work: nothing reads the row back as an object, and a
    flush for one row cost more than the insert itself.
    """
    session.execute(
        _RECORD,
        {
            "workshop_id": workshop_id,
            "actor": actor,
            "op_id": op_id,
            "kind": kind,
            "result": json.dumps(result, ensure_ascii=False),
        },
    )


def perform_once(
    session: Session,
    participant: Participant,
    op_id: object,
    kind: str,
    act: Callable[[], dict],
) -> tuple[dict, bool]:
    """Run a participant's action once per op_id; return (ack, replayed).

    The participant's row is locked first, so a retry racing its original (another tab,
    another server process) waits for it, then gets its stored acknowledgement.
    """
    op_id = clean_op_id(op_id)
    lock_participant(session, participant)
    check_still_active(session, participant)
    actor = participant_actor(participant.id)
    previous = replayed_result(session, participant.workshop_id, actor, op_id, kind)
    if previous is not None:
        return dict(previous, replayed=True), True
    ack = act()
    record_operation(session, participant.workshop_id, actor, op_id, kind, ack)
    return ack, False
