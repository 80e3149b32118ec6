"""Comments and commitments follow a merge, and an undo puts back exactly what it moved."""

from sqlalchemy import select

from workshop.models import Comment, Commitment, MergeMove
from workshop.services.activities import add_activity
from workshop.services.comments import add_comment
from workshop.services.commitments import make_commitment
from workshop.services.merging import merge_activities, undo_merge
from workshop.services.participants import join_workshop
from workshop.services.workshops import create_workshop


def where(db, model) -> dict[int, int]:
    return {row.id: row.activity_id for row in db.scalars(select(model))}


def room(db):
    workshop, _ = create_workshop(db, title="Atelier", groups=["Gouvernement", "Syndicats"])
    db.flush()
    a, b, c = (add_activity(db, workshop, title=t).id for t in ("Former", "Former aussi", "Autre"))
    workshop.phase = "voting"
    workshop.commitments_open = True
    people = [
        join_workshop(db, workshop, name="", organisation=org, group="Gouvernement")[0]
        for org in ("ANAPEC", "OFPPT", "CGEM")
    ]
    db.commit()
    return workshop, (a, b, c), people


def test_comments_and_commitments_follow_then_come_back(db):
    workshop, (a, b, c), (anapec, ofppt, cgem) = room(db)
    add_comment(db, workshop, anapec, b, "Avec l'OFPPT")
    add_comment(db, workshop, ofppt, c, "Sans rapport")
    make_commitment(db, workshop, anapec, b, role="lead")  # ANAPEC only on the source
    make_commitment(db, workshop, ofppt, b, role="partner")  # OFPPT on both
    make_commitment(db, workshop, ofppt, a, role="lead")
    db.commit()
    comments_before, commitments_before = where(db, Comment), where(db, Commitment)

    merge = merge_activities(db, workshop, a, [b])
    db.commit()
    comments_after, commitments_after = where(db, Comment), where(db, Commitment)
    assert sorted(comments_after.values()) == sorted([a, c])  # b's comment is on a now
    # ANAPEC's commitment followed; OFPPT's stayed on b: OFPPT is committed to a already
    assert sorted(commitments_after.values()) == sorted([a, a, b])
    on_a = db.scalars(select(Commitment).where(Commitment.activity_id == a)).all()
    assert {c.organisation for c in on_a} == {"ANAPEC", "OFPPT"}

    undo_merge(db, workshop, merge.id)
    db.commit()
    assert where(db, Comment) == comments_before
    assert where(db, Commitment) == commitments_before
    assert db.scalars(select(MergeMove)).all() == []


def test_nested_merges_are_undone_one_by_one(db):
    workshop, (a, b, c), (anapec, _ofppt, _cgem) = room(db)
    comment = add_comment(db, workshop, anapec, c, "Sur C").id
    db.commit()
    first = merge_activities(db, workshop, b, [c])  # C into B
    db.commit()
    second = merge_activities(db, workshop, a, [b])  # then B into A
    db.commit()
    assert db.get(Comment, comment).activity_id == a
    undo_merge(db, workshop, second.id)
    db.commit()
    assert db.get(Comment, comment).activity_id == b
    undo_merge(db, workshop, first.id)
    db.commit()
    assert db.get(Comment, comment).activity_id == c


def test_the_report_shows_the_merges_and_the_consensus(db):
    from workshop.services import report
    from workshop.services.voting import cast_vote

    workshop, (a, b, _c), (anapec, ofppt, _cgem) = room(db)
    cast_vote(db, workshop, anapec, a, points=2)
    cast_vote(db, workshop, ofppt, b, points=1)
    db.commit()
    merge_activities(db, workshop, a, [b])
    db.commit()
    history = report.merge_history(db, workshop)
    assert [(h["kept_title"], h["merged_titles"]) for h in history] == [
        ("Former", ["Former aussi"])
    ]
    consensus = report.consensus_by_activity(db, workshop)
    assert 0 < consensus[a]["score"] <= 1 and consensus[a]["label"].endswith("(#1)")
