"""Consensus across stakeholder groups: who supports what, weighed so that no group drowns another.

Pure functions over counts (no database): `results.compute_results` gathers the counts and
calls `annotate`. Definitions and reasons are in docs/consensus.md.
"""

import math
from dataclasses import dataclass

#: score mode: a score of at least this counts as support
SCORE_SUPPORT = 4
#: score mode: a score of at most this is a low score, the only opposition a vote can express
SCORE_LOW = 2
#: broad support: every group with voters has at least this share of its voters supporting
BROAD_SHARE = 1 / 3
#: a group's majority: this share of its voters (support, or low scores when contested)
STRONG_SHARE = 1 / 2
#: a flag speaks of a group only through at least this many of its people
MIN_SUPPORTERS = 2

#: every flag, in the order they are listed; their words live in workshop/messages.py (FLAGS).
#: Dots and approvals cannot oppose: only a score vote's low scores make `contested`.
FLAGS = ("broad_support", "contested", "no_support_from", "single_group")


def rule() -> dict:
    """The thresholds, sent with the results so that every screen can say what a flag means."""
    return {
        "score_support": SCORE_SUPPORT,
        "broad_share": round(BROAD_SHARE, 3),
        "score_low": SCORE_LOW,
        "strong_share": round(STRONG_SHARE, 3),
        "min_supporters": MIN_SUPPORTERS,
    }


@dataclass(frozen=True)
class GroupCounts:
    """One activity, one group: supporters, votes cast and points (or score sum) given."""

    supporters: int = 0
    votes: int = 0
    points: int = 0
    #: score mode: how many scored it at most SCORE_LOW (dots and approval: always 0)
    low: int = 0


def consensus_score(supporters: list[int], voters: list[int]) -> tuple[float, float]:
    """(geometric mean, product) over groups of (supporters + 1) / (voters + 2).

    The product is Pol.is's group-informed consensus; its geometric mean ranks the same way
    and reads as a share, whatever the number of groups. Groups without voters are left out.
    """
    factors = [(s + 1) / (v + 2) for s, v in zip(supporters, voters, strict=True) if v > 0]
    if not factors:
        return 0.0, 0.0
    product = math.prod(factors)
    return product ** (1 / len(factors)), product


def flag_groups(
    supporters: list[int], voters: list[int], low: list[int] | None = None
) -> dict[str, list[int]]:
    """Each flag that holds, with the indexes of the groups its words name; docs/consensus.md.

    `low` (score mode only) counts each group's low scores; without it nothing is contested,
    since a dot or an approval that is not given says no more than an absence of support.
    """
    present = [i for i, v in enumerate(voters) if v > 0]
    if len(present) < 2:
        return {}  # with one group in the room there is no cross-group question
    found: dict[str, list[int]] = {}
    if all(supporters[i] / voters[i] >= BROAD_SHARE for i in present):
        found["broad_support"] = present
    strong = any(
        supporters[i] >= MIN_SUPPORTERS and supporters[i] / voters[i] >= STRONG_SHARE
        for i in present
    )
    opposed = [
        i
        for i in present
        if low is not None and low[i] >= MIN_SUPPORTERS and low[i] / voters[i] >= STRONG_SHARE
    ]
    if strong and opposed:
        found["contested"] = opposed
    backing = [i for i in present if supporters[i] > 0]
    single = len(backing) == 1 and supporters[backing[0]] >= MIN_SUPPORTERS
    silent = [
        i
        for i in present
        if supporters[i] == 0 and voters[i] >= MIN_SUPPORTERS and i not in opposed
    ]
    if strong and silent and not single:  # single_group already says no other group supports
        found["no_support_from"] = silent
    if single:
        found["single_group"] = backing
    return found


def flags(supporters: list[int], voters: list[int], low: list[int] | None = None) -> list[str]:
    """The keys of `flag_groups`, in FLAGS order."""
    return list(flag_groups(supporters, voters, low))


def _ranks(items: list[dict], key: str, field: str) -> None:
    """Competition ranking (1, 2, 2, 4) by `key` descending, written into `field`."""
    ordered = sorted(items, key=lambda r: (-r[key], -r["total"], r["activity_id"]))
    rank, previous = 0, None
    for position, item in enumerate(ordered, start=1):
        if item[key] != previous:
            rank, previous = position, item[key]
        item[field] = rank


def equal_weight_totals(
    counts: dict[int, list[GroupCounts]], group_count: int, mean: bool
) -> dict[int, float]:
    """Totals as if every group had cast the same weight of votes.

    Points (or approvals) of each group are scaled so that every group that voted weighs
    the same, the sum staying that of the raw totals; in score mode, the mean over groups
    of each group's mean score.
    """
    if mean:
        out = {}
        for activity_id, per_group in counts.items():
            means = [g.points / g.votes for g in per_group if g.votes]
            out[activity_id] = round(sum(means) / len(means), 2) if means else 0
        return out
    group_totals = [sum(per[i].points for per in counts.values()) for i in range(group_count)]
    voting_groups = [i for i, total in enumerate(group_totals) if total > 0]
    if not voting_groups:
        return dict.fromkeys(counts, 0)
    weight = sum(group_totals) / len(voting_groups)
    return {
        activity_id: round(
            sum(per_group[i].points * weight / group_totals[i] for i in voting_groups), 2
        )
        for activity_id, per_group in counts.items()
    }


def annotate(
    items: list[dict],
    counts: dict[int, list[GroupCounts]],
    group_ids: list[int],
    group_voters: list[int],
    mean: bool,
) -> None:
    """Add the consensus fields to each result item; lists follow the workshop's group order."""
    equal = equal_weight_totals(counts, len(group_voters), mean)
    for item in items:
        per_group = counts.get(item["activity_id"], [GroupCounts()] * len(group_voters))
        supporters = [g.supporters for g in per_group]
        item["support"] = [
            {
                "group_id": group_id,
                "supporters": g.supporters,
                "share": round(g.supporters / voters, 3) if voters else None,
            }
            for group_id, g, voters in zip(group_ids, per_group, group_voters, strict=True)
        ]
        score, product = consensus_score(supporters, group_voters)
        item["consensus"] = round(score, 4)
        item["gic"] = round(product, 6)
        item["equal_total"] = equal.get(item["activity_id"], 0)
        low = [g.low for g in per_group] if mean else None
        found = flag_groups(supporters, group_voters, low)
        item["flags"] = list(found)
        item["flag_groups"] = {
            flag: [group_ids[i] for i in indexes] for flag, indexes in found.items()
        }
    _ranks(items, "consensus", "consensus_rank")
    _ranks(items, "equal_total", "equal_rank")
