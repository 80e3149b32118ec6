"""SQLAlchemy models and the invariants the database enforces."""

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Phase(StrEnum):
    SETUP = "setup"
    PROPOSING = "proposing"
    VOTING = "voting"
    CLOSED = "closed"


class VotingMode(StrEnum):
    APPROVAL = "approval"
    DOTS = "dots"
    SCORE = "score"


class ActivityStatus(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"
    #: merged into another activity (Activity.merged_into_id); a merge can be undone
    MERGED = "merged"


class ScreenScene(StrEnum):
    """What the big screen shows, one main view at a time (the console switches it)."""

    #: follows the phase: the join view in setup, proposals while proposing, then results
    AUTO = "auto"
    JOIN = "join"
    PROPOSALS = "proposals"
    RESULTS = "results"
    COMMENTS = "comments"
    WORKPLAN = "workplan"


TITLE_MAX = 120
DESCRIPTION_MAX = 1000
NAME_MAX = 80
ORGANISATION_MAX = 120
WORKSHOP_TITLE_MAX = 200
WORKSHOP_DESCRIPTION_MAX = 2000
OP_ID_MAX = 64
SCORE_MIN, SCORE_MAX = 1, 5
VENUE_MAX = 200
#: the room this tool was built for; a workshop elsewhere sets its own
DEFAULT_TIME_ZONE = "Africa/Casablanca"
#: the languages the app speaks (its translations); the first is the default
LANGUAGES = ("fr", "ar", "en")


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


class Workshop(Base):
    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint(_in("phase", Phase), name="ck_workshop_phase"),
        CheckConstraint(_in("voting_mode", VotingMode), name="ck_workshop_mode"),
        CheckConstraint("budget IS NULL OR budget >= 1", name="ck_workshop_budget"),
        CheckConstraint(
            "per_activity_cap IS NULL OR per_activity_cap >= 1", name="ck_workshop_cap"
        ),
        CheckConstraint(
            "timer_seconds IS NULL OR timer_seconds >= 1", name="ck_workshop_timer_seconds"
        ),
        CheckConstraint(
            "timer_remaining_ms IS NULL OR timer_remaining_ms >= 0",
            name="ck_workshop_timer_remaining",
        ),
        CheckConstraint(
            "timer_ends_at IS NULL OR timer_remaining_ms IS NULL", name="ck_workshop_timer_state"
        ),
        CheckConstraint(_in("screen_scene", ScreenScene), name="ck_workshop_screen_scene"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short join code typed on phones: upper case, no look-alike characters
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(WORKSHOP_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    phase: Mapped[str] = mapped_column(String(16), default=Phase.SETUP.value)
    voting_mode: Mapped[str] = mapped_column(String(16), default=VotingMode.DOTS.value)
    #: dots: dots to spread; approval: most activities one may approve (NULL = no limit)
    budget: Mapped[int | None] = mapped_column(Integer)
    #: dots only: most dots on one activity
    per_activity_cap: Mapped[int | None] = mapped_column(Integer)
    #: whether phones see results while voting runs (the big screen always does)
    live_results: Mapped[bool] = mapped_column(Boolean, default=True)
    #: whether the big screen shows the split of support by stakeholder group
    show_group_split: Mapped[bool] = mapped_column(Boolean, default=True)
    #: sha256 of the facilitator's bearer token; the token itself is never stored
    facilitator_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: read-only key in the big screen's URL
    screen_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: salted hash of the optional PIN asked after a facilitator link (NULL = no PIN)
    pin_hash: Mapped[str | None] = mapped_column(String(160))
    #: the facilitator's countdown: its duration in seconds (NULL: never started)
    timer_seconds: Mapped[int | None] = mapped_column(Integer)
    #: UTC instant a running countdown reaches zero (NULL unless running)
    timer_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: milliseconds left on a paused countdown (NULL unless paused)
    timer_remaining_ms: Mapped[int | None] = mapped_column(Integer)
    #: phones may commit their organisation to activities (effective in voting or closed only)
    commitments_open: Mapped[bool] = mapped_column(Boolean, default=False)
    #: whether the big screen shows participants' comments
    show_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    #: whether the big screen shows the emerging workplan instead of the results
    show_workplan: Mapped[bool] = mapped_column(Boolean, default=False)
    #: what the big screen shows: one scene at a time (see ScreenScene), chosen in the console
    screen_scene: Mapped[str] = mapped_column(String(16), default=ScreenScene.AUTO.value)
    #: the session's date as the report prints it (NULL: today in `time_zone`)
    session_date: Mapped[date | None] = mapped_column(Date)
    #: where the session takes place, as the report prints it
    venue: Mapped[str] = mapped_column(String(VENUE_MAX), default="")
    #: IANA time zone of the room: the report's "today" and its times
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    #: bumped by every change; snapshots carry it so clients drop stale ones
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    groups: Mapped[list["StakeholderGroup"]] = relationship(
        back_populates="workshop",
        order_by="StakeholderGroup.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    tracks: Mapped[list["Track"]] = relationship(
        back_populates="workshop",
        order_by="Track.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class StakeholderGroup(Base):
    __tablename__ = "stakeholder_groups"
    __table_args__ = (UniqueConstraint("workshop_id", "name", name="uq_group_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="groups")


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("workshop_id", "name", name="uq_track_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="tracks")


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("workshop_id", "public_id", name="uq_participant_public"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    #: sha256 of the participant's token (kept by the phone in a cookie)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: pseudonymous id used in exports instead of the name
    public_id: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    organisation: Mapped[str] = mapped_column(String(ORGANISATION_MAX))
    group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    group: Mapped[StakeholderGroup] = relationship()
    workshop: Mapped[Workshop] = relationship()


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_in("status", ActivityStatus), name="ck_activity_status"),
        CheckConstraint(
            "(status = 'merged') = (merged_into_id IS NOT NULL)", name="ck_activity_merged"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    #: NULL when the facilitator added it
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default=ActivityStatus.VISIBLE.value)
    #: the activity this one was merged into (status "merged"); NULL otherwise. CASCADE: a
    #: merged activity lives and dies with its target (SET NULL would break ck_activity_merged)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    track: Mapped[Track | None] = relationship()
    proposed_by: Mapped[Participant | None] = relationship()


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("participant_id", "activity_id", name="uq_vote_once"),
        CheckConstraint("value >= 1", name="ck_vote_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    #: approval: 1; dots: points on this activity; score: 1 to 5
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship()
    activity: Mapped[Activity] = relationship()


class Operation(Base):
    """A client action already carried out, so that a retry of it has effect once."""

    __tablename__ = "operations"
    __table_args__ = (UniqueConstraint("workshop_id", "actor", "op_id", name="uq_operation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    #: "p<participant id>" or "facilitator"
    actor: Mapped[str] = mapped_column(String(32))
    op_id: Mapped[str] = mapped_column(String(OP_ID_MAX))
    kind: Mapped[str] = mapped_column(String(32))
    #: the acknowledgement sent the first time, as JSON
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FacilitatorLink(Base):
    """A co-host's own secret link to the console; revoking it deletes the row."""

    __tablename__ = "facilitator_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    #: random, never reused: console sessions name the link they came from by this key
    key: Mapped[str] = mapped_column(String(32), unique=True)
    #: sha256 of the co-host's bearer token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the owner's note on whom the link is for
    label: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RateCounter(Base):
    """Hits of one rate-limit key in one time window, shared by every server process."""

    __tablename__ = "rate_counters"

    #: e.g. "w12:join:addr:<hash of the address>": addresses are never stored in clear
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    #: start of the window, in seconds since the epoch
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)
    #: when the row may be purged, in seconds since the epoch
    expires_at: Mapped[int] = mapped_column(Integer, index=True)
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )


class Merge(Base):
    """The facilitator merged source activities into a target; enough is kept to undo it."""

    __tablename__ = "merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: set when the merge was undone; the record stays for the history
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)

    target: Mapped[Activity] = relationship(foreign_keys=[target_id])
    sources: Mapped[list["MergeSource"]] = relationship(
        order_by="MergeSource.activity_id", cascade="all, delete-orphan", passive_deletes=True
    )
    votes: Mapped[list["MergeVote"]] = relationship(
        order_by="MergeVote.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class MergeSource(Base):
    """One activity merged by a merge, with the status it had before."""

    __tablename__ = "merge_sources"
    __table_args__ = (
        UniqueConstraint("merge_id", "activity_id", name="uq_merge_source"),
        CheckConstraint("status_before IN ('visible', 'hidden')", name="ck_merge_source_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("merges.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    status_before: Mapped[str] = mapped_column(String(16))


class MergeVote(Base):
    """A vote a merge changed: as it was before (NULL: none) and as the merge left it.

    One row per participant and activity touched: each source vote (removed by the merge, so
    `value_after` is NULL) and the participant's vote on the target.
    """

    __tablename__ = "merge_votes"
    __table_args__ = (
        UniqueConstraint("merge_id", "participant_id", "activity_id", name="uq_merge_vote"),
        CheckConstraint("value_before IS NULL OR value_before >= 1", name="ck_merge_vote_before"),
        CheckConstraint("value_after IS NULL OR value_after >= 1", name="ck_merge_vote_after"),
        CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_merge_vote_some"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("merges.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    value_before: Mapped[int | None] = mapped_column(Integer)
    value_after: Mapped[int | None] = mapped_column(Integer)
    #: the vote's own timestamps before the merge, so that an undo restores them too
    created_before: Mapped[datetime | None] = mapped_column(DateTime)
    updated_before: Mapped[datetime | None] = mapped_column(DateTime)


# -- Comments, commitments and the workplan ------------------------------------------------


class CommentStatus(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"


class CommitmentRole(StrEnum):
    LEAD = "lead"
    CO_LEAD = "co_lead"
    PARTNER = "partner"
    SUPPORT = "support"


class CommitmentStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"


COMMENT_MAX = 280
TIMEFRAME_MAX = 40
NOTE_MAX = 280
#: a case-folded, accent-free organisation name can be longer than what was typed
ORGANISATION_KEY_MAX = 3 * ORGANISATION_MAX


class Comment(Base):
    """A participant's short comment on an activity; the facilitator may hide it."""

    __tablename__ = "comments"
    __table_args__ = (CheckConstraint(_in("status", CommentStatus), name="ck_comment_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(String(COMMENT_MAX))
    status: Mapped[str] = mapped_column(String(16), default=CommentStatus.VISIBLE.value)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    participant: Mapped[Participant | None] = relationship()
    activity: Mapped[Activity] = relationship()


class Commitment(Base):
    """An organisation's commitment to an activity: one per organisation and activity."""

    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("activity_id", "organisation_key", name="uq_commitment_organisation"),
        CheckConstraint(_in("role", CommitmentRole), name="ck_commitment_role"),
        CheckConstraint(_in("status", CommitmentStatus), name="ck_commitment_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[str] = mapped_column(String(ORGANISATION_MAX))
    #: the organisation folded (case, accents, spaces) so "CGEM" and "cgem " are one
    organisation_key: Mapped[str] = mapped_column(String(ORGANISATION_KEY_MAX))
    #: the stakeholder group the organisation sits in (the committing participant's)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_groups.id", ondelete="SET NULL")
    )
    role: Mapped[str] = mapped_column(String(16))
    #: free text such as "T3 2025" or "2026"
    timeframe: Mapped[str] = mapped_column(String(TIMEFRAME_MAX), default="")
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    status: Mapped[str] = mapped_column(String(16), default=CommitmentStatus.PROPOSED.value)
    #: NULL when the facilitator entered it
    made_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    activity: Mapped[Activity] = relationship()
    group: Mapped[StakeholderGroup | None] = relationship()
    made_by: Mapped[Participant | None] = relationship()


class RetainedActivity(Base):
    """An activity the facilitator retained for the workplan (the row exists or not)."""

    __tablename__ = "retained_activities"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# -- Consolidation across workshops ----------------------------------------------------------


class LinkDecision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Consolidation(Base):
    """One inter-agency workplan made of several workshops' workplans."""

    __tablename__ = "consolidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(WORKSHOP_TITLE_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sources: Mapped[list["ConsolidationSource"]] = relationship(
        back_populates="consolidation",
        order_by="ConsolidationSource.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ConsolidationSource(Base):
    """A workshop of this instance, or one imported from another instance's export."""

    __tablename__ = "consolidation_sources"
    __table_args__ = (
        UniqueConstraint("consolidation_id", "workshop_id", name="uq_source_workshop"),
        CheckConstraint(
            "(workshop_id IS NULL) <> (document IS NULL)", name="ck_source_local_or_imported"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consolidation_id: Mapped[int] = mapped_column(
        ForeignKey("consolidations.id", ondelete="CASCADE"), index=True
    )
    #: a workshop of this instance (read live), or NULL for an imported one
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    #: an imported export document (cleaned JSON, see services/interchange.py)
    document: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(WORKSHOP_TITLE_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    consolidation: Mapped[Consolidation] = relationship(back_populates="sources")


class ConsolidationLink(Base):
    """The host's decision on linking two activities of different sources (stored in order)."""

    __tablename__ = "consolidation_links"
    __table_args__ = (
        UniqueConstraint(
            "consolidation_id",
            "left_source_id",
            "left_activity",
            "right_source_id",
            "right_activity",
            name="uq_consolidation_link",
        ),
        CheckConstraint("left_source_id < right_source_id", name="ck_link_order"),
        CheckConstraint(_in("decision", LinkDecision), name="ck_link_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consolidation_id: Mapped[int] = mapped_column(
        ForeignKey("consolidations.id", ondelete="CASCADE"), index=True
    )
    left_source_id: Mapped[int] = mapped_column(
        ForeignKey("consolidation_sources.id", ondelete="CASCADE")
    )
    #: the activity's id in its source workshop
    left_activity: Mapped[int] = mapped_column(Integer)
    right_source_id: Mapped[int] = mapped_column(
        ForeignKey("consolidation_sources.id", ondelete="CASCADE")
    )
    right_activity: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    #: similarity when the link was proposed; NULL for a link made by hand
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MergeMove(Base):
    """A comment or commitment a merge moved onto its target, so that an undo puts it back."""

    __tablename__ = "merge_moves"
    __table_args__ = (
        UniqueConstraint("merge_id", "kind", "row_id", name="uq_merge_move"),
        CheckConstraint("kind IN ('comment', 'commitment')", name="ck_merge_move_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("merges.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: id of the comment or commitment
    row_id: Mapped[int] = mapped_column(Integer)
    from_activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
