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
    Index,
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
    #: the working groups' roll-up, group by group (the rapporteurs' view); "auto" shows it too
    #: while a ballot exists and the plenary has not started voting
    ROLLUP = "rollup"


TITLE_MAX = 120
DESCRIPTION_MAX = 1000
NAME_MAX = 80
ORGANISATION_MAX = 120
WORKSHOP_TITLE_MAX = 200
WORKSHOP_DESCRIPTION_MAX = 2000
#: a consolidation's title (and a source's label) is as long as a workshop's
CONSOLIDATION_TITLE_MAX = WORKSHOP_TITLE_MAX
OP_ID_MAX = 64
SCORE_MIN, SCORE_MAX = 1, 5
VENUE_MAX = 200
#: at most this many activities retained at once by "retain the top N"
MAX_RETAIN = 200
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
    #: phones may choose their working group (else only the facilitator assigns)
    working_group_choice: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    #: what the big screen shows: one scene at a time (see ScreenScene), chosen in the console
    screen_scene: Mapped[str] = mapped_column(String(16), default=ScreenScene.AUTO.value)
    #: the working group the roll-up scene shows, as its rapporteur speaks (NULL: every group,
    #: the pages turning); cleared when the roll-up is undone, NULL when the group is deleted
    rollup_focus_group_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "working_groups.id",
            ondelete="SET NULL",
            use_alter=True,  # working_groups references workshops too: a cycle
            name="fk_workshops_rollup_focus_group_id",
        )
    )
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
    #: the name in the room's other languages ("" = none: the original `name` is shown); the
    #: column of the workshop's own language stays empty (services/wording.py)
    name_fr: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_ar: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_en: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="groups")


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("workshop_id", "name", name="uq_track_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: as StakeholderGroup.name_*: the name in the other languages, "" for none
    name_fr: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_ar: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_en: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="tracks")


class ParticipantStatus(StrEnum):
    ACTIVE = "active"
    #: merged into another participant by the facilitator (ParticipantChange); undoable
    MERGED = "merged"
    #: removed by the facilitator, votes withdrawn (ParticipantChange); undoable
    REMOVED = "removed"


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("workshop_id", "public_id", name="uq_participant_public"),
        CheckConstraint(_in("status", ParticipantStatus), name="ck_participant_status"),
        # an index, not a constraint: SQLite adds it in place (migration 0009)
        Index("uq_participant_recovery", "workshop_id", "recovery_hash", unique=True),
    )

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
    #: see ParticipantStatus: only active participants count, vote and are listed
    status: Mapped[str] = mapped_column(
        String(16), default=ParticipantStatus.ACTIVE.value, server_default="active"
    )
    #: keyed hash of the personal recovery code (services/recovery.py); NULL until first shown
    recovery_hash: Mapped[str | None] = mapped_column(String(64))
    #: the working group (table) the participant sits at; NULL: none yet, or no groups
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )

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
    #: the facilitator's wording in the room's other languages ("" = none: the original is
    #: shown); the columns of the workshop's own language stay empty (services/wording.py)
    title_fr: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    title_ar: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    #: NULL when the facilitator added it
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default=ActivityStatus.VISIBLE.value)
    #: the working group whose table reviews it (NULL: the plenary's, or no groups)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )
    #: the table facilitator marked it "bring to plenary" (the roll-up takes it)
    to_plenary: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
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
    #: a table facilitator's link: it runs this working group only (NULL: the whole workshop)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
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
CONTACT_MAX = 120
RESOURCES_MAX = 280
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
    #: one key per organisation: "#<organisation_id>" for an organisation of the directory,
    #: else the name folded (services/organisations.organisation_key) so "CGEM" and "cgem "
    #: are one
    organisation_key: Mapped[str] = mapped_column(String(ORGANISATION_KEY_MAX))
    #: the directory's organisation (NULL: a name typed that the directory does not know)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    #: the stakeholder group the organisation sits in (the committing participant's)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_groups.id", ondelete="SET NULL")
    )
    role: Mapped[str] = mapped_column(String(16))
    #: free text such as "T3 2025" or "2026"
    timeframe: Mapped[str] = mapped_column(String(TIMEFRAME_MAX), default="")
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    status: Mapped[str] = mapped_column(String(16), default=CommitmentStatus.PROPOSED.value)
    #: who to ask at the organisation, as its focal point gave it (follow-up)
    contact: Mapped[str] = mapped_column(String(CONTACT_MAX), default="", server_default="")
    #: budget or resources the organisation puts in, free text (follow-up)
    resources: Mapped[str] = mapped_column(String(RESOURCES_MAX), default="", server_default="")
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


#: a version's title ("After follow-up, June")
PLAN_VERSION_TITLE_MAX = 200


class PlanVersion(Base):
    """A version of a workshop's plan, written once (services/plan_versions.py).

    Number 1 is the plan of the room, frozen at closing; later numbers are published by the
    facilitator. `document` is the plan as JSON: activities and their commitments.
    """

    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("workshop_id", "number"),
        CheckConstraint("number >= 1", name="plan_version_number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(PLAN_VERSION_TITLE_MAX), default="")
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    document: Mapped[str] = mapped_column(Text)


# -- Follow-up by organisation, after the room -----------------------------------------------


class FollowUpKind(StrEnum):
    """What a focal point may do through a follow-up link, and nothing else."""

    CONFIRM = "confirm"
    AMEND = "amend"
    WITHDRAW = "withdraw"
    PROPOSE = "propose"


class FollowUpStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    #: replaced by a later change sent through the same link on the same commitment
    SUPERSEDED = "superseded"


#: a withdrawal's reason
REASON_MAX = 280


class FollowUpLink(Base):
    """An organisation's private follow-up link, held by its focal point (services/follow_up.py).

    Revoking it keeps the row (its changes name it) and stops the token for good.
    """

    __tablename__ = "follow_up_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    #: the organisation's commitment key when the link was made (Commitment.organisation_key)
    organisation_key: Mapped[str] = mapped_column(String(ORGANISATION_KEY_MAX))
    #: the directory's organisation (NULL: a name the directory does not know)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    #: the organisation's name as its commitments show it
    organisation: Mapped[str] = mapped_column(String(ORGANISATION_MAX))
    #: the facilitator's note on whom the link is for ("Mme Alaoui, DRH")
    label: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    #: sha256 of the link's token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: UTC instant after which the link is read-only
    deadline: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: set when the facilitator revoked it: the token opens nothing any more
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class FollowUpChange(Base):
    """A change a focal point sent through a follow-up link, waiting for the facilitator.

    `before` and `after` are JSON: the commitment's fields as the focal point saw them and as
    they asked them to be. The activity's title is kept, so that a change on an activity
    removed since still says what it was about.
    """

    __tablename__ = "follow_up_changes"
    __table_args__ = (
        CheckConstraint(_in("kind", FollowUpKind), name="ck_follow_up_kind"),
        CheckConstraint(_in("status", FollowUpStatus), name="ck_follow_up_status"),
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="ck_follow_up_decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up_links.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=FollowUpStatus.PENDING.value)
    #: the commitment changed (NULL for a proposal, or once the commitment is gone)
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="SET NULL")
    )
    #: NULL once the activity is deleted; `activity_title` still names it
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    activity_title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")
    #: a withdrawal's reason
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: how an accepted change landed: "" as sent, "merged" onto the activity it was merged into
    outcome: Mapped[str] = mapped_column(String(16), default="")

    link: Mapped[FollowUpLink] = relationship()


class OutcomeState(StrEnum):
    """Whether the public outcome page is readable (services/outcome.py)."""

    #: public once the room is closed, not before
    AUTO = "auto"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


class OutcomePage(Base):
    """A workshop's public outcome page: its secret key and what the facilitator made public."""

    __tablename__ = "outcome_pages"
    __table_args__ = (CheckConstraint(_in("state", OutcomeState), name="ck_outcome_state"),)

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    #: the secret in the page's URL (/o/<key>), from `secrets`; unique, never reused
    key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=OutcomeState.AUTO.value)
    show_results: Mapped[bool] = mapped_column(Boolean, default=True)
    show_workplan: Mapped[bool] = mapped_column(Boolean, default=True)
    #: participants' comments are public only when the facilitator says so
    show_comments: Mapped[bool] = mapped_column(Boolean, default=False)
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


class ConsolidationVersion(Base):
    """A published version of a consolidation's plan, written once.

    services/consolidation_record.py writes and reads it.
    `document` is the consolidated plan as JSON: activities (with their source workshop and
    the version of its plan they came from) and commitments; `sources` says where each came from.
    """

    __tablename__ = "consolidation_versions"
    __table_args__ = (
        UniqueConstraint("consolidation_id", "number", name="uq_consolidation_version"),
        CheckConstraint("number >= 1", name="ck_consolidation_version_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consolidation_id: Mapped[int] = mapped_column(
        ForeignKey("consolidations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(PLAN_VERSION_TITLE_MAX))
    #: the date the host gives the version (the day it stands for), not when it was written
    published_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    document: Mapped[str] = mapped_column(Text)
    #: the sources as they were read: label, code, imported or not, version of their plan
    sources: Mapped[str] = mapped_column(Text)


class ConsolidationPage(Base):
    """A consolidation's public page: the secret key of its address (/c/<key>)."""

    __tablename__ = "consolidation_pages"

    consolidation_id: Mapped[int] = mapped_column(
        ForeignKey("consolidations.id", ondelete="CASCADE"), primary_key=True
    )
    #: from `secrets`; unique, never reused
    key: Mapped[str] = mapped_column(String(64), unique=True)
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


# -- The organisation directory ----------------------------------------------------------------


class AliasKind(StrEnum):
    """What a spelling of an organisation is: its acronym, its name in a language, another."""

    ACRONYM = "acronym"
    FR = "fr"
    AR = "ar"
    EN = "en"
    ALIAS = "alias"


ACRONYM_MAX = 20


class Organisation(Base):
    """A canonical organisation of a workshop's directory, named in French, Arabic, English."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    acronym: Mapped[str] = mapped_column(String(ACRONYM_MAX), default="")
    #: "" when the directory has no name in that language
    name_fr: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    name_ar: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    name_en: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_groups.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    group: Mapped[StakeholderGroup | None] = relationship()
    aliases: Mapped[list["OrganisationAlias"]] = relationship(
        order_by="OrganisationAlias.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="organisation",
    )


class OrganisationAlias(Base):
    """A spelling of an organisation (acronym and names included), folded for matching.

    The key is unique in a directory, so one spelling names one organisation.
    """

    __tablename__ = "organisation_aliases"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key", name="uq_organisation_alias_key"),
        CheckConstraint(_in("kind", AliasKind), name="ck_organisation_alias_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the directory's workshop, kept here so that the database enforces unique keys in it
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(ORGANISATION_MAX))
    #: the spelling folded (services/organisations.organisation_key)
    key: Mapped[str] = mapped_column(String(ORGANISATION_KEY_MAX))
    kind: Mapped[str] = mapped_column(String(8), default=AliasKind.ALIAS.value)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class OrganisationMerge(Base):
    """The facilitator mapped a spelling typed at join onto an organisation of the directory.

    The spelling becomes an alias (so its participants follow); the commitments it held are
    re-keyed (OrganisationMove keeps them as they were), so that an undo restores everything.
    """

    __tablename__ = "organisation_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    #: the spelling as typed (the most frequent one of its key)
    name: Mapped[str] = mapped_column(String(ORGANISATION_MAX))
    key: Mapped[str] = mapped_column(String(ORGANISATION_KEY_MAX))
    #: the alias the merge added (NULL once undone, or when the alias existed already)
    alias_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation_aliases.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: set when undone; the record stays for the history
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()
    moves: Mapped[list["OrganisationMove"]] = relationship(
        order_by="OrganisationMove.id", cascade="all, delete-orphan", passive_deletes=True
    )


class OrganisationMove(Base):
    """A commitment an organisation merge changed ("commitment") or folded into another of
    the same organisation and activity ("removed"), with its columns as they were (JSON)."""

    __tablename__ = "organisation_moves"
    __table_args__ = (
        CheckConstraint("kind IN ('commitment', 'removed')", name="ck_organisation_move_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(
        ForeignKey("organisation_merges.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    #: id of the commitment (a removed one gets a new id when an undo brings it back)
    row_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[str] = mapped_column(Text)


# -- Participants the facilitator merged or removed ------------------------------------------


class ParticipantChangeKind(StrEnum):
    MERGE = "merge"
    REMOVAL = "removal"


class ParticipantChange(Base):
    """The facilitator merged a participant into another (`kept_id`) or removed one.

    Enough is kept to undo it: the votes it changed and the rows it moved.
    """

    __tablename__ = "participant_changes"
    __table_args__ = (
        CheckConstraint(_in("kind", ParticipantChangeKind), name="ck_participant_change_kind"),
        CheckConstraint(
            "(kind = 'merge') = (kept_id IS NOT NULL)", name="ck_participant_change_kept"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    #: the participant merged away, or removed
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    #: the participant who stays (merges only)
    kept_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: set when the change was undone; the record stays for the history
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)

    participant: Mapped[Participant] = relationship(foreign_keys=[participant_id])
    kept: Mapped[Participant | None] = relationship(foreign_keys=[kept_id])
    votes: Mapped[list["ParticipantChangeVote"]] = relationship(
        order_by="ParticipantChangeVote.id", cascade="all, delete-orphan", passive_deletes=True
    )
    moves: Mapped[list["ParticipantChangeMove"]] = relationship(
        order_by="ParticipantChangeMove.id", cascade="all, delete-orphan", passive_deletes=True
    )
    prevotes: Mapped[list["ParticipantChangePreVote"]] = relationship(
        order_by="ParticipantChangePreVote.id", cascade="all, delete-orphan", passive_deletes=True
    )


class ParticipantChangeVote(Base):
    """A vote a participant change touched: as it was before (NULL: none) and after it."""

    __tablename__ = "participant_change_votes"
    __table_args__ = (
        UniqueConstraint("change_id", "participant_id", "activity_id", name="uq_pchange_vote"),
        CheckConstraint("value_before IS NULL OR value_before >= 1", name="ck_pchange_before"),
        CheckConstraint("value_after IS NULL OR value_after >= 1", name="ck_pchange_after"),
        CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_pchange_some"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        ForeignKey("participant_changes.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    value_before: Mapped[int | None] = mapped_column(Integer)
    value_after: Mapped[int | None] = mapped_column(Integer)
    created_before: Mapped[datetime | None] = mapped_column(DateTime)
    updated_before: Mapped[datetime | None] = mapped_column(DateTime)


class ParticipantChangeMove(Base):
    """A row a merge moved from the merged participant to the kept one (undo moves it back)."""

    __tablename__ = "participant_change_moves"
    __table_args__ = (
        UniqueConstraint("change_id", "kind", "row_id", name="uq_pchange_move"),
        CheckConstraint(
            "kind IN ('activity', 'comment', 'commitment', 'operation')", name="ck_pchange_move"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        ForeignKey("participant_changes.id", ondelete="CASCADE"), index=True
    )
    #: what moved: an activity's author, a comment's or a commitment's author, an op_id
    kind: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[int] = mapped_column(Integer)


# -- working groups (issue 14) ----------------------------------------------------------------


class GroupPhase(StrEnum):
    """A working group's table session: its own phases, beside the workshop's."""

    PROPOSING = "proposing"
    PREVOTE = "prevote"
    DONE = "done"


class WorkingGroup(Base):
    """A table of the workshop (one component of the programme) with its own session."""

    __tablename__ = "working_groups"
    __table_args__ = (
        UniqueConstraint("workshop_id", "name", name="uq_working_group_name"),
        CheckConstraint(_in("phase", GroupPhase), name="ck_working_group_phase"),
        CheckConstraint(
            "timer_seconds IS NULL OR timer_seconds >= 1", name="ck_working_group_timer_seconds"
        ),
        CheckConstraint(
            "timer_remaining_ms IS NULL OR timer_remaining_ms >= 0",
            name="ck_working_group_timer_remaining",
        ),
        CheckConstraint(
            "timer_ends_at IS NULL OR timer_remaining_ms IS NULL",
            name="ck_working_group_timer_state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: as Track.name_*: the name in the room's other languages, "" for none
    name_fr: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_ar: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_en: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the track (component) the group was made from; its activities are the group's
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    phase: Mapped[str] = mapped_column(String(16), default=GroupPhase.PROPOSING.value)
    #: the table's countdown, as Workshop.timer_*
    timer_seconds: Mapped[int | None] = mapped_column(Integer)
    timer_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    timer_remaining_ms: Mapped[int | None] = mapped_column(Integer)
    #: read-only key in the table screen's URL
    screen_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PreVote(Base):
    """A participant's support for an activity in a working group's pre-vote.

    Kept with the group it was cast in: a participant moved to another table keeps what they
    gave at the first (its pre-vote is that table's) and votes afresh at the second.
    """

    __tablename__ = "prevotes"
    __table_args__ = (
        UniqueConstraint("participant_id", "activity_id", name="uq_prevote_once"),
        CheckConstraint("value >= 1", name="ck_prevote_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ParticipantChangePreVote(Base):
    """A pre-vote a participant merge touched, as ParticipantChangeVote records a vote: as it
    was before (NULL: none) and after it, with the table it was cast at, for the undo."""

    __tablename__ = "participant_change_prevotes"
    __table_args__ = (
        UniqueConstraint("change_id", "participant_id", "activity_id", name="uq_pchange_prevote"),
        CheckConstraint(
            "value_before IS NULL OR value_before >= 1", name="ck_pchange_prevote_before"
        ),
        CheckConstraint("value_after IS NULL OR value_after >= 1", name="ck_pchange_prevote_after"),
        CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_pchange_prevote_some"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        ForeignKey("participant_changes.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    #: the table it was cast at (before and after: a merge combines at the same table only)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE")
    )
    value_before: Mapped[int | None] = mapped_column(Integer)
    value_after: Mapped[int | None] = mapped_column(Integer)
    created_before: Mapped[datetime | None] = mapped_column(DateTime)
    updated_before: Mapped[datetime | None] = mapped_column(DateTime)


class MergePreVote(Base):
    """A pre-vote a merge changed, as MergeVote records a vote: as it was before (NULL: none)
    and as the merge left it, with the table it was cast at, so that an undo puts it back."""

    __tablename__ = "merge_prevotes"
    __table_args__ = (
        UniqueConstraint("merge_id", "participant_id", "activity_id", name="uq_merge_prevote"),
        CheckConstraint(
            "value_before IS NULL OR value_before >= 1", name="ck_merge_prevote_before"
        ),
        CheckConstraint("value_after IS NULL OR value_after >= 1", name="ck_merge_prevote_after"),
        CheckConstraint(
            "value_before IS NOT NULL OR value_after IS NOT NULL", name="ck_merge_prevote_some"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("merges.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE")
    )
    value_before: Mapped[int | None] = mapped_column(Integer)
    value_after: Mapped[int | None] = mapped_column(Integer)
    created_before: Mapped[datetime | None] = mapped_column(DateTime)
    updated_before: Mapped[datetime | None] = mapped_column(DateTime)


class BallotEntry(Base):
    """The plenary's ballot after the roll-up: an activity a group brought, and from where."""

    __tablename__ = "ballot_entries"
    __table_args__ = (UniqueConstraint("workshop_id", "activity_id", name="uq_ballot_activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    #: the group that brought it (NULL: the group was deleted since)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL")
    )
    #: the order the rapporteurs present it in (group by group, its rank at the table)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: its pre-vote at the table: rank (1 = first), total and voters
    prevote_rank: Mapped[int | None] = mapped_column(Integer)
    prevote_total: Mapped[int] = mapped_column(Integer, default=0)
    prevote_voters: Mapped[int] = mapped_column(Integer, default=0)
    #: brought because the table facilitator marked it (else: in the group's top N)
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
