"""Follow-up by organisation: a private link per organisation, changes its focal point sends.

After the room, the facilitator gives each organisation with commitments a link with a
deadline. Its holder (the organisation's focal point) sees that organisation's commitments
and may confirm one, amend it (role, timeframe, note, contact, resources), withdraw it with a
reason, or propose one on another retained activity; nothing else. Every such change waits
as a pending change (before, after, when, which link) until the facilitator accepts it
(applied to the commitments, so the next published plan version records it) or rejects it.

The rules where two changes meet:
- one link, one commitment (two taps, two devices of one link): the later pending change
  supersedes the earlier one, which is kept as "superseded";
- two links of one organisation: both wait; the facilitator accepts one, and the other can
  be accepted only if what it changed still reads as its sender saw it (else `follow_up_stale`:
  reject it, or the focal point sends it again);
- an activity merged since: the change follows its commitment onto the merged-into activity
  (outcome "merged"); an activity deleted or hidden since, or a commitment gone: accepting is
  refused with a key (`follow_up_activity_gone`, `follow_up_commitment_gone`), the change stays
  pending until rejected: never a crash, never a change lost.
"""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import (
    CONTACT_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    RESOURCES_MAX,
    TIMEFRAME_MAX,
    Activity,
    ActivityStatus,
    Commitment,
    CommitmentStatus,
    FollowUpChange,
    FollowUpKind,
    FollowUpLink,
    FollowUpStatus,
    Organisation,
    Workshop,
    utcnow,
)
from .commitments import get_commitment, list_commitments, parse_role
from .errors import Conflict, DomainError, Forbidden, NotFound
from .organisations import commitment_identity, directory_key
from .text import clean_text
from .tokens import hash_token, new_token
from .wording import word
from .workplan import retained_ids
from .workshops import bump_version

#: what a focal point may change of a commitment, in the order pages show them
FIELDS = ("role", "timeframe", "note", "contact", "resources")
TEXT_LIMITS = {
    "timeframe": TIMEFRAME_MAX,
    "note": NOTE_MAX,
    "contact": CONTACT_MAX,
    "resources": RESOURCES_MAX,
}
#: links a workshop may hold (revoked ones included): one per organisation, with room to spare
MAX_LINKS = 500
#: a deadline is at most this far ahead
MAX_DAYS = 366
DECISIONS = ("accept", "reject")
#: changes decided in one request
MAX_BULK = 500


# -- links --------------------------------------------------------------------------------------


def commitment_organisations(session: Session, workshop: Workshop) -> list[dict]:
    """Each organisation with commitments: key, name, directory id, number of commitments."""
    table: dict[str, dict] = {}
    for c in list_commitments(session, workshop):
        entry = table.setdefault(
            c.organisation_key,
            {
                "organisation_key": c.organisation_key,
                "organisation": c.organisation,
                "organisation_id": c.organisation_id,
                "commitments": 0,
            },
        )
        entry["commitments"] += 1
    return sorted(table.values(), key=lambda e: e["organisation"].casefold())


def parse_deadline(workshop: Workshop, raw: object, now: datetime) -> datetime:
    """A deadline as UTC: "2027-06-30" is the end of that day in the workshop's time zone;
    an ISO instant ("2027-06-30T17:00:00Z") is taken as it is. Refused when past or too far."""
    if not isinstance(raw, str) or not 8 <= len(raw.strip()) <= 40:
        raise DomainError("field_invalid", field="deadline")
    text = raw.strip()
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            local = datetime.combine(day, time(23, 59, 59), ZoneInfo(workshop.time_zone))
        else:
            local = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if local.tzinfo is None:
                local = local.replace(tzinfo=ZoneInfo(workshop.time_zone))
    except ValueError:
        raise DomainError("field_invalid", field="deadline") from None
    deadline = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None, microsecond=0)
    if deadline <= now:
        raise DomainError("follow_up_deadline_past")
    if deadline > now + timedelta(days=MAX_DAYS):
        raise DomainError("follow_up_deadline_far", days=MAX_DAYS)
    return deadline


def create_link(
    session: Session,
    workshop: Workshop,
    organisation_key: object,
    deadline: object,
    label: object = "",
    now: datetime | None = None,
) -> tuple[FollowUpLink, str]:
    """A follow-up link for an organisation with commitments; returns it with its token
    (shown once: only its hash is kept)."""
    now = now or utcnow()
    organisations = {o["organisation_key"]: o for o in commitment_organisations(session, workshop)}
    if not isinstance(organisation_key, str) or organisation_key not in organisations:
        raise NotFound("follow_up_organisation_unknown")
    when = parse_deadline(workshop, deadline, now)
    count = len(list_links(session, workshop))
    if count >= MAX_LINKS:
        raise DomainError("too_many", field="follow_up_links", max=MAX_LINKS)
    organisation = organisations[organisation_key]
    token = new_token()
    link = FollowUpLink(
        workshop_id=workshop.id,
        organisation_key=organisation_key,
        organisation_id=organisation["organisation_id"],
        organisation=organisation["organisation"],
        label=clean_text(label, "label", NAME_MAX),
        token_hash=hash_token(token),
        deadline=when,
        created_at=now,
    )
    session.add(link)
    session.flush()
    return link, token


def list_links(session: Session, workshop: Workshop) -> list[FollowUpLink]:
    return list(
        session.scalars(
            select(FollowUpLink)
            .where(FollowUpLink.workshop_id == workshop.id)
            .order_by(FollowUpLink.id)
        )
    )


def get_link(session: Session, workshop: Workshop, link_id: object) -> FollowUpLink:
    if isinstance(link_id, bool) or not isinstance(link_id, int) or not 0 < link_id < 2**63:
        raise NotFound("follow_up_link_not_found")
    link = session.get(FollowUpLink, link_id)
    if link is None or link.workshop_id != workshop.id:
        raise NotFound("follow_up_link_not_found")
    return link


def revoke_link(
    session: Session, workshop: Workshop, link_id: object, now: datetime | None = None
) -> FollowUpLink:
    """The token opens nothing any more; the changes already sent stay for the facilitator."""
    link = get_link(session, workshop, link_id)
    if link.revoked_at is None:
        link.revoked_at = now or utcnow()
        session.flush()
    return link


def link_by_token(session: Session, workshop: Workshop, token: object) -> FollowUpLink:
    """The link a token opens in this workshop; a revoked one is refused."""
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise NotFound("follow_up_link_invalid")
    link = session.scalar(
        select(FollowUpLink).where(
            FollowUpLink.token_hash == hash_token(token),
            FollowUpLink.workshop_id == workshop.id,
        )
    )
    if link is None:
        raise NotFound("follow_up_link_invalid")
    if link.revoked_at is not None:
        raise Forbidden("follow_up_link_revoked")
    return link


def link_open(link: FollowUpLink, now: datetime | None = None) -> bool:
    """Whether the link still takes changes: not revoked, before its deadline."""
    return link.revoked_at is None and (now or utcnow()) < link.deadline


def link_key(session: Session, workshop: Workshop, link: FollowUpLink) -> str:
    """The organisation's commitment key now: a typed name merged into the directory since
    the link was made keys its commitments by the directory's organisation."""
    if link.organisation_id is not None:
        return directory_key(link.organisation_id)
    return commitment_identity(session, workshop, link.organisation)[2]


def link_record(link: FollowUpLink, time_zone: str, now: datetime | None = None) -> dict:
    """A link as JSON; `deadline_day` is its deadline's day in the room's time zone."""
    now = now or utcnow()
    local = link.deadline.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(time_zone))
    return {
        "id": link.id,
        "organisation": link.organisation,
        "organisation_key": link.organisation_key,
        "organisation_id": link.organisation_id,
        "label": link.label,
        "deadline": _iso(link.deadline),
        "deadline_day": local.date().isoformat(),
        "created_at": _iso(link.created_at),
        "revoked_at": _iso(link.revoked_at),
        "open": link_open(link, now),
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


# -- what a focal point sees -------------------------------------------------------------------


def _fields(commitment: Commitment) -> dict:
    return {
        **{f: getattr(commitment, f) or "" for f in FIELDS},
        "status": commitment.status,
    }


def organisation_commitments(
    session: Session, workshop: Workshop, link: FollowUpLink
) -> list[Commitment]:
    """The link's organisation's commitments, and no other organisation's."""
    key = link_key(session, workshop, link)
    return [c for c in list_commitments(session, workshop) if c.organisation_key == key]


def _proposable(session: Session, workshop: Workshop, committed: set[int]) -> list[Activity]:
    """Retained visible activities the organisation has no commitment on."""
    keep = retained_ids(session, workshop) - committed
    if not keep:
        return []
    return list(
        session.scalars(
            select(Activity)
            .where(
                Activity.id.in_(keep),
                Activity.workshop_id == workshop.id,
                Activity.status == ActivityStatus.VISIBLE.value,
            )
            .order_by(Activity.id)
        )
    )


def focal_view(
    session: Session,
    workshop: Workshop,
    link: FollowUpLink,
    now: datetime | None = None,
    language: str | None = None,
) -> dict:
    """What the focal point's page shows: the organisation's commitments (each with the
    link's pending change on it), the activities it may still commit to, its changes; titles
    and tracks in the reader's `language` where the facilitator gave a wording."""
    now = now or utcnow()
    commitments = organisation_commitments(session, workshop, link)
    changes = _link_changes(session, link)
    pending = {
        c.commitment_id: c
        for c in changes
        if c.status == FollowUpStatus.PENDING.value and c.commitment_id is not None
    }
    tracks = {t.id: word(t, "name", language) for t in workshop.tracks}
    return {
        "organisation": link.organisation,
        "deadline": link.deadline,
        "open": link_open(link, now),
        "commitments": [
            {
                "id": c.id,
                "activity_id": c.activity_id,
                "title": word(c.activity, "title", language),
                "track": tracks.get(c.activity.track_id, ""),
                **_fields(c),
                "pending": None if c.id not in pending else change_record(pending[c.id]),
            }
            for c in commitments
        ],
        "proposable": [
            {"id": a.id, "title": word(a, "title", language), "track": tracks.get(a.track_id, "")}
            for a in _proposable(session, workshop, {c.activity_id for c in commitments})
        ],
        "changes": [change_record(c) for c in changes],
    }


def _link_changes(session: Session, link: FollowUpLink) -> list[FollowUpChange]:
    return list(
        session.scalars(
            select(FollowUpChange)
            .where(FollowUpChange.link_id == link.id)
            .order_by(FollowUpChange.id.desc())
        )
    )


# -- changes a focal point sends ---------------------------------------------------------------


def _values(data: dict, *, required_role: bool) -> dict:
    """The fields a change sets, cleaned; those left out (None) are not part of it."""
    values: dict[str, str] = {}
    role = data.get("role")
    if role not in (None, ""):
        values["role"] = parse_role(role)
    elif required_role:
        raise DomainError("field_required", field="role")
    for name, limit in TEXT_LIMITS.items():
        if data.get(name) is not None:
            values[name] = clean_text(data[name], name, limit)
    return values


def _own_commitment(
    session: Session, workshop: Workshop, link: FollowUpLink, commitment_id: object
) -> Commitment:
    """One of the link's organisation's commitments; another's is "not found", as if absent."""
    commitment = get_commitment(session, workshop, commitment_id)
    if commitment.organisation_key != link_key(session, workshop, link):
        raise NotFound("commitment_not_found")
    return commitment


def _lock(session: Session, link: FollowUpLink) -> None:
    """Serialise the changes of one link (two devices): PostgreSQL locks its row; SQLite's
    transactions hold the write lock already (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(FollowUpLink.id).where(FollowUpLink.id == link.id).with_for_update())


def send_change(
    session: Session,
    workshop: Workshop,
    link: FollowUpLink,
    kind: object,
    data: dict,
    now: datetime | None = None,
) -> FollowUpChange:
    """Record a focal point's change as pending. `data`: commitment_id (confirm, amend,
    withdraw), activity_id (propose), the fields (amend, propose), reason (withdraw)."""
    now = now or utcnow()
    if link.revoked_at is not None:
        raise Forbidden("follow_up_link_revoked")
    if not link_open(link, now):
        raise Forbidden("follow_up_closed")
    if kind not in {k.value for k in FollowUpKind}:
        raise DomainError("field_invalid", field="kind")
    _lock(session, link)
    change = FollowUpChange(
        workshop_id=workshop.id, link_id=link.id, kind=kind, created_at=now, reason=""
    )
    if kind == FollowUpKind.PROPOSE.value:
        activity = _proposal_activity(session, workshop, link, data.get("activity_id"))
        values = _values(data, required_role=True)
        change.activity_id, change.activity_title = activity.id, activity.title
        change.before = "{}"
        after = {f: "" for f in FIELDS} | values | {"status": CommitmentStatus.CONFIRMED.value}
        change.after = _dump(after)
        same = FollowUpChange.activity_id == activity.id
    else:
        commitment = _own_commitment(session, workshop, link, data.get("commitment_id"))
        before = _fields(commitment)
        if kind == FollowUpKind.AMEND.value:
            values = _values(data, required_role=False)
            if all(before[f] == v for f, v in values.items()):
                raise DomainError("follow_up_no_change")
            after = before | values | {"status": CommitmentStatus.CONFIRMED.value}
        elif kind == FollowUpKind.CONFIRM.value:
            after = before | {"status": CommitmentStatus.CONFIRMED.value}
        else:
            change.reason = clean_text(data.get("reason"), "reason", REASON_MAX, required=True)
            after = {}
        change.commitment_id = commitment.id
        change.activity_id = commitment.activity_id
        change.activity_title = commitment.activity.title
        change.before, change.after = _dump(before), _dump(after)
        same = FollowUpChange.commitment_id == commitment.id
    for earlier in session.scalars(
        select(FollowUpChange).where(
            FollowUpChange.link_id == link.id,
            FollowUpChange.status == FollowUpStatus.PENDING.value,
            same,
        )
    ):
        earlier.status, earlier.decided_at = FollowUpStatus.SUPERSEDED.value, now
    session.add(change)
    session.flush()
    bump_version(session, workshop)  # consoles read the pending changes again
    return change


def _proposal_activity(
    session: Session, workshop: Workshop, link: FollowUpLink, activity_id: object
) -> Activity:
    """A retained visible activity the organisation has not committed to."""
    committed = {c.activity_id for c in organisation_commitments(session, workshop, link)}
    if isinstance(activity_id, int) and activity_id in committed:
        raise Conflict("commitment_exists")
    for activity in _proposable(session, workshop, committed):
        if activity.id == activity_id and not isinstance(activity_id, bool):
            return activity
    raise DomainError("activity_not_retained")


def _dump(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


# -- what the facilitator sees and decides -----------------------------------------------------


def change_record(change: FollowUpChange) -> dict:
    before, after = json.loads(change.before), json.loads(change.after)
    changed = [
        {"field": f, "before": before.get(f, ""), "after": after.get(f, "")}
        for f in (*FIELDS, "status")
        if before.get(f, "") != after.get(f, "") and change.kind != FollowUpKind.WITHDRAW.value
    ]
    return {
        "id": change.id,
        "link_id": change.link_id,
        "organisation": change.link.organisation,
        "link_label": change.link.label,
        "kind": change.kind,
        "status": change.status,
        "commitment_id": change.commitment_id,
        "activity_id": change.activity_id,
        "activity_title": change.activity_title,
        "before": before,
        "after": after,
        "fields": changed,
        "reason": change.reason,
        "created_at": _iso(change.created_at),
        "decided_at": _iso(change.decided_at),
        "outcome": change.outcome,
    }


def list_changes(session: Session, workshop: Workshop, status: object = None) -> list[dict]:
    """The follow-up changes, oldest first; `status` ("pending"...) keeps only those. A pending
    change says whether it can be accepted now (`blocker`: the key that would refuse it)."""
    query = select(FollowUpChange).where(FollowUpChange.workshop_id == workshop.id)
    if status is not None:
        if status not in {s.value for s in FollowUpStatus}:
            raise DomainError("field_invalid", field="status")
        query = query.where(FollowUpChange.status == status)
    records = []
    for change in session.scalars(query.order_by(FollowUpChange.id)):
        record = change_record(change)
        if change.status == FollowUpStatus.PENDING.value:
            record["blocker"] = record["lands_on"] = None
            try:
                activity = _target(session, workshop, change)[0]
            except DomainError as refused:
                record["blocker"] = refused.key
            else:
                if activity.id != change.activity_id:  # merged since: where it would land
                    record["lands_on"] = {"activity_id": activity.id, "title": activity.title}
        records.append(record)
    return records


def _follow(session: Session, activity_id: int | None) -> Activity | None:
    """The activity, or the one it was merged into (through every merge since)."""
    activity = None if activity_id is None else session.get(Activity, activity_id)
    seen = set()
    while activity is not None and activity.merged_into_id is not None:
        if activity.id in seen:
            return None
        seen.add(activity.id)
        activity = session.get(Activity, activity.merged_into_id)
    return activity


def _target(
    session: Session, workshop: Workshop, change: FollowUpChange
) -> tuple[Activity, Commitment | None]:
    """Where a pending change lands now: (activity, commitment or None for a proposal);
    refused with the key that says why it cannot land any more."""
    activity = _follow(session, change.activity_id)
    if activity is None or activity.status != ActivityStatus.VISIBLE.value:
        raise Conflict("follow_up_activity_gone")
    key = link_key(session, workshop, change.link)
    existing = session.scalar(
        select(Commitment).where(
            Commitment.activity_id == activity.id, Commitment.organisation_key == key
        )
    )
    if change.kind == FollowUpKind.PROPOSE.value:
        if existing is not None:
            raise Conflict("commitment_exists")
        return activity, None
    commitment = None
    if change.commitment_id is not None:
        commitment = session.get(Commitment, change.commitment_id)
    if (
        commitment is None
        or commitment.organisation_key != key
        or commitment.activity_id != activity.id
    ):
        # folded by a merge into the organisation's commitment on the merged-into activity
        # (its own stayed behind with the merged activity, outside the plan)
        commitment = existing
    if commitment is None:
        raise Conflict("follow_up_commitment_gone")
    if change.kind == FollowUpKind.AMEND.value:
        before, after = json.loads(change.before), json.loads(change.after)
        now = _fields(commitment)
        for field in FIELDS:
            if after[field] != before[field] and now[field] not in (before[field], after[field]):
                raise Conflict("follow_up_stale")
    return activity, commitment


def _apply(session: Session, workshop: Workshop, change: FollowUpChange) -> None:
    activity, commitment = _target(session, workshop, change)
    after = json.loads(change.after)
    if activity.id != change.activity_id:
        change.outcome = "merged"
    if change.kind == FollowUpKind.PROPOSE.value:
        link = change.link
        organisation_id, name, key = _identity(session, workshop, link)
        group = None
        if organisation_id is not None:
            organisation = session.get(Organisation, organisation_id)
            group = organisation.group_id if organisation is not None else None
        commitment = Commitment(
            workshop_id=workshop.id,
            activity_id=activity.id,
            organisation=name,
            organisation_key=key,
            organisation_id=organisation_id,
            group_id=group,
            **{f: after[f] for f in FIELDS},
            status=CommitmentStatus.CONFIRMED.value,
        )
        session.add(commitment)
        session.flush()
        change.commitment_id = commitment.id
    elif change.kind == FollowUpKind.WITHDRAW.value:
        session.execute(delete(Commitment).where(Commitment.id == commitment.id))
        session.expunge(commitment)
    else:
        before = json.loads(change.before)
        for field in FIELDS:  # only what this change changed: another may have changed the rest
            if after[field] != before[field]:
                setattr(commitment, field, after[field])
        commitment.status = CommitmentStatus.CONFIRMED.value
        change.commitment_id = commitment.id


def _identity(
    session: Session, workshop: Workshop, link: FollowUpLink
) -> tuple[int | None, str, str]:
    """(organisation id, name, key) a proposal takes: those of the organisation's other
    commitments where there are some, else the link's."""
    key = link_key(session, workshop, link)
    for c in list_commitments(session, workshop):
        if c.organisation_key == key:
            return c.organisation_id, c.organisation, key
    return link.organisation_id, link.organisation, key


def decide_changes(
    session: Session,
    workshop: Workshop,
    ids: object,
    decision: object,
    now: datetime | None = None,
) -> list[dict]:
    """Accept or reject pending changes, in the order sent. Each gets its result: `ok`, or
    the key that refused it (that change stays pending; the others are decided)."""
    now = now or utcnow()
    if decision not in DECISIONS:
        raise DomainError("field_invalid", field="decision")
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > MAX_BULK
        or any(isinstance(i, bool) or not isinstance(i, int) for i in ids)
    ):
        raise DomainError("field_invalid", field="ids")
    results, applied = [], False
    for change_id in dict.fromkeys(ids):
        change = session.get(FollowUpChange, change_id) if 0 < change_id < 2**63 else None
        if change is None or change.workshop_id != workshop.id:
            results.append({"id": change_id, "ok": False, "error": "follow_up_change_not_found"})
            continue
        if change.status != FollowUpStatus.PENDING.value:
            results.append({"id": change_id, "ok": False, "error": "follow_up_change_decided"})
            continue
        if decision == "accept":
            try:
                _apply(session, workshop, change)  # refuses before it writes anything
            except DomainError as refused:
                results.append({"id": change_id, "ok": False, "error": refused.key})
                continue
            change.status, applied = FollowUpStatus.ACCEPTED.value, True
        else:
            change.status = FollowUpStatus.REJECTED.value
        change.decided_at = now
        results.append({"id": change_id, "ok": True, "status": change.status})
    session.flush()
    if applied:
        bump_version(session, workshop)
    return results


def change_rows(session: Session, workshop: Workshop) -> list[tuple]:
    """One row per follow-up change, for the export: (id, organisation, link, kind, status,
    activity id, activity title, changes as "field: before → after", reason, sent, decided)."""
    rows = []
    for record in list_changes(session, workshop):
        fields = "; ".join(f"{f['field']}: {f['before']} → {f['after']}" for f in record["fields"])
        rows.append(
            (
                record["id"],
                record["organisation"],
                record["link_label"],
                record["kind"],
                record["status"],
                record["activity_id"] or "",
                record["activity_title"],
                fields,
                record["reason"],
                record["created_at"],
                record["decided_at"] or "",
            )
        )
    return rows
