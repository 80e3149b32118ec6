"""The workshop's voting rule in one place: what a vote may be, what is spent and left, what a
merge carries over, who sees the results, and the limits the pages are told.

Services run the queries and call these; snapshots and page configs send what they return, so
no page copies a number (STYLE 12).
"""

from collections.abc import Callable, Iterable

from ..models import (
    ACRONYM_MAX,
    COMMENT_MAX,
    CONSOLIDATION_TITLE_MAX,
    DESCRIPTION_MAX,
    MAX_RETAIN,
    NAME_MAX,
    NOTE_MAX,
    ORGANISATION_MAX,
    SCORE_MAX,
    SCORE_MIN,
    TIMEFRAME_MAX,
    TITLE_MAX,
    WORKSHOP_DESCRIPTION_MAX,
    WORKSHOP_TITLE_MAX,
    CommitmentRole,
    Phase,
    VotingMode,
    Workshop,
)
from .access import LABEL_MAX, PIN_MAX
from .errors import DomainError
from .text import clean_int
from .tokens import CODE_INPUT_MAX
from .workshops import TIME_ZONE_MAX

#: what a dots vote may be asked for before the cap is checked (a typo, not a rule)
POINTS_MAX = 1000


def voting_rule(workshop: Workshop) -> dict:
    """The rule as snapshots send it."""
    return {
        "mode": workshop.voting_mode,
        "budget": workshop.budget,
        "per_activity_cap": workshop.per_activity_cap,
    }


def page_limits() -> dict:
    """The limits and enumerations the page scripts mirror for comfort; the server judges."""
    return {
        "role_order": [role.value for role in CommitmentRole],
        "score_min": SCORE_MIN,
        "score_max": SCORE_MAX,
        "title_max": TITLE_MAX,
        "description_max": DESCRIPTION_MAX,
        "organisation_max": ORGANISATION_MAX,
        "acronym_max": ACRONYM_MAX,
        "name_max": NAME_MAX,
        "workshop_title_max": WORKSHOP_TITLE_MAX,
        "workshop_description_max": WORKSHOP_DESCRIPTION_MAX,
        "timeframe_max": TIMEFRAME_MAX,
        "note_max": NOTE_MAX,
        "comment_max": COMMENT_MAX,
        "pin_max": PIN_MAX,
        "code_max": CODE_INPUT_MAX,
        "time_zone_max": TIME_ZONE_MAX,
        "cohost_label_max": LABEL_MAX,
        "consolidation_title_max": CONSOLIDATION_TITLE_MAX,
        "retain_max": MAX_RETAIN,
    }


def limited_by_budget(workshop: Workshop) -> bool:
    """Whether votes spend from a budget: dots always, approvals when a budget is set."""
    return workshop.budget is not None and workshop.voting_mode != VotingMode.SCORE.value


def spent(workshop: Workshop, values: Iterable[int]) -> int:
    """What votes of these values spend: dots their sum, approvals one each."""
    if workshop.voting_mode == VotingMode.DOTS.value:
        return sum(values)
    return sum(1 for _ in values)


def left(workshop: Workshop, spent_now: int) -> int | None:
    """What is left to give; None when nothing limits it (scores, approvals without budget)."""
    return workshop.budget - spent_now if limited_by_budget(workshop) else None


def clean_points(workshop: Workshop, points: object) -> int:
    """A dots vote's new total on one activity, within the per-activity cap."""
    if points is None:
        raise DomainError("field_required", field="points")
    value = clean_int(points, "points", 0, POINTS_MAX)
    if value > workshop.per_activity_cap:
        raise DomainError("over_activity_cap", max=workshop.per_activity_cap)
    return value


def check_dots_room(workshop: Workshop, value: int, spent_elsewhere: int) -> None:
    """Refuse `value` dots on one activity when the rest already spent leaves no room."""
    if spent_elsewhere + value > workshop.budget:
        raise DomainError(
            "over_budget", budget=workshop.budget, left=workshop.budget - spent_elsewhere
        )


def clean_score(score: object) -> int:
    if score is None:
        raise DomainError("field_required", field="score")
    return clean_int(score, "score", SCORE_MIN, SCORE_MAX)


def may_approve_another(workshop: Workshop, approvals: int) -> bool:
    """Whether a participant with this many approvals may add one."""
    return workshop.budget is None or approvals < workshop.budget


def check_new_approval(workshop: Workshop, approvals: int) -> None:
    if not may_approve_another(workshop, approvals):
        raise DomainError("over_approvals", max=workshop.budget)


def vote_value(
    workshop: Workshop, points: object, score: object, others: list[int], *, new: bool
) -> int:
    """The value a vote (or a table's pre-vote) takes under the workshop's rule, the voter's
    `others` being the values of their other votes there; 0: a dots vote taken back.

    `new`: the voter has no vote on this activity yet (approval counts it against the budget).
    """
    mode = VotingMode(workshop.voting_mode)
    if mode is VotingMode.DOTS:
        value = clean_points(workshop, points)
        if value:
            check_dots_room(workshop, value, spent(workshop, others))
        return value
    if mode is VotingMode.SCORE:
        return clean_score(score)
    if new:
        check_new_approval(workshop, len(others))
    return 1


def merged_value(
    workshop: Workshop,
    target: int | None,
    sources: list[int],
    spent_elsewhere: Callable[[], int],
) -> int:
    """What a participant's vote on a merge's target becomes; 0 means no vote.

    `target` and `sources` are their votes there (None or 0: none); `spent_elsewhere` reads
    what they spend outside the merge, asked only when the rule needs it.
    """
    mode = workshop.voting_mode
    if mode == VotingMode.SCORE.value:
        return max([v for v in [target, *sources] if v])  # their strongest support carries over
    if mode == VotingMode.APPROVAL.value:
        if target or workshop.budget is None or may_approve_another(workshop, spent_elsewhere()):
            return 1
        return 0  # only hidden sources were approved, and the budget is used up
    room = workshop.budget - spent_elsewhere()
    return max(0, min(workshop.per_activity_cap, (target or 0) + sum(sources), room))


def combined_votes(
    workshop: Workshop,
    kept: dict[int, int],
    merged: dict[int, int],
    counted: Callable[[int], bool],
) -> dict[int, int]:
    """The kept participant's votes (activity -> value) once another one is merged into them.

    Their own votes stay as they are; the other's are added activity by activity, in activity
    order: dots within the per-activity cap and the room left in the budget, approvals while
    the budget has room, scores as the stronger of the two. What finds no room is returned to
    nobody: the person has one budget. `counted(activity)`: whether votes there spend from
    the budget now (visible activities); the others combine within the cap only, and a
    restore trims them as it trims anyone's.
    """
    mode = workshop.voting_mode
    result = dict(kept)
    spent_now = spent(workshop, (v for a, v in kept.items() if counted(a)))
    for activity in sorted(merged):
        mine = result.get(activity, 0)
        if mode == VotingMode.SCORE.value:
            result[activity] = max(mine, merged[activity])
            continue
        if mode == VotingMode.APPROVAL.value:
            add = 0 if mine else 1
            if add and counted(activity) and workshop.budget is not None:
                add = min(add, workshop.budget - spent_now)
        else:
            add = min(merged[activity], workshop.per_activity_cap - mine)
            if counted(activity):
                add = min(add, workshop.budget - spent_now)
        if add > 0:
            result[activity] = mine + add
            if counted(activity):
                spent_now += add
    return result


def over_budget(workshop: Workshop, spent_now: int) -> int:
    """How far past the budget a participant is (after a restore); 0 or less: within it."""
    return spent_now - workshop.budget


def within_budget(workshop: Workshop, value: int, over: int) -> tuple[int, int]:
    """What one vote (or pre-vote) of `value` keeps, and what it gives back to the budget, when
    its holder is `over` past the budget (after a restore or a merge): a dots vote gives up the
    excess when it holds more, any other vote goes whole (kept 0: delete it)."""
    if over <= 0:
        return value, 0
    if workshop.voting_mode == VotingMode.DOTS.value:
        kept = value - over if value > over else 0
        return kept, value - kept
    return 0, 1


def phones_see_results(live_results: bool, phase: str) -> bool:
    """Phones see the results while the facilitator shows them live, and once voting closed."""
    return bool(live_results) or phase == Phase.CLOSED.value
