"""The voting rule's one home (services/rules.py) and the rules pages are sent."""

from types import SimpleNamespace

import pytest

from workshop.models import (
    NOTE_MAX,
    SCORE_MAX,
    SCORE_MIN,
    TIMEFRAME_MAX,
    TITLE_MAX,
    CommitmentRole,
)
from workshop.services import rules
from workshop.services.commitments import ROLE_ORDER, by_organisation, committable_ids
from workshop.services.errors import DomainError


def rule(mode, budget=None, cap=None):
    return SimpleNamespace(voting_mode=mode, budget=budget, per_activity_cap=cap)


def test_page_limits_are_the_models_limits():
    limits = rules.page_limits()
    assert (limits["score_min"], limits["score_max"]) == (SCORE_MIN, SCORE_MAX)
    assert limits["title_max"] == TITLE_MAX
    assert (limits["timeframe_max"], limits["note_max"]) == (TIMEFRAME_MAX, NOTE_MAX)
    assert limits["role_order"] == ROLE_ORDER == [r.value for r in CommitmentRole]


def test_spent_and_left_by_mode():
    dots, approval = rule("dots", 10, 4), rule("approval", 3)
    assert rules.left(dots, rules.spent(dots, [2, 3])) == 5
    assert rules.left(approval, rules.spent(approval, [1, 1])) == 1
    assert rules.left(rule("approval"), 2) is None
    assert rules.left(rule("score"), rules.spent(rule("score"), [5])) is None


def test_dots_are_refused_over_the_cap_and_over_the_budget():
    dots = rule("dots", 10, 4)
    with pytest.raises(DomainError) as over_cap:
        rules.clean_points(dots, 5)
    assert over_cap.value.key == "over_activity_cap"
    with pytest.raises(DomainError) as over_budget:
        rules.check_dots_room(dots, 3, 8)
    assert over_budget.value.key == "over_budget" and over_budget.value.params["left"] == 2
    rules.check_dots_room(dots, 2, 8)


def test_a_vote_over_the_budget_keeps_what_it_can_and_gives_back_the_rest():
    dots, approval = rule("dots", 10, 4), rule("approval", 3)
    assert rules.within_budget(dots, 3, 0) == (3, 0)  # within the budget: untouched
    assert rules.within_budget(dots, 3, -2) == (3, 0)
    assert rules.within_budget(dots, 3, 2) == (1, 2)  # the excess only
    assert rules.within_budget(dots, 3, 3) == (0, 3)  # nothing would be left: the vote goes
    assert rules.within_budget(dots, 2, 5) == (0, 2)  # gives back all it has, not more
    assert rules.within_budget(approval, 1, 1) == (0, 1)  # an approval is whole or gone
    assert rules.within_budget(approval, 1, 0) == (1, 0)


def test_merged_value_reads_what_was_spent_only_when_needed():
    asked = []

    def spent_elsewhere():
        asked.append(1)
        return 9

    assert rules.merged_value(rule("score"), 2, [4], spent_elsewhere) == 4
    assert rules.merged_value(rule("approval"), 1, [1], spent_elsewhere) == 1
    assert rules.merged_value(rule("approval"), None, [1], spent_elsewhere) == 1
    assert asked == []
    assert rules.merged_value(rule("approval", 9), None, [1], spent_elsewhere) == 0
    assert rules.merged_value(rule("dots", 10, 4), 2, [3], spent_elsewhere) == 1


def test_phones_see_results_live_or_once_closed():
    assert rules.phones_see_results(True, "voting")
    assert rules.phones_see_results(False, "closed")
    assert not rules.phones_see_results(False, "voting")


def test_committable_ids():
    assert committable_ids(False, [1, 2], []) == []
    assert committable_ids(True, [2, 1], []) == [1, 2]
    assert committable_ids(True, [1, 2, 3], [3]) == [3]


def test_by_organisation_folds_names_and_keeps_items_in_order():
    out = by_organisation(
        [("onu", "ONU", "lead", "a"), ("onu", "Onu", "support", "b"), ("onu", "ONU", "lead", "c")]
    )
    assert out == [
        {
            "organisation": "ONU",
            "roles": {"lead": ["a", "c"], "co_lead": [], "partner": [], "support": ["b"]},
            "items": ["a", "b", "c"],
        }
    ]
