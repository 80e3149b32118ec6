"""The session report's data: participation, ranked results, the workplan, comments."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    DEFAULT_TIME_ZONE,
    Activity,
    ActivityStatus,
    Comment,
    Commitment,
    Vote,
    Workshop,
    utcnow,
)
from .activities import list_activities
from .comments import list_comments
from .commitments import ROLE_ORDER, by_organisation, list_commitments
from .group_report import ballot_rows, brought_by, group_names, group_sections
from .merging import list_merges
from .organisations import load_directory
from .participants import count_by_group, list_participants
from .plan_versions import change_rows, compare_versions, document_of, list_versions
from .results import compute_results
from .wording import word
from .workplan import retained_ids, workplan_issues, workplan_rows


def time_zone(workshop: Workshop) -> ZoneInfo:
    """The workshop's time zone (the default one if the stored name is unknown here)."""
    try:
        return ZoneInfo(workshop.time_zone or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def local_time(workshop: Workshop, instant: datetime) -> datetime:
    """A stored instant (naive UTC, as every `created_at`) in the workshop's time zone."""
    return instant.replace(tzinfo=UTC).astimezone(time_zone(workshop))


def session_day(workshop: Workshop, now: datetime | None = None) -> date:
    """The session's date: the one the facilitator set, else today in the workshop's zone."""
    if workshop.session_date is not None:
        return workshop.session_date
    return local_time(workshop, now or utcnow()).date()


def consensus_by_activity(session: Session, workshop: Workshop) -> dict[int, dict] | None:
    """Consensus per activity id, `{"score": 0..1, "label": str}` (issue 6's measure).

    `label` is the score with its rank, e.g. "0.62 (#2)"; definitions in docs/consensus.md.
    """
    results = compute_results(session, workshop)
    return {
        r["activity_id"]: {
            "score": r["consensus"],
            "label": f"{r['consensus']:.2f} (#{r['consensus_rank']})",
        }
        for r in results["activities"]
        if r.get("consensus") is not None
    }


def merge_history(session: Session, workshop: Workshop) -> list[dict] | None:
    """Standing merges, `[{"at", "kept_title", "merged_titles": [...]}]`, `at` local time."""
    titles = {
        activity_id: title
        for activity_id, title in session.execute(
            select(Activity.id, Activity.title).where(Activity.workshop_id == workshop.id)
        )
    }
    return [
        {
            "at": local_time(workshop, merge.created_at).strftime("%Y-%m-%d %H:%M"),
            "kept_title": titles.get(merge.target_id, ""),
            "merged_titles": [titles.get(s.activity_id, "") for s in merge.sources],
        }
        for merge in list_merges(session, workshop)
    ]


def plan_changes(session: Session, workshop: Workshop) -> dict | None:
    """The versions of the plan and what changed from the room's plan to the latest (None
    before the workshop was first closed): what the report tells of the follow-up."""
    versions = list_versions(session, workshop)
    if not versions:
        return None
    records = []
    for v in versions:
        document = document_of(v)  # parsed once per version
        records.append(
            {
                "number": v.number,
                "title": v.title,
                "room_plan": v.number == 1,
                "published_at": local_time(workshop, v.published_at),
                "activities": len(document["activities"]),
                "commitments": len(document["commitments"]),
            }
        )
    if len(versions) == 1:
        return {"versions": records, "latest": 1, "rows": []}
    latest = versions[-1].number
    rows = change_rows(compare_versions(session, workshop, 1, latest))
    return {"versions": records, "latest": latest, "rows": rows}


def _voters_by_participant(session: Session, workshop: Workshop) -> set[int]:
    return set(
        session.scalars(
            select(Vote.participant_id)
            .distinct()
            .join(Activity, Activity.id == Vote.activity_id)
            .where(
                Activity.workshop_id == workshop.id,
                Activity.status == ActivityStatus.VISIBLE.value,
            )
        )
    )


def participation(session: Session, workshop: Workshop, language: str | None = None) -> dict:
    """Who took part: by stakeholder group and by organisation (through the directory, else
    names folded together)."""
    people = list_participants(session, workshop)
    voted = _voters_by_participant(session, workshop)
    commented = Counter(
        dict(
            session.execute(
                select(Comment.participant_id, func.count(Comment.id))
                .where(Comment.workshop_id == workshop.id)
                .group_by(Comment.participant_id)
            ).all()
        )
    )
    commitments = Counter(
        c.organisation_key
        for c in session.scalars(select(Commitment).where(Commitment.workshop_id == workshop.id))
    )
    group_names = {g.id: word(g, "name", language) for g in workshop.groups}
    groups = count_by_group(session, workshop)
    voters_by_group = Counter(p.group_id for p in people if p.id in voted)
    for group in groups:
        group["voters"] = voters_by_group.get(group["group_id"], 0)
        group["name"] = group_names[group["group_id"]]
    organisations: dict[str, dict] = {}
    directory = load_directory(session, workshop)
    for person in people:
        _id, name, key = directory.identity(person.organisation)
        entry = organisations.setdefault(
            key,
            {"names": Counter(), "groups": Counter(), "participants": 0, "voters": 0},
        )
        entry["names"][name] += 1
        entry["groups"][group_names.get(person.group_id, "")] += 1
        entry["participants"] += 1
        entry["voters"] += person.id in voted
        entry.setdefault("comments", 0)
        entry["comments"] += commented.get(person.id, 0)
    by_organisation = [
        {
            "organisation": e["names"].most_common(1)[0][0],
            "groups": [name for name, _n in e["groups"].most_common() if name],
            "participants": e["participants"],
            "voters": e["voters"],
            "comments": e["comments"],
            "commitments": commitments.get(key, 0),
        }
        for key, e in organisations.items()
    ]
    by_organisation.sort(key=lambda o: (-o["participants"], o["organisation"].casefold()))
    return {
        "participants": len(people),
        "voters": len(voted),
        "commenters": sum(1 for p in people if commented.get(p.id)),
        "organisations": len(organisations),
        "by_group": groups,
        "by_organisation": by_organisation,
    }


def report_data(
    session: Session, workshop: Workshop, now: datetime | None = None, language: str | None = None
) -> dict:
    """Everything the report page shows, as plain data (the template only lays it out).

    `now` (UTC) is the clock: the session's date defaults to its day in the workshop's zone.
    Names and titles are the facilitator's wordings in `language` where given (the original
    otherwise).
    """
    now = now or utcnow()
    results = compute_results(session, workshop)
    activities = {a.id: a for a in list_activities(session, workshop)}
    commitments = list_commitments(session, workshop)
    keep = retained_ids(session, workshop)
    comments = list_comments(session, workshop)
    comment_count = Counter(c.activity_id for c in comments)
    consensus = consensus_by_activity(session, workshop)
    working = group_names(session, workshop, language)
    brought = brought_by(session, workshop) if working else {}
    ranked = []
    for entry in results["activities"]:
        activity = activities.get(entry["activity_id"])
        if activity is None:
            continue
        ranked.append(
            {
                **entry,
                "title": word(activity, "title", language),
                "track": word(activity.track, "name", language) if activity.track else "",
                "brought_by": [working[g] for g in brought.get(activity.id, []) if g in working],
                "retained": activity.id in keep,
                "comments": comment_count.get(activity.id, 0),
                "consensus": None if consensus is None else consensus.get(activity.id),
            }
        )
    rows = workplan_rows(session, workshop, commitments=commitments, results=results)
    tracks: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        activity = activities[row["activity_id"]]
        track = word(activity.track, "name", language) if activity.track else ""
        tracks[track].append(
            dict(
                row,
                title=word(activity, "title", language),
                description=word(activity, "description", language),
                brought_by_names=[working[g] for g in row["brought_by"] if g in working],
            )
        )
    by_activity: dict[int, list[dict]] = defaultdict(list)
    for comment in comments:
        if comment.activity_id in activities:
            by_activity[comment.activity_id].append({"text": comment.text})
    return {
        "workshop": {
            "title": workshop.title,
            "description": workshop.description,
            "code": workshop.code,
            "phase": workshop.phase,
            "language": workshop.language,
            "voting_mode": workshop.voting_mode,
            "budget": workshop.budget,
            "per_activity_cap": workshop.per_activity_cap,
            "created_at": workshop.created_at,
            "session_date": session_day(workshop, now),
            "venue": workshop.venue or "",
            "time_zone": time_zone(workshop).key,
        },
        "generated_at": local_time(workshop, now),
        "groups": [{"id": g.id, "name": word(g, "name", language)} for g in workshop.groups],
        "participation": participation(session, workshop, language),
        "working_groups": working_group_sections(session, workshop, language) if working else [],
        "rollup": ballot_rows(session, workshop, language, results=results) if working else [],
        "results": ranked,
        "voters": results["voters"],
        "consensus": consensus is not None,
        "workplan": [{"track": name, "rows": rows_} for name, rows_ in tracks.items()],
        "issues": workplan_issues(session, workshop, rows, commitments),
        "organisations": _organisations(commitments, keep, activities, language),
        "commitments": len(commitments),
        "retained": len(rows),
        "comments": [
            {"title": word(activities[a], "title", language), "comments": items}
            for a, items in sorted(
                by_activity.items(), key=lambda kv: (kv[0] not in keep, -len(kv[1]), kv[0])
            )
        ],
        "merges": merge_history(session, workshop),
        "plan": plan_changes(session, workshop),
        "role_order": ROLE_ORDER,
    }


def working_group_sections(
    session: Session, workshop: Workshop, language: str | None = None
) -> list[dict]:
    """A section per working group: its members' organisations (through the directory, as
    the participation table counts them), its proposals and its pre-vote ranking."""
    sections = group_sections(session, workshop, language)
    directory = load_directory(session, workshop)
    members: dict[int, Counter] = defaultdict(Counter)
    for person in list_participants(session, workshop):
        if person.working_group_id is not None:
            members[person.working_group_id][directory.identity(person.organisation)[1]] += 1
    for section in sections:
        section["organisations"] = [
            {"name": name, "people": n}
            for name, n in sorted(
                members[section["id"]].items(), key=lambda kv: (-kv[1], kv[0].casefold())
            )
        ]
    return sections


def _organisations(
    commitments: list, keep: set[int], activities: dict, language: str | None
) -> list[dict]:
    """Per organisation, the retained activities it leads, co-leads, partners and supports."""
    titles = (
        (
            c.organisation_key,
            c.organisation,
            c.role,
            word(activities[c.activity_id], "title", language),
        )
        for c in commitments
        if c.activity_id in keep and c.activity_id in activities
    )
    out = [
        {"organisation": o["organisation"], "roles": o["roles"]} for o in by_organisation(titles)
    ]
    out.sort(
        key=lambda o: (
            -len(o["roles"]["lead"]),
            -sum(len(v) for v in o["roles"].values()),
            o["organisation"].casefold(),
        )
    )
    return out
