"""User-facing texts of domain errors and field names, translated at the edge."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .services import consensus
from .services.errors import DomainError

FIELDS = {
    "title": _l("title"),
    "description": _l("description"),
    "name": _l("name"),
    "organisation": _l("organisation"),
    "group": _l("stakeholder group"),
    "groups": _l("stakeholder groups"),
    "tracks": _l("tracks"),
    "track": _l("track"),
    "voting": _l("voting rule"),
    "budget": _l("budget"),
    "per_activity_cap": _l("maximum per activity"),
    "points": _l("points"),
    "score": _l("score"),
    "phase": _l("phase"),
    "rows": _l("rows"),
    "live_results": _l("live results"),
    "show_group_split": _l("group split"),
    "file": _l("file"),
    "label": _l("note"),
    "cohosts": _l("co-host links"),
    "seconds": _l("duration in seconds"),
    "sources": _l("activities to merge"),
    "activity_ids": _l("activities to hide"),
    "comment": _l("comment"),
    "role": _l("role"),
    "timeframe": _l("timeframe"),
    "note": _l("note"),
    "count": _l("number of activities"),
    "per_track": _l("per track"),
    "confirmed": _l("confirmed"),
    "activity": _l("activity"),
    "commitments_open": _l("commitments open"),
    "show_comments": _l("comments on the big screen"),
    "show_workplan": _l("workplan on the big screen"),
    "source_workshops": _l("workshops"),
    "decision": _l("decision"),
    "screen_scene": _l("big screen's scene"),
    "session_date": _l("session date"),
    "venue": _l("venue"),
    "time_zone": _l("time zone"),
}

PHASES = {
    "setup": _l("Preparation"),
    "proposing": _l("Proposals"),
    "voting": _l("Voting"),
    "closed": _l("Closed"),
}

ROLES = {
    "lead": _l("Lead"),
    "co_lead": _l("Co-lead"),
    "partner": _l("Partner"),
    "support": _l("Supporting"),
}

GAPS = {
    "no_lead": _l("No lead"),
    "lead_conflict": _l("Several leads"),
}

#: the words of each consensus flag (workshop/services/consensus.py): the one home of what the
#: screen, the console, the exports and the report say. Only `contested` speaks of opposition,
#: and only a score vote raises it (low scores); `%(groups)s` is the groups the flag names.
FLAGS = {
    "broad_support": _l("Support in every group"),
    "contested": _l("Contested: low scores from %(groups)s"),
    "no_support_from": _l("No support from: %(groups)s"),
    "single_group": _l("Supported by one group only: %(groups)s"),
}

#: what each flag measured, said in full (a tooltip on the pages, a note under the report)
FLAG_HINTS = {
    "broad_support": _l("At least %(broad)s%% of the voters of every group support it."),
    "contested": _l(
        "At least half of one group's voters support it, while at least half of another "
        "group's voters gave it %(low)s or less out of 5."
    ),
    "no_support_from": _l(
        "At least half of one group's voters support it, while nobody in the groups named "
        "does. A dot or an approval not given is not a vote against."
    ),
    "single_group": _l("All its supporters (at least %(min)s) come from one group."),
}


def flag_hint(flag: str) -> str:
    """The full sentence of a flag, with the thresholds of the rule in force."""
    return str(FLAG_HINTS[flag]) % {
        "broad": round(100 * consensus.BROAD_SHARE),
        "low": consensus.SCORE_LOW,
        "min": consensus.MIN_SUPPORTERS,
    }


#: between the names of a list in running text (Arabic has its own comma), and between
#: titles, which may hold commas themselves
LIST_SEPARATOR = _l(", ")
TITLE_SEPARATOR = _l("; ")
#: each name of a list is isolated (FSI ... PDI), so that a Latin name in an Arabic line, or
#: an Arabic one in a French line, keeps its own direction and the commas stay in place
ISOLATE = "\u2068%s\u2069"


def name_list(names) -> str:
    """Names joined as running text of the current language, each isolated."""
    return str(LIST_SEPARATOR).join(ISOLATE % name for name in names)


def flag_words(result: dict, group_names: dict[int, str]) -> list[str]:
    """The words of a result's flags, in the current language, naming its groups."""
    groups = result.get("flag_groups", {})
    return [
        str(FLAGS[flag])
        % {"groups": name_list(group_names.get(g, "") for g in groups.get(flag, []))}
        for flag in result.get("flags", [])
    ]


ERRORS = {
    "field_invalid": _l("The %(field)s is not valid."),
    "field_required": _l("The %(field)s is required."),
    "field_too_long": _l("The %(field)s is too long: %(length)s characters, at most %(max)s."),
    "field_out_of_range": _l("The %(field)s must be between %(min)s and %(max)s."),
    "too_many": _l("Too many %(field)s: at most %(max)s."),
    "op_id_reused": _l("This action identifier (op_id) was already used for another action."),
    "op_id_invalid": _l("This action has no valid identifier (op_id); reload the page."),
    "voting_mode_invalid": _l("The voting rule must be approval, dots or score."),
    "groups_required": _l("Give at least one stakeholder group."),
    "workshop_not_found": _l("No workshop has this code. Check the code on the big screen."),
    "facilitator_only": _l("Only the facilitator can do this."),
    "screen_key_invalid": _l("This big-screen link is not valid."),
    "not_authenticated": _l("Join the workshop first."),
    "participant_unknown": _l("You are not a participant of this workshop. Join it again."),
    "phase_invalid": _l("Unknown phase."),
    "phase_transition_refused": _l("The workshop cannot go from %(current)s to %(target)s."),
    "group_invalid": _l("Choose one of the workshop's stakeholder groups."),
    "workshop_full": _l("The workshop is full (%(max)s participants)."),
    "track_invalid": _l("Choose one of the workshop's tracks."),
    "not_proposing": _l("Proposals are not open at the moment."),
    "activity_not_found": _l("This activity does not exist."),
    "activity_hidden": _l("This activity was withdrawn by the facilitator."),
    "activity_merged": _l("This activity was merged into another one."),
    "merge_sources_required": _l("Choose at least one activity to merge."),
    "merge_into_itself": _l("An activity cannot be merged into itself."),
    "merge_target_hidden": _l("Activities can only be merged into a visible activity."),
    "merge_closed": _l("Voting is closed: reopen voting to merge or undo a merge."),
    "merge_not_found": _l("This merge does not exist."),
    "merge_already_undone": _l("This merge was already undone."),
    "merge_undo_order": _l(
        "The target of this merge was merged since: undo that later merge first."
    ),
    "not_voting": _l("Voting is not open at the moment."),
    "over_activity_cap": _l("At most %(max)s dots on one activity."),
    "over_budget": _l("Not enough dots left: you have %(left)s of %(budget)s."),
    "over_approvals": _l("You have already supported %(max)s activities, the maximum."),
    "results_hidden": _l("Results will be shown when voting closes."),
    "import_refused": _l("Nothing was imported: %(count)s rows need fixing."),
    "import_no_title_column": _l("The file needs a column named title."),
    "import_encoding": _l("The file could not be read; save it as CSV UTF-8."),
    "bad_request": _l("The request could not be understood."),
    "csrf_failed": _l("This form has expired. Reload the page and try again."),
    "payload_too_large": _l("What you sent is too large."),
    "unknown_event": _l("Unknown action."),
    "internal_error": _l("Something went wrong on the server; nothing was changed. Try again."),
    "not_found": _l("Not found."),
    "rate_limited": _l("Too many attempts. Wait %(seconds)s seconds, then try again."),
    "pin_required": _l("This console is protected by a PIN: enter it."),
    "pin_invalid": _l("Wrong PIN."),
    "pin_format": _l("A PIN is 4 to 12 digits."),
    "owner_only": _l("Only the workshop's owner can do this, not a co-host."),
    "cohost_not_found": _l("This co-host link does not exist (any more)."),
    "timer_action_invalid": _l("The timer action must be start, pause, add or reset."),
    "timer_not_started": _l("Start the timer first."),
    "comments_closed": _l("Comments open with the proposals."),
    "too_many_comments": _l("You have written %(max)s comments, the most one person can."),
    "comment_not_found": _l("This comment does not exist."),
    "commitments_closed": _l("Commitments are not open at the moment."),
    "commitments_phase": _l("Commitments can be opened during voting or once it is closed."),
    "commitment_not_found": _l("This commitment does not exist."),
    "commitment_exists": _l("This organisation has already committed to this activity."),
    "role_invalid": _l("The role must be lead, co-lead, partner or support."),
    "activity_not_retained": _l(
        "This activity is not retained for the workplan: commit to a retained one."
    ),
    "ranking_invalid": _l("Unknown ranking."),
    "consolidation_not_found": _l("This consolidation does not exist."),
    "source_not_found": _l("This workshop is not part of the consolidation."),
    "source_exists": _l("This workshop is already part of the consolidation."),
    "import_not_an_export": _l(
        "This file is not an Atelier export: upload the ZIP of all exports, or its "
        "atelier-export.json."
    ),
    "link_invalid": _l("These two activities cannot be linked."),
}


def error_message(key: str, params: dict | None = None) -> str:
    """Translate an error key with its parameters into the current locale."""
    params = dict(params or {})
    if "field" in params:
        params["field"] = str(FIELDS.get(str(params["field"]), params["field"]))
    for name in ("current", "target"):
        if name in params:
            params[name] = str(PHASES.get(str(params[name]), params[name]))
    template = ERRORS.get(key)
    if template is None:
        return gettext("Something went wrong on the server; nothing was changed. Try again.")
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def error_payload(error: DomainError) -> dict:
    """The JSON body (and socket ack) of a refused action."""
    body = {"ok": False, "error": error.key, "message": error_message(error.key, error.params)}
    rows = getattr(error, "rows", None)
    if rows:
        body["rows"] = [dict(r, message=error_message(r["error"], r.get("params"))) for r in rows]
    return body
