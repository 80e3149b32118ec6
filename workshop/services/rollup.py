"""The roll-up: what the working groups bring to the plenary becomes its ballot.

For each group, in group order: the activities its table facilitator marked "to plenary" if
it marked any, else its top N by pre-vote (prevoting.py), each a BallotEntry that keeps where
it comes from (the group, its rank, total and voters at the table, whether it was marked).
Once there is a ballot, the plenary votes on its activities only (voting.py) and the results
list them only, with their provenance (results.py).

Duplicates across groups are proposed with the engine of the console's duplicate list
(duplicates.py) and merged with the merge service (merging.py) as any merge: the target's entry
stays, the source's stays with its activity marked merged, so "brought by groups A and B" reads
from the ballot. A ballot activity may not be merged into one off the ballot (the `ballot`
mover below refuses it): its supporters' votes would go where the plenary may not vote.
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import (
    Activity,
    ActivityStatus,
    BallotEntry,
    Merge,
    Phase,
    Workshop,
)
from .activities import get_activity
from .errors import DomainError
from .merge_movers import Mover
from .merging import register_mover
from .prevoting import prevote_results
from .results import PROVENANCE_FIELDS, ballot_entries
from .similarity import DEFAULT_THRESHOLD, SimilarityIndex
from .text import clean_int
from .working_groups import get_working_group, list_working_groups
from .workshops import bump_version

#: the most activities one group may bring by rank (POST /rollup {"top_n"})
TOP_N_MAX = 20
#: once the plenary votes, its ballot stands
_LOCKED = (Phase.VOTING.value, Phase.CLOSED.value)


def _check_unlocked(workshop: Workshop) -> None:
    if workshop.phase in _LOCKED:
        raise DomainError("ballot_locked")


def roll_up(session: Session, workshop: Workshop, top_n: object) -> list[BallotEntry]:
    """Make the plenary's ballot from the groups (replacing one made before), and return it."""
    _check_unlocked(workshop)
    top_n = clean_int(top_n, "top_n", 1, TOP_N_MAX)
    groups = list_working_groups(session, workshop)
    if not groups:
        raise DomainError("working_groups_none")
    marked = set(
        session.scalars(
            select(Activity.id).where(
                Activity.workshop_id == workshop.id,
                Activity.to_plenary.is_(True),
                Activity.status == ActivityStatus.VISIBLE.value,
            )
        )
    )
    session.execute(delete(BallotEntry).where(BallotEntry.workshop_id == workshop.id))
    position = 0
    for group in groups:
        ranked = prevote_results(session, workshop, group.id)
        chosen = [r for r in ranked if r["activity_id"] in marked]
        if not chosen:  # nothing marked at this table: its top N among what it supported
            chosen = [r for r in ranked if r["voters"] > 0][:top_n]
        for result in chosen:
            position += 1
            session.add(
                BallotEntry(
                    workshop_id=workshop.id,
                    activity_id=result["activity_id"],
                    working_group_id=group.id,
                    position=position,
                    prevote_rank=result["rank"],
                    prevote_total=_stored_total(result["total"]),
                    prevote_voters=result["voters"],
                    marked=result["activity_id"] in marked,
                )
            )
    session.flush()
    bump_version(session, workshop)
    return ballot_entries(session, workshop)


def _stored_total(total: float | int) -> int:
    """A pre-vote total as the ballot keeps it (an integer column): a mean score is rounded."""
    return int(round(total))


def undo_roll_up(session: Session, workshop: Workshop) -> int:
    """Remove the ballot (the plenary votes on every activity again); how many entries went."""
    _check_unlocked(workshop)
    removed = session.execute(
        delete(BallotEntry).where(BallotEntry.workshop_id == workshop.id)
    ).rowcount
    if removed or workshop.rollup_focus_group_id is not None:
        workshop.rollup_focus_group_id = None  # no ballot: no group to show
        session.flush()
        bump_version(session, workshop)
    return removed


def set_rollup_focus(session: Session, workshop: Workshop, group_id: object) -> int | None:
    """Show one group's part of the ballot on the big screen, as its rapporteur speaks
    (None: every group, the pages turning); a group is shown only once there is a ballot."""
    if group_id is None:
        focus = None
    else:
        focus = get_working_group(session, workshop, group_id).id
        if not ballot_entries(session, workshop):
            raise DomainError("rollup_none")
    if workshop.rollup_focus_group_id != focus:
        workshop.rollup_focus_group_id = focus
        session.flush()
        bump_version(session, workshop)
    return focus


def set_to_plenary(
    session: Session, workshop: Workshop, activity_id: object, to_plenary: object
) -> Activity:
    """Mark (or unmark) one of a group's activities "bring to plenary"."""
    if not isinstance(to_plenary, bool):
        raise DomainError("field_invalid", field="to_plenary")
    activity = get_activity(session, workshop, activity_id)
    if activity.working_group_id is None:
        raise DomainError("activity_no_working_group")
    if to_plenary and activity.status != ActivityStatus.VISIBLE.value:
        raise DomainError("activity_hidden")
    if activity.to_plenary != to_plenary:
        activity.to_plenary = to_plenary
        session.flush()
        bump_version(session, workshop)
    return activity


def ballot_record(entry: BallotEntry, merged_into: dict[int, int] | None = None) -> dict:
    """A ballot entry as the API and snapshots send it; `merged_into_id`: the activity its own
    was merged into since (None: not merged)."""
    return {
        "activity_id": entry.activity_id,
        "position": entry.position,
        **{field: getattr(entry, field) for field in PROVENANCE_FIELDS},
        "merged_into_id": (merged_into or {}).get(entry.activity_id),
    }


def ballot(session: Session, workshop: Workshop) -> list[dict]:
    """The ballot's records in presenting order ([]: no roll-up)."""
    entries = ballot_entries(session, workshop)
    if not entries:
        return []
    merged_into = dict(
        session.execute(
            select(Activity.id, Activity.merged_into_id).where(
                Activity.id.in_([e.activity_id for e in entries]),
                Activity.merged_into_id.is_not(None),
            )
        ).all()
    )
    return [ballot_record(entry, merged_into) for entry in entries]


def ballot_duplicates(index: SimilarityIndex, entries: list[dict]) -> list[dict]:
    """Likely duplicates among the ballot's activities brought by different groups.

    `index`: the console's duplicate index (duplicates.index_for over the visible
    activities), so that a pair scores here as it does in the console's list.
    """
    group_of = {
        e["activity_id"]: e["working_group_id"] for e in entries if e["merged_into_id"] is None
    }
    return [
        {"activity_ids": [p.a, p.b], "score": round(p.score, 3)}
        for p in index.pairs(DEFAULT_THRESHOLD)
        if p.a in group_of and p.b in group_of and group_of[p.a] != group_of[p.b]
    ]


# -- a merge keeps the plenary on the ballot ------------------------------------------------


def _check_merge(session: Session, workshop: Workshop, merge: Merge) -> None:
    """Refuse to merge a ballot activity into one off the ballot: its supporters' votes would
    go where the plenary may not vote (merge the other way round instead)."""
    sources = [s.activity_id for s in merge.sources]
    on_ballot = set(
        session.scalars(
            select(BallotEntry.activity_id).where(
                BallotEntry.workshop_id == workshop.id,
                BallotEntry.activity_id.in_([merge.target_id, *sources]),
            )
        )
    )
    if on_ballot and merge.target_id not in on_ballot:
        raise DomainError("merge_target_off_ballot")


def _nothing_to_restore(session: Session, workshop: Workshop, merge: Merge) -> None:
    """Entries never move: an undo finds every one where it was."""


register_mover(Mover("ballot", _check_merge, _nothing_to_restore))
