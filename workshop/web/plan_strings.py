"""What the console's "Versions of the plan" card (templates/_plan_versions.html) needs."""

from flask_babel import gettext as _

from ..messages import COMMITMENT_STATUSES, ROLES, field_name, value_words
from ..models import PLAN_VERSION_TITLE_MAX
from ..services.plan_versions import ACTIVITY_FIELDS, COMMITMENT_FIELDS, CURRENT

CHANGE_FIELDS = tuple(dict.fromkeys(ACTIVITY_FIELDS + COMMITMENT_FIELDS))


def versions_card() -> dict[str, object]:
    """The card's limit and the words of static/js/versions.js, in the page's language."""
    return {
        "title_max": PLAN_VERSION_TITLE_MAX,
        "current": CURRENT,
        "strings": {
            "room_plan": _("Plan of the room"),
            "current": _("The plan now (not published)"),
            "version": _("v%(number)s"),
            "published": _("Version %(number)s published."),
            "no_versions": _(
                "No version yet: the plan of the room is recorded when you close the workshop."
            ),
            "no_change": _("No change."),
            "count": _("%(count)s change(s)"),
            "activities": _("Activities"),
            "commitments": _("Commitments"),
            "added": _("Added"),
            "removed": _("Removed"),
            "changed": _("Changed"),
            "field_change": _("%(field)s: “%(before)s” → “%(after)s”"),
            # the words of fields and of recorded values, from their one home (messages.py)
            "fields": {field: field_name(field) for field in CHANGE_FIELDS},
            "values": {
                field: {value: value_words(field, value) for value in values}
                for field, values in (("role", ROLES), ("status", COMMITMENT_STATUSES))
            },
        },
    }
