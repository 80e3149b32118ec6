"""Versions of the plan: the room's plan frozen at closing, later versions, and what changed.

A version is a document (activities of the workplan and their commitments) written once and
never edited. Version 1 is "the plan of the room": frozen when the facilitator closes the
room, refreshed if the room is reopened and closed again, fixed for good once version 2 is
published. Later versions are published by the facilitator with a title (after follow-up,
after consolidation...). Any two versions can be compared: `compare(a, b)` lists what was
added, removed and changed, and `apply(a, compare(a, b))` gives `b` back (tested).

An activity is known by its id, a commitment by (activity id, organisation key): the same
organisation on the same activity is the same commitment whatever its role or timeframe.
"""

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    PLAN_VERSION_TITLE_MAX,
    Phase,
    PlanVersion,
    Workshop,
    utcnow,
)
from .activities import list_activities
from .commitments import list_commitments
from .errors import DomainError, NotFound
from .text import clean_int, clean_text
from .timer import iso_utc
from .workplan import retained_ids
from .workshops import bump_version

#: what a version keeps of an activity and of a commitment, and what a change compares
ACTIVITY_FIELDS = ("title", "description", "track")
#: (contact and resources came with the follow-up: a version written before has none, read "")
COMMITMENT_FIELDS = (
    "organisation",
    "role",
    "timeframe",
    "note",
    "contact",
    "resources",
    "status",
)
ROOM_VERSION = 1


# -- the document -------------------------------------------------------------------------------


def plan_document(session: Session, workshop: Workshop) -> dict:
    """The workplan as it stands: retained visible activities and their commitments.

    Lists of records sorted by their keys, so that two equal plans are equal documents.
    """
    keep = retained_ids(session, workshop)
    tracks = {t.id: t.name for t in workshop.tracks}
    activities = [
        {
            "id": a.id,
            "title": a.title,
            "description": a.description or "",
            "track": tracks.get(a.track_id, ""),
        }
        for a in list_activities(session, workshop)
        if a.id in keep
    ]
    commitments = [
        {
            "activity_id": c.activity_id,
            "organisation_key": c.organisation_key,
            **{field: getattr(c, field) or "" for field in COMMITMENT_FIELDS},
        }
        for c in list_commitments(session, workshop)
        if c.activity_id in keep
    ]
    return _canonical({"activities": activities, "commitments": commitments})


def _activity_key(record: dict) -> int | str:
    return record["id"]


def _commitment_key(record: dict) -> tuple[int | str, str]:
    return (record["activity_id"], record["organisation_key"])


def _canonical(document: dict) -> dict:
    return {
        "activities": sorted(document["activities"], key=_activity_key),
        "commitments": sorted(document["commitments"], key=_commitment_key),
    }


# -- comparison ---------------------------------------------------------------------------------


def _diff(before: list[dict], after: list[dict], key, fields: tuple[str, ...]) -> dict:
    old = {key(r): r for r in before}
    new = {key(r): r for r in after}
    changed = []
    for k in sorted(old.keys() & new.keys()):
        fields_changed = [
            {"field": f, "before": old[k].get(f, ""), "after": new[k].get(f, "")}
            for f in fields
            if old[k].get(f, "") != new[k].get(f, "")
        ]
        if fields_changed:
            changed.append({"before": old[k], "after": new[k], "fields": fields_changed})
    return {
        "added": [new[k] for k in sorted(new.keys() - old.keys())],
        "removed": [old[k] for k in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


def compare(before: dict, after: dict, activity_fields: tuple[str, ...] = ACTIVITY_FIELDS) -> dict:
    """What changed from `before` to `after`: activities and commitments added, removed, changed.

    A changed record carries its whole `before` and `after` and the list of `fields` that
    differ ({field, before, after}), so a reader needs no other document to show it.
    `activity_fields`: what an activity record holds besides its id (a consolidated plan's
    activities also say their source: services/consolidation_record.py); an activity's id may
    be any sortable key, a commitment's `activity_id` the same.
    """
    return {
        "activities": _diff(
            before["activities"], after["activities"], _activity_key, activity_fields
        ),
        "commitments": _diff(
            before["commitments"], after["commitments"], _commitment_key, COMMITMENT_FIELDS
        ),
    }


def _apply(records: list[dict], diff: dict, key) -> list[dict]:
    gone = {key(r) for r in diff["removed"]}
    replaced = {key(c["after"]): c["after"] for c in diff["changed"]}
    kept = [replaced.get(key(r), r) for r in records if key(r) not in gone]
    return kept + list(diff["added"])


def apply(before: dict, changes: dict) -> dict:
    """`before` with `changes` (a `compare` result) applied: `apply(a, compare(a, b)) == b`."""
    return _canonical(
        {
            "activities": _apply(before["activities"], changes["activities"], _activity_key),
            "commitments": _apply(before["commitments"], changes["commitments"], _commitment_key),
        }
    )


def change_count(changes: dict) -> int:
    return sum(len(part[kind]) for part in changes.values() for kind in part)


# -- versions -----------------------------------------------------------------------------------


def _versions(model, owner_column, owner_id: int):
    """The query of one plan's versions (a workshop's, or a consolidation's: same rules)."""
    return select(model).where(owner_column == owner_id)


def versions_of(session: Session, model, owner_column, owner_id: int) -> list:
    return list(session.scalars(_versions(model, owner_column, owner_id).order_by(model.number)))


def latest_of(session: Session, model, owner_column, owner_id: int):
    query = _versions(model, owner_column, owner_id).order_by(model.number.desc()).limit(1)
    return session.scalars(query).first()


def version_of(session: Session, model, owner_column, owner_id: int, number: object):
    """Version `number` of one plan, or raise version_not_found."""
    n = clean_int(number, "version", 1, 2**31 - 1)
    query = _versions(model, owner_column, owner_id).where(model.number == n)
    version = session.scalars(query).first()
    if version is None:
        raise NotFound("version_not_found")
    return version


def list_versions(session: Session, workshop: Workshop) -> list[PlanVersion]:
    return versions_of(session, PlanVersion, PlanVersion.workshop_id, workshop.id)


def latest_version(session: Session, workshop: Workshop) -> PlanVersion | None:
    return latest_of(session, PlanVersion, PlanVersion.workshop_id, workshop.id)


def get_version(session: Session, workshop: Workshop, number: object) -> PlanVersion:
    return version_of(session, PlanVersion, PlanVersion.workshop_id, workshop.id, number)


def document_of(version: PlanVersion) -> dict:
    return json.loads(version.document)


def _store(version: PlanVersion, document: dict) -> None:
    version.document = json.dumps(document, ensure_ascii=False, sort_keys=True)


def freeze_room_plan(session: Session, workshop: Workshop) -> PlanVersion | None:
    """At closing: version 1 is the plan of the room (refreshed while no version 2 exists).

    Returns the version written, or None when version 2 exists (the room's plan is history).
    """
    if workshop.phase != Phase.CLOSED.value:
        return None
    versions = list_versions(session, workshop)
    if any(v.number > ROOM_VERSION for v in versions):
        return None
    document = plan_document(session, workshop)
    version = versions[0] if versions else None
    if version is None:
        version = PlanVersion(workshop_id=workshop.id, number=ROOM_VERSION, title="")
        session.add(version)
    version.published_at = utcnow()
    _store(version, document)
    session.flush()
    bump_version(session, workshop)
    return version


def publish_version(
    session: Session,
    workshop: Workshop,
    title: object,
    published_at: datetime | None = None,
) -> PlanVersion:
    """The plan as it stands now becomes the next version, with its title.

    Refused before the room's plan exists (`plan_not_frozen`: close the room first).
    """
    clean_title = clean_text(title, "title", PLAN_VERSION_TITLE_MAX, required=True)
    latest = latest_version(session, workshop)
    if latest is None:
        raise DomainError("plan_not_frozen")
    number = (
        session.scalar(
            select(func.max(PlanVersion.number)).where(PlanVersion.workshop_id == workshop.id)
        )
        or 0
    ) + 1
    version = PlanVersion(
        workshop_id=workshop.id,
        number=number,
        title=clean_title,
        published_at=published_at or utcnow(),
    )
    _store(version, plan_document(session, workshop))
    session.add(version)
    session.flush()
    bump_version(session, workshop)
    return version


def version_record(version: PlanVersion, *, with_document: bool = False) -> dict:
    document = document_of(version)
    record = {
        "number": version.number,
        "title": version.title,
        "room_plan": version.number == ROOM_VERSION,
        "published_at": iso_utc(version.published_at, "seconds"),
        "activities": len(document["activities"]),
        "commitments": len(document["commitments"]),
    }
    if with_document:
        record["document"] = document
    return record


#: in a comparison, the plan as it stands now (not yet published)
CURRENT = "current"


def _side(session: Session, workshop: Workshop, which: object) -> tuple[dict | None, dict]:
    """(record, document) of a version by its number, or of the plan now (`current`)."""
    if which == CURRENT:
        return None, plan_document(session, workshop)
    record = version_record(get_version(session, workshop, which), with_document=True)
    return record, record.pop("document")  # the document parsed once


def compare_versions(session: Session, workshop: Workshop, before: object, after: object) -> dict:
    """Two versions of a workshop's plan compared, by their numbers (or `current`: the plan
    now, to see what publishing would record). `from`/`to` are None for `current`.
    Refused (`plan_not_frozen`) before the room's plan exists: there is nothing to compare."""
    if latest_version(session, workshop) is None:
        raise DomainError("plan_not_frozen")
    old_record, old = _side(session, workshop, before)
    new_record, new = _side(session, workshop, after)
    changes = compare(old, new)
    titles = {a["id"]: a["title"] for a in old["activities"] + new["activities"]}
    return {
        "from": old_record,
        "to": new_record,
        "changes": changes,
        "count": change_count(changes),
        "titles": [{"activity_id": i, "title": t} for i, t in sorted(titles.items())],
    }


def _subject(what: str, record: dict, titles: dict[int, str]) -> tuple:
    """(activity id, activity title, organisation) of a record of either kind."""
    if what == "activities":
        return (record["id"], titles.get(record["id"], ""), "")
    return (record["activity_id"], titles.get(record["activity_id"], ""), record["organisation"])


def change_rows(comparison: dict) -> list[tuple]:
    """One row per change of a `compare_versions` result, for the "changes" sheet:
    (what, change, activity id, activity title, organisation, field, before, after).
    A changed record gives one row per field that changed."""
    titles = {t["activity_id"]: t["title"] for t in comparison["titles"]}
    rows: list[tuple] = []
    for what in ("activities", "commitments"):
        part = comparison["changes"][what]
        for change in ("added", "removed"):
            rows.extend(
                (what, change, *_subject(what, r, titles), "", "", "") for r in part[change]
            )
        for change in part["changed"]:
            subject = _subject(what, change["after"], titles)
            rows.extend(
                (what, "changed", *subject, f["field"], f["before"], f["after"])
                for f in change["fields"]
            )
    return rows
