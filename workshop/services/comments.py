"""Comments: participants' short remarks on activities, moderated by the facilitator."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    COMMENT_MAX,
    ActivityStatus,
    Comment,
    CommentStatus,
    Participant,
    Phase,
    Workshop,
)
from .activities import get_activity
from .errors import DomainError, NotFound
from .participants import lock_participant
from .text import clean_text
from .timer import iso_utc
from .workshops import bump_version

#: a participant may leave this many comments per workshop (a phone stuck in a loop, or spam)
MAX_COMMENTS_PER_PARTICIPANT = 30
#: comments the big screen shows, newest first
SCREEN_COMMENTS = 8


def add_comment(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    activity_id: object,
    text: object,
) -> Comment:
    """A participant comments on a visible activity, in any phase but preparation."""
    if participant.workshop_id != workshop.id:
        raise DomainError("participant_unknown")
    if workshop.phase == Phase.SETUP.value:
        raise DomainError("comments_closed")
    activity = get_activity(session, workshop, activity_id)
    if activity.status != ActivityStatus.VISIBLE.value:
        raise DomainError("activity_hidden")
    cleaned = clean_text(text, "comment", COMMENT_MAX, required=True)
    lock_participant(session, participant)
    written = session.scalar(
        select(func.count(Comment.id)).where(
            Comment.workshop_id == workshop.id, Comment.participant_id == participant.id
        )
    )
    if written >= MAX_COMMENTS_PER_PARTICIPANT:
        raise DomainError("too_many_comments", max=MAX_COMMENTS_PER_PARTICIPANT)
    comment = Comment(
        workshop_id=workshop.id,
        activity_id=activity.id,
        participant_id=participant.id,
        text=cleaned,
        status=CommentStatus.VISIBLE.value,
    )
    session.add(comment)
    session.flush()
    bump_version(session, workshop)
    return comment


def get_comment(session: Session, workshop: Workshop, comment_id: object) -> Comment:
    if (
        isinstance(comment_id, bool)
        or not isinstance(comment_id, int)
        or not 0 < comment_id < 2**63
    ):
        raise NotFound("comment_not_found")
    comment = session.get(Comment, comment_id)
    if comment is None or comment.workshop_id != workshop.id:
        raise NotFound("comment_not_found")
    return comment


def set_comment_status(
    session: Session, workshop: Workshop, comment_id: object, status: CommentStatus
) -> Comment:
    """The facilitator hides or restores a comment."""
    comment = get_comment(session, workshop, comment_id)
    comment.status = CommentStatus(status).value
    session.flush()
    bump_version(session, workshop)
    return comment


def list_comments(
    session: Session, workshop: Workshop, *, include_hidden: bool = False
) -> list[Comment]:
    """The workshop's comments in the order they were written."""
    query = (
        select(Comment)
        .where(Comment.workshop_id == workshop.id)
        .order_by(Comment.id)
        .options(selectinload(Comment.participant), selectinload(Comment.activity))
    )
    if not include_hidden:
        query = query.where(Comment.status == CommentStatus.VISIBLE.value)
    return list(session.scalars(query))


def comment_counts(session: Session, workshop: Workshop) -> dict[int, int]:
    """Visible comments per activity id."""
    return dict(
        session.execute(
            select(Comment.activity_id, func.count(Comment.id))
            .where(
                Comment.workshop_id == workshop.id,
                Comment.status == CommentStatus.VISIBLE.value,
            )
            .group_by(Comment.activity_id)
        ).all()
    )


def comment_record(comment: Comment, *, with_author: bool = False) -> dict:
    record = {
        "id": comment.id,
        "activity_id": comment.activity_id,
        "text": comment.text,
        "status": comment.status,
        "created_at": iso_utc(comment.created_at, "seconds"),
    }
    if with_author:
        author = comment.participant
        record["author"] = (
            None
            if author is None
            else {
                "group_id": author.group_id,
                "organisation": author.organisation,
                "public_id": author.public_id,
            }
        )
    return record


def my_comments(session: Session, workshop: Workshop, participant: Participant) -> list[dict]:
    """The participant's visible comments, oldest first."""
    rows = session.scalars(
        select(Comment)
        .where(
            Comment.workshop_id == workshop.id,
            Comment.participant_id == participant.id,
            Comment.status == CommentStatus.VISIBLE.value,
        )
        .order_by(Comment.id)
    )
    return [comment_record(c) for c in rows]


def comment_records(session: Session, workshop: Workshop) -> list[dict]:
    """Every comment as the facilitator's snapshot shows it, with its author: one query.

    (The snapshot is read after every change; building ORM objects for hundreds of comments
    each time would cost more than the rest of the snapshot.)
    """
    rows = session.execute(
        select(
            Comment.id,
            Comment.activity_id,
            Comment.text,
            Comment.status,
            Comment.created_at,
            Comment.participant_id,
            Participant.group_id,
            Participant.organisation,
            Participant.public_id,
        )
        .outerjoin(Participant, Participant.id == Comment.participant_id)
        .where(Comment.workshop_id == workshop.id)
        .order_by(Comment.id)
    )
    return [
        {
            "id": r.id,
            "activity_id": r.activity_id,
            "text": r.text,
            "status": r.status,
            "created_at": iso_utc(r.created_at, "seconds"),
            "author": None
            if r.participant_id is None
            else {
                "group_id": r.group_id,
                "organisation": r.organisation,
                "public_id": r.public_id,
            },
        }
        for r in rows
    ]
