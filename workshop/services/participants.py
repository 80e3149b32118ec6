"""Participants: joining without an account, and who is in the room."""

import secrets

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..models import (
    NAME_MAX,
    ORGANISATION_MAX,
    Participant,
    ParticipantChange,
    ParticipantStatus,
    StakeholderGroup,
    Workshop,
)
from .errors import DomainError
from .text import clean_text
from .tokens import CODE_ALPHABET, hash_token, new_token
from .workshops import LANGUAGES, bump_version


def find_group(workshop: Workshop, raw: object) -> StakeholderGroup:
    """Return the workshop's group named (or numbered) `raw`, or raise."""
    if isinstance(raw, bool):
        raise DomainError("group_invalid")
    for group in workshop.groups:
        if raw == group.id or (
            isinstance(raw, str)
            and (raw.strip().casefold() == group.name.casefold() or raw.strip() == str(group.id))
        ):
            return group
    raise DomainError("group_invalid")


def join_workshop(
    session: Session,
    workshop: Workshop,
    *,
    name: object,
    organisation: object,
    group: object,
    language: object = "fr",
    existing_token: str | None = None,
    max_participants: int = 2000,
) -> tuple[Participant, str]:
    """Join, or update the identity of the phone that already joined; return it and its token."""
    display_name = clean_text(name, "name", NAME_MAX)
    org = clean_text(organisation, "organisation", ORGANISATION_MAX, required=True)
    chosen = find_group(workshop, group)
    lang = language if language in LANGUAGES else workshop.language
    participant = participant_by_token(session, existing_token, workshop.id)
    if participant is not None:
        participant.display_name, participant.organisation = display_name, org
        participant.group_id, participant.language = chosen.id, lang
        session.flush()
        bump_version(session, workshop)
        return participant, existing_token  # type: ignore[return-value]
    # One join at a time per workshop, so the cap holds under concurrency (on SQLite every
    # transaction already holds the write lock; on PostgreSQL this row lock does it).
    lock_workshop(session, workshop)
    if count_participants(session, workshop) >= max_participants:
        raise DomainError("workshop_full", max=max_participants)
    token = new_token()
    participant = Participant(
        workshop_id=workshop.id,
        token_hash=hash_token(token),
        public_id=_unused_public_id(session, workshop),
        display_name=display_name,
        organisation=org,
        group_id=chosen.id,
        language=lang,
    )
    session.add(participant)
    session.flush()
    bump_version(session, workshop)
    return participant, token


def _unused_public_id(session: Session, workshop: Workshop) -> str:
    while True:
        candidate = "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        taken = session.scalar(
            select(Participant.id).where(
                Participant.workshop_id == workshop.id, Participant.public_id == candidate
            )
        )
        if taken is None:
            return candidate


def participant_by_token(
    session: Session, token: object, workshop_id: int | None = None
) -> Participant | None:
    """Return the participant holding `token` (in that workshop, if given), or None.

    The token of a participant merged into another acts as the kept one; a removed
    participant's token holds nothing any more.
    """
    holder = token_holder(session, token, workshop_id)
    return None if holder is None else acting_participant(session, holder)


def token_holder(
    session: Session, token: object, workshop_id: int | None = None
) -> Participant | None:
    """The participant row whose token this is, before any merge is followed, or None."""
    if not isinstance(token, str) or not 10 <= len(token) <= 100:
        return None
    holder = session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
    if holder is None or (workshop_id is not None and holder.workshop_id != workshop_id):
        return None
    return holder


#: a merge of a merge of ... this deep is a loop, not a room
_MAX_MERGE_CHAIN = 100


def acting_participant(session: Session, participant: Participant) -> Participant | None:
    """Who acts for `participant`: itself, the one it was merged into (followed), or None
    when it was removed."""
    for _ in range(_MAX_MERGE_CHAIN):
        if participant.status == ParticipantStatus.ACTIVE.value:
            return participant
        if participant.status != ParticipantStatus.MERGED.value:
            return None
        kept = session.scalar(
            select(Participant)
            .join(ParticipantChange, ParticipantChange.kept_id == Participant.id)
            .where(
                ParticipantChange.participant_id == participant.id,
                ParticipantChange.undone_at.is_(None),
            )
            .order_by(ParticipantChange.id.desc())
            .limit(1)
        )
        if kept is None:
            return None
        participant = kept
    return None


#: the participants who count: neither merged into another nor removed
ACTIVE = Participant.status == ParticipantStatus.ACTIVE.value


def count_participants(session: Session, workshop: Workshop) -> int:
    return session.scalar(
        select(func.count(Participant.id)).where(Participant.workshop_id == workshop.id, ACTIVE)
    )


def count_by_group(session: Session, workshop: Workshop) -> list[dict]:
    """Participants per stakeholder group, in the workshop's group order."""
    counts = dict(
        session.execute(
            select(Participant.group_id, func.count(Participant.id))
            .where(Participant.workshop_id == workshop.id, ACTIVE)
            .group_by(Participant.group_id)
        ).all()
    )
    return [
        {"group_id": g.id, "name": g.name, "participants": counts.get(g.id, 0)}
        for g in workshop.groups
    ]


def organisation_suggestions(session: Session, workshop: Workshop, limit: int = 200) -> list[str]:
    """Organisations already typed in this workshop, most frequent first."""
    rows = session.execute(
        select(Participant.organisation, func.count(Participant.id).label("n"))
        .where(Participant.workshop_id == workshop.id, ACTIVE)
        .group_by(Participant.organisation)
        .order_by(func.count(Participant.id).desc(), Participant.organisation)
        .limit(limit)
    ).all()
    return [org for org, _n in rows]


def list_participants(session: Session, workshop: Workshop) -> list[Participant]:
    return list(
        session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, ACTIVE)
            .order_by(Participant.joined_at, Participant.id)
        )
    )


def lock_workshop(session: Session, workshop: Workshop) -> None:
    """Serialise joins of one workshop (PostgreSQL row lock; SQLite runs BEGIN IMMEDIATE)."""
    session.execute(select(Workshop.id).where(Workshop.id == workshop.id).with_for_update())


_LOCK = (
    select(Participant.id, Participant.status)
    .where(Participant.id.in_(bindparam("ids", expanding=True)))
    .order_by(Participant.id)
    .with_for_update()
)


def lock_participants(session: Session, ids) -> None:
    """Serialise with these participants' own actions: the one locking rule for budgets.

    Every transaction that reads what a participant has spent and then writes votes that
    count against it (their own vote, a batch of votes, a facilitator's restore, merge or
    undo) holds the participant's row lock from before that read until its commit. So
    under READ COMMITTED nobody decides on a spend that another transaction is changing.
    Locks are taken in id order, all those a transaction needs in one statement, before it
    reads: two transactions that lock overlapping sets then wait for each other instead of
    deadlocking. Taken once per transaction (held until it ends); SQLite needs no statement
    at all, since every transaction there already holds the database's write lock
    (BEGIN IMMEDIATE).
    """
    # begun now if no statement began it yet: the locks are told apart by their transaction
    transaction = session.get_transaction() or session.begin()
    held = session.info.get("locked_participants")
    if held is None or held[0] is not transaction:  # a new transaction holds no lock yet
        held = session.info["locked_participants"] = (transaction, set(), {})
    wanted = sorted({int(i) for i in ids} - held[1])
    if not wanted:
        return
    if session.get_bind().dialect.name != "sqlite":
        # their status as it is once locked: a merge or removal may have committed meanwhile
        held[2].update({pid: status for pid, status in session.execute(_LOCK, {"ids": wanted})})
    held[1].update(wanted)


def check_still_active(session: Session, participant: Participant) -> None:
    """Refuse a participant's action when, by the time their lock was taken, the facilitator
    had merged or removed them (their phone is being told; a merged one reconnects as the
    kept participant). SQLite reads after any such commit already (BEGIN IMMEDIATE)."""
    held = session.info.get("locked_participants")
    status = participant.status
    if held is not None and held[0] is session.get_transaction():
        status = held[2].get(participant.id, status)
    if status != ParticipantStatus.ACTIVE.value:
        raise DomainError("participant_not_active")


def lock_participant(session: Session, participant: Participant) -> None:
    """`lock_participants` for one participant (what their own actions take)."""
    lock_participants(session, (participant.id,))
