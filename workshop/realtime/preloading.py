"""The participant and workshop behind a phone's event: one query, or one for a whole batch."""

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import Participant, ParticipantStatus, Workshop
from ..services.errors import DomainError
from ..services.participants import acting_participant

#: built once, one round trip: this runs on every action of a phone
_PARTICIPANT_AND_WORKSHOP = (
    select(Participant, Workshop)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .where(Participant.id == bindparam("participant_id"), Workshop.id == bindparam("workshop_id"))
)


_PARTICIPANTS_AND_WORKSHOPS = (
    select(Participant, Workshop)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .where(Participant.id.in_(bindparam("participant_ids", expanding=True)))
)


def preload_participants(db: Session, clients: list[dict]) -> None:
    """One query for the participants (and workshops) of a batch, instead of one each."""
    ids = {c["participant_id"] for c in clients if c["participant_id"] is not None}
    rows = db.execute(_PARTICIPANTS_AND_WORKSHOPS, {"participant_ids": sorted(ids)}).all()
    db.info["preloaded"] = {p.id: (w, p) for p, w in rows}


def load_participant(db: Session, client: dict) -> tuple[Workshop, Participant]:
    """The client's workshop and participant: preloaded for its batch, or read now.

    A participant merged into another since the phone connected acts as the kept one; a
    removed one acts no more (the phone was told, and is signed out).
    """
    preloaded = db.info.get("preloaded", {}).get(client["participant_id"])
    if preloaded is not None and preloaded[0].id == client["workshop_id"]:
        workshop, participant = preloaded
    else:
        row = db.execute(
            _PARTICIPANT_AND_WORKSHOP,
            {"participant_id": client["participant_id"], "workshop_id": client["workshop_id"]},
        ).first()
        if row is None:
            raise DomainError("participant_unknown")
        participant, workshop = row
    if (
        participant.status != ParticipantStatus.ACTIVE.value
        or client.get("holder_id", participant.id) != participant.id
    ):
        holder = db.get(Participant, client.get("holder_id", participant.id))
        participant = None if holder is None else acting_participant(db, holder)
        if participant is None:
            raise DomainError("participant_removed")
    return workshop, participant
