"""What the console's follow-up card (templates/_follow_up.html) needs."""

from flask_babel import gettext as _

from ..messages import ROLES, error_message
from ..models import NAME_MAX
from ..services.follow_up import FIELDS, MAX_BULK, MAX_DAYS
from .plan_strings import versions_card

#: the keys a pending change's `blocker` can hold, said in the console's language
BLOCKERS = (
    "follow_up_stale",
    "follow_up_activity_gone",
    "follow_up_commitment_gone",
    "commitment_exists",
)


def follow_up_card() -> dict[str, object]:
    """The card's limits and the words of static/js/follow_up.js, in the page's language."""
    return {
        "label_max": NAME_MAX,
        "max_days": MAX_DAYS,
        "max_bulk": MAX_BULK,
        "fields": list(FIELDS),
        "strings": {
            "kinds": {
                "confirm": _("Confirmation"),
                "amend": _("Amendment"),
                "withdraw": _("Withdrawal"),
                "propose": _("New commitment"),
            },
            "statuses": {
                "pending": _("Pending"),
                "accepted": _("Accepted"),
                "rejected": _("Rejected"),
                "superseded": _("Replaced by a later change"),
            },
            "field_names": versions_card()["strings"]["fields"],  # one set of field words
            "roles": {k: str(v) for k, v in ROLES.items()},
            "commitment_status": {"proposed": _("to be confirmed"), "confirmed": _("confirmed")},
            "blockers": {key: error_message(key) for key in BLOCKERS},
            "field_change": _("%(field)s: “%(before)s” → “%(after)s”"),
            "reason": _("Reason: %(reason)s"),
            "lands_on": _("The activity was merged: this lands on “%(title)s”."),
            "open": _("Open"),
            "closed": _("Deadline passed"),
            "revoked": _("Revoked"),
            "revoke": _("Revoke"),
            "revoke_confirm": _("Revoke this link? Its holder can no longer open the page."),
            "accept": _("Accept"),
            "reject": _("Reject"),
            "select_change": _("Select this change"),
            "created": _(
                "Send this link (or let them scan the QR code) to the focal point now: it is "
                "shown only once."
            ),
            "decided": _("%(count)s change(s) decided."),
            "refused": _("%(count)s change(s) could not be accepted: see why in the table."),
            "no_changes": _("No change waiting."),
            "no_links": _("No follow-up link yet."),
            "no_organisations": _("No organisation has a commitment yet."),
            "commitments": _("%(count)s commitment(s)"),
            "no_label": _("(no note)"),
        },
    }
