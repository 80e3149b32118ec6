"""Editing the organisation directory, and what follows in the workshop's commitments.

Organisations are created, edited, imported or copied; a name typed at join can be mapped onto
an organisation of the directory ("merge organisations"). A commitment made in a name the
directory now spells joins the organisation. A merged name becomes one of the organisation's
aliases, so its participants follow (they are matched through the directory); its commitments
take the organisation's key, and one that meets a commitment of the organisation on the same
activity is folded into it (commitments.combine_commitments). Every commitment changed is
kept as it was, so that an undo puts everything back.
"""

import json

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import (
    ORGANISATION_MAX,
    AliasKind,
    Commitment,
    Organisation,
    OrganisationAlias,
    OrganisationMerge,
    OrganisationMove,
    Workshop,
    utcnow,
)
from .commitments import combine_commitments
from .errors import Conflict, DomainError
from .lookup import get_in_workshop
from .organisations import (
    MAX_ORGANISATIONS,
    apply_entry,
    clean_entry,
    directory_key,
    directory_rows,
    find_organisation,
    get_organisation,
    organisation_key,
    organisation_label,
    organisation_record,
    plan_entries,
    read_directory_file,
    relabel_commitments,
)
from .text import clean_text
from .workshops import bump_version

#: the columns of a commitment a merge may change, and that an undo restores
SAVED = (
    "activity_id",
    "organisation",
    "organisation_key",
    "organisation_id",
    "group_id",
    "role",
    "timeframe",
    "note",
    "status",
    "made_by_id",
)


def _saved(commitment: Commitment) -> str:
    return json.dumps({name: getattr(commitment, name) for name in SAVED})


def create_organisation(session: Session, workshop: Workshop, data: object) -> Organisation:
    entry = clean_entry(workshop, data)
    count = session.scalar(
        select(func.count(Organisation.id)).where(Organisation.workshop_id == workshop.id)
    )
    if count >= MAX_ORGANISATIONS:
        raise DomainError("too_many", field="organisations", max=MAX_ORGANISATIONS)
    organisation = Organisation(workshop_id=workshop.id)
    session.add(organisation)
    session.flush()
    _save(session, workshop, [(entry, organisation)])
    return organisation


def edit_organisation(
    session: Session, workshop: Workshop, organisation_id: object, data: object
) -> Organisation:
    """Change what is given of an organisation: names, acronym, aliases (all of them), group."""
    organisation = get_organisation(session, workshop, organisation_id)
    if not isinstance(data, dict):
        raise DomainError("field_invalid", field="organisation")
    current = organisation_record(organisation)
    current["group"] = current.pop("group_id")
    _save(session, workshop, [(clean_entry(workshop, {**current, **data}), organisation)])
    return organisation


def delete_organisation(session: Session, workshop: Workshop, organisation_id: object) -> None:
    """Remove an organisation no commitment names (its participants keep the names typed)."""
    organisation = get_organisation(session, workshop, organisation_id)
    used = session.scalar(
        select(func.count(Commitment.id)).where(Commitment.organisation_id == organisation.id)
    )
    if used:
        raise Conflict("organisation_in_use", count=used)
    session.execute(delete(Organisation).where(Organisation.id == organisation.id))
    session.expunge(organisation)
    bump_version(session, workshop)


def import_organisations(session: Session, workshop: Workshop, data: bytes) -> list[Organisation]:
    """Import a CSV or XLSX directory (organisations.COLUMNS): every row, or none at all.

    A row that spells an organisation already there completes it (aliases added, names and
    group replaced where given), so that importing a file twice changes nothing.
    """
    return _save_planned(
        session, workshop, plan_entries(session, workshop, read_directory_file(data))
    )


def copy_directory(session: Session, workshop: Workshop, source: Workshop) -> list[Organisation]:
    """Bring another workshop's directory into this one (groups matched by name)."""
    if source.id == workshop.id:
        raise DomainError("field_invalid", field="source")
    known = {g.name.casefold() for g in workshop.groups}
    rows = []
    for line, row in enumerate(directory_rows(session, source), start=2):
        if row["stakeholder_group"].casefold() not in known:
            row["stakeholder_group"] = ""
        rows.append((line, row))
    return _save_planned(session, workshop, plan_entries(session, workshop, rows))


def _save_planned(session: Session, workshop: Workshop, plans: list) -> list[Organisation]:
    pairs = []
    for entry, owner in plans:
        if owner is None:
            owner = Organisation(workshop_id=workshop.id)
            session.add(owner)
            session.flush()
        pairs.append((entry, owner))
    _save(session, workshop, pairs)
    return [organisation for _entry, organisation in pairs]


def _save(session: Session, workshop: Workshop, pairs: list[tuple]) -> None:
    """Give each organisation its entry; commitments follow the names it now spells."""
    for entry, organisation in pairs:
        apply_entry(session, workshop, organisation, entry)
        relabel_commitments(session, workshop, organisation)
    for _entry, organisation in pairs:
        for alias in organisation.aliases:
            adopt_commitments(session, workshop, organisation, alias.key, alias.name)
    bump_version(session, workshop)


def merge_organisation(
    session: Session, workshop: Workshop, name: object, organisation_id: object
) -> OrganisationMerge:
    """Map the name typed at join (any spelling of its key) onto a directory organisation."""
    spelling = clean_text(name, "name", ORGANISATION_MAX, required=True)
    organisation = get_organisation(session, workshop, organisation_id)
    key = organisation_key(spelling)
    if not key:
        raise DomainError("field_invalid", field="name")
    holder = find_organisation(session, workshop, spelling)
    if holder is not None:
        raise Conflict(
            "alias_taken",
            alias=spelling,
            organisation=organisation_label(holder, workshop.language),
        )
    alias = OrganisationAlias(
        workshop_id=workshop.id, name=spelling, key=key, kind=AliasKind.ALIAS.value
    )
    organisation.aliases.append(alias)
    session.flush()
    merge = OrganisationMerge(
        workshop_id=workshop.id,
        organisation_id=organisation.id,
        name=spelling,
        key=key,
        alias_id=alias.id,
    )
    session.add(merge)
    _move_commitments(session, workshop, merge, organisation)
    bump_version(session, workshop)
    return merge


def adopt_commitments(
    session: Session, workshop: Workshop, organisation: Organisation, key: str, name: str
) -> OrganisationMerge | None:
    """Commitments made in a name the directory now spells `key` join its organisation,
    recorded as a merge (its undo leaves the directory as the facilitator made it)."""
    free = session.scalar(
        select(Commitment.id).where(
            Commitment.workshop_id == workshop.id,
            Commitment.organisation_key == key,
            Commitment.organisation_id.is_(None),
        )
    )
    if free is None:
        return None
    merge = OrganisationMerge(
        workshop_id=workshop.id, organisation_id=organisation.id, name=name, key=key
    )
    session.add(merge)
    _move_commitments(session, workshop, merge, organisation)
    return merge


def _move_commitments(
    session: Session, workshop: Workshop, merge: OrganisationMerge, organisation: Organisation
) -> None:
    target_key = directory_key(organisation.id)
    label = organisation_label(organisation, workshop.language)
    moving = session.scalars(
        select(Commitment)
        .where(Commitment.workshop_id == workshop.id, Commitment.organisation_key == merge.key)
        .order_by(Commitment.id)
    ).all()
    session.flush()
    for commitment in moving:
        kept = session.scalar(
            select(Commitment).where(
                Commitment.activity_id == commitment.activity_id,
                Commitment.organisation_key == target_key,
            )
        )
        if kept is None:
            merge.moves.append(
                OrganisationMove(kind="commitment", row_id=commitment.id, before=_saved(commitment))
            )
            commitment.organisation_id, commitment.organisation_key = organisation.id, target_key
            commitment.organisation = label
            continue
        merge.moves.append(OrganisationMove(kind="commitment", row_id=kept.id, before=_saved(kept)))
        merge.moves.append(
            OrganisationMove(kind="removed", row_id=commitment.id, before=_saved(commitment))
        )
        combine_commitments(kept, commitment)
        session.delete(commitment)
    session.flush()


def get_organisation_merge(
    session: Session, workshop: Workshop, merge_id: object
) -> OrganisationMerge:
    return get_in_workshop(session, OrganisationMerge, workshop, merge_id, "merge_not_found")


def undo_organisation_merge(
    session: Session, workshop: Workshop, merge_id: object
) -> OrganisationMerge:
    """Put back the commitments as they were and remove the alias the merge added."""
    merge = get_organisation_merge(session, workshop, merge_id)
    if merge.undone_at is not None:
        raise Conflict("merge_already_undone")
    removed = []
    for move in merge.moves:
        before = json.loads(move.before)
        if move.kind == "removed":
            removed.append(before)
            continue
        commitment = session.get(Commitment, move.row_id)
        if commitment is not None:  # withdrawn since: nothing to put back
            for column, value in before.items():
                setattr(commitment, column, value)
    if merge.alias_id is not None:
        session.execute(delete(OrganisationAlias).where(OrganisationAlias.id == merge.alias_id))
        merge.alias_id = None
    session.flush()
    for before in removed:
        taken = session.scalar(
            select(Commitment.id).where(
                Commitment.activity_id == before["activity_id"],
                Commitment.organisation_key == before["organisation_key"],
            )
        )
        if taken is None:
            session.add(Commitment(workshop_id=workshop.id, **before))
    merge.undone_at = utcnow()
    session.flush()
    bump_version(session, workshop)
    return merge


def list_organisation_merges(session: Session, workshop: Workshop) -> list[OrganisationMerge]:
    return list(
        session.scalars(
            select(OrganisationMerge)
            .where(OrganisationMerge.workshop_id == workshop.id)
            .order_by(OrganisationMerge.id.desc())
        )
    )


def organisation_merge_record(merge: OrganisationMerge, language: str) -> dict:
    return {
        "id": merge.id,
        "name": merge.name,
        "organisation_id": merge.organisation_id,
        "organisation": organisation_label(merge.organisation, language),
        "commitments": sum(
            1 for m in merge.moves if json.loads(m.before)["organisation_key"] == merge.key
        ),
        "undone": merge.undone_at is not None,
        "created_at": merge.created_at.isoformat(timespec="seconds") + "Z",
    }
