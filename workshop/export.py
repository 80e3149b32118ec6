"""Exports: pure (headers, rows) builders, served as CSV/XLSX by `serializers` and `workbook`."""

from collections import Counter
from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import workbook
from .messages import (
    CHANGE_LABELS,
    CHANGE_SUBJECTS,
    GAPS,
    GROUP_PHASES,
    ROLES,
    field_name,
    flag_words,
    value_words,
)
from .models import LANGUAGES, Activity, Participant, PreVote, Vote, Workshop, utcnow
from .serializers import CONVENTIONS, CsvConventions, to_csv, to_xlsx
from .serializers import neutralise as neutralise  # public here too, as before
from .services import follow_up, group_report, plan_versions
from .services.activities import list_activities
from .services.comments import comment_counts, list_comments
from .services.commitments import ROLE_ORDER, by_organisation, list_commitments
from .services.merging import merge_history
from .services.organisations import COLUMNS as DIRECTORY_COLUMNS
from .services.organisations import directory_rows, load_directory
from .services.participants import count_by_group, list_participants
from .services.results import compute_results
from .services.wording import ACTIVITY_FIELDS, column, word
from .services.workplan import retained_ids, workplan_rows

Table = tuple[list[str], list[list[object]]]


def _iso(value):
    """A moment as the serializer writes it (ISO in XLSX, the locale's format in CSV)."""
    return value or ""


def _language() -> str | None:
    """The language the export is read in (its headers'): names are given in it if they can."""
    locale = get_locale()
    return None if locale is None else str(locale)


def _worded_names(items) -> dict[int, str]:
    """Group (or track) names in the export's language, the original where none was given."""
    language = _language()
    return {item.id: word(item, "name", language) for item in items}


class _WorkingGroups:
    """What the exports add for a workshop with working groups: names, pre-votes, provenance."""

    def __init__(self, db: Session, workshop: Workshop):
        language = _language()
        self.groups = group_report.list_groups(db, workshop)
        self.names = {g.id: word(g, "name", language) for g in self.groups}
        self.prevotes = {
            entry["activity_id"]: entry
            for group in self.groups
            for entry in group_report.prevote_ranking(db, workshop, group)
        }
        self.brought_by = group_report.brought_by(db, workshop)

    def provenance(self, activity: Activity) -> list[object]:
        """Its pre-vote at its table, whether the table marked it, who brought it."""
        entry = self.prevotes.get(activity.id)
        return [
            entry["total"] if entry else "",
            entry["voters"] if entry else "",
            entry["rank"] if entry else "",
            _yes_no(activity.to_plenary) if activity.working_group_id else "",
            "; ".join(self.names.get(g, "") for g in self.brought_by.get(activity.id, [])),
        ]


def _working_groups(db: Session, workshop: Workshop) -> _WorkingGroups | None:
    """None for a workshop without working groups: its exports stay as they were."""
    return _WorkingGroups(db, workshop) if group_report.has_groups(db, workshop) else None


def _provenance_headers(total_label: str) -> list[str]:
    return [
        "{} ({})".format(_l("pre-vote total"), total_label),
        str(_l("pre-vote voters")),
        str(_l("pre-vote rank")),
        str(_l("marked for the plenary")),
        str(_l("brought to the plenary by")),
    ]


STATUS_LABELS = {"visible": _l("visible"), "hidden": _l("hidden"), "merged": _l("merged")}


def activities_table(db: Session, workshop: Workshop) -> Table:
    """One row per activity, ranked; hidden and merged activities last, without a rank."""
    results = compute_results(db, workshop)
    by_id = {r["activity_id"]: r for r in results["activities"]}
    merged_from = merge_history(db, workshop)
    groups = list(workshop.groups)
    group_names = _worded_names(groups)
    track_names = _worded_names(workshop.tracks)
    total_label = _total_label(workshop)
    working = _working_groups(db, workshop)
    headers = (
        [
            str(_l("rank")),
            str(_l("id")),
            str(_l("title")),
            str(_l("description")),
            str(_l("track")),
        ]
        + ([str(_l("working group"))] if working else [])
        + [
            str(_l("proposed by")),
            str(_l("status")),
            "{} ({})".format(_l("total"), total_label),
            str(_l("voters")),
            str(_l("comments")),
        ]
        + [group_names[g.id] for g in groups]
        + [
            str(_l("merged into")),
            str(_l("merged from")),
            str(_l("consensus (0-1)")),
            str(_l("consensus rank")),
            "{} ({})".format(_l("equal weight per group"), total_label),
            str(_l("equal-weight rank")),
            str(_l("flags")),
        ]
        + [
            "{} ({})".format(group_names[g.id], _l("percentage of its voters supporting"))
            for g in groups
        ]
    )
    comments = comment_counts(db, workshop)
    activities = list_activities(db, workshop, include_hidden=True)
    activities.sort(key=lambda a: (by_id[a.id]["rank"] if a.id in by_id else 10**9, a.id))
    # the original title and description stay where they were; the wordings come last, in
    # the languages some activity has one
    worded = [
        column(field, language)
        for language in LANGUAGES
        if any(getattr(a, column(f, language)) for a in activities for f in ACTIVITY_FIELDS)
        for field in ACTIVITY_FIELDS
    ]
    if working:
        headers += _provenance_headers(total_label)
    headers += [field_name(name) for name in worded]
    rows = []
    for activity in activities:
        result = by_id.get(activity.id)
        author = activity.proposed_by
        proposed_by = (
            str(_l("facilitator"))
            if author is None
            else f"{group_names.get(author.group_id, '')} / {author.organisation}"
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
                track_names.get(activity.track_id, ""),
                *([working.names.get(activity.working_group_id, "")] if working else []),
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
                *(working.provenance(activity) if working else []),
                *[getattr(activity, name) for name in worded],
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
    working = _working_groups(db, workshop)
    if working:
        headers.insert(3, str(_l("working group")))
    query = (
        select(Vote, Participant, Activity)
        .join(Participant, Participant.id == Vote.participant_id)
        .join(Activity, Activity.id == Vote.activity_id)
        .where(Activity.workshop_id == workshop.id)
        .order_by(Vote.updated_at, Vote.id)
    )
    group_names = _worded_names(workshop.groups)
    directory = load_directory(db, workshop, _language())
    rows = [
        [
            p.public_id,
            group_names.get(p.group_id, ""),
            directory.identity(p.organisation)[1],
            *([working.names.get(p.working_group_id, "")] if working else []),
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
    headers += [str(_l("organisation")), str(_l("stakeholder group"))]
    working = _working_groups(db, workshop)
    if working:
        headers.append(str(_l("working group")))
    headers.append(str(_l("joined at (UTC)")))
    group_names = _worded_names(workshop.groups)
    directory = load_directory(db, workshop, _language())
    rows = [
        [
            p.public_id,
            *([p.display_name] if names else []),
            directory.identity(p.organisation)[1],
            group_names.get(p.group_id, ""),
            *([working.names.get(p.working_group_id, "")] if working else []),
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
    group_names = _worded_names(workshop.groups)
    language = _language()
    directory = load_directory(db, workshop, _language())
    rows = []
    for comment in list_comments(db, workshop, include_hidden=True):
        author = comment.participant
        rows.append(
            [
                comment.id,
                comment.activity_id,
                word(comment.activity, "title", language),
                author.public_id if author else "",
                group_names.get(author.group_id, "") if author else "",
                directory.identity(author.organisation)[1] if author else "",
                comment.text,
                str(_l("shown"))
                if comment.status == "visible"
                else str(_l("hidden by the facilitator")),
                _iso(comment.created_at),
            ]
        )
    return headers, rows


def _status_label(status: str) -> str:
    return value_words("status", status)


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
        str(_l("contact person")),
        str(_l("budget or resources")),
    ]
    keep = retained_ids(db, workshop)
    language, group_names, track_names = (
        _language(),
        _worded_names(workshop.groups),
        _worded_names(workshop.tracks),
    )
    rows = []
    for c in list_commitments(db, workshop):
        activity = c.activity
        rows.append(
            [
                c.id,
                activity.id,
                word(activity, "title", language),
                track_names.get(activity.track_id, ""),
                _yes_no(activity.id in keep),
                c.organisation,
                group_names.get(c.group_id, ""),
                str(ROLES[c.role]),
                c.timeframe,
                c.note,
                _status_label(c.status),
                c.made_by.public_id if c.made_by else str(_l("facilitator")),
                _iso(c.updated_at),
                c.contact,
                c.resources,
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
    ]
    language, group_names, track_names = (
        _language(),
        _worded_names(workshop.groups),
        _worded_names(workshop.tracks),
    )
    working = _working_groups(db, workshop)
    if working:  # which table brought it (its provenance, once the groups rolled up)
        headers.append(str(_l("brought to the plenary by")))
    headers += [f"{group_names[g.id]} ({label})" for g in workshop.groups]
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
                "track": track_names.get(activity.track_id, ""),
                "gaps": row["gaps"],
                "cells": [
                    track_names.get(activity.track_id, ""),
                    row["rank"] or "",
                    activity.id,
                    word(activity, "title", language),
                    word(activity, "description", language),
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
                    *(
                        ["; ".join(working.names.get(g, "") for g in row["brought_by"])]
                        if working
                        else []
                    ),
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


def changes_table(
    db: Session, workshop: Workshop, *, before: object = "1", after: object = "current"
) -> Table:
    """The "changes" sheet: what changed between two versions of the plan (by default, from
    the plan of the room to the plan now). No rows before the room's plan exists."""
    if plan_versions.latest_version(db, workshop) is None:
        return comparison_table(None)
    return comparison_table(plan_versions.compare_versions(db, workshop, before, after))


def organisations_table(db: Session, workshop: Workshop) -> Table:
    """The organisation directory in the columns its import reads (so that another workshop
    imports it as it is): machine names as headers, not translated."""
    rows = directory_rows(db, workshop)
    return list(DIRECTORY_COLUMNS), [[row[c] for c in DIRECTORY_COLUMNS] for row in rows]


FOLLOW_UP_KINDS = {
    "confirm": _l("confirmation"),
    "amend": _l("amendment"),
    "withdraw": _l("withdrawal"),
    "propose": _l("new commitment"),
}
FOLLOW_UP_STATUSES = {
    "pending": _l("pending"),
    "accepted": _l("accepted"),
    "rejected": _l("rejected"),
    "superseded": _l("replaced by a later change"),
}


def follow_up_table(db: Session, workshop: Workshop) -> Table:
    """Every change focal points sent through follow-up links, and what became of it."""
    headers = [
        str(_l("id")),
        str(_l("organisation")),
        str(_l("link for")),
        str(_l("change")),
        str(_l("status")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("fields: before → after")),
        str(_l("reason")),
        str(_l("sent at (UTC)")),
        str(_l("decided at (UTC)")),
    ]
    rows = [
        [
            change_id,
            organisation,
            label,
            str(FOLLOW_UP_KINDS[kind]),
            str(FOLLOW_UP_STATUSES[status]),
            *rest,
        ]
        for change_id, organisation, label, kind, status, *rest in follow_up.change_rows(
            db, workshop
        )
    ]
    return headers, rows


# -- working groups: pre-votes, the tables and the roll-up -----------------------------------


def prevotes_table(db: Session, workshop: Workshop) -> Table:
    """One row per pre-vote, pseudonymous like the votes, with the table it was cast at."""
    headers = [
        str(_l("participant")),
        str(_l("stakeholder group")),
        str(_l("organisation")),
        str(_l("working group")),
        str(_l("activity id")),
        str(_l("value")),
        str(_l("time (UTC)")),
    ]
    query = (
        select(PreVote, Participant)
        .join(Participant, Participant.id == PreVote.participant_id)
        .join(Activity, Activity.id == PreVote.activity_id)
        .where(Activity.workshop_id == workshop.id)
        .order_by(PreVote.updated_at, PreVote.id)
    )
    language = _language()
    group_names = _worded_names(workshop.groups)
    working = group_report.group_names(db, workshop, language)
    directory = load_directory(db, workshop, language)
    rows = [
        [
            p.public_id,
            group_names.get(p.group_id, ""),
            directory.identity(p.organisation)[1],
            working.get(v.working_group_id, ""),
            v.activity_id,
            v.value,
            _iso(v.updated_at),
        ]
        for v, p in db.execute(query)
    ]
    return headers, rows


def group_sheet(section: dict, total_label: str) -> workbook.Sheet:
    """A working group's sheet: its activities by pre-vote rank, then its figures."""
    headers = [
        str(_l("pre-vote rank")),
        str(_l("activity id")),
        str(_l("activity")),
        "{} ({})".format(_l("pre-vote total"), total_label),
        str(_l("pre-vote voters")),
        str(_l("proposed in the room")),
        str(_l("marked for the plenary")),
        str(_l("on the ballot")),
    ]
    rows = [
        [
            r["rank"],
            r["activity_id"],
            r["title"],
            r["total"],
            r["voters"],
            _yes_no(r["proposed"]),
            _yes_no(r["marked"]),
            _yes_no(r["on_ballot"]),
        ]
        for r in section["activities"]
    ]
    figures = [
        [str(_l("members")), section["members"]],
        [str(_l("pre-vote voters")), section["prevoters"]],
        [str(_l("proposals")), section["proposals"]],
        [str(_l("phase")), str(GROUP_PHASES.get(section["phase"], section["phase"]))],
    ]
    return workbook.Sheet(
        title=section["name"],
        headers=headers,
        rows=rows,
        flagged=[r["on_ballot"] for r in section["activities"]],
        after=[workbook.Block([str(_l("item")), str(_l("value"))], figures)],
    )


def ballot_table(db: Session, workshop: Workshop) -> Table:
    """The plenary's ballot after the roll-up: who brought each activity, its pre-vote at
    that table, and the plenary's result."""
    label = _total_label(workshop)
    headers = [
        str(_l("position")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("brought by")),
        str(_l("pre-vote rank")),
        "{} ({})".format(_l("pre-vote total"), label),
        str(_l("pre-vote voters")),
        str(_l("marked for the plenary")),
        str(_l("status")),
        str(_l("merged into")),
        str(_l("plenary rank")),
        "{} ({})".format(_l("plenary total"), label),
        str(_l("plenary voters")),
    ]
    rows = [
        [
            r["position"],
            r["activity_id"],
            r["title"],
            r["group"],
            r["prevote_rank"] if r["prevote_rank"] is not None else "",
            r["prevote_total"],
            r["prevote_voters"],
            _yes_no(r["marked"]),
            str(STATUS_LABELS.get(r["status"], r["status"])),
            r["merged_into"] or "",
            r["plenary"]["rank"] if r["plenary"] else "",
            r["plenary"]["total"] if r["plenary"] else "",
            r["plenary"]["voters"] if r["plenary"] else "",
        ]
        for r in group_report.ballot_rows(db, workshop, _language())
    ]
    return headers, rows


def activities_workbook(db: Session, workshop: Workshop) -> bytes:
    """activities.xlsx: the activities; with working groups, a sheet per group and the
    roll-up (the plenary's ballot with its provenance) after it."""
    headers, rows = activities_table(db, workshop)
    if not group_report.has_groups(db, workshop):
        return to_xlsx(headers, rows, sheet="activities")  # as it always was
    label = _total_label(workshop)
    sheets = [workbook.Sheet(title="activities", headers=headers, rows=rows)]
    sheets += [
        group_sheet(section, label)
        for section in group_report.group_sections(db, workshop, _language())
    ]
    ballot_headers, ballot_rows = ballot_table(db, workshop)
    sheets.append(
        workbook.Sheet(title=str(_l("Roll-up")), headers=ballot_headers, rows=ballot_rows)
    )
    return workbook.build(sheets, rtl=workshop.language == "ar")


TABLES: dict[str, Callable[..., Table]] = {
    "activities": activities_table,
    "votes": votes_table,
    "participants": participants_table,
    "comments": comments_table,
    "commitments": commitments_table,
    "workplan": workplan_table,
    "changes": changes_table,
    "organisations": organisations_table,
    "follow_up": follow_up_table,
    "prevotes": prevotes_table,
}

#: tables a workshop without working groups has no use for (left out of its ZIP)
GROUP_TABLES = ("prevotes",)


def table_names(db: Session, workshop: Workshop) -> list[str]:
    """The tables of this workshop's ZIP: the pre-votes only where there are working groups."""
    if group_report.has_groups(db, workshop):
        return list(TABLES)
    return [name for name in TABLES if name not in GROUP_TABLES]


#: tables whose XLSX is a formatted workbook rather than one plain sheet
WORKBOOKS: dict[str, Callable[[Session, Workshop], bytes]] = {
    "activities": activities_workbook,
    "workplan": workplan_workbook,
}

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(
    db: Session,
    workshop: Workshop,
    name: str,
    fmt: str,
    conventions: CsvConventions | None = None,
    **options: object,
) -> tuple[bytes, str]:
    """The file of table `name` in `fmt` ("csv" or "xlsx"), with its media type.

    A CSV follows `conventions` (a locale's Excel), by default those of the workshop's language.
    """
    if fmt == "xlsx" and name in WORKBOOKS:
        return WORKBOOKS[name](db, workshop), XLSX_MIMETYPE
    headers, rows = TABLES[name](db, workshop, **options)
    if fmt == "csv":
        return to_csv(headers, rows, conventions or CONVENTIONS[workshop.language]), "text/csv"
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


# -- a consolidation on record: its plan with provenance -----------------------------------------


def consolidated_plan_table(rows: list[dict]) -> Table:
    """One row per activity of a consolidated plan (services/consolidation_record.provenance_rows),
    each with its source workshop and the version of that workshop's plan it came from."""
    headers = [
        str(_l("link group")),
        str(_l("source workshop")),
        str(_l("workshop code")),
        str(_l("source version")),
        str(_l("source as of (UTC)")),
        str(_l("activity id")),
        str(_l("activity")),
        str(_l("description")),
        str(_l("track")),
        *[str(ROLES[role]) for role in ROLE_ORDER],
        str(_l("timeframe")),
        str(_l("to confirm")),
    ]
    body = [
        [
            r["group"],
            r["source"],
            r["source_code"],
            r["source_version"],
            r["as_of"],
            r["id"],
            r["title"],
            r["description"],
            r["track"],
            *["; ".join(r["roles"][role]) for role in ROLE_ORDER],
            r["timeframe"],
            "; ".join(r["to_confirm"]),
        ]
        for r in rows
    ]
    return headers, body


def consolidated_sources_table(sources: list[dict]) -> Table:
    """The workshops a consolidated plan was made of, and which version of each plan."""
    headers = [
        str(_l("source workshop")),
        str(_l("workshop code")),
        str(_l("origin")),
        str(_l("source version")),
        str(_l("version title")),
        str(_l("source as of (UTC)")),
    ]
    body = [
        [
            s["label"],
            s["code"],
            str(_l("imported")) if s["imported"] else str(_l("this instance")),
            s["version"],
            s["version_title"],
            s["as_of"],
        ]
        for s in sources
    ]
    return headers, body


def comparison_table(comparison: dict | None) -> Table:
    """A "changes" sheet: one row per change of a comparison (a workshop's plan versions or a
    consolidation's, plan_versions.change_rows); no rows for None."""
    headers = [
        str(_l("what")),
        str(_l("change")),
        str(_l("activity id")),
        str(_l("title")),
        str(_l("organisation")),
        str(_l("field")),
        str(_l("before")),
        str(_l("after")),
    ]
    if comparison is None:
        return headers, []
    rows = [
        [
            str(CHANGE_SUBJECTS[what]),
            str(CHANGE_LABELS[change]),
            activity,
            title,
            organisation,
            field_name(field) if field else "",
            value_words(field, before),
            value_words(field, after),
        ]
        for what, change, activity, title, organisation, field, before, after in (
            plan_versions.change_rows(comparison)
        )
    ]
    return headers, rows


def consolidated_record_workbook(tables: list[tuple[str, Table]]) -> bytes:
    """Sheets of (title, table), e.g. the plan, its sources and its changes."""
    return workbook.build(
        [workbook.Sheet(title=title, headers=h, rows=r) for title, (h, r) in tables]
    )
