"""The public outcome page of a workshop, and an organisation's commitments on one page.

The page lives at an unguessable key (`secrets`), readable when the facilitator published it,
or once the room is closed unless they unpublished it (OutcomeState). It shows what the
facilitator made public (results, workplan, comments), the workplan as the latest published
version of the plan (services/plan_versions.py) or, before any, the plan as it stands.
Names are given in the reader's language where the workshop has them: activities, tracks and
groups (services/wording.py) and organisations (the directory).
"""

import secrets
from collections import defaultdict
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    OutcomePage,
    OutcomeState,
    Phase,
    PlanVersion,
    Workshop,
    utcnow,
)
from .comments import list_comments
from .commitments import ROLE_ORDER
from .errors import DomainError, NotFound
from .organisations import directory_key, list_organisations, organisation_name
from .plan_versions import ROOM_VERSION, document_of, latest_version, plan_document
from .report import local_time
from .results import compute_results
from .wording import word
from .workplan import _timeframe
from .workshops import bump_version

#: what the facilitator may make public, each a column of OutcomePage
PARTS = ("results", "workplan", "comments")
#: a key of 32 random bytes: 43 URL-safe characters
KEY_BYTES = 32


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def find_page(session: Session, workshop: Workshop) -> OutcomePage | None:
    return session.get(OutcomePage, workshop.id)


def ensure_page(session: Session, workshop: Workshop) -> OutcomePage:
    """The workshop's page, made with a fresh key the first time (two requests at once make
    one: the loser of the race reads the winner's row)."""
    page = find_page(session, workshop)
    if page is not None:
        return page
    try:
        with session.begin_nested():
            page = OutcomePage(workshop_id=workshop.id, key=new_key())
            session.add(page)
    except IntegrityError:
        page = find_page(session, workshop)
        if page is None:  # pragma: no cover - a key collision, 2**-256
            raise
    return page


def is_public(workshop: Workshop, page: OutcomePage | None) -> bool:
    if page is None or page.state == OutcomeState.UNPUBLISHED.value:
        return False
    return page.state == OutcomeState.PUBLISHED.value or workshop.phase == Phase.CLOSED.value


def outcome_state(session: Session, workshop: Workshop) -> dict:
    """What a snapshot says of the page: its key only once it is public."""
    page = find_page(session, workshop)
    public = is_public(workshop, page)
    return {"public": public, "key": page.key if public and page else None}


def outcome_record(workshop: Workshop, page: OutcomePage) -> dict:
    """The facilitator's view of the page: its key, state and what is public."""
    return {
        "key": page.key,
        "state": page.state,
        "public": is_public(workshop, page),
        **{part: getattr(page, f"show_{part}") for part in PARTS},
    }


def set_outcome(session: Session, workshop: Workshop, data: dict) -> OutcomePage:
    """Publish, unpublish or leave to closing (`state`), and choose what is public."""
    page = ensure_page(session, workshop)
    if "state" in data:
        state = data["state"]
        if state not in {s.value for s in OutcomeState}:
            raise DomainError("field_invalid", field="state")
        page.state = state
    for part in PARTS:
        if part in data:
            if not isinstance(data[part], bool):
                raise DomainError("field_invalid", field=part)
            setattr(page, f"show_{part}", data[part])
    session.flush()
    bump_version(session, workshop)
    return page


def public_page(session: Session, key: object) -> tuple[Workshop, OutcomePage]:
    """The workshop and page of a key, if the page is public; else `outcome_not_found`."""
    page = None
    if isinstance(key, str) and 0 < len(key) <= 64:
        page = session.scalars(select(OutcomePage).where(OutcomePage.key == key)).first()
    workshop = None if page is None else session.get(Workshop, page.workshop_id)
    if workshop is None or not is_public(workshop, page):
        raise NotFound("outcome_not_found")
    return workshop, page


def stamp(workshop: Workshop, page: OutcomePage) -> str:
    """Changes whenever what the page shows may have changed (a reader reloads then)."""
    return f"{workshop.version}-{page.state}"


# -- what the page shows ------------------------------------------------------------------------


class Names:
    """A workshop's names in one language: activities, tracks, groups, organisations."""

    def __init__(self, session: Session, workshop: Workshop, language: str) -> None:
        self.language = language
        self.activities = {
            a.id: a
            for a in session.scalars(select(Activity).where(Activity.workshop_id == workshop.id))
        }
        self.tracks = {t.name: t for t in workshop.tracks}
        self.track_order = {t.name: i for i, t in enumerate(workshop.tracks)}
        self.groups = {g.id: word(g, "name", language) for g in workshop.groups}
        self.organisations = {directory_key(o.id): o for o in list_organisations(session, workshop)}

    def activity(self, record: dict) -> tuple[str, str]:
        """(title, description) of a plan's activity: the wording of the activity as it is
        now, as long as its original is still the one the plan recorded."""
        activity = self.activities.get(record["id"])
        title, description = record["title"], record.get("description", "")
        if activity is not None and activity.title == title:
            title = word(activity, "title", self.language)
            if (activity.description or "") == description:
                description = word(activity, "description", self.language)
        return title, description

    def track(self, name: str) -> str:
        track = self.tracks.get(name)
        return word(track, "name", self.language) if track is not None else name

    def organisation(self, key: str, written: str) -> dict:
        """{key, name, acronym}: the directory's name in the language, else as written."""
        organisation = self.organisations.get(key)
        if organisation is None:
            return {"key": key, "name": written, "acronym": ""}
        name = organisation_name(organisation, self.language)
        acronym = organisation.acronym if organisation.acronym != name else ""
        group = self.groups.get(organisation.group_id, "")
        return {"key": key, "name": name, "acronym": acronym, "group": group}


def shown_version(session: Session, workshop: Workshop) -> tuple[PlanVersion | None, dict]:
    """The latest published version of the plan and its document; before any, the plan now."""
    version = latest_version(session, workshop)
    if version is None:
        return None, plan_document(session, workshop)
    return version, document_of(version)


def version_label(workshop: Workshop, version: PlanVersion | None) -> dict | None:
    """What the page says of the plan it shows (the web layer words it)."""
    if version is None:
        return None
    return {
        "number": version.number,
        "title": version.title,
        "room_plan": version.number == ROOM_VERSION,
        "date": local_time(workshop, version.published_at).date(),
    }


def plan_by_track(document: dict, names: Names, rank: dict[int, int]) -> list[dict]:
    """A plan document as tracks of activities, each with its organisations per role."""
    by_activity: dict[int, list[dict]] = defaultdict(list)
    for c in document["commitments"]:
        by_activity[c["activity_id"]].append(c)
    tracks: dict[str, list[dict]] = defaultdict(list)
    for record in document["activities"]:
        mine = by_activity.get(record["id"], [])
        title, description = names.activity(record)
        tracks[record["track"]].append(
            {
                "activity_id": record["id"],
                "title": title,
                "description": description,
                "rank": rank.get(record["id"]),
                "roles": [
                    (
                        role,
                        [
                            dict(
                                names.organisation(c["organisation_key"], c["organisation"]),
                                confirmed=c["status"] == "confirmed",
                            )
                            for c in mine
                            if c["role"] == role
                        ],
                    )
                    for role in ROLE_ORDER
                ],
                "timeframe": _timeframe([SimpleNamespace(**c) for c in mine]),
            }
        )
    ordered = sorted(
        tracks.items(),
        key=lambda kv: (kv[0] == "", names.track_order.get(kv[0], len(names.track_order)), kv[0]),
    )
    return [
        {
            "track": names.track(name),
            "activities": sorted(rows, key=lambda r: (r["rank"] or 10**9, r["activity_id"])),
        }
        for name, rows in ordered
    ]


def outcome_data(session: Session, workshop: Workshop, page: OutcomePage, language: str) -> dict:
    """Everything the public page shows, in `language`, as plain data."""
    names = Names(session, workshop, language)
    results = compute_results(session, workshop)
    rank = {r["activity_id"]: r["rank"] for r in results["activities"]}
    data: dict = {
        "title": workshop.title,
        "description": workshop.description,
        "phase": workshop.phase,
        "groups": [names.groups[g.id] for g in workshop.groups],
        "results": None,
        "workplan": None,
        "version": None,
        "comments": None,
    }
    if page.show_results:
        data["results"] = [
            {
                "rank": r["rank"],
                "title": names.activity(
                    {"id": r["activity_id"], "title": names.activities[r["activity_id"]].title}
                )[0],
                "total": r["total"],
                "voters": r["voters"],
                "by_group": [g["total"] for g in r["by_group"]],
                "voters_by_group": [g["voters"] for g in r["by_group"]],
            }
            for r in results["activities"]
        ]
        data["voters"] = results["voters"]
        data["mode"] = results["mode"]
    if page.show_workplan:
        version, document = shown_version(session, workshop)
        data["version"] = version_label(workshop, version)
        data["workplan"] = plan_by_track(document, names, rank)
    if page.show_comments:
        by_activity: dict[int, list[str]] = defaultdict(list)
        for comment in list_comments(session, workshop):
            activity = names.activities.get(comment.activity_id)
            if activity is not None and activity.status == ActivityStatus.VISIBLE.value:
                by_activity[comment.activity_id].append(comment.text)
        data["comments"] = [
            {"title": word(names.activities[a], "title", language), "comments": texts}
            for a, texts in sorted(
                by_activity.items(), key=lambda kv: (rank.get(kv[0], 10**9), kv[0])
            )
        ]
    return data


# -- one organisation's commitments -------------------------------------------------------------


def committed_organisations(session: Session, workshop: Workshop, language: str) -> list[dict]:
    """The organisations with commitments in the plan as it stands, with how many."""
    names = Names(session, workshop, language)
    counts: dict[str, int] = defaultdict(int)
    written: dict[str, str] = {}
    for c in plan_document(session, workshop)["commitments"]:
        counts[c["organisation_key"]] += 1
        written.setdefault(c["organisation_key"], c["organisation"])
    out = [dict(names.organisation(key, written[key]), commitments=n) for key, n in counts.items()]
    out.sort(key=lambda o: (o["acronym"] or o["name"]).casefold())
    return out


def organisation_commitments(
    session: Session,
    workshop: Workshop,
    organisation_key: object,
    language: str,
    now: datetime | None = None,
    *,
    name: str = "",
) -> dict:
    """One organisation's commitments in the plan as it stands, for its one-pager.

    Each: the activity (title, description, track), the role, timeframe, note, contact person
    and budget or resources (from the follow-up), whether it is confirmed, and the other
    organisations on the activity. `organisation_not_found` when the
    key names neither a commitment of the plan nor an organisation of the directory, unless
    the caller knows the organisation by `name` (a follow-up link whose commitments all went).
    """
    if not isinstance(organisation_key, str) or not organisation_key:
        raise NotFound("organisation_not_found")
    names = Names(session, workshop, language)
    document = plan_document(session, workshop)
    mine = [c for c in document["commitments"] if c["organisation_key"] == organisation_key]
    if not mine and organisation_key not in names.organisations and not name:
        raise NotFound("organisation_not_found")
    written = mine[0]["organisation"] if mine else name
    activities = {a["id"]: a for a in document["activities"]}
    others: dict[int, list[dict]] = defaultdict(list)
    for c in document["commitments"]:
        if c["organisation_key"] != organisation_key:
            others[c["activity_id"]].append(
                dict(names.organisation(c["organisation_key"], c["organisation"]), role=c["role"])
            )
    track_order = names.track_order
    items = []
    for c in mine:
        record = activities[c["activity_id"]]
        title, description = names.activity(record)
        items.append(
            {
                "activity_id": c["activity_id"],
                "title": title,
                "description": description,
                "track": names.track(record["track"]),
                "track_position": track_order.get(record["track"], len(track_order)),
                "role": c["role"],
                "timeframe": c["timeframe"],
                "note": c["note"],
                # (a version written before the follow-up has neither)
                "contact": c.get("contact", ""),
                "resources": c.get("resources", ""),
                "confirmed": c["status"] == "confirmed",
                "with": sorted(others.get(c["activity_id"], []), key=_by_role),
            }
        )
    items.sort(key=lambda i: (ROLE_ORDER.index(i["role"]), i["track_position"], i["title"]))
    return {
        "workshop": {"title": workshop.title, "code": workshop.code},
        "organisation": names.organisation(organisation_key, written),
        "commitments": items,
        "counts": [(role, sum(1 for i in items if i["role"] == role)) for role in ROLE_ORDER],
        "as_of": local_time(workshop, now or utcnow()).date(),
    }


def _by_role(entry: dict) -> tuple:
    return (ROLE_ORDER.index(entry["role"]), entry["name"].casefold())
