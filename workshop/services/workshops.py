"""Workshops: creation, phases and settings."""

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, delete, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..models import (
    LANGUAGES,
    NAME_MAX,
    VENUE_MAX,
    WORKSHOP_DESCRIPTION_MAX,
    WORKSHOP_TITLE_MAX,
    Phase,
    ScreenScene,
    StakeholderGroup,
    Track,
    VotingMode,
    Workshop,
)
from . import wording
from .errors import DomainError, Forbidden, NotFound
from .text import clean_int, clean_text
from .tokens import hash_token, new_code, new_token, normalise_code

MAX_GROUPS = 20
MAX_TRACKS = 30
DOTS_BUDGET, DOTS_CAP = 5, 3

#: the facilitator may move forward, or back to reopen a phase
TRANSITIONS: dict[Phase, set[Phase]] = {
    Phase.SETUP: {Phase.PROPOSING, Phase.VOTING},
    Phase.PROPOSING: {Phase.SETUP, Phase.VOTING},
    Phase.VOTING: {Phase.PROPOSING, Phase.CLOSED},
    Phase.CLOSED: {Phase.VOTING},
}


#: "leave it as it is", where None (JSON null) means something: a session date of null is today
KEEP = object()

#: phases in which the facilitator may open commitments: alongside voting, or after it
COMMITMENT_PHASES = (Phase.VOTING.value, Phase.CLOSED.value)


@dataclass(frozen=True)
class VotingRule:
    mode: VotingMode
    budget: int | None
    per_activity_cap: int | None


def parse_voting_rule(raw: object) -> VotingRule:
    """Validate a `voting` object: mode, and budget/per_activity_cap where the mode uses them."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DomainError("field_invalid", field="voting")
    mode_raw = raw.get("mode") or VotingMode.DOTS.value
    try:
        mode = VotingMode(mode_raw)
    except ValueError:
        raise DomainError("voting_mode_invalid") from None
    budget = raw.get("budget")
    cap = raw.get("per_activity_cap")
    if mode is VotingMode.DOTS:
        budget = DOTS_BUDGET if budget in (None, "") else clean_int(budget, "budget", 1, 100)
        cap = DOTS_CAP if cap in (None, "") else clean_int(cap, "per_activity_cap", 1, 100)
        cap = min(cap, budget)
    elif mode is VotingMode.APPROVAL:
        budget = None if budget in (None, "", 0) else clean_int(budget, "budget", 1, 1000)
        cap = None
    else:
        budget = cap = None
    return VotingRule(mode, budget, cap)


def _clean_names(
    raw: object, field: str, limit: int, required: bool
) -> list[tuple[str, dict[str, str]]]:
    """Names, one per line (or a list), each with its wording in other languages:
    "Gouvernement | ar: الحكومة | en: Government" (wording.parse_line)."""
    if raw is None:
        raw = []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list):
        raise DomainError("field_invalid", field=field)
    names: list[tuple[str, dict[str, str]]] = []
    seen: set[str] = set()
    for item in raw:
        original, wordings = wording.parse_line(item)
        name = clean_text(original, field, NAME_MAX)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned = {k: wording.clean_wording("name", k[-2:], v) for k, v in wordings.items()}
            names.append((name, {k: v for k, v in cleaned.items() if v and v != name}))
    if required and not names:
        raise DomainError("groups_required")
    if len(names) > limit:
        raise DomainError("too_many", field=field, max=limit)
    return names


def create_workshop(
    session: Session,
    *,
    title: object,
    description: object = "",
    groups: object,
    tracks: object = None,
    voting: object = None,
    language: object = "fr",
    live_results: object = True,
) -> tuple[Workshop, str]:
    """Create a workshop; return it with the facilitator's token (shown once)."""
    rule = parse_voting_rule(voting)
    if language not in LANGUAGES:
        language = "fr"
    token = new_token()
    workshop = Workshop(
        code=_unused_code(session),
        title=clean_text(title, "title", WORKSHOP_TITLE_MAX, required=True),
        description=clean_text(
            description, "description", WORKSHOP_DESCRIPTION_MAX, multiline=True
        ),
        language=language,
        phase=Phase.SETUP.value,
        voting_mode=rule.mode.value,
        budget=rule.budget,
        per_activity_cap=rule.per_activity_cap,
        live_results=_bool(live_results, "live_results"),
        facilitator_token_hash=hash_token(token),
        screen_key=new_token(),
    )
    workshop.groups = [
        StakeholderGroup(name=n, position=i, **w)
        for i, (n, w) in enumerate(_clean_names(groups, "groups", MAX_GROUPS, required=True))
    ]
    workshop.tracks = [
        Track(name=n, position=i, **w)
        for i, (n, w) in enumerate(_clean_names(tracks, "tracks", MAX_TRACKS, required=False))
    ]
    session.add(workshop)
    session.flush()
    return workshop, token


def _unused_code(session: Session) -> str:
    for _ in range(20):
        code = new_code()
        if session.scalar(select(Workshop.id).where(Workshop.code == code)) is None:
            return code
    raise RuntimeError("no free workshop code")  # pragma: no cover - 887 million codes


def get_workshop(session: Session, code: object) -> Workshop:
    """Return the workshop with this join code (case and spaces forgiven) or raise."""
    if not isinstance(code, str):
        raise NotFound("workshop_not_found")
    workshop = session.scalar(select(Workshop).where(Workshop.code == normalise_code(code)))
    if workshop is None:
        raise NotFound("workshop_not_found")
    return workshop


def get_workshop_by_id(session: Session, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound("workshop_not_found")
    return workshop


def check_facilitator_token(workshop: Workshop, token: object) -> None:
    """Raise unless `token` is this workshop's facilitator token."""
    if not isinstance(token, str) or not token:
        raise Forbidden("facilitator_only")
    if not hmac.compare_digest(hash_token(token), workshop.facilitator_token_hash):
        raise Forbidden("facilitator_only")


def check_screen_key(workshop: Workshop, key: object) -> None:
    if not isinstance(key, str) or not hmac.compare_digest(key, workshop.screen_key):
        raise Forbidden("screen_key_invalid")


def set_phase(session: Session, workshop: Workshop, phase: object) -> Workshop:
    """Move the workshop to `phase` if the transition is allowed."""
    try:
        target = Phase(phase)
    except ValueError:
        raise DomainError("phase_invalid") from None
    current = Phase(workshop.phase)
    if target is current:
        return workshop
    if target not in TRANSITIONS[current]:
        raise DomainError("phase_transition_refused", current=current.value, target=target.value)
    workshop.phase = target.value
    # A countdown times one phase: running, paused or run out, it leaves the screens' headers
    # with it (back to idle; its duration is kept, so one tap starts it again).
    workshop.timer_ends_at = None
    workshop.timer_remaining_ms = None
    bump_version(session, workshop)
    return workshop


def update_settings(
    session: Session,
    workshop: Workshop,
    *,
    live_results: object = None,
    show_group_split: object = None,
    title: object = None,
    description: object = None,
    commitments_open: object = None,
    show_comments: object = None,
    show_workplan: object = None,
    screen_scene: object = None,
    session_date: object = KEEP,
    venue: object = None,
    time_zone: object = None,
) -> Workshop:
    """Change the facilitator's toggles and texts; None leaves a setting as it is.

    The big screen shows one scene at a time (`screen_scene`). `show_comments` and
    `show_workplan` are kept as the older way of saying the same thing: turning one on picks
    its scene, turning it off goes back to the automatic scene; `screen_scene`, if given too,
    has the last word. The two flags always say whether that scene is the one shown.
    """
    if live_results is not None:
        workshop.live_results = _bool(live_results, "live_results")
    if show_group_split is not None:
        workshop.show_group_split = _bool(show_group_split, "show_group_split")
    if commitments_open is not None:
        opening = _bool(commitments_open, "commitments_open")
        if opening and workshop.phase not in COMMITMENT_PHASES:
            raise DomainError("commitments_phase")
        workshop.commitments_open = opening
    for flag, value, scene in (
        ("show_comments", show_comments, ScreenScene.COMMENTS),
        ("show_workplan", show_workplan, ScreenScene.WORKPLAN),
    ):
        if value is None:
            continue
        if _bool(value, flag):
            set_screen_scene(workshop, scene)
        elif workshop.screen_scene == scene.value:
            set_screen_scene(workshop, ScreenScene.AUTO)
    if screen_scene is not None:
        set_screen_scene(workshop, screen_scene)
    if session_date is not KEEP:
        workshop.session_date = parse_session_date(session_date)
    if venue is not None:
        workshop.venue = clean_text(venue, "venue", VENUE_MAX)
    if time_zone is not None:
        workshop.time_zone = parse_time_zone(time_zone)
    if title is not None:
        workshop.title = clean_text(title, "title", WORKSHOP_TITLE_MAX, required=True)
    if description is not None:
        workshop.description = clean_text(
            description, "description", WORKSHOP_DESCRIPTION_MAX, multiline=True
        )
    bump_version(session, workshop)
    return workshop


#: what the automatic scene shows in each phase
AUTO_SCENES = {
    Phase.SETUP.value: ScreenScene.JOIN.value,
    Phase.PROPOSING.value: ScreenScene.PROPOSALS.value,
    Phase.VOTING.value: ScreenScene.RESULTS.value,
    Phase.CLOSED.value: ScreenScene.RESULTS.value,
}

#: what the automatic scene shows once the working groups' roll-up has made a ballot: the
#: roll-up until the plenary votes, then its results (with each activity's provenance)
AUTO_BALLOT_SCENES = {
    **AUTO_SCENES,
    Phase.SETUP.value: ScreenScene.ROLLUP.value,
    Phase.PROPOSING.value: ScreenScene.ROLLUP.value,
}


def set_screen_scene(workshop: Workshop, scene: object) -> None:
    """Show `scene` (a ScreenScene value) on the big screen, and keep the two flags in step."""
    try:
        chosen = ScreenScene(scene) if isinstance(scene, str) else None
    except ValueError:
        chosen = None
    if chosen is None:
        raise DomainError("field_invalid", field="screen_scene")
    workshop.screen_scene = chosen.value
    workshop.show_comments = chosen is ScreenScene.COMMENTS
    workshop.show_workplan = chosen is ScreenScene.WORKPLAN


def parse_session_date(value: object) -> date | None:
    """An ISO date ("YYYY-MM-DD"), or None: the report then prints the day it is printed."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DomainError("field_invalid", field="session_date")


#: the longest IANA time zone name taken (the longest known is 32 characters)
TIME_ZONE_MAX = 64


def parse_time_zone(value: object) -> str:
    """An IANA time zone name this server knows, e.g. "Africa/Casablanca"."""
    if isinstance(value, str) and 0 < len(value) <= TIME_ZONE_MAX:
        try:
            return ZoneInfo(value).key
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise DomainError("field_invalid", field="time_zone")


#: offered in the console's time zone field (any IANA name is accepted)
SUGGESTED_TIME_ZONES = (
    "Africa/Casablanca",
    "Africa/Algiers",
    "Africa/Tunis",
    "Africa/Cairo",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Madrid",
    "UTC",
)


def session_settings(workshop: Workshop) -> dict:
    """The session's date (null: the day of printing), venue and time zone, for the API."""
    return {
        "session_date": workshop.session_date.isoformat() if workshop.session_date else None,
        "venue": workshop.venue or "",
        "time_zone": workshop.time_zone,
    }


def _bool(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    raise DomainError("field_invalid", field=field)


_WORKSHOPS = Workshop.__table__
#: a Core statement, built once: it runs on every vote
_BUMP = (
    _WORKSHOPS.update()
    .where(_WORKSHOPS.c.id == bindparam("workshop_id"))
    .values(version=_WORKSHOPS.c.version + bindparam("by"))
)
_DEFERRED = "deferred_versions"


def bump_version(session: Session, workshop: Workshop) -> None:
    """Increase the workshop's snapshot version in one statement (safe across processes).

    Within `versions_bumped_at_end`, only counted here, and written once at its end.
    """
    deferred = session.info.get(_DEFERRED)
    if deferred is not None:
        deferred[workshop.id] = deferred.get(workshop.id, 0) + 1
    else:
        session.execute(_BUMP, {"workshop_id": workshop.id, "by": 1})
    loaded = inspect(workshop).dict
    if "version" in loaded:  # what synchronize_session="evaluate" did, without its cost
        set_committed_value(workshop, "version", loaded["version"] + 1)


@contextmanager
def versions_bumped_at_end(session: Session) -> Iterator[None]:
    """Many changes in one transaction, one version update per workshop, as the last statement.

    Every change still adds 1 to the version (a snapshot's version counts the changes), but
    the workshop's row is written once, at the end: on PostgreSQL its lock, which every
    other writer of the workshop waits for until the commit, is then held only for the
    commit instead of for the whole batch. If the block raises, nothing is written.
    """
    session.info[_DEFERRED] = deferred = {}
    try:
        yield
        session.info.pop(_DEFERRED, None)
        for workshop_id, count in sorted(deferred.items()):
            session.execute(_BUMP, {"workshop_id": workshop_id, "by": count})
    finally:
        session.info.pop(_DEFERRED, None)


def set_name_wordings(
    session: Session, workshop: Workshop, kind: str, item_id: object, values: object
) -> StakeholderGroup | Track:
    """The facilitator gives a stakeholder group's (`kind` "group") or a track's ("track")
    name in other languages: {"name_ar": ..., "name_en": ...}; "" removes one."""
    items = workshop.groups if kind == "group" else workshop.tracks
    found = [i for i in items if not isinstance(item_id, bool) and i.id == item_id]
    if not found:
        raise NotFound(f"{kind}_not_found")
    wording.set_wordings(found[0], ("name",), values)
    session.flush()
    bump_version(session, workshop)
    return found[0]


def list_workshops(session: Session) -> list[Workshop]:
    return list(session.scalars(select(Workshop).order_by(Workshop.created_at.desc())))


def delete_workshop(session: Session, workshop: Workshop) -> None:
    """Delete the workshop with every participant, activity and vote (database cascades)."""
    session.execute(delete(Workshop).where(Workshop.id == workshop.id))
    session.expunge(workshop)
