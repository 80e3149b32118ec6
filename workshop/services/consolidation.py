"""Consolidation: several workshops' workplans made into one inter-agency workplan.

A source is a workshop of this instance or one imported from another instance's export. A
workshop of this instance is read as its latest published plan version
(services/plan_versions.py) when it has one, live otherwise; every activity says which (its
`version`: "v2", "live", or "export" for an imported one).
Activities of different sources that look alike (the workshop's similarity engine, in any of
French, Arabic and English) are proposed for linking; the host accepts or rejects each
proposal, and may link by hand.
Accepted links gather activities into link groups; the consolidated view lists every
activity with its source, its group, and per organisation what it leads and supports.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import (
    CONSOLIDATION_TITLE_MAX,
    Consolidation,
    ConsolidationLink,
    ConsolidationSource,
    LinkDecision,
)
from .commitments import ROLE_ORDER, by_organisation
from .errors import Conflict, DomainError, NotFound
from .interchange import build_document, read_upload
from .organisations import SharedDirectory
from .plan_versions import document_of, latest_version
from .similarity import DEFAULT_THRESHOLD, SimilarityIndex
from .text import clean_text
from .workshops import get_workshop, get_workshop_by_id

MAX_SOURCES = 30
#: proposals shown at most, best first
MAX_PROPOSALS = 300


def create_consolidation(session: Session, title: object) -> Consolidation:
    consolidation = Consolidation(
        title=clean_text(title, "title", CONSOLIDATION_TITLE_MAX, required=True)
    )
    session.add(consolidation)
    session.flush()
    return consolidation


def list_consolidations(session: Session) -> list[Consolidation]:
    return list(session.scalars(select(Consolidation).order_by(Consolidation.created_at.desc())))


def get_consolidation(session: Session, consolidation_id: object) -> Consolidation:
    if isinstance(consolidation_id, bool) or not isinstance(consolidation_id, int):
        raise NotFound("consolidation_not_found")
    consolidation = (
        session.get(Consolidation, consolidation_id) if 0 < consolidation_id < 2**63 else None
    )
    if consolidation is None:
        raise NotFound("consolidation_not_found")
    return consolidation


def delete_consolidation(session: Session, consolidation: Consolidation) -> None:
    session.execute(delete(Consolidation).where(Consolidation.id == consolidation.id))
    session.expunge(consolidation)


def _check_room(consolidation: Consolidation) -> None:
    if len(consolidation.sources) >= MAX_SOURCES:
        raise DomainError("too_many", field="source_workshops", max=MAX_SOURCES)


def add_local_source(
    session: Session, consolidation: Consolidation, code: object
) -> ConsolidationSource:
    """Add a workshop of this instance by its code; it is read live from then on."""
    workshop = get_workshop(session, code)
    if any(s.workshop_id == workshop.id for s in consolidation.sources):
        raise Conflict("source_exists")
    _check_room(consolidation)
    source = ConsolidationSource(workshop_id=workshop.id, label=workshop.title)
    consolidation.sources.append(source)
    session.flush()
    return source


def add_imported_source(
    session: Session, consolidation: Consolidation, data: bytes
) -> ConsolidationSource:
    """Add a workshop from another instance: its export ZIP or atelier-export.json."""
    if not data:
        raise DomainError("field_required", field="file")
    document = read_upload(data)
    _check_room(consolidation)
    title = document["workshop"]["title"]
    source = ConsolidationSource(
        document=json.dumps(document, ensure_ascii=False), label=title[:CONSOLIDATION_TITLE_MAX]
    )
    consolidation.sources.append(source)
    session.flush()
    return source


def remove_source(session: Session, consolidation: Consolidation, source_id: object) -> None:
    source = next((s for s in consolidation.sources if s.id == source_id), None)
    if source is None:
        raise NotFound("source_not_found")
    consolidation.sources.remove(source)
    session.flush()


# -- the consolidated view --------------------------------------------------------------------


@dataclass
class Item:
    """One activity of one source, as the consolidated workplan shows it."""

    source_id: int
    source_label: str
    source_code: str
    activity_id: int
    title: str
    description: str
    track: str
    roles: dict[str, list[dict]]
    timeframe: str
    group: str = ""
    #: the version of the source's plan it came from: "v2", "live", or "export" (imported)
    version: str = ""

    @property
    def ref(self) -> tuple[int, int]:
        return (self.source_id, self.activity_id)


#: the provenance of a source without a published version, and of an imported one
LIVE, EXPORT = "live", "export"


def source_document(session: Session, source: ConsolidationSource) -> dict:
    """The source as an export document; a local workshop as its latest published plan version
    when it has one with activities (`plan_version` says which; None: read live, or an
    imported export)."""
    if source.workshop_id is None:
        return dict(json.loads(source.document or "{}"), plan_version=None)
    workshop = get_workshop_by_id(session, source.workshop_id)
    document = build_document(session, workshop)
    version = latest_version(session, workshop)
    plan = None if version is None else document_of(version)
    if version is None or not plan["activities"]:
        # a plan that retained nothing: all the activities are shown, read live (see _items)
        return dict(document, plan_version=None)
    document["activities"] = [
        {"id": a["id"], "title": a["title"], "description": a["description"], "track": a["track"]}
        | {"retained": True}
        for a in plan["activities"]
    ]
    document["commitments"] = [
        {
            "activity_id": c["activity_id"],
            "organisation": c["organisation"],
            "group": None,
            "role": c["role"],
            "timeframe": c["timeframe"],
            "note": c["note"],
            "contact": c.get("contact", ""),
            "resources": c.get("resources", ""),
            "confirmed": c["status"] == "confirmed",
        }
        for c in plan["commitments"]
    ]
    document["plan_version"] = {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at.isoformat() + "Z",
    }
    return document


def provenance(source: ConsolidationSource, document: dict) -> str:
    """Which version of the source's plan its rows come from: "v2", "live" or "export"."""
    if source.workshop_id is None:
        return EXPORT
    version = document.get("plan_version")
    return f"v{version['number']}" if version else LIVE


def _items(source: ConsolidationSource, document: dict) -> tuple[list[Item], bool]:
    """The source's retained activities; all of them when it retained none (flag True)."""
    version = provenance(source, document)
    activities = document["activities"]
    retained = [a for a in activities if a["retained"]]
    chosen = retained or activities
    by_activity: dict[int, list[dict]] = defaultdict(list)
    for commitment in document["commitments"]:
        by_activity[commitment["activity_id"]].append(commitment)
    items = []
    for activity in chosen:
        commitments = by_activity.get(activity["id"], [])
        roles = {r: [c for c in commitments if c["role"] == r] for r in ROLE_ORDER}
        lead_times = [c["timeframe"] for c in roles["lead"] if c["timeframe"]]
        times = lead_times or [c["timeframe"] for c in commitments if c["timeframe"]]
        items.append(
            Item(
                source_id=source.id,
                source_label=source.label,
                source_code=document["workshop"].get("code", ""),
                activity_id=activity["id"],
                title=activity["title"],
                description=activity["description"],
                track=activity["track"] or "",
                roles=roles,
                timeframe=" / ".join(dict.fromkeys(times)),
                version=version,
            )
        )
    return items, not retained


def _ordered(a: tuple[int, int], b: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    return (a, b) if a <= b else (b, a)


def decide_link(
    session: Session,
    consolidation: Consolidation,
    left: tuple[object, object],
    right: tuple[object, object],
    decision: object,
    score: object = None,
) -> None:
    """Accept or reject linking two activities of different sources; "undecided" forgets."""
    sources = {s.id for s in consolidation.sources}
    refs = []
    for source_id, activity_id in (left, right):
        if (
            not isinstance(source_id, int)
            or not isinstance(activity_id, int)
            or isinstance(source_id, bool)
            or isinstance(activity_id, bool)
            or source_id not in sources
            or not 0 < activity_id < 2**63
        ):
            raise DomainError("link_invalid")
        refs.append((source_id, activity_id))
    (ls, la), (rs, ra) = _ordered(refs[0], refs[1])
    if ls == rs:
        raise DomainError("link_invalid")
    if decision not in ("accepted", "rejected", "undecided"):
        raise DomainError("field_invalid", field="decision")
    known = {
        item.ref for source in consolidation.sources for item in _source_items(session, source)
    }
    if (ls, la) not in known or (rs, ra) not in known:
        raise DomainError("link_invalid")
    session.execute(
        delete(ConsolidationLink).where(
            ConsolidationLink.consolidation_id == consolidation.id,
            ConsolidationLink.left_source_id == ls,
            ConsolidationLink.left_activity == la,
            ConsolidationLink.right_source_id == rs,
            ConsolidationLink.right_activity == ra,
        )
    )
    if decision != "undecided":
        valid_score = (
            float(score)
            if isinstance(score, int | float) and not isinstance(score, bool) and 0 <= score <= 1
            else None
        )
        session.add(
            ConsolidationLink(
                consolidation_id=consolidation.id,
                left_source_id=ls,
                left_activity=la,
                right_source_id=rs,
                right_activity=ra,
                decision=LinkDecision(decision).value,
                score=valid_score,
            )
        )
    session.flush()


def _source_items(session: Session, source: ConsolidationSource) -> list[Item]:
    return _items(source, source_document(session, source))[0]


def consolidated_view(session: Session, consolidation: Consolidation) -> dict:
    """Sources, proposals, link groups, every activity and the per-organisation view."""
    sources, items, directories = [], [], []
    for source in consolidation.sources:
        document = source_document(session, source)
        mine, all_shown = _items(source, document)
        items += mine
        directories += document.get("organisations", [])
        sources.append(
            {
                "id": source.id,
                "label": source.label,
                "code": document["workshop"].get("code", ""),
                "imported": source.workshop_id is None,
                "exported_at": document.get("exported_at", "")
                if source.workshop_id is None
                else "",
                "activities": len(mine),
                "all_activities": all_shown,
                "participants": document["workshop"].get("participants", 0),
                "version": provenance(source, document),
                "plan_version": document.get("plan_version"),
            }
        )
    by_ref = {item.ref: item for item in items}
    decisions = {
        (
            (link.left_source_id, link.left_activity),
            (link.right_source_id, link.right_activity),
        ): link
        for link in session.scalars(
            select(ConsolidationLink).where(ConsolidationLink.consolidation_id == consolidation.id)
        )
    }
    proposals = _proposals(items, decisions)
    accepted = [
        pair
        for pair, link in decisions.items()
        if link.decision == "accepted" and pair[0] in by_ref and pair[1] in by_ref
    ]
    _assign_groups(items, accepted)
    linked: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for a, b in accepted:
        linked[a].append(by_ref[b])
        linked[b].append(by_ref[a])
    items.sort(key=lambda i: (i.group == "", _group_number(i.group), i.source_id, i.activity_id))
    return {
        "title": consolidation.title,
        "sources": sources,
        "activities": items,
        "linked": linked,
        "proposals": proposals,
        "decided": [
            {
                "left": by_ref[pair[0]],
                "right": by_ref[pair[1]],
                "decision": link.decision,
                "score": link.score,
            }
            for pair, link in decisions.items()
            if pair[0] in by_ref and pair[1] in by_ref
        ],
        "organisations": organisation_view(items, directories),
        #: the sources' organisation directories (organisations.SharedDirectory reads them)
        "directories": directories,
        "groups": len({i.group for i in items if i.group}),
    }


def _link_pair(link: ConsolidationLink) -> tuple[tuple[int, int], tuple[int, int]]:
    return (link.left_source_id, link.left_activity), (link.right_source_id, link.right_activity)


def _proposals(items: list[Item], decisions: dict) -> list[dict]:
    """Pairs of activities of different sources that the similarity engine calls alike (the
    threshold of a workshop's duplicates), undecided ones only, best first."""
    index = SimilarityIndex((n, item.title, item.description) for n, item in enumerate(items))
    proposals = []
    for pair in index.pairs(DEFAULT_THRESHOLD):
        left, right = items[pair.a], items[pair.b]
        if left.source_id == right.source_id or _ordered(left.ref, right.ref) in decisions:
            continue
        a, b = (left, right) if left.ref <= right.ref else (right, left)
        proposals.append({"left": a, "right": b, "score": round(pair.score, 3)})
    return proposals[:MAX_PROPOSALS]


def _group_number(label: str) -> int:
    return int(label[1:]) if label[1:].isdigit() else 0


def _assign_groups(items: list[Item], accepted: list[tuple]) -> None:
    """Link groups "L1", "L2", … : the connected activities through accepted links."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in accepted:
        parent[find(a)] = find(b)
    labels: dict[tuple[int, int], str] = {}
    for item in items:
        if item.ref not in parent:
            continue
        root = find(item.ref)
        if root not in labels:
            labels[root] = f"L{len(labels) + 1}"
        item.group = labels[root]


def organisation_view(items: list[Item], directories: list[dict] | None = None) -> list[dict]:
    """Per organisation, across workshops: what it leads, co-leads, partners and supports.

    Organisations are matched through the sources' directories (`directories`: their
    entries, see organisations.SharedDirectory), other names folded (GIZ and giz are one).
    """
    shared = SharedDirectory(directories or [])
    commitments = (
        (*shared.identity(commitment["organisation"]), role, item)
        for item in items
        for role in ROLE_ORDER
        for commitment in item.roles[role]
    )
    out = [
        {
            "organisation": o["organisation"],
            "roles": o["roles"],
            "workshops": len({item.source_id for item in o["items"]}),
            "total": len(o["items"]),
        }
        for o in by_organisation(commitments)
    ]
    out.sort(
        key=lambda o: (
            -len(o["roles"]["lead"]) - len(o["roles"]["co_lead"]),
            -o["total"],
            o["organisation"].casefold(),
        )
    )
    return out
