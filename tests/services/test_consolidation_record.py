"""A consolidation on record: its plan document with provenance, versions, comparison, key."""

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.services.test_consolidation import refused, workshop_with_plan
from workshop.services import consolidation_record as record
from workshop.services import plan_versions as pv
from workshop.services.commitments import edit_commitment, list_commitments
from workshop.services.consolidation import (
    add_imported_source,
    add_local_source,
    create_consolidation,
    decide_link,
)
from workshop.services.interchange import build_document
from workshop.services.workshops import set_phase


def close(db, workshop):
    if workshop.phase != "voting":
        set_phase(db, workshop, "voting")
    set_phase(db, workshop, "closed")
    pv.freeze_room_plan(db, workshop)
    db.commit()


@pytest.fixture
def three(db):
    """ILO (closed: its plan is version 1), GIZ (open: live), EU (imported from an export)."""
    ilo, ilo_ids = workshop_with_plan(
        db,
        "Atelier OIT",
        ["Observatoire régional de l'emploi", "Former les inspecteurs du travail"],
        [(0, "OIT", "lead"), (1, "OIT", "partner"), (1, "MIEPEEC", "lead")],
        [0, 1],
    )
    giz, giz_ids = workshop_with_plan(
        db, "Atelier GIZ", ["Appui aux PME exportatrices"], [(0, "GIZ", "lead")], [0]
    )
    eu, _eu_ids = workshop_with_plan(
        db, "Atelier UE", ["Observatoire de l'emploi régional"], [(0, "UE", "co_lead")], [0]
    )
    close(db, ilo)
    consolidation = create_consolidation(db, "Plan inter-agences")
    s_ilo = add_local_source(db, consolidation, ilo.code)
    s_giz = add_local_source(db, consolidation, giz.code)
    exported = json.dumps(build_document(db, eu)).encode()
    s_eu = add_imported_source(db, consolidation, exported)
    db.commit()
    return {
        "c": consolidation,
        "ilo": ilo,
        "ilo_ids": ilo_ids,
        "giz_ids": giz_ids,
        "sources": (s_ilo.id, s_giz.id, s_eu.id),
    }


def test_every_activity_says_its_source_and_the_version_it_came_from(db, three):
    document, sources = record.plan_document(db, three["c"])
    s_ilo, s_giz, s_eu = three["sources"]
    by_id = {a["id"]: a for a in document["activities"]}
    first = f"{s_ilo}:{three['ilo_ids'][0]}"
    assert by_id[first]["source"] == "Atelier OIT" and by_id[first]["source_version"] == "v1"
    assert by_id[f"{s_giz}:{three['giz_ids'][0]}"]["source_version"] == "live"
    assert {a["source_version"] for a in document["activities"] if a["source"] == "Atelier UE"} == {
        "export"
    }
    assert [(s["label"], s["version"]) for s in sources] == [
        ("Atelier OIT", "v1"),
        ("Atelier GIZ", "live"),
        ("Atelier UE", "export"),
    ]
    assert all(s["as_of"].endswith("Z") for s in sources), "as of when, each (live: read now)"
    leads = {(c["activity_id"], c["organisation"], c["role"]) for c in document["commitments"]}
    assert (first, "OIT", "lead") in leads
    rows = record.provenance_rows(document, sources)
    assert {(r["source"], r["source_version"]) for r in rows} == {
        ("Atelier OIT", "v1"),
        ("Atelier GIZ", "live"),
        ("Atelier UE", "export"),
    }
    row = next(r for r in rows if r["id"] == first)
    assert row["roles"]["lead"] == ["OIT"] and row["source_code"] == three["ilo"].code


def test_a_source_is_read_as_its_published_version_not_its_live_plan(db, three):
    """A change made in the ILO workshop after closing shows once the workshop publishes it."""
    commitment = next(
        c for c in list_commitments(db, three["ilo"]) if c.activity_id == three["ilo_ids"][0]
    )
    edit_commitment(db, three["ilo"], commitment.id, timeframe="2027")
    db.commit()
    ref = f"{three['sources'][0]}:{three['ilo_ids'][0]}"
    before = record.plan_document(db, three["c"])[0]
    assert all(c["timeframe"] != "2027" for c in before["commitments"] if c["activity_id"] == ref)
    pv.publish_version(db, three["ilo"], "Après le suivi")
    db.commit()
    after = record.plan_document(db, three["c"])[0]
    assert any(c["timeframe"] == "2027" for c in after["commitments"] if c["activity_id"] == ref)
    assert {a["source_version"] for a in after["activities"] if a["id"] == ref} == {"v2"}


def test_versions_are_published_and_compared(db, three):
    consolidation = three["c"]
    s_ilo, _s_giz, s_eu = three["sources"]
    v1 = record.publish_version(db, consolidation, "Première consolidation", "2026-06-15")
    db.commit()
    assert (v1.number, v1.title) == (1, "Première consolidation")
    assert v1.published_on == date(2026, 6, 15)
    eu_id = next(
        a["id"] for a in record.document_of(v1)["activities"] if a["id"].startswith(f"{s_eu}:")
    )
    ilo_ref = (s_ilo, three["ilo_ids"][0])
    decide_link(db, consolidation, ilo_ref, tuple(int(x) for x in eu_id.split(":")), "accepted")
    db.commit()
    pending = record.compare_versions(db, consolidation, 1, record.CURRENT)
    assert pending["to"] is None and pending["count"] == 2, pending["changes"]
    v2 = record.publish_version(db, consolidation, "Après les liens")
    db.commit()
    assert v2.number == 2 and v2.published_on == date.today()
    comparison = record.compare_versions(db, consolidation, 1, 2)
    changed = comparison["changes"]["activities"]["changed"]
    group = f"{ilo_ref[0]}:{ilo_ref[1]}"
    assert sorted((c["after"]["id"], c["fields"][0]["after"]) for c in changed) == sorted(
        [(group, group), (eu_id, group)]
    ), "both linked activities now name their group by its smallest id"
    assert comparison["from"]["number"] == 1 and comparison["to"]["number"] == 2
    assert pv.apply(record.document_of(v1), comparison["changes"]) == record.document_of(v2)
    rows = pv.change_rows(comparison)
    assert {(r[0], r[1], r[5]) for r in rows} == {("activities", "changed", "group")}
    assert [v.number for v in record.list_versions(db, consolidation)] == [1, 2]
    assert record.version_record(v2)["sources"][0]["version"] == "v1"


def test_bad_input_is_refused_with_a_key(db, three):
    consolidation = three["c"]
    refused("field_required", record.publish_version, db, consolidation, "  ")
    refused("field_too_long", record.publish_version, db, consolidation, "x" * 201)
    refused("field_invalid", record.publish_version, db, consolidation, "v", "15/06/2026")
    refused("field_invalid", record.publish_version, db, consolidation, "v", "2026-02-30")
    refused("field_invalid", record.publish_version, db, consolidation, "v", 20260615)
    refused("version_not_found", record.get_version, db, consolidation, 3)
    refused("field_invalid", record.get_version, db, consolidation, "deux")
    empty = create_consolidation(db, "Vide")
    refused("consolidation_empty", record.publish_version, db, empty, "v1")
    assert record.list_versions(db, consolidation) == [], "nothing half-written"


def test_the_public_key_shows_the_latest_published_version_only(db, three):
    consolidation = three["c"]
    page = record.ensure_page(db, consolidation)
    assert len(page.key) >= 43 and record.ensure_page(db, consolidation).key == page.key
    other = record.ensure_page(db, create_consolidation(db, "Autre"))
    assert other.key != page.key
    refused("consolidation_not_public", record.public_version, db, page.key)
    for key in ("", "x" * 65, None, 12, page.key[:-1]):
        refused("consolidation_not_public", record.public_version, db, key)
    record.publish_version(db, consolidation, "v1")
    record.publish_version(db, consolidation, "v2")
    db.commit()
    found, version = record.public_version(db, page.key)
    assert found.id == consolidation.id and version.number == 2


# -- the comparison of consolidated documents, as a property -------------------------------------

_ids = st.sampled_from(["1:1", "1:2", "2:10", "2:9", "10:1", "3:3"])
_words = st.sampled_from(["", "2025", "OIT", "v1", "live", "1:1"])
_activity = st.builds(
    lambda i, t, s, v, g: {
        "id": i,
        "title": t,
        "description": "",
        "track": "",
        "source": s,
        "source_version": v,
        "group": g,
    },
    _ids,
    _words,
    _words,
    _words,
    _words,
)
_commitment = st.builds(
    lambda a, o, r, t: {
        "activity_id": a,
        "organisation_key": o.casefold(),
        "organisation": o,
        "role": r,
        "timeframe": t,
        "note": "",
        "contact": "",
        "resources": "",
        "status": "proposed",
    },
    _ids,
    st.sampled_from(["OIT", "GIZ", "UE"]),
    st.sampled_from(["lead", "partner"]),
    _words,
)
_document = st.builds(
    lambda acts, coms: pv._canonical(
        {
            "activities": list({a["id"]: a for a in acts}.values()),
            "commitments": list({pv._commitment_key(c): c for c in coms}.values()),
        }
    ),
    st.lists(_activity, max_size=6),
    st.lists(_commitment, max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(_document, _document)
def test_compare_then_apply_gives_the_later_consolidated_plan(v1, v2):
    changes = pv.compare(v1, v2, record.ACTIVITY_FIELDS)
    assert pv.apply(v1, changes) == v2
    assert (pv.change_count(changes) == 0) == (v1 == v2)
