"""Words of the organisation type-ahead (join.js) and the console's directory (directory.js)."""

from flask_babel import gettext as _


def organisation_strings() -> dict[str, dict[str, str]]:
    """Strings of static/js/join.js and directory.js (see context.js_strings)."""
    return {
        "organisations": {
            "found": _("%(count)s organisations match. Use the up and down arrows, then Enter."),
            "found_one": _("1 organisation matches. Press the down arrow, then Enter."),
            "new": _("Not in the directory: your organisation will be added as you wrote it."),
            "chosen": _("Chosen: %(name)s."),
            "no_group": _("(none)"),
            "add": _("Add"),
            "remove": _("Remove"),
            "empty": _("The directory is empty: import a file or add an organisation."),
            "imported": _("Organisations imported or completed: %(count)s."),
            "import_rows": _("Line %(line)s: %(message)s"),
            "unmatched_none": _("Every organisation typed at join is in the directory."),
            "used_by": _("participants: %(participants)s · commitments: %(commitments)s"),
            "same_as": _("Same organisation as"),
            "choose": _("Choose…"),
            "merge": _("Merge"),
            "merged": _("“%(name)s” is now %(organisation)s."),
            "merge_line": _("“%(name)s” → %(organisation)s · commitments: %(count)s"),
            "undo": _("Undo"),
            "undone": _("undone"),
        }
    }
