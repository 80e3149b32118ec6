"""Words of a working group's table screen (static/js/table.js) and of the phone's working
group (static/js/phone.js, phone_groups.js): A.t.tables."""

from flask_babel import gettext as _


def table_strings() -> dict[str, object]:
    return {
        "tables": {
            "more": _("+ %(count)s more"),
            "new": _("New"),
            "proposals_hint": _("Proposals from the phones of this table appear here."),
            "prevote_hint": _("Pre-vote of the table: the ranking so far."),
            "done_hint": _("The table has finished: its ranking."),
            "plenary_hint": _("The plenary has resumed: follow the main screen."),
            "points": _("total %(total)s · voters: %(voters)s"),
            "on_ballot": _("On the plenary's ballot"),
            # the phone
            "your_group": _("Your working group: %(name)s"),
            "group_activities": _("Activities of your group"),
            "other_groups": _("Other groups (read only)"),
            "other_groups_hint": _("See what the other tables are working on."),
            "loading": _("Loading…"),
            "none_at_table": _("No activity at this table yet."),
            "choose_title": _("Choose your working group"),
            "choose_hint": _("Pick the table you sit at; its activities come first."),
            "join_group": _("Join %(name)s"),
            "chosen": _("You are now in %(name)s."),
            "phone_prevote_hint": _(
                "Support the activities your table should bring to the plenary."
            ),
            "prevote_saved": _("Your pre-vote is recorded."),
            "group_phase": _("Your group: %(phase)s"),
        }
    }
