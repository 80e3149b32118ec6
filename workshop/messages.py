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
    "translations": _l("translations"),
    "conventions": _l("CSV conventions"),
    "acronym": _l("acronym"),
    "aliases": _l("other spellings"),
    "organisations": _l("organisations"),
    "from": _l("workshop to copy from"),
    "source": _l("workshop to copy from"),
    "recovery_code": _l("recovery code"),
    "kept_id": _l("participant to keep"),
    "merged_id": _l("participant to merge"),
    "deadline": _l("deadline"),
    "contact": _l("contact person"),
    "resources": _l("budget or resources"),
    "reason": _l("reason"),
    "kind": _l("kind of change"),
    "ids": _l("changes"),
    "status": _l("status"),
    "follow_up_links": _l("follow-up links"),
    "names": _l("working groups' names"),
    "working_groups": _l("working groups"),
    "working_group_id": _l("working group"),
    "working_group_choice": _l("participants choose their working group"),
    "only_unassigned": _l("only who has no working group"),
    "links": _l("table links"),
}

PHASES = {
    "setup": _l("Preparation"),
    "proposing": _l("Proposals"),
    "voting": _l("Voting"),
    "closed": _l("Closed"),
}

#: a working group's own phase at its table (models.GroupPhase)
GROUP_PHASES = {
    "proposing": _l("Proposals"),
    "prevote": _l("Pre-vote"),
    "done": _l("Done"),
}

ROLES = {
    "lead": _l("Lead"),
    "co_lead": _l("Co-lead"),
    "partner": _l("Partner"),
    "support": _l("Supporting"),
}

#: what a comparison of two plan versions says of a change, and of what changed
CHANGE_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
CHANGE_SUBJECTS = {"activities": _l("activity"), "commitments": _l("commitment")}

#: a commitment's status as people read it
COMMITMENT_STATUSES = {"confirmed": _l("confirmed"), "proposed": _l("to confirm")}


def value_words(field: str, value: str) -> str:
    """A recorded value as people read it: a role or a status in words, anything else as is."""
    words = {"role": ROLES, "status": COMMITMENT_STATUSES}.get(field, {})
    return str(words.get(value, value))


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
    "group_not_found": _l("This stakeholder group does not exist."),
    "track_not_found": _l("This track does not exist."),
    "wording_language": _l(
        "Write each wording after its language, e.g. “Gouvernement | ar: الحكومة | en: "
        "Government” (languages: fr, ar, en): %(line)s"
    ),
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
    "import_no_name_column": _l(
        "The file needs a column named acronym, name_fr, name_ar or name_en."
    ),
    "alias_taken": _l("“%(alias)s” already names %(organisation)s in the directory."),
    "alias_repeated": _l("A spelling of this row is already on line %(line)s of the file."),
    "alias_split": _l("This row spells several organisations of the directory: %(organisations)s."),
    "organisation_not_found": _l("This organisation is not in the directory."),
    "organisation_in_use": _l(
        "%(count)s commitments name this organisation: change or remove them first."
    ),
    "import_encoding": _l("The file could not be read; save it as XLSX or as CSV UTF-8."),
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
    "table_link_scope": _l(
        "This table link runs its own working group only: ask the main facilitator."
    ),
    "working_group_not_found": _l("This working group does not exist (any more)."),
    "working_group_exists": _l("There is already a working group named %(name)s."),
    "working_groups_no_tracks": _l("The workshop has no track to make working groups from."),
    "working_groups_none": _l("Define the working groups first."),
    "working_groups_closed": _l(
        "Working groups run their sessions during preparation and proposals only."
    ),
    "working_group_choice_closed": _l(
        "The facilitator places participants in working groups: ask them to move you."
    ),
    "working_group_not_proposing": _l("Your working group is no longer taking proposals."),
    "not_prevoting": _l("Your working group is not pre-voting now."),
    "not_your_group": _l("This activity is another working group's: pre-vote at your own table."),
    "not_on_ballot": _l(
        "The plenary votes on what the working groups brought: this activity is not on the ballot."
    ),
    "ballot_locked": _l("The plenary is voting or has voted: the roll-up can no longer change."),
    "rollup_none": _l("Roll up to the plenary first: there is no ballot to show yet."),
    "activity_no_working_group": _l("This activity belongs to no working group."),
    "activity_has_prevotes": _l(
        "Participants have pre-voted on this activity at its table: it stays there."
    ),
    "merge_target_off_ballot": _l(
        "Merge into the activity that is on the ballot: the plenary votes on the ballot only."
    ),
    "assign_method_invalid": _l("Assign by stakeholder group, by organisation, or balanced."),
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
    "version_not_found": _l("This version of the plan does not exist."),
    "host_only": _l("Only the host of this instance can do this."),
    "consolidation_not_public": _l("This consolidated plan is not public (or not any more)."),
    "consolidation_empty": _l("The consolidation has no activity yet: add a workshop first."),
    "outcome_not_found": _l("This page does not exist, or it is not published."),
    "plan_not_frozen": _l(
        "The plan of the room is recorded when the workshop is closed: close it first."
    ),
    "source_exists": _l("This workshop is already part of the consolidation."),
    "import_not_an_export": _l(
        "This file is not an Atelier export: upload the ZIP of all exports, or its "
        "atelier-export.json."
    ),
    "link_invalid": _l("These two activities cannot be linked."),
    "participant_not_found": _l("This participant does not exist."),
    "participant_not_active": _l("This participant was already merged into another or removed."),
    "participant_merge_itself": _l("Choose two different participants to merge."),
    "participants_closed": _l(
        "Voting is closed: reopen voting to merge, remove or bring back participants."
    ),
    "participant_change_not_found": _l("This change does not exist."),
    "participant_change_already_undone": _l("This change was already undone."),
    "participant_undo_order": _l(
        "The participant kept by this merge was merged or removed since: undo that first."
    ),
    "participant_removed": _l("The facilitator removed this participant from the workshop."),
    "recovery_code_format": _l("A recovery code is 8 letters and digits, e.g. K7QM-4XTB."),
    "recovery_code_invalid": _l(
        "This recovery code opens nobody in this workshop. Check it on your other phone."
    ),
    "follow_up_organisation_unknown": _l("This organisation has no commitment in the workshop."),
    "follow_up_deadline_past": _l("The deadline must be in the future."),
    "follow_up_deadline_far": _l("The deadline can be at most %(days)s days ahead."),
    "follow_up_link_not_found": _l("This follow-up link does not exist."),
    "follow_up_link_invalid": _l(
        "This follow-up link is not valid. Ask the facilitator for yours."
    ),
    "follow_up_link_revoked": _l(
        "This follow-up link was revoked by the facilitator. Ask them for a new one."
    ),
    "follow_up_closed": _l("The deadline has passed: this link can no longer send changes."),
    "follow_up_no_change": _l("Nothing was changed: edit a field before sending."),
    "follow_up_change_not_found": _l("This follow-up change does not exist."),
    "follow_up_change_decided": _l("This change was already accepted, rejected or replaced."),
    "follow_up_stale": _l(
        "The commitment was changed since this change was sent (another change was accepted, "
        "or the facilitator edited it): reject it, or ask for it again."
    ),
    "follow_up_activity_gone": _l(
        "The activity was removed or hidden since this change was sent: it cannot be applied."
    ),
    "follow_up_commitment_gone": _l(
        "The commitment no longer exists (removed since this change was sent)."
    ),
}


#: each language named in itself: the switchers, and after a wording's field ("title (العربية)")
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


def field_name(field: str) -> str:
    """A field's name in the reader's language; a wording's with its language: title_ar."""
    base, _, language = field.rpartition("_")
    if field not in FIELDS and base in FIELDS and language in LANGUAGE_NAMES:
        return f"{FIELDS[base]} ({LANGUAGE_NAMES[language]})"
    return str(FIELDS.get(field, field))


def error_message(key: str, params: dict | None = None) -> str:
    """Translate an error key with its parameters into the current locale."""
    params = dict(params or {})
    if "field" in params:
        params["field"] = field_name(str(params["field"]))
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
