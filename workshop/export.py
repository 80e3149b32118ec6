"""Exports: pure (headers, rows) builders, then CSV/XLSX serializers that open cleanly in Excel."""

import csv
import io
from collections.abc import Callable, Sequence

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Activity, Participant, Vote, Workshop
from .services.activities import list_activities
from .services.merging import merge_history
from .services.participants import list_participants
from .services.results import compute_results

Table = tuple[list[str], list[list[object]]]

#: a spreadsheet runs a cell starting with one of these as a formula (or DDE)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> object:
    """Make a text cell inert for spreadsheets; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel opens French and Arabic text as written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[object]], sheet: str) -> bytes:
    """One sheet, frozen header row, readable column widths; every text cell stored as text."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([str(h) for h in headers])
    for row in rows:
        ws.append([neutralise(v) for v in row])
    for cell_row in ws.iter_rows(min_row=1):
        for cell in cell_row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never "f": openpyxl would store "=..." as a formula
    ws.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        values = [len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:500]]
        ws.column_dimensions[get_column_letter(index)].width = min(60, max(10, max(values) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _iso(value) -> str:
    return value.replace(microsecond=0).isoformat() + "Z" if value else ""


#: how each consensus flag reads in a spreadsheet
FLAG_LABELS = {
    "broad_support": _l("broad support"),
    "contested": _l("contested"),
    "single_group": _l("single group"),
}
STATUS_LABELS = {"visible": _l("visible"), "hidden": _l("hidden"), "merged": _l("merged")}


def activities_table(db: Session, workshop: Workshop) -> Table:
    """One row per activity, ranked; hidden and merged activities last, without a rank."""
    results = compute_results(db, workshop)
    by_id = {r["activity_id"]: r for r in results["activities"]}
    merged_from = merge_history(db, workshop)
    groups = list(workshop.groups)
    total_label = {"approval": _l("votes"), "dots": _l("points"), "score": _l("mean score")}[
        workshop.voting_mode
    ]
    headers = (
        [
            str(_l("rank")),
            str(_l("id")),
            str(_l("title")),
            str(_l("description")),
            str(_l("track")),
            str(_l("proposed by")),
            str(_l("status")),
            "{} ({})".format(_l("total"), total_label),
            str(_l("voters")),
        ]
        + [g.name for g in groups]
        + [
            str(_l("merged into")),
            str(_l("merged from")),
            str(_l("consensus (0-1)")),
            str(_l("consensus rank")),
            "{} ({})".format(_l("equal weight per group"), total_label),
            str(_l("equal-weight rank")),
            str(_l("flags")),
        ]
        + ["{} ({})".format(g.name, _l("percentage of its voters supporting")) for g in groups]
    )
    activities = list_activities(db, workshop, include_hidden=True)
    activities.sort(key=lambda a: (by_id[a.id]["rank"] if a.id in by_id else 10**9, a.id))
    rows = []
    for activity in activities:
        result = by_id.get(activity.id)
        author = activity.proposed_by
        proposed_by = (
            str(_l("facilitator"))
            if author is None
            else f"{author.group.name} / {author.organisation}"
        )
        status = str(STATUS_LABELS.get(activity.status, activity.status))
        group_totals = [g["total"] for g in result["by_group"]] if result else ["" for _ in groups]
        shares = (
            ["" if s["share"] is None else round(100 * s["share"], 1) for s in result["support"]]
            if result
            else ["" for _ in groups]
        )
        rows.append(
            [
                result["rank"] if result else "",
                activity.id,
                activity.title,
                activity.description,
                activity.track.name if activity.track else "",
                proposed_by,
                status,
                result["total"] if result else "",
                result["voters"] if result else "",
                *group_totals,
                activity.merged_into_id or "",
                ", ".join(str(i) for i in merged_from.get(activity.id, [])),
                result["consensus"] if result else "",
                result["consensus_rank"] if result else "",
                result["equal_total"] if result else "",
                result["equal_rank"] if result else "",
                ", ".join(str(FLAG_LABELS[f]) for f in result["flags"]) if result else "",
                *shares,
            ]
        )
    return headers, rows


def votes_table(db: Session, workshop: Workshop) -> Table:
    """One row per vote, pseudonymous."""
    headers = [
        str(_l("participant")),
        str(_l("stakeholder group")),
        str(_l("organisation")),
        str(_l("activity id")),
        str(_l("value")),
        str(_l("time (UTC)")),
    ]
    query = (
        select(Vote, Participant, Activity)
        .join(Participant, Participant.id == Vote.participant_id)
        .join(Activity, Activity.id == Vote.activity_id)
        .where(Activity.workshop_id == workshop.id)
        .order_by(Vote.updated_at, Vote.id)
    )
    group_names = {g.id: g.name for g in workshop.groups}
    rows = [
        [
            p.public_id,
            group_names.get(p.group_id, ""),
            p.organisation,
            a.id,
            v.value,
            _iso(v.updated_at),
        ]
        for v, p, a in db.execute(query)
    ]
    return headers, rows


def participants_table(db: Session, workshop: Workshop, *, names: bool = False) -> Table:
    """One row per participant, pseudonymous; the names only when `names` is asked for."""
    headers = [str(_l("participant"))]
    if names:
        headers.append(str(_l("name")))
    headers += [str(_l("organisation")), str(_l("stakeholder group")), str(_l("joined at (UTC)"))]
    group_names = {g.id: g.name for g in workshop.groups}
    rows = [
        [
            p.public_id,
            *([p.display_name] if names else []),
            p.organisation,
            group_names.get(p.group_id, ""),
            _iso(p.joined_at),
        ]
        for p in list_participants(db, workshop)
    ]
    return headers, rows


TABLES: dict[str, Callable[..., Table]] = {
    "activities": activities_table,
    "votes": votes_table,
    "participants": participants_table,
}
