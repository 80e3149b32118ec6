"""The outcome page's rules (no Flask): its key, when it is public, what it shows, in which
language, which version of the plan; an organisation's commitments for its one-pager."""

import pytest

from tests.services.test_workplan import Room, refused
from workshop.models import OutcomePage
from workshop.services import outcome
from workshop.services import plan_versions as pv
from workshop.services.directory import create_organisation
from workshop.services.workplan import set_retained
from workshop.services.workshops import set_phase


@pytest.fixture
def room(db):
    room = Room(db)
    room.open()
    for name in ("A", "B", "C"):
        set_retained(db, room.w, room[name], True)
    room.commit_("ilo", "A", "lead", timeframe="2026")
    room.commit_("giz", "A", "partner")
    room.commit_("cgem", "B", "lead", timeframe="T3 2026")
    room.commit_("ilo", "C", "support", note="Experts")
    return room


def close(room):
    set_phase(room.db, room.w, "closed")
    pv.freeze_room_plan(room.db, room.w)
    outcome.ensure_page(room.db, room.w)
    room.db.commit()


def test_the_key_is_random_stable_and_one_per_workshop(room, db):
    page = outcome.ensure_page(db, room.w)
    assert len(page.key) == 43 and page.key != outcome.new_key()
    assert outcome.ensure_page(db, room.w).key == page.key
    assert db.query(OutcomePage).count() == 1
    assert len({outcome.new_key() for _ in range(1000)}) == 1000


def test_public_once_closed_or_published_and_never_when_unpublished(room, db):
    page = outcome.ensure_page(db, room.w)
    assert not outcome.is_public(room.w, page)
    refused("outcome_not_found", outcome.public_page, db, page.key)
    assert outcome.outcome_state(db, room.w) == {"public": False, "key": None}
    outcome.set_outcome(db, room.w, {"state": "published"})
    assert outcome.public_page(db, page.key) == (room.w, page)
    close(room)
    outcome.set_outcome(db, room.w, {"state": "unpublished"})
    refused("outcome_not_found", outcome.public_page, db, page.key)
    outcome.set_outcome(db, room.w, {"state": "auto"})
    assert outcome.outcome_state(db, room.w) == {"public": True, "key": page.key}
    for key in ("", None, 12, "x" * 65, page.key[:-1]):
        refused("outcome_not_found", outcome.public_page, db, key)


def test_settings_are_checked_and_bump_the_snapshot(room, db):
    before = room.w.version
    outcome.set_outcome(db, room.w, {"comments": True, "results": False})
    page = outcome.find_page(db, room.w)
    assert (page.show_comments, page.show_results, page.show_workplan) == (True, False, True)
    assert room.w.version > before
    refused("field_invalid", outcome.set_outcome, db, room.w, {"state": "soon"})
    refused("field_invalid", outcome.set_outcome, db, room.w, {"workplan": "no"})


def test_what_is_shown_follows_the_choice(room, db):
    close(room)
    page = outcome.find_page(db, room.w)
    data = outcome.outcome_data(db, room.w, page, "fr")
    assert data["comments"] is None  # not public by default
    assert len(data["results"]) == 5 and data["workplan"]
    outcome.set_outcome(db, room.w, {"results": False, "workplan": False, "comments": True})
    data = outcome.outcome_data(db, room.w, page, "fr")
    assert data["results"] is None and data["workplan"] is None and data["comments"] == []


def test_the_workplan_by_track_with_roles_and_timeframes(room, db):
    close(room)
    page = outcome.find_page(db, room.w)
    plan = outcome.outcome_data(db, room.w, page, "fr")["workplan"]
    assert [block["track"] for block in plan] == ["Emploi", "Compétences"]
    a = next(x for x in plan[0]["activities"] if x["title"] == "Activité A")
    roles = dict(a["roles"])
    assert [o["name"] for o in roles["lead"]] == ["OIT"]
    assert [o["name"] for o in roles["partner"]] == ["GIZ"]
    assert a["timeframe"] == "2026"


def test_the_latest_version_is_shown_and_named(room, db):
    page = outcome.ensure_page(db, room.w)
    outcome.set_outcome(db, room.w, {"state": "published"})
    assert outcome.outcome_data(db, room.w, page, "fr")["version"] is None  # the plan now
    close(room)
    assert outcome.outcome_data(db, room.w, page, "fr")["version"]["room_plan"] is True
    set_retained(db, room.w, room["C"], False)
    pv.publish_version(db, room.w, "Après le suivi")
    data = outcome.outcome_data(db, room.w, page, "fr")
    assert data["version"]["number"] == 2 and data["version"]["title"] == "Après le suivi"
    titles = [a["title"] for block in data["workplan"] for a in block["activities"]]
    assert "Activité C" not in titles
    set_retained(db, room.w, room["D"], True)  # not published: the page keeps showing v2
    titles = [
        a["title"]
        for block in outcome.outcome_data(db, room.w, page, "fr")["workplan"]
        for a in block["activities"]
    ]
    assert "Activité D" not in titles


def test_names_in_the_readers_language(room, db):
    organisation = create_organisation(
        db,
        room.w,
        {
            "acronym": "OIT",
            "name_fr": "Organisation internationale du travail",
            "name_ar": "منظمة العمل الدولية",
            "name_en": "International Labour Organization",
            "aliases": "ILO",
        },
    )
    room.w.tracks[0].name_ar = "التشغيل"
    close(room)
    page = outcome.find_page(db, room.w)
    plan = outcome.outcome_data(db, room.w, page, "ar")["workplan"]
    assert plan[0]["track"] == "التشغيل"
    a = next(x for x in plan[0]["activities"] if x["title"] == "Activité A")
    lead = dict(a["roles"])["lead"][0]
    assert lead["name"] == "منظمة العمل الدولية" and lead["acronym"] == "OIT"
    assert lead["key"] == f"#{organisation.id}"
    english = outcome.outcome_data(db, room.w, page, "en")["workplan"]
    a = next(x for x in english[0]["activities"] if x["title"] == "Activité A")
    assert dict(a["roles"])["lead"][0]["name"] == "International Labour Organization"
    assert english[0]["track"] == "Emploi"  # no English wording: the original


def test_an_organisations_commitments(room, db):
    key = next(
        o["key"] for o in outcome.committed_organisations(db, room.w, "fr") if o["name"] == "OIT"
    )
    mine = outcome.organisation_commitments(db, room.w, key, "fr")
    assert mine["organisation"]["name"] == "OIT"
    assert [(c["title"], c["role"]) for c in mine["commitments"]] == [
        ("Activité A", "lead"),
        ("Activité C", "support"),
    ]
    a = mine["commitments"][0]
    assert [(w["name"], w["role"]) for w in a["with"]] == [("GIZ", "partner")]
    assert mine["commitments"][1]["note"] == "Experts"
    assert dict(mine["counts"]) == {"lead": 1, "co_lead": 0, "partner": 0, "support": 1}
    refused("organisation_not_found", outcome.organisation_commitments, db, room.w, "nobody", "fr")
    refused("organisation_not_found", outcome.organisation_commitments, db, room.w, None, "fr")


def test_a_caller_that_knows_the_organisation_gets_an_empty_page(room, db):
    empty = outcome.organisation_commitments(db, room.w, "unicef", "fr", name="UNICEF")
    assert empty["organisation"]["name"] == "UNICEF" and empty["commitments"] == []
