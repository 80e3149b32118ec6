"""Follow-up by organisation: links, changes a focal point sends, the facilitator's decisions."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from tests.services.test_workplan import Room, refused
from workshop.models import Activity, Commitment, FollowUpChange
from workshop.services import follow_up as fu
from workshop.services import plan_versions as pv
from workshop.services.activities import set_activity_status
from workshop.services.commitments import edit_commitment, list_commitments
from workshop.services.merging import merge_activities
from workshop.services.organisations import organisation_key
from workshop.services.workplan import set_retained
from workshop.services.workshops import set_phase

NOW = datetime(2027, 5, 1, 9, 0, 0)
LATER = NOW + timedelta(hours=1)


@pytest.fixture
def room(db):
    room = Room(db)
    room.open()
    for name in ("A", "B", "C"):
        set_retained(db, room.w, room[name], True)
    room.commit_("ilo", "A", "lead", timeframe="2025")
    room.commit_("ilo", "B", "partner")
    room.commit_("giz", "A", "partner")
    set_phase(db, room.w, "closed")
    pv.freeze_room_plan(db, room.w)
    db.commit()
    return room


def link_for(room, org="OIT", deadline="2027-06-30", label="") -> tuple:
    link, token = fu.create_link(
        room.db, room.w, organisation_key(org), deadline, label=label, now=NOW
    )
    room.db.commit()
    return link, token


def commitment(room, org, activity) -> Commitment:
    key = organisation_key(org)
    for c in list_commitments(room.db, room.w):
        if c.organisation_key == key and c.activity_id == room[activity]:
            return c
    return None


def send(room, link, kind, **data):
    change = fu.send_change(room.db, room.w, link, kind, data, now=LATER)
    room.db.commit()
    return change


def decide(room, changes, decision):
    results = fu.decide_changes(room.db, room.w, [c.id for c in changes], decision, now=LATER)
    room.db.commit()
    return results


def test_organisations_with_commitments_are_offered_links(room):
    orgs = fu.commitment_organisations(room.db, room.w)
    assert [(o["organisation"], o["commitments"]) for o in orgs] == [("GIZ", 1), ("OIT", 2)]
    refused(
        "follow_up_organisation_unknown",
        fu.create_link,
        room.db,
        room.w,
        organisation_key("CGEM"),
        "2027-06-30",
        now=NOW,
    )


def test_a_token_is_unguessable_and_only_its_hash_is_kept(room):
    link, token = link_for(room)
    assert len(token) >= 32
    assert token not in link.token_hash
    assert fu.link_by_token(room.db, room.w, token).id == link.id
    refused("follow_up_link_invalid", fu.link_by_token, room.db, room.w, token[:-1] + "x")


def test_the_deadline_is_the_end_of_its_day_in_the_room_and_must_be_ahead(room):
    link, _ = link_for(room, deadline="2027-06-30")
    # Rabat is UTC+1 in June 2027: 23:59:59 local is 22:59:59 UTC
    assert link.deadline == datetime(2027, 6, 30, 22, 59, 59)
    refused("follow_up_deadline_past", link_for, room, deadline="2027-04-30")
    refused("follow_up_deadline_far", link_for, room, deadline="2029-01-01")
    refused("field_invalid", link_for, room, deadline="30/06/2027")


def test_a_focal_point_sees_only_its_organisation(room):
    link, _ = link_for(room, "GIZ")
    view = fu.focal_view(room.db, room.w, link, now=LATER)
    assert [c["title"] for c in view["commitments"]] == ["Activité A"]
    assert {a["title"] for a in view["proposable"]} == {"Activité B", "Activité C"}
    other = commitment(room, "OIT", "A")
    refused("commitment_not_found", send, room, link, "confirm", commitment_id=other.id)


def test_the_focal_point_reads_titles_in_their_language(room):
    """The facilitator worded A in Arabic and English, B in English: the page follows the
    reader's language, and the original stands where no wording was given."""
    from workshop.models import Activity

    a, b = room.db.get(Activity, room["A"]), room.db.get(Activity, room["B"])
    a.title_ar, a.title_en, b.title_en = "النشاط أ", "Activity A", "Activity B"
    room.db.commit()
    link, _ = link_for(room, "OIT")
    titles = {
        language: [
            c["title"] for c in fu.focal_view(room.db, room.w, link, LATER, language)["commitments"]
        ]
        for language in ("ar", "en", "fr", None)
    }
    assert titles == {
        "ar": ["النشاط أ", "Activité B"],
        "en": ["Activity A", "Activity B"],
        "fr": ["Activité A", "Activité B"],
        None: ["Activité A", "Activité B"],
    }
    proposable = fu.focal_view(room.db, room.w, link, LATER, "en")["proposable"]
    assert [p["title"] for p in proposable] == ["Activité C"]


def test_accepting_an_amendment_applies_it_and_the_next_version_records_it(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "A")
    change = send(
        room,
        link,
        "amend",
        commitment_id=target.id,
        timeframe="2026 T2",
        contact="Mme Alaoui",
        resources="=SUM(1)",
    )
    record = fu.change_record(change)
    assert record["before"]["timeframe"] == "2025"
    assert record["after"]["timeframe"] == "2026 T2"
    assert {f["field"] for f in record["fields"]} == {"timeframe", "contact", "resources", "status"}
    assert commitment(room, "OIT", "A").timeframe == "2025", "pending: nothing applied yet"
    assert decide(room, [change], "accept") == [{"id": change.id, "ok": True, "status": "accepted"}]
    applied = commitment(room, "OIT", "A")
    assert (applied.timeframe, applied.contact, applied.status) == (
        "2026 T2",
        "Mme Alaoui",
        "confirmed",
    )
    pv.publish_version(room.db, room.w, "Après le suivi")
    room.db.commit()
    changed = pv.compare_versions(room.db, room.w, 1, 2)["changes"]["commitments"]["changed"]
    fields = {f["field"]: f["after"] for f in changed[0]["fields"]}
    assert fields["timeframe"] == "2026 T2" and fields["contact"] == "Mme Alaoui"


def test_rejecting_leaves_the_commitment_as_it_was(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "B")
    change = send(room, link, "withdraw", commitment_id=target.id, reason="Pas de budget")
    decide(room, [change], "reject")
    assert commitment(room, "OIT", "B") is not None
    assert room.db.get(FollowUpChange, change.id).status == "rejected"
    again = decide(room, [change], "accept")
    assert again == [{"id": change.id, "ok": False, "error": "follow_up_change_decided"}]


def test_withdrawal_needs_a_reason_and_accepting_removes_the_commitment(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "B")
    refused("field_required", send, room, link, "withdraw", commitment_id=target.id)
    change = send(room, link, "withdraw", commitment_id=target.id, reason="Pas de budget")
    decide(room, [change], "accept")
    assert commitment(room, "OIT", "B") is None
    assert fu.change_record(change)["reason"] == "Pas de budget"


def test_confirm_and_propose(room):
    link, _ = link_for(room, "GIZ")
    confirm = send(room, link, "confirm", commitment_id=commitment(room, "GIZ", "A").id)
    propose = send(room, link, "propose", activity_id=room["C"], role="lead", timeframe="2026")
    refused("field_required", send, room, link, "propose", activity_id=room["B"])
    refused(
        "activity_not_retained", send, room, link, "propose", activity_id=room["D"], role="lead"
    )
    refused("commitment_exists", send, room, link, "propose", activity_id=room["A"], role="lead")
    assert [r["ok"] for r in decide(room, [confirm, propose], "accept")] == [True, True]
    assert commitment(room, "GIZ", "A").status == "confirmed"
    new = commitment(room, "GIZ", "C")
    assert (new.role, new.timeframe, new.status, new.organisation) == (
        "lead",
        "2026",
        "confirmed",
        "GIZ",
    )


def test_nothing_to_change_is_refused(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "A")
    refused(
        "follow_up_no_change", send, room, link, "amend", commitment_id=target.id, timeframe="2025"
    )
    refused("field_invalid", send, room, link, "delete", commitment_id=target.id)


def test_after_the_deadline_the_link_reads_but_takes_no_change(room):
    link, token = link_for(room, deadline="2027-05-02")
    target = commitment(room, "OIT", "A")
    late = link.deadline + timedelta(seconds=1)
    view = fu.focal_view(room.db, room.w, fu.link_by_token(room.db, room.w, token), now=late)
    assert view["open"] is False and len(view["commitments"]) == 2
    with pytest.raises(fu.DomainError) as info:
        fu.send_change(room.db, room.w, link, "confirm", {"commitment_id": target.id}, now=late)
    assert info.value.key == "follow_up_closed"


def test_a_revoked_link_opens_nothing_and_its_changes_wait_for_a_decision(room):
    link, token = link_for(room)
    change = send(room, link, "confirm", commitment_id=commitment(room, "OIT", "A").id)
    fu.revoke_link(room.db, room.w, link.id, now=LATER)
    room.db.commit()
    refused("follow_up_link_revoked", fu.link_by_token, room.db, room.w, token)
    refused(
        "follow_up_link_revoked", send, room, link, "confirm", commitment_id=change.commitment_id
    )
    record = fu.link_record(link, room.w.time_zone)
    assert record["open"] is False and record["deadline_day"] == "2027-06-30"
    assert decide(room, [change], "accept")[0]["ok"] is True


def test_one_link_on_two_devices_the_later_change_supersedes(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "A")
    first = send(room, link, "amend", commitment_id=target.id, timeframe="2026")
    second = send(room, link, "amend", commitment_id=target.id, timeframe="2027")
    assert room.db.get(FollowUpChange, first.id).status == "superseded"
    pending = fu.list_changes(room.db, room.w, "pending")
    assert [c["id"] for c in pending] == [second.id]
    assert decide(room, [first], "accept")[0]["error"] == "follow_up_change_decided"


def test_two_links_of_one_organisation_the_second_is_stale_once_the_first_lands(room):
    one, _ = link_for(room, label="DRH")
    two, _ = link_for(room, label="Direction")
    target = commitment(room, "OIT", "A")
    a = send(room, one, "amend", commitment_id=target.id, timeframe="2026")
    b = send(room, two, "amend", commitment_id=target.id, timeframe="2027", note="avec GIZ")
    c = send(room, two, "amend", commitment_id=commitment(room, "OIT", "B").id, role="lead")
    assert {x["id"] for x in fu.list_changes(room.db, room.w, "pending")} == {a.id, b.id, c.id}
    results = decide(room, [a, b, c], "accept")
    assert [r["ok"] for r in results] == [True, False, True]
    assert results[1]["error"] == "follow_up_stale"
    assert commitment(room, "OIT", "A").timeframe == "2026", "the first accepted stays"
    assert commitment(room, "OIT", "A").note == "", "nothing of the stale change applied"
    assert room.db.get(FollowUpChange, b.id).status == "pending", "kept, not lost"
    stale = [x for x in fu.list_changes(room.db, room.w, "pending") if x["id"] == b.id]
    assert stale[0]["blocker"] == "follow_up_stale"
    assert decide(room, [b], "reject")[0]["ok"] is True


def test_changes_on_different_fields_from_two_links_both_land(room):
    one, _ = link_for(room)
    two, _ = link_for(room)
    target = commitment(room, "OIT", "A")
    a = send(room, one, "amend", commitment_id=target.id, role="co_lead")
    b = send(room, two, "amend", commitment_id=target.id, contact="M. Bennani")
    assert all(r["ok"] for r in decide(room, [a, b], "accept"))
    landed = commitment(room, "OIT", "A")
    assert (landed.role, landed.contact, landed.timeframe) == ("co_lead", "M. Bennani", "2025")


def test_a_change_follows_its_commitment_onto_the_activity_it_was_merged_into(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "B")
    change = send(room, link, "amend", commitment_id=target.id, timeframe="2028")
    set_phase(room.db, room.w, "voting")  # merges are made while the room is open
    merge_activities(room.db, room.w, room["C"], [room["B"]])
    room.db.commit()
    (pending,) = fu.list_changes(room.db, room.w, "pending")
    assert pending["lands_on"] == {"activity_id": room["C"], "title": "Activité C"}
    assert decide(room, [change], "accept")[0]["ok"] is True
    moved = commitment(room, "OIT", "C")
    assert moved.timeframe == "2028"
    assert room.db.get(FollowUpChange, change.id).outcome == "merged"


def test_a_change_folded_by_a_merge_lands_on_the_organisation_s_commitment_there(room):
    link, _ = link_for(room)
    change = send(room, link, "amend", commitment_id=commitment(room, "OIT", "B").id, note="ok")
    set_phase(room.db, room.w, "voting")
    merge_activities(room.db, room.w, room["A"], [room["B"]])  # OIT already on A: folded
    room.db.commit()
    assert decide(room, [change], "accept")[0]["ok"] is True
    kept = commitment(room, "OIT", "A")
    assert (kept.note, kept.role) == ("ok", "lead"), "only the note: the role stays A's"


def test_a_change_on_an_activity_removed_since_is_kept_with_a_clear_refusal(room):
    link, _ = link_for(room)
    change = send(room, link, "amend", commitment_id=commitment(room, "OIT", "B").id, note="x")
    proposal = send(room, link, "propose", activity_id=room["C"], role="support")
    set_activity_status(room.db, room.w, room["B"], "hidden")
    set_activity_status(room.db, room.w, room["C"], "hidden")
    room.db.commit()
    results = decide(room, [change, proposal], "accept")
    assert [r.get("error") for r in results] == ["follow_up_activity_gone"] * 2
    record = fu.change_record(room.db.get(FollowUpChange, change.id))
    assert (record["status"], record["activity_title"]) == ("pending", "Activité B")
    room.db.execute(delete(Activity).where(Activity.id == room["B"]))  # deleted outright
    room.db.commit()
    room.db.expire_all()
    assert room.db.get(FollowUpChange, change.id).activity_id is None
    pending = {c["id"]: c for c in fu.list_changes(room.db, room.w, "pending")}
    assert pending[change.id]["blocker"] == "follow_up_activity_gone"
    assert decide(room, [change], "reject")[0]["ok"] is True


def test_a_commitment_removed_by_the_facilitator_since_gives_a_clear_refusal(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "A")
    change = send(room, link, "confirm", commitment_id=target.id)
    from workshop.services.commitments import remove_commitment

    remove_commitment(room.db, room.w, target.id)
    room.db.commit()
    assert decide(room, [change], "accept")[0]["error"] == "follow_up_commitment_gone"
    assert room.db.get(FollowUpChange, change.id).activity_title == "Activité A"


def test_bulk_decisions_are_checked(room):
    link, _ = link_for(room)
    refused("field_invalid", fu.decide_changes, room.db, room.w, [], "accept")
    refused("field_invalid", fu.decide_changes, room.db, room.w, [1], "maybe")
    refused("field_invalid", fu.decide_changes, room.db, room.w, [True], "accept")
    assert decide(room, [type("C", (), {"id": 999})()], "accept")[0]["error"] == (
        "follow_up_change_not_found"
    )


def test_the_facilitator_s_own_edit_since_makes_an_amendment_stale(room):
    link, _ = link_for(room)
    target = commitment(room, "OIT", "A")
    change = send(room, link, "amend", commitment_id=target.id, timeframe="2026")
    edit_commitment(room.db, room.w, target.id, timeframe="2030")
    room.db.commit()
    assert decide(room, [change], "accept")[0]["error"] == "follow_up_stale"
