"""atelier-export.json: a workshop's outcome as data, for consolidation on another instance.

The export ZIP carries it next to the spreadsheets (whose headers are translated, so they are
for people); `parse_document` reads one back as untrusted input and cleans every field.
"""

import io
import json
import zipfile
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ..models import (
    ACRONYM_MAX,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    LANGUAGES,
    NAME_MAX,
    NOTE_MAX,
    ORGANISATION_MAX,
    TIMEFRAME_MAX,
    TITLE_MAX,
    WORKSHOP_DESCRIPTION_MAX,
    WORKSHOP_TITLE_MAX,
    Workshop,
)
from .activities import list_activities
from .comments import comment_counts
from .commitments import ROLE_ORDER, list_commitments
from .errors import DomainError
from .organisations import MAX_ALIASES, MAX_ORGANISATIONS, directory_entries
from .participants import count_participants
from .results import compute_results
from .text import clean_text
from .timer import iso_utc
from .wording import ACTIVITY_FIELDS, LIMITS, columns, wording_record
from .workplan import retained_ids

FORMAT = "atelier-export"
VERSION = 1
FILENAME = "atelier-export.json"
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_ACTIVITIES = 2000
MAX_COMMITMENTS = 20000
MAX_GROUPS = 50


def build_document(session: Session, workshop: Workshop) -> dict:
    """The workshop's activities, results, retention and commitments; pseudonymous."""
    results = compute_results(session, workshop)
    by_result = {r["activity_id"]: r for r in results["activities"]}
    group_names = {g.id: g.name for g in workshop.groups}
    keep = retained_ids(session, workshop)
    comments = comment_counts(session, workshop)
    activities = []
    for activity in list_activities(session, workshop):
        result = by_result.get(activity.id)
        activities.append(
            {
                "id": activity.id,
                "title": activity.title,
                "description": activity.description,
                "track": activity.track.name if activity.track else None,
                "rank": result["rank"] if result else None,
                "total": result["total"] if result else 0,
                "voters": result["voters"] if result else 0,
                "by_group": [
                    {
                        "group": group_names[g["group_id"]],
                        "total": g["total"],
                        "voters": g["voters"],
                    }
                    for g in (result["by_group"] if result else [])
                ],
                "comments": comments.get(activity.id, 0),
                "retained": activity.id in keep,
                # its wordings in other languages, when the facilitator gave some (title_ar...)
                **wording_record(activity, ACTIVITY_FIELDS),
            }
        )
    visible = {a["id"] for a in activities}
    commitments = [
        {
            "activity_id": c.activity_id,
            "organisation": c.organisation,
            "group": c.group.name if c.group else None,
            "role": c.role,
            "timeframe": c.timeframe,
            "note": c.note,
            "confirmed": c.status == "confirmed",
        }
        for c in list_commitments(session, workshop)
        if c.activity_id in visible
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_utc(datetime.now(UTC).replace(tzinfo=None), "seconds"),
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "description": workshop.description,
            "language": workshop.language,
            "voting_mode": workshop.voting_mode,
            "groups": [g.name for g in workshop.groups],
            "tracks": [t.name for t in workshop.tracks],
            "participants": count_participants(session, workshop),
            "voters": results["voters"],
        },
        "activities": activities,
        "commitments": commitments,
        "organisations": directory_entries(session, workshop),
    }


def document_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# -- reading one back -------------------------------------------------------------------------


def _refuse() -> DomainError:
    return DomainError("import_not_an_export")


def read_upload(data: bytes) -> dict:
    """The document inside an export ZIP, or a bare atelier-export.json; cleaned."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == FILENAME]
                if len(names) != 1:
                    raise _refuse()
                info = archive.getinfo(names[0])
                if info.file_size > MAX_DOCUMENT_BYTES:
                    raise _refuse()
                with archive.open(info) as member:
                    raw = member.read(MAX_DOCUMENT_BYTES + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError):
            raise _refuse() from None
    else:
        raw = data
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise _refuse()
    try:
        parsed = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse() from None
    return parse_document(parsed)


def _text(value: object, max_len: int, *, required: bool = False, multiline: bool = False) -> str:
    try:
        return clean_text(value, "file", max_len, required=required, multiline=multiline)
    except DomainError:
        raise _refuse() from None


def _int(value: object, lo: int = 0, hi: int = 2**63 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _refuse()
    return value


def _number(value: object) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise _refuse()
    if not 0 <= value < 10**9:
        raise _refuse()
    return value


def _list(value: object, limit: int) -> list:
    if not isinstance(value, list) or len(value) > limit:
        raise _refuse()
    return value


def _dict(value: object) -> dict:
    if not isinstance(value, dict):
        raise _refuse()
    return value


def _wordings(item: dict) -> dict[str, str]:
    """An activity's wordings (optional: title_ar, description_en...), cleaned; none: left out."""
    out = {}
    for name in columns(ACTIVITY_FIELDS):
        field = name.rsplit("_", 1)[0]
        value = _text(item.get(name, ""), LIMITS[field][0], multiline=LIMITS[field][1])
        if value:
            out[name] = value
    return out


def parse_document(raw: object) -> dict:
    """Check and clean an export document from elsewhere; raise import_not_an_export."""
    doc = _dict(raw)
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise _refuse()
    info = _dict(doc.get("workshop"))
    groups = [_text(g, NAME_MAX, required=True) for g in _list(info.get("groups", []), MAX_GROUPS)]
    workshop = {
        "code": _text(info.get("code", ""), 12),
        "title": _text(info.get("title"), WORKSHOP_TITLE_MAX, required=True),
        "description": _text(info.get("description", ""), WORKSHOP_DESCRIPTION_MAX, multiline=True),
        "language": info.get("language") if info.get("language") in LANGUAGES else "fr",
        "voting_mode": info.get("voting_mode")
        if info.get("voting_mode") in ("approval", "dots", "score")
        else "dots",
        "groups": groups,
        "tracks": [_text(t, NAME_MAX, required=True) for t in _list(info.get("tracks", []), 200)],
        "participants": _int(info.get("participants", 0), 0, 10**6),
        "voters": _int(info.get("voters", 0), 0, 10**6),
    }
    activities, ids = [], set()
    for item in _list(doc.get("activities"), MAX_ACTIVITIES):
        item = _dict(item)
        activity_id = _int(item.get("id"), 1)
        if activity_id in ids:
            raise _refuse()
        ids.add(activity_id)
        track = item.get("track")
        rank = item.get("rank")
        activities.append(
            {
                "id": activity_id,
                "title": _text(item.get("title"), TITLE_MAX, required=True),
                "description": _text(item.get("description", ""), DESCRIPTION_MAX, multiline=True),
                "track": None if track in (None, "") else _text(track, NAME_MAX),
                "rank": None if rank is None else _int(rank, 1, 10**6),
                "total": _number(item.get("total", 0)),
                "voters": _int(item.get("voters", 0), 0, 10**6),
                "by_group": [
                    {
                        "group": _text(_dict(g).get("group"), NAME_MAX, required=True),
                        "total": _number(_dict(g).get("total", 0)),
                        "voters": _int(_dict(g).get("voters", 0), 0, 10**6),
                    }
                    for g in _list(item.get("by_group", []), MAX_GROUPS)
                ],
                "comments": _int(item.get("comments", 0), 0, 10**6),
                "retained": item.get("retained") is True,
                **_wordings(item),
            }
        )
    commitments = []
    for item in _list(doc.get("commitments", []), MAX_COMMITMENTS):
        item = _dict(item)
        activity_id = _int(item.get("activity_id"), 1)
        role = item.get("role")
        if activity_id not in ids or role not in ROLE_ORDER:
            raise _refuse()
        group = item.get("group")
        commitments.append(
            {
                "activity_id": activity_id,
                "organisation": _text(item.get("organisation"), ORGANISATION_MAX, required=True),
                "group": None if group in (None, "") else _text(group, NAME_MAX),
                "role": role,
                "timeframe": _text(item.get("timeframe", ""), TIMEFRAME_MAX),
                "note": _text(item.get("note", ""), max(NOTE_MAX, COMMENT_MAX)),
                "confirmed": item.get("confirmed") is True,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _text(doc.get("exported_at", ""), 40),
        "workshop": workshop,
        "activities": activities,
        "commitments": commitments,
        "organisations": _organisations(doc.get("organisations", [])),
    }


def _organisations(raw: object) -> list[dict]:
    """The source's organisation directory (absent from older exports: none)."""
    out = []
    for item in _list(raw, MAX_ORGANISATIONS):
        item = _dict(item)
        out.append(
            {
                "acronym": _text(item.get("acronym", ""), ACRONYM_MAX),
                **{
                    f"name_{lang}": _text(item.get(f"name_{lang}", ""), ORGANISATION_MAX)
                    for lang in LANGUAGES
                },
                "aliases": [
                    _text(a, ORGANISATION_MAX, required=True)
                    for a in _list(item.get("aliases", []), MAX_ALIASES)
                ],
            }
        )
    return out
