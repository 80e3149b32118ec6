"""Exports: pure (headers, rows) builders, served as CSV/XLSX by `serializers` and `workbook`."""

from collections import Counter
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import workbook
from .messages import GAPS, ROLES, flag_words
from .models import Activity, Participant, Vote, Workshop, utcnow
from .serializers import neutralise as neutralise  # public here too, as before
from .serializers import to_csv, to_xlsx
from .services.activities import list_activities
from .services.comments import comment_counts, list_comments
from .services.commitments import ROLE_ORDER, by_organisation, list_commitments
from .services.merging import merge_history
from .services.participants import count_by_group, list_participants
from .services.results import compute_results
from .services.timer import iso_utc
from .services.workplan import retained_ids, workplan_rows

Table = tuple[list[str], list[list[object]]]


def _iso(value) -> str:
    return iso_utc(value, "seconds") if value else ""


STATUS_LABELS = {"visible": _l("visible"), "hidden": _l("hidden"), "merged": _l("merged")}


def activities_table(db: Session, workshop: Workshop) -> Table:
    """One row per activity, ranked; hidden and merged activities last, without a rank."""
    results = compute_results(db, workshop)
    by_id = {r["activity_id"]: r for r in results["activities"]}
    merged_from = merge_history(db, workshop)
    groups = list(workshop.groups)
    group_names = {g.id: g.name for g in groups}
    total_label = _total_label(workshop)
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
            str(_l("comments")),
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
    comments = comment_counts(db, workshop)
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
                comments.get(activity.id, 0),
                *group_totals,
                activity.merged_into_id or "",
                ", ".join(str(i) for i in merged_from.get(activity.id, [])),
                result["consensus"] if result else "",
                result["consensus_rank"] if result else "",
                result["equal_total"] if result else "",
                result["equal_rank"] if result else "",
                "; ".join(flag_words(result, group_names)) if result else "",
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


# -- comments, commitments and the workplan -------------------------------------------------


def _total_label(workshop: Workshop) -> str:
    labels = {"approval": _l("votes"), "dots": _l("points"), "score": _l("mean score")}
    return str(labels[workshop.voting_mode])


def _yes_no(value: bool) -> str:
    return str(_l("yes")) if value else str(_l("no"))


def comments_table(db: Session, workshop: Workshop) -> Table:
    """One row per comment, hidden ones included, pseudonymous like the votes."""
    headers = [
        str(_l("id")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("participant")),
        str(_l("stakeholder group")),
        str(_l("organisation")),
        str(_l("comment")),
        str(_l("status")),
        str(_l("time (UTC)")),
    ]
    group_names = {g.id: g.name for g in workshop.groups}
    rows = []
    for comment in list_comments(db, workshop, include_hidden=True):
        author = comment.participant
        rows.append(
            [
                comment.id,
                comment.activity_id,
                comment.activity.title,
                author.public_id if author else "",
                group_names.get(author.group_id, "") if author else "",
                author.organisation if author else "",
                comment.text,
                str(_l("shown"))
                if comment.status == "visible"
                else str(_l("hidden by the facilitator")),
                _iso(comment.created_at),
            ]
        )
    return headers, rows


def _status_label(status: str) -> str:
    return str(_l("confirmed")) if status == "confirmed" else str(_l("to confirm"))


def commitments_table(db: Session, workshop: Workshop) -> Table:
    """One row per commitment: who commits to what, with which role."""
    headers = [
        str(_l("id")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("track")),
        str(_l("retained")),
        str(_l("organisation")),
        str(_l("stakeholder group")),
        str(_l("role")),
        str(_l("timeframe")),
        str(_l("note")),
        str(_l("status")),
        str(_l("entered by")),
        str(_l("updated at (UTC)")),
    ]
    keep = retained_ids(db, workshop)
    rows = []
    for c in list_commitments(db, workshop):
        activity = c.activity
        rows.append(
            [
                c.id,
                activity.id,
                activity.title,
                activity.track.name if activity.track else "",
                _yes_no(activity.id in keep),
                c.organisation,
                c.group.name if c.group else "",
                str(ROLES[c.role]),
                c.timeframe,
                c.note,
                _status_label(c.status),
                c.made_by.public_id if c.made_by else str(_l("facilitator")),
                _iso(c.updated_at),
            ]
        )
    return headers, rows


def _names(records: list[dict]) -> str:
    return "; ".join(r["organisation"] for r in records)


def workplan_sheet_rows(db: Session, workshop: Workshop) -> tuple[list[str], list[dict]]:
    """Headers and one dict per retained activity (`track`, `cells`, `gaps`), in plan order."""
    results = compute_results(db, workshop)
    by_result = {r["activity_id"]: r for r in results["activities"]}
    rows = workplan_rows(db, workshop, results=results)
    activities = {a.id: a for a in list_activities(db, workshop)}
    comments = comment_counts(db, workshop)
    label = _total_label(workshop)
    headers = [
        str(_l("track")),
        str(_l("rank")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("description")),
        str(ROLES["lead"]),
        str(ROLES["co_lead"]),
        str(ROLES["partner"]),
        str(ROLES["support"]),
        str(_l("timeframe")),
        str(_l("to confirm")),
        str(_l("gaps")),
        "{} ({})".format(_l("total"), label),
        str(_l("voters")),
        str(_l("comments")),
    ] + [f"{g.name} ({label})" for g in workshop.groups]
    out = []
    for row in rows:
        activity = activities[row["activity_id"]]
        result = by_result.get(activity.id)
        unconfirmed = [
            "{} ({})".format(r["organisation"], ROLES[role])
            for role in ROLE_ORDER
            for r in row[role]
            if r["status"] != "confirmed"
        ]
        out.append(
            {
                "track": activity.track.name if activity.track else "",
                "gaps": row["gaps"],
                "cells": [
                    activity.track.name if activity.track else "",
                    row["rank"] or "",
                    activity.id,
                    activity.title,
                    activity.description,
                    _names(row["lead"]),
                    _names(row["co_lead"]),
                    _names(row["partner"]),
                    _names(row["support"]),
                    row["timeframe"],
                    "; ".join(unconfirmed),
                    "; ".join(str(GAPS[g]) for g in row["gaps"]),
                    result["total"] if result else "",
                    result["voters"] if result else "",
                    comments.get(activity.id, 0),
                    *([g["total"] for g in result["by_group"]] if result else []),
                ],
            }
        )
    return headers, out


def workplan_table(db: Session, workshop: Workshop) -> Table:
    """One row per retained activity: lead, co-leads, partners, support, timeframe, gaps."""
    headers, rows = workplan_sheet_rows(db, workshop)
    return headers, [r["cells"] for r in rows]


def workplan_workbook(db: Session, workshop: Workshop) -> bytes:
    """workplan.xlsx: a summary sheet, then one formatted sheet per track."""
    headers, rows = workplan_sheet_rows(db, workshop)
    commitments = list_commitments(db, workshop)
    results = compute_results(db, workshop)
    participants = sum(g["participants"] for g in count_by_group(db, workshop))
    summary_rows: list[list[object]] = [
        [str(_l("workshop")), workshop.title],
        [str(_l("code")), workshop.code],
        [str(_l("exported at (UTC)")), _iso(utcnow())],
        [str(_l("participants")), participants],
        [str(_l("voters")), results["voters"]],
        [str(_l("retained activities")), len(rows)],
        [str(_l("commitments")), len(commitments)],
        [str(_l("confirmed")), sum(1 for c in commitments if c.status == "confirmed")],
        [str(GAPS["no_lead"]), sum(1 for r in rows if "no_lead" in r["gaps"])],
        [str(GAPS["lead_conflict"]), sum(1 for r in rows if "lead_conflict" in r["gaps"])],
    ]
    org_headers = (
        [str(_l("organisation")), str(_l("stakeholder group"))]
        + [str(ROLES[role]) for role in ROLE_ORDER]
        + [str(_l("total"))]
    )
    org_rows = [
        [o["organisation"], o["groups"], *[o["roles"][r] for r in ROLE_ORDER], o["total"]]
        for o in organisation_summary(commitments, retained_only=retained_ids(db, workshop))
    ]
    sheets = [
        workbook.Sheet(
            title=str(_l("Summary")),
            headers=[str(_l("item")), str(_l("value"))],
            rows=summary_rows,
            after=[workbook.Block(org_headers, org_rows)],
        )
    ]
    by_track: dict[str, list[dict]] = {}
    for row in rows:
        by_track.setdefault(row["track"], []).append(row)
    for track, track_rows in by_track.items():
        sheets.append(
            workbook.Sheet(
                title=track or str(_l("No track")),
                headers=headers[1:],
                rows=[r["cells"][1:] for r in track_rows],
                flagged=[bool(r["gaps"]) for r in track_rows],
            )
        )
    if not rows:
        sheets.append(workbook.Sheet(title=str(_l("Workplan")), headers=headers, rows=[]))
    return workbook.build(sheets, rtl=workshop.language == "ar")


def organisation_summary(commitments: list, retained_only: set[int] | None = None) -> list[dict]:
    """Per organisation: commitments by role (on retained activities when some are)."""
    counted = [c for c in commitments if not retained_only or c.activity_id in retained_only]
    entries = (
        (c.organisation_key, c.organisation, c.role, None if c.group is None else c.group.name)
        for c in counted
    )
    out = [
        {
            "organisation": o["organisation"],
            "groups": ", ".join(
                name for name, _n in Counter(g for g in o["items"] if g is not None).most_common()
            ),
            "roles": {role: len(items) for role, items in o["roles"].items()},
            "total": len(o["items"]),
        }
        for o in by_organisation(entries)
    ]
    out.sort(key=lambda o: (-o["roles"]["lead"], -o["total"], o["organisation"].casefold()))
    return out


TABLES: dict[str, Callable[..., Table]] = {
    "activities": activities_table,
    "votes": votes_table,
    "participants": participants_table,
    "comments": comments_table,
    "commitments": commitments_table,
    "workplan": workplan_table,
}

#: tables whose XLSX is a formatted workbook rather than one plain sheet
WORKBOOKS: dict[str, Callable[[Session, Workshop], bytes]] = {
    "workplan": workplan_workbook,
}

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(
    db: Session, workshop: Workshop, name: str, fmt: str, **options: object
) -> tuple[bytes, str]:
    """The file of table `name` in `fmt` ("csv" or "xlsx"), with its media type."""
    if fmt == "xlsx" and name in WORKBOOKS:
        return WORKBOOKS[name](db, workshop), XLSX_MIMETYPE
    headers, rows = TABLES[name](db, workshop, **options)
    if fmt == "csv":
        return to_csv(headers, rows), "text/csv"
    return to_xlsx(headers, rows, sheet=name), XLSX_MIMETYPE


# -- consolidation across workshops ---------------------------------------------------------


def consolidated_table(view: dict) -> Table:
    """One row per activity of every source workshop, with its link group and source."""
    headers = [
        str(_l("link group")),
        str(_l("source workshop")),
        str(_l("workshop code")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("description")),
        str(_l("track")),
        str(ROLES["lead"]),
        str(ROLES["co_lead"]),
        str(ROLES["partner"]),
        str(ROLES["support"]),
        str(_l("timeframe")),
        str(_l("to confirm")),
        str(_l("linked with")),
    ]
    rows = []
    for item in view["activities"]:
        unconfirmed = [
            "{} ({})".format(c["organisation"], ROLES[role])
            for role in ROLE_ORDER
            for c in item.roles[role]
            if not c["confirmed"]
        ]
        rows.append(
            [
                item.group,
                item.source_label,
                item.source_code,
                item.activity_id,
                item.title,
                item.description,
                item.track,
                *["; ".join(c["organisation"] for c in item.roles[role]) for role in ROLE_ORDER],
                item.timeframe,
                "; ".join(unconfirmed),
                "; ".join(
                    f"{other.title} ({other.source_label})"
                    for other in view["linked"].get(item.ref, [])
                ),
            ]
        )
    return headers, rows


def consolidated_organisations_table(view: dict) -> Table:
    """Per organisation: how many activities it leads and supports, and which, with the source."""
    headers = [
        str(_l("organisation")),
        str(_l("workshops")),
        *[str(ROLES[role]) for role in ROLE_ORDER],
        *["{}: {}".format(ROLES[role], _l("activities")) for role in ROLE_ORDER],
    ]
    rows = [
        [
            o["organisation"],
            o["workshops"],
            *[len(o["roles"][role]) for role in ROLE_ORDER],
            *[
                "; ".join(f"{i.title} ({i.source_label})" for i in o["roles"][role])
                for role in ROLE_ORDER
            ],
        ]
        for o in view["organisations"]
    ]
    return headers, rows


def consolidation_workbook(view: dict) -> bytes:
    """The consolidated workplan, the per-organisation view and the sources, one sheet each."""
    headers, rows = consolidated_table(view)
    org_headers, org_rows = consolidated_organisations_table(view)
    source_rows = [
        [
            s["label"],
            s["code"],
            str(_l("imported")) if s["imported"] else str(_l("this instance")),
            s["exported_at"],
            s["participants"],
            s["activities"],
            str(_l("all activities (none retained)"))
            if s["all_activities"]
            else str(_l("retained activities")),
        ]
        for s in view["sources"]
    ]
    return workbook.build(
        [
            workbook.Sheet(title=str(_l("Consolidated workplan")), headers=headers, rows=rows),
            workbook.Sheet(title=str(_l("By organisation")), headers=org_headers, rows=org_rows),
            workbook.Sheet(
                title=str(_l("Workshops")),
                headers=[
                    str(_l("source workshop")),
                    str(_l("workshop code")),
                    str(_l("origin")),
                    str(_l("exported at (UTC)")),
                    str(_l("participants")),
                    str(_l("activities")),
                    str(_l("activities taken")),
                ],
                rows=source_rows,
            ),
        ]
    )
