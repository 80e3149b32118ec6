"""Comments, commitments and the workplan: rules, refusals, retention, gaps and merges."""

import pytest
from sqlalchemy import select

from workshop.models import Comment, Commitment, RetainedActivity
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.comments import (
    MAX_COMMENTS_PER_PARTICIPANT,
    add_comment,
    comment_counts,
    list_comments,
    my_comments,
    set_comment_status,
)
from workshop.services.commitments import (
    add_commitment,
    edit_commitment,
    list_commitments,
    make_commitment,
    remove_commitment,
    withdraw_commitment,
)
from workshop.services.errors import DomainError
from workshop.services.organisations import organisation_key
from workshop.services.participants import join_workshop
from workshop.services.state import workshop_state
from workshop.services.voting import cast_vote
from workshop.services.workplan import (
    move_activity_contributions,
    public_contributions,
    rank_activities,
    retain_top,
    retained_ids,
    set_retained,
    workplan_issues,
    workplan_rows,
    workplan_state,
)
from workshop.services.workshops import create_workshop, update_settings


def refused(key, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


class Room:
    """A dots workshop with tracks, activities A-E and participants of several organisations."""

    def __init__(self, db):
        self.db = db
        self.w, _ = create_workshop(
            db,
            title="Atelier",
            groups=["Gouvernement", "Employeurs", "Agences"],
            tracks=["Emploi", "Compétences"],
            voting={"mode": "dots", "budget": 5, "per_activity_cap": 3},
        )
        db.flush()
        self.ids = {
            name: add_activity(db, self.w, title=f"Activité {name}", track=track).id
            for name, track in (
                ("A", "Emploi"),
                ("B", "Emploi"),
                ("C", "Compétences"),
                ("D", "Compétences"),
                ("E", None),
            )
        }
        self.people = {}
        for who, org, group in (
            ("ilo", "OIT", "Agences"),
            ("ilo2", "  oit ", "Agences"),
            ("giz", "GIZ", "Agences"),
            ("cgem", "CGEM", "Employeurs"),
            ("min", "Ministère de l'Inclusion", "Gouvernement"),
        ):
            self.people[who] = join_workshop(db, self.w, name=who, organisation=org, group=group)[0]
        self.w.phase = "voting"
        db.commit()

    def __getitem__(self, name):
        return self.ids[name]

    def commit_(self, who, activity, role, **kwargs):
        c = make_commitment(
            self.db, self.w, self.people[who], self.ids[activity], role=role, **kwargs
        )
        self.db.commit()
        return c

    def open(self):
        update_settings(self.db, self.w, commitments_open=True)
        self.db.commit()


@pytest.fixture
def room(db):
    return Room(db)


# -- comments ---------------------------------------------------------------------------------


def test_comment_is_cleaned_stored_and_counted(room):
    c = add_comment(room.db, room.w, room.people["cgem"], room["A"], "  Très   utile\u200b ")
    room.db.commit()
    assert c.text == "Très utile" and c.status == "visible"
    add_comment(room.db, room.w, room.people["giz"], room["A"], "D'accord")
    add_comment(room.db, room.w, room.people["giz"], room["B"], "À préciser")
    assert comment_counts(room.db, room.w) == {room["A"]: 2, room["B"]: 1}
    assert [m["text"] for m in my_comments(room.db, room.w, room.people["giz"])] == [
        "D'accord",
        "À préciser",
    ]


def test_comment_refusals(room):
    p = room.people["cgem"]
    refused("field_required", add_comment, room.db, room.w, p, room["A"], "   ")
    refused("field_too_long", add_comment, room.db, room.w, p, room["A"], "x" * 281)
    refused("field_invalid", add_comment, room.db, room.w, p, room["A"], ["liste"])
    refused("activity_not_found", add_comment, room.db, room.w, p, 10**6, "Bien")
    set_activity_status(room.db, room.w, room["E"], "hidden")
    refused("activity_hidden", add_comment, room.db, room.w, p, room["E"], "Bien")
    room.w.phase = "setup"
    refused("comments_closed", add_comment, room.db, room.w, p, room["A"], "Bien")
    room.db.rollback()
    assert list_comments(room.db, room.w, include_hidden=True) == []


def test_a_participant_has_a_comment_quota(room):
    p = room.people["cgem"]
    for n in range(MAX_COMMENTS_PER_PARTICIPANT):
        add_comment(room.db, room.w, p, room["A"], f"Remarque {n}")
    error = refused("too_many_comments", add_comment, room.db, room.w, p, room["A"], "Encore")
    assert error.params == {"max": MAX_COMMENTS_PER_PARTICIPANT}
    add_comment(room.db, room.w, room.people["giz"], room["A"], "Les autres peuvent encore")


def test_hidden_comments_leave_counts_screens_and_my_list(room):
    c = add_comment(room.db, room.w, room.people["cgem"], room["A"], "Hors sujet")
    room.db.commit()
    set_comment_status(room.db, room.w, c.id, "hidden")
    room.db.commit()
    assert comment_counts(room.db, room.w) == {}
    assert my_comments(room.db, room.w, room.people["cgem"]) == []
    assert [x.status for x in list_comments(room.db, room.w, include_hidden=True)] == ["hidden"]
    set_comment_status(room.db, room.w, c.id, "visible")
    assert comment_counts(room.db, room.w) == {room["A"]: 1}
    refused("comment_not_found", set_comment_status, room.db, room.w, 10**6, "hidden")
    refused("comment_not_found", set_comment_status, room.db, room.w, True, "hidden")


def test_public_snapshot_shows_comments_only_when_the_facilitator_wishes(room):
    add_comment(room.db, room.w, room.people["cgem"], room["A"], "Visible")
    hidden = add_comment(room.db, room.w, room.people["cgem"], room["B"], "Masqué")
    on_hidden_activity = add_comment(room.db, room.w, room.people["giz"], room["E"], "Retiré")
    set_comment_status(room.db, room.w, hidden.id, "hidden")
    set_activity_status(room.db, room.w, room["E"], "hidden")
    room.db.commit()
    full = workshop_state(room.db, room.w, include_hidden=True)
    assert {c["text"] for c in full["comments"]} == {"Visible", "Masqué", "Retiré"}
    assert all(c["author"]["organisation"] for c in full["comments"])
    public = workshop_state(room.db, room.w)
    assert public["comments"] == []
    assert public["comment_counts"] == [{"activity_id": room["A"], "count": 1}]
    update_settings(room.db, room.w, show_comments=True)
    room.db.commit()
    public = workshop_state(room.db, room.w)
    assert [c["text"] for c in public["comments"]] == ["Visible"]
    assert "author" not in public["comments"][0]
    assert on_hidden_activity.id not in {c["id"] for c in public["comments"]}
    # the filter is idempotent: applying it to a public snapshot changes nothing
    assert public_contributions(public) == {k: public[k] for k in public_contributions(public)}


# -- commitments ------------------------------------------------------------------------------


def test_organisation_key_folds_case_accents_and_spaces():
    assert organisation_key("  Ministère  de l'Inclusion ") == "ministere de l inclusion"
    assert organisation_key("OIT") == organisation_key(" oit ")
    assert organisation_key("وزارة الإدماج") == organisation_key("وزارة  الإدماج")


def test_commitments_need_the_facilitator_to_open_them(room):
    refused("commitments_closed", room.commit_, "ilo", "A", "lead")
    room.w.phase = "proposing"
    refused("commitments_phase", update_settings, room.db, room.w, commitments_open=True)
    room.w.phase = "voting"
    room.open()
    room.commit_("ilo", "A", "lead")
    # back to proposals: commitments are closed again without touching the toggle
    room.w.phase = "proposing"
    refused("commitments_closed", room.commit_, "giz", "A", "partner")
    assert workplan_state(room.db, room.w)["commitments_open"] is False
    room.w.phase = "closed"
    room.commit_("giz", "A", "partner")
    assert workplan_state(room.db, room.w)["commitments_open"] is True


def test_one_commitment_per_organisation_and_activity(room):
    room.open()
    first = room.commit_("ilo", "A", "lead", timeframe="T1 2025", note="Sous réserve")
    assert (first.organisation, first.role, first.status) == ("OIT", "lead", "proposed")
    assert first.group.name == "Agences"
    # a colleague of the same organisation, typed differently, updates the same commitment
    again = room.commit_("ilo2", "A", "co-lead")
    assert again.id == first.id and again.role == "co_lead" and again.timeframe == ""
    assert len(list_commitments(room.db, room.w)) == 1
    room.commit_("giz", "A", "partner")
    assert [c.organisation for c in list_commitments(room.db, room.w)] == ["OIT", "GIZ"]


def test_commitment_refusals_change_nothing(room):
    room.open()
    p = room.people["cgem"]
    for role in ("chef", "", None, 3, "LEAD!"):
        refused("role_invalid", make_commitment, room.db, room.w, p, room["A"], role=role)
    refused(
        "field_too_long",
        make_commitment,
        room.db,
        room.w,
        p,
        room["A"],
        role="lead",
        timeframe="x" * 41,
    )
    refused(
        "field_too_long",
        make_commitment,
        room.db,
        room.w,
        p,
        room["A"],
        role="lead",
        note="x" * 281,
    )
    refused("activity_not_found", make_commitment, room.db, room.w, p, "abc", role="lead")
    set_activity_status(room.db, room.w, room["E"], "hidden")
    refused("activity_hidden", make_commitment, room.db, room.w, p, room["E"], role="lead")
    room.db.rollback()
    assert list_commitments(room.db, room.w) == []


def test_once_activities_are_retained_commitments_go_to_them(room):
    room.open()
    room.commit_("cgem", "D", "support")  # before any retention: any visible activity
    set_retained(room.db, room.w, room["A"], True)
    room.db.commit()
    refused("activity_not_retained", room.commit_, "cgem", "B", "support")
    room.commit_("cgem", "A", "support")
    state = workplan_state(room.db, room.w)
    assert state["workplan"]["issues"]["outside_workplan"] == 1
    # a retained activity the facilitator hid no longer narrows commitments
    set_activity_status(room.db, room.w, room["A"], "hidden")
    room.db.commit()
    assert room.commit_("cgem", "B", "support").activity_id == room["B"]


def test_a_changed_confirmed_commitment_needs_confirming_again(room):
    room.open()
    c = room.commit_("ilo", "A", "lead", timeframe="2025")
    edit_commitment(room.db, room.w, c.id, confirmed=True)
    room.db.commit()
    same = room.commit_("ilo2", "A", "lead", timeframe="2025")  # nothing changed
    assert same.status == "confirmed"
    changed = room.commit_("ilo2", "A", "lead", timeframe="2026")
    assert changed.status == "proposed" and changed.made_by_id == room.people["ilo2"].id


def test_withdraw_removes_the_organisations_commitment(room):
    room.open()
    room.commit_("ilo", "A", "lead")
    withdraw_commitment(room.db, room.w, room.people["ilo2"], room["A"])  # a colleague
    assert list_commitments(room.db, room.w) == []
    withdraw_commitment(room.db, room.w, room.people["ilo2"], room["A"])  # nothing: no error


def test_facilitator_adds_edits_and_removes(room):
    c = add_commitment(
        room.db,
        room.w,
        activity_id=room["B"],
        organisation="ENABEL",
        role="partner",
        group="Agences",
        timeframe="2026",
    )
    assert c.status == "confirmed" and c.made_by_id is None and c.group.name == "Agences"
    refused(
        "commitment_exists",
        add_commitment,
        room.db,
        room.w,
        activity_id=room["B"],
        organisation=" enabel ",
        role="lead",
    )
    other = add_commitment(
        room.db,
        room.w,
        activity_id=room["B"],
        organisation="OIM",
        role="support",
        confirmed=False,
    )
    assert other.status == "proposed" and other.group_id is None
    refused("commitment_exists", edit_commitment, room.db, room.w, other.id, organisation="Enabel")
    edit_commitment(room.db, room.w, other.id, role="lead", note="Budget 2026", group="")
    refused("field_invalid", edit_commitment, room.db, room.w, other.id, confirmed="yes")
    refused("group_invalid", edit_commitment, room.db, room.w, other.id, group="Inconnu")
    remove_commitment(room.db, room.w, c.id)
    refused("commitment_not_found", remove_commitment, room.db, room.w, c.id)
    room.db.commit()
    assert [(x.organisation, x.role, x.note) for x in list_commitments(room.db, room.w)] == [
        ("OIM", "lead", "Budget 2026")
    ]


# -- retention and ranking --------------------------------------------------------------------


def vote(room, who, activity, points):
    cast_vote(room.db, room.w, room.people[who], room[activity], points=points)
    room.db.commit()


@pytest.fixture
def voted(room):
    """A: 5 dots from one group; B: 4 from two groups; C: 3 from three groups; D: 1; E: 0."""
    vote(room, "ilo", "A", 3)
    vote(room, "ilo2", "A", 2)
    vote(room, "giz", "B", 2)
    vote(room, "cgem", "B", 2)
    vote(room, "cgem", "C", 1)
    vote(room, "min", "C", 1)
    vote(room, "giz", "C", 1)
    vote(room, "min", "D", 1)
    return room


def test_rankings_order_differently(voted):
    r = voted

    def order(ranking):
        return [entry["activity_id"] for _rank, entry in rank_activities(r.db, r.w, ranking)]

    assert order("total") == [r["A"], r["B"], r["C"], r["D"]]
    assert order("voters") == [r["C"], r["A"], r["B"], r["D"]]
    assert order("breadth") == [r["C"], r["B"], r["A"], r["D"]]
    assert r["E"] not in order("total")  # nobody supported it
    refused("ranking_invalid", rank_activities, r.db, r.w, "popularity")
    refused("ranking_invalid", rank_activities, r.db, r.w, ["total"])


def test_retain_top_replaces_the_selection(voted):
    r = voted
    set_retained(r.db, r.w, r["E"], True)
    assert retain_top(r.db, r.w, count=2) == sorted([r["A"], r["B"]])
    assert retained_ids(r.db, r.w) == {r["A"], r["B"]}
    assert retain_top(r.db, r.w, count=1, ranking="breadth") == [r["C"]]
    assert retain_top(r.db, r.w, count=50) == sorted(r[x] for x in "ABCD")
    refused("field_out_of_range", retain_top, r.db, r.w, count=0)
    refused("field_invalid", retain_top, r.db, r.w, count="deux")
    refused("field_invalid", retain_top, r.db, r.w, count=2, per_track="oui")


def test_retain_top_keeps_ties_at_the_boundary(room):
    vote(room, "ilo", "A", 2)
    vote(room, "giz", "B", 2)
    vote(room, "cgem", "C", 1)
    # A and B tie (2 dots, 1 voter each): top 1 keeps both
    assert retain_top(room.db, room.w, count=1) == sorted([room["A"], room["B"]])


def test_retain_top_per_track(voted):
    r = voted
    # Emploi: A(5) B(4); Compétences: C(3) D(1); no track: E has no support
    assert retain_top(r.db, r.w, count=1, per_track=True) == sorted([r["A"], r["C"]])


def test_retain_by_hand(room):
    set_retained(room.db, room.w, room["C"], True)
    set_retained(room.db, room.w, room["C"], True)  # twice is once
    assert retained_ids(room.db, room.w) == {room["C"]}
    set_retained(room.db, room.w, room["C"], False)
    assert retained_ids(room.db, room.w) == set()
    set_activity_status(room.db, room.w, room["D"], "hidden")
    refused("activity_hidden", set_retained, room.db, room.w, room["D"], True)


# -- the workplan and its issues ---------------------------------------------------------------


def test_workplan_rows_issues_and_gaps(voted):
    r = voted
    retain_top(r.db, r.w, count=3)  # A, B, C
    r.open()
    r.commit_("ilo", "A", "lead", timeframe="2025")
    r.commit_("giz", "A", "partner", timeframe="T2 2025")
    r.commit_("giz", "B", "lead")
    r.commit_("cgem", "B", "lead")
    r.commit_("min", "C", "support")
    rows = workplan_rows(r.db, r.w)
    # track order (Emploi, Compétences), then rank
    assert [row["activity_id"] for row in rows] == [r["A"], r["B"], r["C"]]
    a, b, c = rows
    assert [x["organisation"] for x in a["lead"]] == ["OIT"]
    assert [x["organisation"] for x in a["partner"]] == ["GIZ"]
    assert a["timeframe"] == "2025" and a["gaps"] == []
    assert b["gaps"] == ["lead_conflict"] and c["gaps"] == ["no_lead"]
    issues = workplan_issues(r.db, r.w, rows, list_commitments(r.db, r.w))
    assert issues["lead_conflicts"] == [r["B"]] and issues["no_lead"] == [r["C"]]
    assert issues["to_confirm"] == 5 and issues["overcommitted"] == []
    # a hidden retained activity leaves the workplan
    set_activity_status(r.db, r.w, r["C"], "hidden")
    assert [row["activity_id"] for row in workplan_rows(r.db, r.w)] == [r["A"], r["B"]]


def test_an_organisation_committed_far_more_than_others_is_flagged(room):
    for activity in "ABCDE":
        add_commitment(
            room.db, room.w, activity_id=room[activity], organisation="OIT", role="partner"
        )
    add_commitment(room.db, room.w, activity_id=room["A"], organisation="GIZ", role="lead")
    add_commitment(room.db, room.w, activity_id=room["B"], organisation="CGEM", role="lead")
    issues = workplan_state(room.db, room.w)["workplan"]["issues"]
    assert issues["overcommitted"] == [{"organisation": "OIT", "count": 5, "median": 1}]


def test_two_organisations_with_few_commitments_are_never_overcommitted(room):
    for activity in "ABCD":
        add_commitment(room.db, room.w, activity_id=room[activity], organisation="OIT", role="lead")
    add_commitment(room.db, room.w, activity_id=room["A"], organisation="GIZ", role="partner")
    assert workplan_state(room.db, room.w)["workplan"]["issues"]["overcommitted"] == []


# -- following a merge ------------------------------------------------------------------------


def test_contributions_follow_a_merge(room):
    r = room
    set_retained(r.db, r.w, r["B"], True)
    add_comment(r.db, r.w, r.people["cgem"], r["B"], "Doublon de A")
    add_commitment(r.db, r.w, activity_id=r["B"], organisation="OIT", role="lead", timeframe="2025")
    add_commitment(r.db, r.w, activity_id=r["B"], organisation="GIZ", role="support")
    add_commitment(
        r.db,
        r.w,
        activity_id=r["A"],
        organisation="oit",
        role="partner",
        confirmed=False,
        note="",
    )
    moved = move_activity_contributions(r.db, r.w, r["B"], r["A"])
    r.db.commit()
    assert moved == {
        "comments": 1,
        "commitments": 1,
        "commitments_combined": 1,
        "retained": True,
    }
    assert r.db.scalars(select(Comment.activity_id)).all() == [r["A"]]
    left = {c.organisation: c for c in list_commitments(r.db, r.w)}
    assert set(left) == {"oit", "GIZ"}
    assert all(c.activity_id == r["A"] for c in left.values())
    # the stronger role, the confirmation and the timeframe of the one merged away stay
    assert (left["oit"].role, left["oit"].status, left["oit"].timeframe) == (
        "lead",
        "confirmed",
        "2025",
    )
    assert r.db.scalars(select(RetainedActivity.activity_id)).all() == [r["A"]]
    assert (
        r.db.scalars(select(Commitment.activity_id).where(Commitment.activity_id == r["B"])).all()
        == []
    )
    refused("field_invalid", move_activity_contributions, r.db, r.w, r["A"], r["A"])
