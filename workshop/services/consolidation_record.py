"""A consolidation on record: its plan as a document, published versions, comparison, public key.

The consolidated plan is a plan document like a workshop's (services/plan_versions.py), so
that `plan_versions.compare` and `apply` work on it unchanged: an activity is known by
"<source id>:<activity id>" and also says its source workshop, the version of that workshop's
plan it came from ("v2", "live", "export") and its link group (the smallest id of the group,
so that a group keeps its key when another group appears); a commitment is known by
(activity, organisation), the organisation folded through the sources' directories.
"""

import json
import secrets
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import (
    PLAN_VERSION_TITLE_MAX,
    Consolidation,
    ConsolidationPage,
    ConsolidationVersion,
    utcnow,
)
from .commitments import ROLE_ORDER
from .consolidation import consolidated_view
from .errors import DomainError, NotFound
from .organisations import SharedDirectory
from .plan_versions import change_count, compare, latest_of, version_of, versions_of
from .text import clean_text

#: what a consolidated activity holds besides its id, and what a comparison compares
ACTIVITY_FIELDS = ("title", "description", "track", "source", "source_version", "group")
#: in a comparison, the consolidated plan as it stands now (not yet published)
CURRENT = "current"
KEY_BYTES = 32
#: a consolidation's versions are a plan's versions (plan_versions.versions_of and its kin)
_OWNER = (ConsolidationVersion, ConsolidationVersion.consolidation_id)


def activity_ref(source_id: int, activity_id: int) -> str:
    return f"{source_id}:{activity_id}"


def plan_document(session: Session, consolidation: Consolidation) -> tuple[dict, list[dict]]:
    """(document, sources): the consolidated plan as it stands, and where each part came from."""
    view = consolidated_view(session, consolidation)
    groups: dict[str, list[str]] = defaultdict(list)
    for item in view["activities"]:
        if item.group:
            groups[item.group].append(activity_ref(*item.ref))
    group_key = {label: min(refs, key=_ref_order) for label, refs in groups.items()}
    shared = SharedDirectory(view["directories"])
    now = utcnow().replace(microsecond=0).isoformat() + "Z"
    activities, commitments = [], {}
    for item in view["activities"]:
        ref = activity_ref(*item.ref)
        activities.append(
            {
                "id": ref,
                "title": item.title,
                "description": item.description or "",
                "track": item.track,
                "source": item.source_label,
                "source_version": item.version,
                "group": group_key.get(item.group, ""),
            }
        )
        for role in ROLE_ORDER:
            for c in item.roles[role]:
                key, label = shared.identity(c["organisation"])
                # the same organisation twice on an activity (two spellings): its first role
                commitments.setdefault(
                    (ref, key),
                    {
                        "activity_id": ref,
                        "organisation_key": key,
                        "organisation": label,
                        "role": role,
                        "timeframe": c.get("timeframe") or "",
                        "note": c.get("note") or "",
                        "contact": c.get("contact") or "",
                        "resources": c.get("resources") or "",
                        "status": "confirmed" if c.get("confirmed") else "proposed",
                    },
                )
    sources = [
        {
            "id": s["id"],
            "label": s["label"],
            "code": s["code"],
            "imported": s["imported"],
            "version": s["version"],
            "version_title": (s["plan_version"] or {}).get("title", ""),
            # when its version was published, when it was exported, or (live) read now
            "as_of": (s["plan_version"] or {}).get("published_at") or s["exported_at"] or now,
        }
        for s in view["sources"]
    ]
    document = {
        # in plan_versions' order (its `apply` sorts so): by id, then organisation key
        "activities": sorted(activities, key=lambda a: a["id"]),
        "commitments": sorted(
            commitments.values(), key=lambda c: (c["activity_id"], c["organisation_key"])
        ),
    }
    return document, sources


def _ref_order(ref: str) -> tuple[int, int]:
    source, _sep, activity = ref.partition(":")
    return int(source), int(activity)


# -- versions -----------------------------------------------------------------------------------


def list_versions(session: Session, consolidation: Consolidation) -> list[ConsolidationVersion]:
    return versions_of(session, *_OWNER, consolidation.id)


def latest_version(session: Session, consolidation: Consolidation) -> ConsolidationVersion | None:
    return latest_of(session, *_OWNER, consolidation.id)


def get_version(
    session: Session, consolidation: Consolidation, number: object
) -> ConsolidationVersion:
    return version_of(session, *_OWNER, consolidation.id, number)


def _clean_date(value: object) -> date:
    """A version's date: "YYYY-MM-DD", today when not given."""
    if value in (None, ""):
        return utcnow().date()
    if not isinstance(value, str) or len(value) != 10:
        raise DomainError("field_invalid", field="date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("field_invalid", field="date") from None


def publish_version(
    session: Session, consolidation: Consolidation, title: object, on: object = None
) -> ConsolidationVersion:
    """The consolidated plan as it stands becomes the next version, with its title and date.

    Refused without any activity (`consolidation_empty`): add a workshop first.
    """
    clean_title = clean_text(title, "title", PLAN_VERSION_TITLE_MAX, required=True)
    day = _clean_date(on)
    document, sources = plan_document(session, consolidation)
    if not document["activities"]:
        raise DomainError("consolidation_empty")
    number = (
        session.scalar(
            select(func.max(ConsolidationVersion.number)).where(
                ConsolidationVersion.consolidation_id == consolidation.id
            )
        )
        or 0
    ) + 1
    version = ConsolidationVersion(
        consolidation_id=consolidation.id,
        number=number,
        title=clean_title,
        published_on=day,
        document=json.dumps(document, ensure_ascii=False, sort_keys=True),
        sources=json.dumps(sources, ensure_ascii=False, sort_keys=True),
    )
    session.add(version)
    session.flush()
    return version


def document_of(version: ConsolidationVersion) -> dict:
    return json.loads(version.document)


def sources_of(version: ConsolidationVersion) -> list[dict]:
    return json.loads(version.sources)


def version_record(version: ConsolidationVersion, *, with_document: bool = False) -> dict:
    document = document_of(version)
    record = {
        "number": version.number,
        "title": version.title,
        "date": version.published_on.isoformat(),
        "published_at": version.created_at.isoformat() + "Z",
        "activities": len(document["activities"]),
        "commitments": len(document["commitments"]),
        "sources": sources_of(version),
    }
    if with_document:
        record["document"] = document
    return record


def _side(
    session: Session, consolidation: Consolidation, which: object
) -> tuple[dict | None, dict]:
    if which == CURRENT:
        return None, plan_document(session, consolidation)[0]
    version = get_version(session, consolidation, which)
    return version_record(version), document_of(version)


def compare_versions(
    session: Session, consolidation: Consolidation, before: object, after: object
) -> dict:
    """Two versions compared by their numbers (or `current`), through plan_versions.compare;
    the same answer as a workshop's comparison (`from`/`to` None for `current`)."""
    old_record, old = _side(session, consolidation, before)
    new_record, new = _side(session, consolidation, after)
    changes = compare(old, new, ACTIVITY_FIELDS)
    titles = {a["id"]: a["title"] for a in old["activities"] + new["activities"]}
    return {
        "from": old_record,
        "to": new_record,
        "changes": changes,
        "count": change_count(changes),
        "titles": [{"activity_id": i, "title": t} for i, t in sorted(titles.items())],
    }


# -- the public page ----------------------------------------------------------------------------


def find_page(session: Session, consolidation: Consolidation) -> ConsolidationPage | None:
    return session.get(ConsolidationPage, consolidation.id)


def ensure_page(session: Session, consolidation: Consolidation) -> ConsolidationPage:
    """The consolidation's public key, made the first time (a race makes one)."""
    page = find_page(session, consolidation)
    if page is not None:
        return page
    try:
        with session.begin_nested():
            page = ConsolidationPage(
                consolidation_id=consolidation.id, key=secrets.token_urlsafe(KEY_BYTES)
            )
            session.add(page)
    except IntegrityError:
        page = find_page(session, consolidation)
        if page is None:  # pragma: no cover - a key collision, 2**-256
            raise
    return page


def public_version(session: Session, key: object) -> tuple[Consolidation, ConsolidationVersion]:
    """The consolidation of a key and its latest published version; `consolidation_not_public`
    for an unknown key or a consolidation with no version published."""
    page = None
    if isinstance(key, str) and 0 < len(key) <= 64:
        page = session.scalars(
            select(ConsolidationPage).where(ConsolidationPage.key == key)
        ).first()
    consolidation = None if page is None else session.get(Consolidation, page.consolidation_id)
    version = None if consolidation is None else latest_version(session, consolidation)
    if consolidation is None or version is None:
        raise NotFound("consolidation_not_public")
    return consolidation, version


# -- rows with provenance -----------------------------------------------------------------------


def provenance_rows(document: dict, sources: list[dict]) -> list[dict]:
    """One record per activity of the plan: its source workshop, the version of that workshop's
    plan it came from (and as of when), its link group, and who does what."""
    by_source = {str(s["id"]): s for s in sources}
    by_activity: dict[str, list[dict]] = defaultdict(list)
    for c in document["commitments"]:
        by_activity[c["activity_id"]].append(c)
    group_label = {}
    for a in document["activities"]:
        if a["group"] and a["group"] not in group_label:
            group_label[a["group"]] = f"L{len(group_label) + 1}"
    rows = []
    for a in document["activities"]:
        source = by_source.get(a["id"].partition(":")[0], {})
        commitments = by_activity.get(a["id"], [])
        roles = {r: [c["organisation"] for c in commitments if c["role"] == r] for r in ROLE_ORDER}
        lead_times = [c["timeframe"] for c in commitments if c["role"] == "lead" and c["timeframe"]]
        times = lead_times or [c["timeframe"] for c in commitments if c["timeframe"]]
        rows.append(
            {
                "id": a["id"],
                "group": group_label.get(a["group"], ""),
                "source": a["source"],
                "source_code": source.get("code", ""),
                "source_version": a["source_version"],
                "as_of": source.get("as_of", ""),
                "title": a["title"],
                "description": a["description"],
                "track": a["track"],
                "roles": roles,
                "timeframe": " / ".join(dict.fromkeys(times)),
                "to_confirm": [
                    c["organisation"] for c in commitments if c["status"] != "confirmed"
                ],
            }
        )
    return rows
