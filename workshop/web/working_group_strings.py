"""Words of the working groups in the console (static/js/working_groups.js: the groups card,
the roll-up card, a table facilitator's console) and on the big screen (the roll-up scene and
the provenance of the plenary's results, static/js/screen.js)."""

from flask_babel import gettext as _

from ..messages import GROUP_PHASES
from ..models import NAME_MAX, GroupPhase
from ..services.rollup import TOP_N_MAX

#: what the roll-up form proposes first: three activities per table
TOP_N_DEFAULT = 3


def working_group_strings() -> dict[str, object]:
    """The words of the scripts (A.t.wg) and the limits they show (a name, the roll-up's N)."""
    return {
        "wg": {
            "name_max": NAME_MAX,
            "top_n_max": TOP_N_MAX,
            "top_n_default": min(TOP_N_DEFAULT, TOP_N_MAX),
            "phases": {phase: str(label) for phase, label in GROUP_PHASES.items()},
            # the buttons' order (the page's JSON sorts its keys)
            "phase_order": [phase.value for phase in GroupPhase],
            "none": _("No working group yet: the room works as one."),
            "created": _("Working groups created: %(count)s."),
            "deleted": _("The working group is deleted; its members have no group now."),
            "delete": _("Delete"),
            "rename": _("Rename"),
            "rename_of": _("Rename %(name)s"),
            "renamed": _("The working group is renamed."),
            "save": _("Save"),
            "cancel": _("Cancel"),
            "name": _("Name"),
            "delete_confirm": _(
                "Delete the working group “%(name)s”? Its members will have no group; its "
                "activities and pre-votes stay in the workshop."
            ),
            "participants": _("Participants"),
            "proposals": _("Proposals"),
            "activities": _("Activities"),
            "unassigned": _("Without a group: %(count)s"),
            "all_assigned": _("Everyone has a group."),
            "placed": _("Participants placed: %(count)s."),
            "activities_unplaced": _("Activities at no table: %(count)s"),
            "activities_all_placed": _("Every activity is at a table."),
            "activity_placed": _("“%(title)s” is now at %(group)s."),
            "activity_unplaced": _("“%(title)s” is now at no table."),
            "top": _("Top activities"),
            "no_prevote": _("No pre-vote yet."),
            "points": _("total %(total)s · voters: %(voters)s"),
            "time_left": _("Time left"),
            "minutes": _("%(count)s min"),
            "pause": _("Pause"),
            "resume": _("Resume"),
            "reset": _("Reset"),
            "phase_of": _("Phase of %(name)s"),
            "timer_of": _("Countdown of %(name)s"),
            "table_screen": _("Table screen"),
            "table_screen_qr": _("QR code of the table screen of %(name)s"),
            "table_link": _("Table link"),
            "table_link_made": _(
                "Send this link to the table's facilitator now; it is shown only once. It "
                "controls this group only:"
            ),
            "table_link_qr": _("QR code of the table link of %(name)s"),
            "moved": _("%(who)s is now in %(group)s."),
            "no_group": _("No group"),
            "choose": _("Choose…"),
            "saved": _("Saved."),
            # the table facilitator's console (a table link)
            "table_title": _("Table: %(name)s"),
            "table_scope": _(
                "Your link runs this table only: its phase, its countdown, its activities. "
                "The plenary is run from the main console."
            ),
            "to_plenary": _("Bring to plenary"),
            "to_plenary_on": _("Brought to plenary ✓"),
            "to_plenary_hint": _(
                "Mark what the table brings to the plenary; without a mark, the plenary gets "
                "the table's top activities of the pre-vote."
            ),
            "select_one": _("Select “%(title)s”"),
            "merge_two": _("Merge the selected into the first one ticked"),
            "merged": _("Merged."),
            "rank": _("Rank"),
            "title": _("Title"),
            "prevote": _("Pre-vote"),
            "actions": _("Actions"),
            "no_activity": _("No activity at this table yet."),
            "hidden_count": _("Hidden activities · %(count)s"),
            "merged_into": _("Merged into “%(title)s”"),
            # the roll-up (console)
            "ballot_count": _("The plenary's ballot: %(count)s"),
            "no_ballot": _("No ballot yet: the plenary votes on every activity."),
            "rolled_up": _("Rolled up: activities on the plenary's ballot: %(count)s."),
            "undone": _("The roll-up is undone: no ballot."),
            "undo_confirm": _("Undo the roll-up? The ballot is emptied; the pre-votes stay."),
            "prevote_figures": _("rank %(rank)s · total %(total)s · voters: %(voters)s"),
            "marked": _("marked by the table"),
            "also_by": _("also brought by %(groups)s"),
            "no_duplicates": _("No likely duplicate across groups."),
            "similarity": _("%(score)s%% similar"),
            "merge_into": _("Merge into the one kept"),
            "no_group_name": _("(no group)"),
            # the rapporteur's view: which group the big screen shows (PATCH rollup_focus_group_id)
            "focus_title": _("On the big screen"),
            "focus_hint": _(
                "Show the group whose rapporteur is speaking: the big screen stays on it until "
                "you choose another, or all groups."
            ),
            "focus_all": _("All groups (pages turn)"),
            "focus_show": _("Show on the big screen"),
            "focus_show_group": _("Show %(group)s on the big screen"),
            "focus_now": _("The big screen shows %(group)s only."),
            "focus_all_now": _("The big screen shows every group, one to a page."),
            # the big screen
            "rollup_title": _("Roll-up to the plenary"),
            "brings": _("What %(group)s brings"),
            "group_of": _("Group %(index)s of %(count)s"),
            "screen_prevote": _("Pre-vote: rank %(rank)s · total %(total)s"),
            "screen_voters": _("voters: %(voters)s"),
            "screen_marked": _("Chosen by the table"),
            "screen_none": _("The working groups have not rolled up yet."),
            "from_group": _("Brought by %(groups)s"),
            "screen_group_none": _("This group brings nothing to the plenary."),
        }
    }
