"""Follow-up by organisation across a consolidation: the workshops' follow-up links, fanned out.

A commitment lives in its workshop, and so does a change to it (services/follow_up.py): a
focal point's change is accepted or rejected by that workshop's facilitator, and reaches the
consolidation with the workshop's next published plan version. So a consolidation's
follow-up for an organisation is one follow-up link in each workshop of this instance where
that organisation (matched through the sources' directories, as in the per-organisation
view) has commitments, made, listed and revoked together. An imported source has no
commitments here to change: it is listed as skipped.
"""

from sqlalchemy.orm import Session

from ..models import Consolidation, ConsolidationSource, FollowUpLink, Workshop
from . import follow_up
from .consolidation import source_document
from .errors import NotFound
from .organisations import SharedDirectory
from .workshops import get_workshop_by_id


def _sources(
    session: Session, consolidation: Consolidation
) -> tuple[SharedDirectory, list[tuple[ConsolidationSource, dict]]]:
    documents = [(s, source_document(session, s)) for s in consolidation.sources]
    directories = [entry for _s, d in documents for entry in d.get("organisations", [])]
    return SharedDirectory(directories), documents


def follow_up_organisations(session: Session, consolidation: Consolidation) -> list[dict]:
    """Each organisation with commitments across the sources, and per source: its
    commitments there, its key in that workshop, and its follow-up links (local sources)."""
    shared, documents = _sources(session, consolidation)
    table: dict[str, dict] = {}

    def entry(name: str) -> dict:
        key, label = shared.identity(name)
        return table.setdefault(
            key, {"organisation_key": key, "organisation": label, "sources": {}}
        )

    for source, document in documents:
        if source.workshop_id is None:
            for commitment in document["commitments"]:
                place = entry(commitment["organisation"])["sources"].setdefault(
                    source.id, _place(source, None)
                )
                place["commitments"] += 1
            continue
        workshop = get_workshop_by_id(session, source.workshop_id)
        links = follow_up.list_links(session, workshop)
        for found in follow_up.commitment_organisations(session, workshop):
            place = _place(source, found["organisation_key"])
            place["commitments"] = found["commitments"]
            place["links"] = [
                follow_up.link_record(link, workshop.time_zone)
                for link in links
                if link.organisation_key == found["organisation_key"]
            ]
            entry(found["organisation"])["sources"][source.id] = place
    out = [dict(o, sources=list(o["sources"].values())) for o in table.values()]
    return sorted(out, key=lambda o: o["organisation"].casefold())


def _place(source: ConsolidationSource, key: str | None) -> dict:
    return {
        "source_id": source.id,
        "label": source.label,
        "imported": source.workshop_id is None,
        "organisation_key": key,
        "commitments": 0,
        "links": [],
    }


def _find(session: Session, consolidation: Consolidation, organisation_key: object) -> dict:
    organisations = follow_up_organisations(session, consolidation)
    found = next((o for o in organisations if o["organisation_key"] == organisation_key), None)
    if found is None or not any(not s["imported"] for s in found["sources"]):
        raise NotFound("follow_up_organisation_unknown")
    return found


def create_links(
    session: Session,
    consolidation: Consolidation,
    organisation_key: object,
    deadline: object,
    label: object = "",
) -> tuple[list[tuple[Workshop, FollowUpLink, str]], list[dict]]:
    """A follow-up link for the organisation in every local source where it has commitments
    (all or none: a refused deadline refuses them all); returns (workshop, link, token) of
    each, and the imported sources skipped."""
    found = _find(session, consolidation, organisation_key)
    made, skipped = [], []
    for place in found["sources"]:
        if place["imported"]:
            skipped.append({"source_id": place["source_id"], "label": place["label"]})
            continue
        source = next(s for s in consolidation.sources if s.id == place["source_id"])
        workshop = get_workshop_by_id(session, source.workshop_id)
        link, token = follow_up.create_link(
            session, workshop, place["organisation_key"], deadline, label
        )
        made.append((workshop, link, token))
    return made, skipped


def revoke_links(session: Session, consolidation: Consolidation, organisation_key: object) -> int:
    """Revoke the organisation's open links in every source; how many were revoked."""
    found = _find(session, consolidation, organisation_key)
    count = 0
    for place in found["sources"]:
        for record in place["links"]:
            if record["revoked_at"] is None:
                source = next(s for s in consolidation.sources if s.id == place["source_id"])
                workshop = get_workshop_by_id(session, source.workshop_id)
                follow_up.revoke_link(session, workshop, record["id"])
                count += 1
    return count
