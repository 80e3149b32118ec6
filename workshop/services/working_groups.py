"""Working groups: the tables a workshop splits into, who sits where, and each table's session.

A workshop without working groups behaves as it always did. Groups are defined from free names
(with their wording in other languages) or one per track; participants choose their table on
their phone (when the facilitator allows it) or are placed by the facilitator (by hand, or all
at once by stakeholder group, by organisation, or balanced). Moving someone keeps every vote:
pre-votes stay with the table they were cast at, plenary votes are nobody's table's.
"""

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    GroupPhase,
    Participant,
    Phase,
    Track,
    WorkingGroup,
    Workshop,
    utcnow,
)
from . import wording
from .errors import DomainError, Forbidden, NotFound
from .participants import ACTIVE
from .text import clean_text, record_id
from .timer import control_timer, timer_state
from .tokens import new_token
from .workshops import _bool, _clean_names, bump_version

#: at most this many tables in one workshop (a room of 120 splits into 4 to 12)
MAX_WORKING_GROUPS = 30
#: how the facilitator may place everyone at once
ASSIGN_METHODS = ("stakeholder_group", "organisation", "balanced")
#: a table moves forward, or back one step to undo a facilitator's mistake
GROUP_TRANSITIONS: dict[GroupPhase, set[GroupPhase]] = {
    GroupPhase.PROPOSING: {GroupPhase.PREVOTE},
    GroupPhase.PREVOTE: {GroupPhase.PROPOSING, GroupPhase.DONE},
    GroupPhase.DONE: {GroupPhase.PREVOTE},
}
#: the workshop's phases in which tables run their own session (and people move between them)
GROUP_WORK_PHASES = (Phase.SETUP.value, Phase.PROPOSING.value)


# -- reading ---------------------------------------------------------------------------------


def list_working_groups(session: Session, workshop: Workshop) -> list[WorkingGroup]:
    return list(
        session.scalars(
            select(WorkingGroup)
            .where(WorkingGroup.workshop_id == workshop.id)
            .order_by(WorkingGroup.position, WorkingGroup.id)
        )
    )


def get_working_group(session: Session, workshop: Workshop, group_id: object) -> WorkingGroup:
    """One of the workshop's working groups, or raise working_group_not_found."""
    key = record_id(group_id)
    group = None if key is None else session.get(WorkingGroup, key)
    if group is None or group.workshop_id != workshop.id:
        raise NotFound("working_group_not_found")
    return group


def group_activities(
    session: Session, workshop: Workshop, group: WorkingGroup, status: object = None
) -> list[Activity]:
    """The group's activities in id order, whatever their status, or those in `status`
    (`hidden`: what its table console restores, whoever hid them); field_invalid otherwise."""
    query = select(Activity).where(
        Activity.workshop_id == workshop.id, Activity.working_group_id == group.id
    )
    if status is not None:
        if not isinstance(status, str) or status not in {s.value for s in ActivityStatus}:
            raise DomainError("field_invalid", field="status")
        query = query.where(Activity.status == status)
    return list(session.scalars(query.order_by(Activity.id)))


def screen_path(workshop: Workshop, group: WorkingGroup) -> str:
    """The table screen's address, from the site's root (the edge adds the public base)."""
    return f"/t/{workshop.code}/{group.screen_key}"


def working_group_record(
    group: WorkingGroup,
    counts: dict[str, int],
    *,
    now: datetime,
    screen_url: str | None = None,
) -> dict:
    """A group as snapshots and the API give it; `screen_url` for facilitators only."""
    record = {
        "id": group.id,
        "name": group.name,
        "names": {lang: getattr(group, f"name_{lang}") for lang in ("fr", "ar", "en")},
        "position": group.position,
        "track_id": group.track_id,
        "phase": group.phase,
        "timer": timer_state(group, now),
        "participants": counts.get("participants", 0),
        "proposals": counts.get("proposals", 0),
        "activities": counts.get("activities", 0),
    }
    if screen_url is not None:
        record["screen_url"] = screen_url
    return record


def group_counts(session: Session, workshop: Workshop) -> dict[int, dict[str, int]]:
    """Per group: its active participants, its visible activities, and the proposals its
    phones made (visible or not: what arrived at the table)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for gid, n in session.execute(
        select(Participant.working_group_id, func.count(Participant.id))
        .where(
            Participant.workshop_id == workshop.id,
            Participant.working_group_id.is_not(None),
            ACTIVE,
        )
        .group_by(Participant.working_group_id)
    ):
        counts[gid]["participants"] = n
    visible = (Activity.status == ActivityStatus.VISIBLE.value).label("visible")
    proposed = Activity.proposed_by_id.is_not(None).label("proposed")
    for gid, is_visible, is_proposed, n in session.execute(
        select(Activity.working_group_id, visible, proposed, func.count(Activity.id))
        .where(Activity.workshop_id == workshop.id, Activity.working_group_id.is_not(None))
        .group_by(Activity.working_group_id, visible, proposed)
    ):
        if is_visible:
            counts[gid]["activities"] = counts[gid].get("activities", 0) + n
        if is_proposed:
            counts[gid]["proposals"] = counts[gid].get("proposals", 0) + n
    return counts


def working_groups_state(
    session: Session,
    workshop: Workshop,
    *,
    now: datetime | None = None,
    screen_base: str | None = None,
) -> list[dict]:
    """Every group's record, in order; [] (and no counting query) without groups.

    `screen_base`: give each group its table screen's address (facilitators' views): the
    public base the edge knows ("" for a path from the site's root)."""
    groups = list_working_groups(session, workshop)
    if not groups:
        return []
    now = now or utcnow()
    counts = group_counts(session, workshop)
    return [
        working_group_record(
            g,
            counts.get(g.id, {}),
            now=now,
            screen_url=None if screen_base is None else screen_base + screen_path(workshop, g),
        )
        for g in groups
    ]


def assignment_state(session: Session, workshop: Workshop) -> dict:
    """How people are placed: whether phones choose, and how many sit nowhere yet."""
    rows = session.execute(
        select(Participant.working_group_id.is_(None), func.count(Participant.id))
        .where(Participant.workshop_id == workshop.id, ACTIVE)
        .group_by(Participant.working_group_id.is_(None))
    ).all()
    by_state = {bool(unassigned): n for unassigned, n in rows}
    return {
        "working_group_choice": workshop.working_group_choice,
        "methods": list(ASSIGN_METHODS),
        "participants": sum(by_state.values()),
        "unassigned": by_state.get(True, 0),
    }


# -- defining --------------------------------------------------------------------------------


def _check_room(session: Session, workshop: Workshop, adding: int) -> list[WorkingGroup]:
    existing = list_working_groups(session, workshop)
    if len(existing) + adding > MAX_WORKING_GROUPS:
        raise DomainError("too_many", field="working_groups", max=MAX_WORKING_GROUPS)
    return existing


def _check_name_free(existing: list[WorkingGroup], name: str, but: WorkingGroup | None = None):
    for group in existing:
        if group is not but and group.name.casefold() == name.casefold():
            raise DomainError("working_group_exists", name=group.name)


def create_working_groups(
    session: Session, workshop: Workshop, names: object
) -> list[WorkingGroup]:
    """New groups from names, one per line or item, each with its wording in other languages
    ("Skills | ar: المهارات | en: Skills", or {"name", "name_ar", ...}); added after the
    existing ones."""
    cleaned = _clean_names(names, "names", MAX_WORKING_GROUPS, required=False)
    if not cleaned:
        raise DomainError("field_required", field="names")
    existing = _check_room(session, workshop, len(cleaned))
    for name, _w in cleaned:
        _check_name_free(existing, name)
    start = max((g.position for g in existing), default=-1) + 1
    created = [
        WorkingGroup(
            workshop_id=workshop.id,
            name=name,
            position=start + i,
            screen_key=new_token(),
            **wordings,
        )
        for i, (name, wordings) in enumerate(cleaned)
    ]
    session.add_all(created)
    session.flush()
    bump_version(session, workshop)
    return created


def create_groups_from_tracks(session: Session, workshop: Workshop) -> list[WorkingGroup]:
    """One group per track (its name and wording copied), each taking its track's activities.

    A track that already has its group is skipped, so asking twice makes nothing new."""
    tracks = list(
        session.scalars(
            select(Track).where(Track.workshop_id == workshop.id).order_by(Track.position, Track.id)
        )
    )
    if not tracks:
        raise DomainError("working_groups_no_tracks")
    existing = list_working_groups(session, workshop)
    made_from = {g.track_id for g in existing}
    todo = [t for t in tracks if t.id not in made_from]
    _check_room(session, workshop, len(todo))
    for track in todo:
        _check_name_free(existing, track.name)
    start = max((g.position for g in existing), default=-1) + 1
    created = [
        WorkingGroup(
            workshop_id=workshop.id,
            name=track.name,
            name_fr=track.name_fr,
            name_ar=track.name_ar,
            name_en=track.name_en,
            position=start + i,
            track_id=track.id,
            screen_key=new_token(),
        )
        for i, track in enumerate(todo)
    ]
    session.add_all(created)
    session.flush()
    for group in created:
        session.execute(
            update(Activity)
            .where(Activity.workshop_id == workshop.id, Activity.track_id == group.track_id)
            .values(working_group_id=group.id)
        )
    if created:
        bump_version(session, workshop)
    return created


def rename_working_group(
    session: Session, workshop: Workshop, group: WorkingGroup, data: dict
) -> WorkingGroup:
    """Change a group's name and/or its wording ({"name", "name_fr", "name_ar", "name_en"};
    "" removes a wording); everything is checked before anything changes."""
    if not isinstance(data, dict):
        raise DomainError("field_invalid", field="body")
    unknown = sorted(set(data) - {"name", *wording.columns(wording.GROUP_FIELDS)})
    if unknown:
        raise DomainError("field_invalid", field=unknown[0])
    if "name" in data:
        name = clean_text(data["name"], "name", wording.LIMITS["name"][0], required=True)
        _check_name_free(list_working_groups(session, workshop), name, but=group)
        group.name = name
    wording.set_wordings(group, wording.GROUP_FIELDS, wording.given(data, wording.GROUP_FIELDS))
    session.flush()
    bump_version(session, workshop)
    return group


def delete_working_group(session: Session, workshop: Workshop, group: WorkingGroup) -> None:
    """Delete a group: its members sit nowhere, its activities belong to no table, its table
    links stop working, the pre-votes cast at it go, the big screen stops showing it; the
    others keep their order."""
    session.execute(
        update(Participant)
        .where(Participant.working_group_id == group.id)
        .values(working_group_id=None)
    )
    session.execute(
        update(Activity).where(Activity.working_group_id == group.id).values(working_group_id=None)
    )
    if workshop.rollup_focus_group_id == group.id:  # the big screen goes back to every group
        workshop.rollup_focus_group_id = None
        session.flush()
    session.delete(group)
    session.flush()
    for i, other in enumerate(list_working_groups(session, workshop)):
        other.position = i
    session.flush()
    bump_version(session, workshop)


# -- the table's session ---------------------------------------------------------------------


def _check_group_work(workshop: Workshop) -> None:
    if workshop.phase not in GROUP_WORK_PHASES:
        raise DomainError("working_groups_closed")


def set_group_phase(
    session: Session, workshop: Workshop, group: WorkingGroup, phase: object
) -> WorkingGroup:
    """Move a table to `phase` (proposing -> prevote -> done, or one step back), while the
    workshop is in setup or proposing; the table's countdown stops with the phase it timed."""
    try:
        target = GroupPhase(phase)
    except ValueError:
        raise DomainError("phase_invalid") from None
    current = GroupPhase(group.phase)
    if target is current:
        return group
    _check_group_work(workshop)
    if target not in GROUP_TRANSITIONS[current]:
        raise DomainError("phase_transition_refused", current=current.value, target=target.value)
    group.phase = target.value
    group.timer_ends_at = None
    group.timer_remaining_ms = None
    session.flush()
    bump_version(session, workshop)
    return group


def control_group_timer(
    session: Session,
    workshop: Workshop,
    group: WorkingGroup,
    action: object,
    seconds: object = None,
    *,
    now: datetime | None = None,
) -> WorkingGroup:
    """The table's countdown: the workshop's timer actions and limits (services/timer.py)."""
    control_timer(session, workshop, action, seconds, now=now, clock=group)
    session.flush()
    return group


# -- who sits where --------------------------------------------------------------------------


def _active_participants(session: Session, workshop: Workshop) -> list[Participant]:
    return list(
        session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, ACTIVE)
            .order_by(Participant.id)
        )
    )


def _group_or_none(session: Session, workshop: Workshop, group_id: object) -> int | None:
    if group_id is None:
        return None
    return get_working_group(session, workshop, group_id).id


def member_ids(session: Session, group: WorkingGroup) -> list[int]:
    """The participants sitting at `group`, by id."""
    return list(
        session.scalars(
            select(Participant.id)
            .where(Participant.working_group_id == group.id)
            .order_by(Participant.id)
        )
    )


def seating(session: Session, workshop: Workshop) -> dict[int, int | None]:
    """{participant id: their group id or None} for the workshop's active participants."""
    return dict(
        session.execute(
            select(Participant.id, Participant.working_group_id).where(
                Participant.workshop_id == workshop.id, ACTIVE
            )
        ).all()
    )


def assign_participant(
    session: Session, workshop: Workshop, participant: Participant, group_id: object
) -> Participant:
    """The facilitator seats one participant (None: at no table). Their votes stay as they
    are: pre-votes with the table they were cast at."""
    if participant.workshop_id != workshop.id:
        raise NotFound("participant_not_found")
    target = _group_or_none(session, workshop, group_id)
    if participant.working_group_id != target:
        participant.working_group_id = target
        session.flush()
        bump_version(session, workshop)
    return participant


def choose_working_group(
    session: Session, workshop: Workshop, participant: Participant, group_id: object
) -> Participant:
    """A phone chooses its table, when the facilitator lets phones choose."""
    if not workshop.working_group_choice:
        raise Forbidden("working_group_choice_closed")
    if group_id is None:
        raise DomainError("field_required", field="working_group_id")
    return assign_participant(session, workshop, participant, group_id)


def set_working_group_choice(session: Session, workshop: Workshop, value: object) -> None:
    workshop.working_group_choice = _bool(value, "working_group_choice")
    bump_version(session, workshop)


def plan_assignment(
    participants: list[Participant],
    group_ids: list[int],
    method: str,
    *,
    only_unassigned: bool = False,
    group_order: dict[int, int] | None = None,
) -> dict[int, int]:
    """Where each participant sits ({participant id: group id}), decided from plain data.

    - `balanced`: each goes to the smallest table (ties: the first table).
    - `stakeholder_group`: stakeholder group by stakeholder group (in `group_order`), each to
      the smallest table, among equals the one with fewest of its constituency: every table
      mixes constituencies, and from empty tables sizes differ by at most one.
    - `organisation`: an organisation's people sit together; organisations, largest first,
      go to the smallest table (people without an organisation each count as one). With
      `only_unassigned`, newcomers join the table where most of their organisation sits.
    Placed in the order of participant ids, so the same room is always placed the same way.
    `only_unassigned`: who sits somewhere stays, and counts in the tables' sizes.
    """
    if method not in ASSIGN_METHODS:
        raise DomainError("assign_method_invalid")
    if not group_ids:
        raise DomainError("working_groups_none")
    rank = {gid: i for i, gid in enumerate(group_ids)}
    ordered = sorted(participants, key=lambda p: p.id)
    seated = {
        p.id: p.working_group_id for p in ordered if only_unassigned and p.working_group_id in rank
    }
    todo = [p for p in ordered if p.id not in seated]
    size = Counter(seated.values())
    plan: dict[int, int] = {}

    def seat(pid: int, gid: int) -> None:
        plan[pid] = gid
        size[gid] += 1

    if method == "balanced":
        for p in todo:
            seat(p.id, min(group_ids, key=lambda g: (size[g], rank[g])))
    elif method == "stakeholder_group":
        order = group_order or {}
        by_constituency: Counter = Counter()
        for p in ordered:
            if p.id in seated:
                by_constituency[(p.group_id, seated[p.id])] += 1
        for p in sorted(todo, key=lambda p: (order.get(p.group_id, p.group_id), p.id)):
            gid = min(group_ids, key=lambda g: (size[g], by_constituency[(p.group_id, g)], rank[g]))
            by_constituency[(p.group_id, gid)] += 1
            seat(p.id, gid)
    else:  # organisation
        blocks: dict[str, list[Participant]] = defaultdict(list)
        for p in todo:
            org = " ".join((p.organisation or "").split()).casefold()
            blocks[org or f"\0{p.id}"].append(p)
        where: dict[str, Counter] = defaultdict(Counter)
        for p in ordered:
            if p.id in seated:
                org = " ".join((p.organisation or "").split()).casefold()
                if org:
                    where[org][seated[p.id]] += 1
        for org, members in sorted(blocks.items(), key=lambda kv: (-len(kv[1]), kv[1][0].id)):
            already = where.get(org)
            if already:
                gid = min(already, key=lambda g: (-already[g], rank[g]))
            else:
                gid = min(group_ids, key=lambda g: (size[g], rank[g]))
            for p in members:
                seat(p.id, gid)
    return plan


def assign_participants(
    session: Session, workshop: Workshop, method: object, only_unassigned: object = False
) -> dict[int, int]:
    """Place everyone (or only who sits nowhere yet) by `method`; returns the placements
    made. Votes stay as they are (see assign_participant)."""
    only = _bool(only_unassigned, "only_unassigned") if only_unassigned is not None else False
    if not isinstance(method, str):
        raise DomainError("assign_method_invalid")
    groups = list_working_groups(session, workshop)
    participants = _active_participants(session, workshop)
    plan = plan_assignment(
        participants,
        [g.id for g in groups],
        method,
        only_unassigned=only,
        group_order={g.id: g.position for g in workshop.groups},
    )
    changed = False
    for p in participants:
        if p.id in plan and p.working_group_id != plan[p.id]:
            p.working_group_id = plan[p.id]
            changed = True
    session.flush()
    if changed:
        bump_version(session, workshop)
    return plan


# -- activities ------------------------------------------------------------------------------


def group_for_new_activity(
    session: Session, workshop: Workshop, *, participant: Participant | None, track_id: int | None
) -> int | None:
    """The table a new activity goes to: its proposer's, else its track's group, if any."""
    if participant is not None and participant.working_group_id is not None:
        return participant.working_group_id
    if track_id is None:
        return None
    return session.scalar(
        select(WorkingGroup.id)
        .where(WorkingGroup.workshop_id == workshop.id, WorkingGroup.track_id == track_id)
        .order_by(WorkingGroup.position, WorkingGroup.id)
        .limit(1)
    )


def track_groups(session: Session, workshop: Workshop) -> dict[int, int]:
    """{track id: its group's id} for the groups made from tracks."""
    rows = session.execute(
        select(WorkingGroup.track_id, WorkingGroup.id)
        .where(WorkingGroup.workshop_id == workshop.id, WorkingGroup.track_id.is_not(None))
        .order_by(WorkingGroup.position.desc(), WorkingGroup.id.desc())
    )
    return dict(rows.all())


def check_group_proposing(session: Session, participant: Participant) -> None:
    """A phone seated at a table proposes only while that table is proposing."""
    if participant.working_group_id is None:
        return
    phase = session.scalar(
        select(WorkingGroup.phase).where(WorkingGroup.id == participant.working_group_id)
    )
    if phase is not None and phase != GroupPhase.PROPOSING.value:
        raise DomainError("working_group_not_proposing")
