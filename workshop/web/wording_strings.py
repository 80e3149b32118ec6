"""Words of the wordings' scripts: the phone's "Original" and the console's wordings card
(static/js/wording.js)."""

from flask_babel import gettext as _

from ..messages import LANGUAGE_NAMES


def wording_strings() -> dict[str, object]:
    return {
        "original": _("Original"),
        "wording": {
            # a list of [code, name]: the page's order (an object's keys would be sorted)
            "languages": [list(pair) for pair in LANGUAGE_NAMES.items()],
            "group": _("Stakeholder group"),
            "track": _("Track"),
            "original": _("Original"),
            "title": _("Title"),
            "description": _("Description"),
            "activity": _("Activity"),
            "pick": _("Choose an activity"),
            "save": _("Save the wordings"),
            "saved": _(
                "Wordings saved: each phone and the big screen show them in their language."
            ),
            "none": _("No activity yet."),
        },
    }
