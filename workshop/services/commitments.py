"""Commitments: an organisation commits to an activity with a role; the facilitator confirms."""

from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    CONTACT_MAX,
    NOTE_MAX,
    ORGANISATION_MAX,
    RESOURCES_MAX,
    TIMEFRAME_MAX,
    Activity,
    ActivityStatus,
    Commitment,
    CommitmentRole,
    CommitmentStatus,
    Participant,
    RetainedActivity,
    Workshop,
)
from .activities import get_activity
from .errors import Conflict, DomainError
from .lookup import get_in_workshop
from .organisations import commitment_identity
from .participants import find_group, lock_participant
from .text import clean_text
from .workshops import COMMITMENT_PHASES, bump_version

#: strongest first: when two commitments of one organisation meet (a merge), the stronger stays
ROLE_ORDER = [r.value for r in CommitmentRole]

T = TypeVar("T")


def by_organisation(entries: Iterable[tuple[str, str, str, T]]) -> list[dict]:
    """Commitments per organisation, the one aggregation exports, report and consolidation use.

    `entries` are (organisation key, name as written, role, item): each organisation gets its
    most used spelling, per role its items, and every item in the order met. Callers count,
    sort and shape what they show.
    """
    table: dict[str, dict] = {}
    for key, name, role, item in entries:
        entry = table.setdefault(
            key, {"names": Counter(), "roles": {r: [] for r in ROLE_ORDER}, "items": []}
        )
        entry["names"][name] += 1
        entry["roles"][role].append(item)
        entry["items"].append(item)
    return [
        {"organisation": e["names"].most_common(1)[0][0], "roles": e["roles"], "items": e["items"]}
        for e in table.values()
    ]


def combine_commitments(kept: Commitment, other: Commitment) -> None:
    """Fold `other` into `kept` (one organisation, one activity): the stronger role (lead >
    co-lead > partner > support), confirmed if either was, timeframe and note of `kept`
    unless it had none. The caller deletes `other`."""
    if ROLE_ORDER.index(other.role) < ROLE_ORDER.index(kept.role):
        kept.role = other.role
    if other.status == CommitmentStatus.CONFIRMED.value:
        kept.status = CommitmentStatus.CONFIRMED.value
    kept.timeframe = kept.timeframe or other.timeframe
    kept.note = kept.note or other.note


def commitments_accepted(workshop: Workshop) -> bool:
    """Whether phones may commit now: the facilitator opened it, in voting or closed."""
    return bool(workshop.commitments_open) and workshop.phase in COMMITMENT_PHASES


def parse_role(raw: object) -> str:
    if isinstance(raw, str):
        candidate = raw.strip().lower().replace("-", "_")
        if candidate in ROLE_ORDER:
            return candidate
    raise DomainError("role_invalid")


def committable_ids(
    accepted: bool, visible_ids: Iterable[int], retained_ids: Iterable[int]
) -> list[int]:
    """The activities phones may commit to: none until commitments are accepted, then every
    visible one; once the facilitator retained some (visible) activities, only those."""
    if not accepted:
        return []
    retained = sorted(retained_ids)
    return retained or sorted(visible_ids)


def _committable(session: Session, workshop: Workshop, activity_id: object) -> Activity:
    """A visible activity; once the facilitator retained some, one of those."""
    activity = get_activity(session, workshop, activity_id)
    if activity.status != ActivityStatus.VISIBLE.value:
        raise DomainError("activity_hidden")
    retained = session.scalars(
        select(RetainedActivity.activity_id)
        .join(Activity, Activity.id == RetainedActivity.activity_id)
        .where(
            RetainedActivity.workshop_id == workshop.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
    )
    if activity.id not in committable_ids(True, [activity.id], retained):
        raise DomainError("activity_not_retained")
    return activity


def _find(session: Session, activity_id: int, key: str) -> Commitment | None:
    return session.scalar(
        select(Commitment).where(
            Commitment.activity_id == activity_id, Commitment.organisation_key == key
        )
    )


def make_commitment(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    activity_id: object,
    *,
    role: object,
    timeframe: object = "",
    note: object = "",
) -> Commitment:
    """A participant commits their organisation; a colleague's earlier commitment is updated.

    A change to a confirmed commitment sends it back to be confirmed again.
    """
    if participant.workshop_id != workshop.id:
        raise DomainError("participant_unknown")
    if not commitments_accepted(workshop):
        raise DomainError("commitments_closed")
    activity = _committable(session, workshop, activity_id)
    values = {
        "role": parse_role(role),
        "timeframe": clean_text(timeframe, "timeframe", TIMEFRAME_MAX),
        "note": clean_text(note, "note", NOTE_MAX),
    }
    lock_participant(session, participant)
    organisation_id, name, key = commitment_identity(session, workshop, participant.organisation)
    commitment = _find(session, activity.id, key)
    if commitment is None:
        commitment = Commitment(
            workshop_id=workshop.id,
            activity_id=activity.id,
            organisation=name,
            organisation_key=key,
            organisation_id=organisation_id,
            group_id=participant.group_id,
            status=CommitmentStatus.PROPOSED.value,
            made_by_id=participant.id,
            **values,
        )
        session.add(commitment)
    else:
        changed = any(getattr(commitment, k) != v for k, v in values.items())
        for name, value in values.items():
            setattr(commitment, name, value)
        if changed:
            commitment.status = CommitmentStatus.PROPOSED.value
            commitment.made_by_id = participant.id
    session.flush()
    bump_version(session, workshop)
    return commitment


def withdraw_commitment(
    session: Session, workshop: Workshop, participant: Participant, activity_id: object
) -> None:
    """A participant withdraws their organisation's commitment (none is not an error)."""
    if participant.workshop_id != workshop.id:
        raise DomainError("participant_unknown")
    if not commitments_accepted(workshop):
        raise DomainError("commitments_closed")
    activity = get_activity(session, workshop, activity_id)
    lock_participant(session, participant)
    key = commitment_identity(session, workshop, participant.organisation)[2]
    commitment = _find(session, activity.id, key)
    if commitment is not None:
        session.execute(delete(Commitment).where(Commitment.id == commitment.id))
        session.expunge(commitment)
        bump_version(session, workshop)


def get_commitment(session: Session, workshop: Workshop, commitment_id: object) -> Commitment:
    return get_in_workshop(session, Commitment, workshop, commitment_id, "commitment_not_found")


def _confirmed(value: object) -> str:
    if not isinstance(value, bool):
        raise DomainError("field_invalid", field="confirmed")
    return CommitmentStatus.CONFIRMED.value if value else CommitmentStatus.PROPOSED.value


def add_commitment(
    session: Session,
    workshop: Workshop,
    *,
    activity_id: object,
    organisation: object,
    role: object,
    group: object = None,
    timeframe: object = "",
    note: object = "",
    confirmed: object = True,
) -> Commitment:
    """The facilitator records a commitment (for an absent partner, say), in any phase."""
    activity = get_activity(session, workshop, activity_id)
    typed = clean_text(organisation, "organisation", ORGANISATION_MAX, required=True)
    organisation_id, name, key = commitment_identity(session, workshop, typed)
    commitment = Commitment(
        workshop_id=workshop.id,
        activity_id=activity.id,
        organisation=name,
        organisation_key=key,
        organisation_id=organisation_id,
        group_id=None if group in (None, "") else find_group(workshop, group).id,
        role=parse_role(role),
        timeframe=clean_text(timeframe, "timeframe", TIMEFRAME_MAX),
        note=clean_text(note, "note", NOTE_MAX),
        status=_confirmed(confirmed),
    )
    if _find(session, activity.id, commitment.organisation_key) is not None:
        raise Conflict("commitment_exists")
    session.add(commitment)
    session.flush()
    bump_version(session, workshop)
    return commitment


def edit_commitment(
    session: Session,
    workshop: Workshop,
    commitment_id: object,
    *,
    organisation: object = None,
    role: object = None,
    group: object = ...,
    timeframe: object = None,
    note: object = None,
    contact: object = None,
    resources: object = None,
    confirmed: object = None,
) -> Commitment:
    """The facilitator edits or confirms a commitment; arguments left out stay as they are
    (`contact` and `resources` too: what a focal point gave by telephone or email)."""
    commitment = get_commitment(session, workshop, commitment_id)
    if organisation is not None:
        typed = clean_text(organisation, "organisation", ORGANISATION_MAX, required=True)
        organisation_id, name, key = commitment_identity(session, workshop, typed)
        other = _find(session, commitment.activity_id, key)
        if other is not None and other.id != commitment.id:
            raise Conflict("commitment_exists")
        commitment.organisation, commitment.organisation_key = name, key
        commitment.organisation_id = organisation_id
    if role is not None:
        commitment.role = parse_role(role)
    if group is not ...:
        commitment.group_id = None if group in (None, "") else find_group(workshop, group).id
    if timeframe is not None:
        commitment.timeframe = clean_text(timeframe, "timeframe", TIMEFRAME_MAX)
    if note is not None:
        commitment.note = clean_text(note, "note", NOTE_MAX)
    if contact is not None:
        commitment.contact = clean_text(contact, "contact", CONTACT_MAX)
    if resources is not None:
        commitment.resources = clean_text(resources, "resources", RESOURCES_MAX)
    if confirmed is not None:
        commitment.status = _confirmed(confirmed)
    session.flush()
    bump_version(session, workshop)
    return commitment


def confirm_commitments(
    session: Session, workshop: Workshop, activity_id: object = None
) -> list[Commitment]:
    """Confirm every proposed commitment of the workshop, or of one activity; returns them."""
    query = select(Commitment).where(
        Commitment.workshop_id == workshop.id,
        Commitment.status == CommitmentStatus.PROPOSED.value,
    )
    if activity_id is not None:
        query = query.where(
            Commitment.activity_id == get_activity(session, workshop, activity_id).id
        )
    confirmed = list(session.scalars(query.order_by(Commitment.id)))
    for commitment in confirmed:
        commitment.status = CommitmentStatus.CONFIRMED.value
    if confirmed:
        session.flush()
        bump_version(session, workshop)
    return confirmed


def remove_commitment(session: Session, workshop: Workshop, commitment_id: object) -> None:
    commitment = get_commitment(session, workshop, commitment_id)
    session.execute(delete(Commitment).where(Commitment.id == commitment.id))
    session.expunge(commitment)
    bump_version(session, workshop)


def list_commitments(session: Session, workshop: Workshop) -> list[Commitment]:
    """Every commitment of the workshop, by activity then strongest role first."""
    rows = list(
        session.scalars(
            select(Commitment)
            .where(Commitment.workshop_id == workshop.id)
            .order_by(Commitment.activity_id, Commitment.id)
            .options(
                selectinload(Commitment.made_by),
                selectinload(Commitment.group),
                selectinload(Commitment.activity),
            )
        )
    )
    rows.sort(key=lambda c: (c.activity_id, ROLE_ORDER.index(c.role), c.id))
    return rows


def commitment_record(commitment, *, with_author: bool = False) -> dict:
    """A Commitment (or a row of commitment_rows) as JSON."""
    record = {
        "id": commitment.id,
        "activity_id": commitment.activity_id,
        "organisation": commitment.organisation,
        "organisation_key": commitment.organisation_key,
        "organisation_id": commitment.organisation_id,
        "group_id": commitment.group_id,
        "role": commitment.role,
        "timeframe": commitment.timeframe,
        "note": commitment.note,
        "status": commitment.status,
    }
    if with_author:  # the facilitator's view: who entered it, whom to ask, what it brings
        record["contact"] = commitment.contact
        record["resources"] = commitment.resources
        if hasattr(commitment, "made_by_public_id"):  # a row of commitment_rows()
            record["made_by"] = commitment.made_by_public_id
        else:
            author = commitment.made_by
            record["made_by"] = None if author is None else author.public_id
    return record


def commitment_rows(session: Session, workshop: Workshop) -> list:
    """Every commitment as light rows (the attributes of a Commitment, plus `made_by_public_id`),
    in the order of `list_commitments`: what snapshots are built from, read in one query."""
    rows = session.execute(
        select(
            Commitment.id,
            Commitment.activity_id,
            Commitment.organisation,
            Commitment.organisation_key,
            Commitment.organisation_id,
            Commitment.group_id,
            Commitment.role,
            Commitment.timeframe,
            Commitment.note,
            Commitment.status,
            Commitment.contact,
            Commitment.resources,
            Participant.public_id.label("made_by_public_id"),
        )
        .outerjoin(Participant, Participant.id == Commitment.made_by_id)
        .where(Commitment.workshop_id == workshop.id)
    ).all()
    rows.sort(key=lambda c: (c.activity_id, ROLE_ORDER.index(c.role), c.id))
    return rows
