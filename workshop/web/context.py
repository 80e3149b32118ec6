"""What every template gets: the locale, phase names and the strings the scripts need."""

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from ..messages import PHASES
from .workplan_strings import workplan_strings


def phase_labels() -> dict[str, str]:
    return {phase: str(label) for phase, label in PHASES.items()}


def js_strings() -> dict[str, object]:
    """Every word the page scripts show, translated on the server."""
    return {
        "phases": phase_labels(),
        "phase_hints": {
            "setup": _("The workshop will start soon."),
            "proposing": _("Propose activities. Voting comes next."),
            "voting": _("Voting is open."),
            "closed": _("Voting is closed. Thank you!"),
        },
        "connected": _("Connected"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("Offline: your actions will be sent when the connection is back"),
        "sending": _("Sending…"),
        "vote_saved": _("Your vote is recorded."),
        "vote_withdrawn": _("Your vote is withdrawn."),
        "proposal_saved": _("Your proposal was received."),
        "support": _("Support"),
        "supported": _("Supported ✓"),
        "remove_dot": _("Remove a dot"),
        "add_dot": _("Add a dot"),
        "dots_left": _("Dots left: %(left)s of %(budget)s"),
        "approvals_left": _("Supports left: %(left)s of %(budget)s"),
        "budget_spent": _("All your dots are placed. Take one back to move it."),
        "voting_closed": _("Voting is not open."),
        "score_label": _("Your score (1 to 5)"),
        "remove_score": _("Remove my score"),
        "my_proposal": _("My proposal"),
        "your_vote": _("Your vote"),
        "total": _("Total"),
        "voters": _("voters"),
        "participants": _("participants"),
        "facilitator": _("Facilitator"),
        "hide": _("Hide"),
        "restore": _("Restore"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "hidden": _("Hidden"),
        "no_track": _("No track"),
        "imported": _("%(count)s activities imported."),
        "saved": _("Saved."),
        "error_generic": _("Something went wrong on the server; nothing was changed. Try again."),
        "group_split": _("Split by stakeholder group"),
        "rank": _("Rank"),
        **workplan_strings(),
    }


def register_context(app: Flask) -> None:
    @app.context_processor
    def _template_globals():
        locale = str(get_locale() or "fr")
        return {
            "locale": locale,
            "phase_labels": phase_labels(),
            "js_strings": js_strings(),
            "default_groups": "\n".join(
                [
                    _("Government"),
                    _("Employers' organisations"),
                    _("Workers' organisations"),
                    _("Public agencies"),
                    _("Implementing agencies"),
                    _("Civil society"),
                    _("Research"),
                ]
            ),
        }
