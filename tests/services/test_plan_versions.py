"""Versions of the plan: the room's plan at closing, published versions, and their comparison."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.services.test_workplan import Room, refused
from workshop.services import plan_versions as pv
from workshop.services.commitments import edit_commitment, list_commitments, remove_commitment
from workshop.services.workplan import set_retained
from workshop.services.workshops import set_phase


@pytest.fixture
def room(db):
    room = Room(db)
    room.open()
    room.commit_("min", "D", "lead")  # before retention: D stays outside the plan
    for name in ("A", "B", "C"):
        set_retained(db, room.w, room[name], True)
    room.commit_("ilo", "A", "lead", timeframe="2025")
    room.commit_("giz", "A", "partner")
    room.commit_("cgem", "B", "lead")
    return room


def close(room):
    set_phase(room.db, room.w, "closed")
    version = pv.freeze_room_plan(room.db, room.w)
    room.db.commit()
    return version


def test_closing_freezes_the_room_plan_as_version_1(room):
    version = close(room)
    assert version.number == 1
    record = pv.version_record(version, with_document=True)
    assert record["room_plan"] is True
    assert record["activities"] == 3
    titles = [a["title"] for a in record["document"]["activities"]]
    assert titles == ["Activité A", "Activité B", "Activité C"]
    commitments = record["document"]["commitments"]
    assert [(c["organisation"], c["role"]) for c in commitments] == [
        ("GIZ", "partner"),
        ("OIT", "lead"),
        ("CGEM", "lead"),
    ], "by activity then organisation; D's commitment is outside the plan"


def test_nothing_is_frozen_before_closing(room):
    assert pv.freeze_room_plan(room.db, room.w) is None
    refused("plan_not_frozen", pv.publish_version, room.db, room.w, "v2")


def test_closing_again_refreshes_version_1_until_version_2_exists(room):
    close(room)
    set_phase(room.db, room.w, "voting")
    set_retained(room.db, room.w, room["E"], True)
    close(room)
    assert [v.number for v in pv.list_versions(room.db, room.w)] == [1]
    assert pv.version_record(pv.get_version(room.db, room.w, 1))["activities"] == 4
    pv.publish_version(room.db, room.w, "Après le suivi")
    set_phase(room.db, room.w, "voting")
    set_retained(room.db, room.w, room["D"], True)
    assert close(room) is None, "version 1 is history once version 2 is published"
    assert pv.version_record(pv.get_version(room.db, room.w, 1))["activities"] == 4


def test_a_published_version_is_compared_with_the_room_plan(room):
    close(room)
    by_name = {c.organisation: c for c in list_commitments(room.db, room.w)}
    edit_commitment(room.db, room.w, by_name["OIT"].id, timeframe="2026 T1")
    remove_commitment(room.db, room.w, by_name["GIZ"].id)
    set_retained(room.db, room.w, room["C"], False)
    v2 = pv.publish_version(room.db, room.w, "  Après le suivi  ")
    room.db.commit()
    assert (v2.number, v2.title) == (2, "Après le suivi")
    result = pv.compare_versions(room.db, room.w, 1, 2)
    changes = result["changes"]
    assert [a["title"] for a in changes["activities"]["removed"]] == ["Activité C"]
    assert changes["activities"]["added"] == [] and changes["activities"]["changed"] == []
    assert [c["organisation"] for c in changes["commitments"]["removed"]] == ["GIZ"]
    [changed] = changes["commitments"]["changed"]
    assert changed["fields"] == [{"field": "timeframe", "before": "2025", "after": "2026 T1"}]
    assert result["count"] == 3
    assert pv.apply(pv.document_of(pv.get_version(room.db, room.w, 1)), changes) == (
        pv.document_of(v2)
    )
    rows = pv.change_rows(result)
    assert (
        "commitments",
        "changed",
        room["A"],
        "Activité A",
        "OIT",
        "timeframe",
        "2025",
        "2026 T1",
    ) in rows
    assert ("activities", "removed", room["C"], "Activité C", "", "", "", "") in rows
    assert len(rows) == 3


def test_the_plan_now_is_compared_with_the_last_version_before_publishing(room):
    refused("plan_not_frozen", pv.compare_versions, room.db, room.w, "current", "current")
    refused("plan_not_frozen", pv.compare_versions, room.db, room.w, 1, "current")
    close(room)
    refused("version_not_found", pv.compare_versions, room.db, room.w, 2, "current")
    assert pv.compare_versions(room.db, room.w, 1, "current")["count"] == 0
    set_retained(room.db, room.w, room["E"], True)
    result = pv.compare_versions(room.db, room.w, 1, "current")
    assert result["to"] is None and result["from"]["number"] == 1
    assert [a["title"] for a in result["changes"]["activities"]["added"]] == ["Activité E"]
    assert [v.number for v in pv.list_versions(room.db, room.w)] == [1], "comparing writes nothing"


def test_bad_titles_and_unknown_versions_are_refused(room):
    close(room)
    refused("field_required", pv.publish_version, room.db, room.w, " \u200b ")
    refused("field_too_long", pv.publish_version, room.db, room.w, "x" * 201)
    refused("version_not_found", pv.get_version, room.db, room.w, 9)
    refused("field_invalid", pv.get_version, room.db, room.w, "deux")
    assert [v.number for v in pv.list_versions(room.db, room.w)] == [1], "nothing half-written"


# -- the comparison, as a property ---------------------------------------------------------------

_words = st.sampled_from(["", "2025", "2026", "T1", "Rabat", "OIT", "lead", "note"])
_activity = st.builds(
    lambda i, t, d, k: {"id": i, "title": t, "description": d, "track": k},
    st.integers(1, 8),
    _words,
    _words,
    _words,
)
_commitment = st.builds(
    lambda a, o, r, t, n, s: {
        "activity_id": a,
        "organisation_key": o.casefold(),
        "organisation": o,
        "role": r,
        "timeframe": t,
        "note": n,
        "status": s,
    },
    st.integers(1, 8),
    st.sampled_from(["OIT", "GIZ", "CGEM", "ANAPEC"]),
    st.sampled_from(["lead", "co_lead", "partner", "support"]),
    _words,
    _words,
    st.sampled_from(["proposed", "confirmed"]),
)


def _unique(records, key):
    return list({key(r): r for r in records}.values())


_document = st.builds(
    lambda acts, coms: pv._canonical(
        {
            "activities": _unique(acts, pv._activity_key),
            "commitments": _unique(coms, pv._commitment_key),
        }
    ),
    st.lists(_activity, max_size=8),
    st.lists(_commitment, max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(_document, _document)
def test_the_comparison_of_v1_and_v2_applied_to_v1_gives_v2(v1, v2):
    changes = pv.compare(v1, v2)
    assert pv.apply(v1, changes) == v2
    assert (pv.change_count(changes) == 0) == (v1 == v2)
    for part in changes.values():
        for change in part["changed"]:
            assert change["fields"], "a change names what changed"
