"""Words of the console's participants card (static/js/participants.js) and of the phone's
identity notice (static/js/identity.js), translated on the server."""

from flask_babel import gettext as _


def participant_strings() -> dict[str, object]:
    return {
        "people": {
            "online": _("Online"),
            "offline": _("Offline"),
            "online_count": _("%(online)s online of %(count)s"),
            "select": _("Select %(who)s"),
            "remove": _("Remove"),
            "remove_confirm": _(
                "Remove %(who)s? Their votes are withdrawn; you can bring them back from the "
                "list of changes while voting is open."
            ),
            "removed": _("%(who)s removed; their votes are withdrawn."),
            "merge": _("Merge the two selected"),
            "merge_hint": _("Select the two identities of one person, then merge them."),
            "keep": _("Keep"),
            "merge_confirm": _(
                "Merge %(merged)s into %(kept)s? One person, one budget: the votes are "
                "combined within the voting rule and what does not fit is returned."
            ),
            "merged": _("%(merged)s merged into %(kept)s."),
            "undo": _("Undo"),
            "undone": _("Undone."),
            "change_merge": _("%(merged)s merged into %(kept)s"),
            "change_removal": _("%(who)s removed"),
            "changes": _("Changes"),
            "filter": _("Find a participant (name, organisation, pseudonym)"),
            "none": _("Nobody has joined yet."),
            "no_match": _("Nobody matches."),
            "anonymous": _("(no name)"),
        },
    }
