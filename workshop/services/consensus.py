"""Consensus across stakeholder groups: who supports what, weighed so that no group drowns another.

Pure functions over counts (no database): `results.compute_results` gathers the counts and
calls `annotate`. Definitions and reasons are in docs/consensus.md.
"""

import math
from dataclasses import dataclass

#: score mode: a score of at least this counts as support
SCORE_SUPPORT = 4
#: broad support: every group with voters has at least this share of its voters supporting
BROAD_SHARE = 1 / 3
#: contested: a majority of some group supports it while another gives no support at all
STRONG_SHARE = 1 / 2
#: contested and single-group speak of a group's support: at least this many of its people
MIN_SUPPORTERS = 2

FLAGS = ("broad_support", "contested", "single_group")


def rule() -> dict:
    """The thresholds, sent with the results so that every screen can say what a flag means."""
    return {
        "score_support": SCORE_SUPPORT,
        "broad_share": round(BROAD_SHARE, 3),
        "strong_share": round(STRONG_SHARE, 3),
        "min_supporters": MIN_SUPPORTERS,
    }


@dataclass(frozen=True)
class GroupCounts:
    """One activity, one group: supporters, votes cast and points (or score sum) given."""

    supporters: int = 0
    votes: int = 0
    points: int = 0


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


def flags(supporters: list[int], voters: list[int]) -> list[str]:
    """broad_support, contested, single_group: see docs/consensus.md."""
    present = [(s, v) for s, v in zip(supporters, voters, strict=True) if v > 0]
    if len(present) < 2:
        return []  # with one group in the room there is no cross-group question
    shares = [s / v for s, v in present]
    found = []
    if min(shares) >= BROAD_SHARE:
        found.append("broad_support")
    strong = any(s >= MIN_SUPPORTERS and s / v >= STRONG_SHARE for s, v in present)
    silent = any(s == 0 and v >= MIN_SUPPORTERS for s, v in present)
    if strong and silent:
        found.append("contested")
    backing = [s for s, _ in present if s > 0]
    if len(backing) == 1 and backing[0] >= MIN_SUPPORTERS:
        found.append("single_group")
    return found


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
        item["flags"] = flags(supporters, group_voters)
    _ranks(items, "consensus", "consensus_rank")
    _ranks(items, "equal_total", "equal_rank")
