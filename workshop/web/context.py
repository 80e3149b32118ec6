"""What every template gets: the locale, phase names and the strings the scripts need."""

from urllib.parse import urlencode

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..messages import LANGUAGE_NAMES as NAMES
from ..messages import PHASES
from ..models import SCORE_MAX, SCORE_MIN
from ..services.rules import page_limits
from .feature_strings import overlap_strings
from .organisation_strings import organisation_strings
from .participant_strings import participant_strings
from .table_strings import table_strings
from .wording_strings import wording_strings
from .working_group_strings import working_group_strings
from .workplan_strings import workplan_strings

#: each language named in itself, as a switcher shows it
LANGUAGE_NAMES = tuple(NAMES.items())


def language_links(in_url: bool = False) -> list[dict]:
    """The language switcher: remembered in a cookie, or (`in_url`) kept in this page's URL.

    The big screen keeps its language in its URL, so it can differ from the phones' and from
    the console opened on the same laptop; every other page remembers the reader's choice.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    here = request.path + ("?" + urlencode(args) if args else "")
    current = str(get_locale() or "fr")
    links = []
    for code, label in LANGUAGE_NAMES:
        if in_url:
            href = request.path + "?" + urlencode([*args, ("lang", code)])
        else:
            href = url_for("participant.set_language", lang=code, next=here)
        links.append({"code": code, "label": label, "href": href, "current": code == current})
    return links


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
        "conn_connecting": _("Connecting…"),
        "conn_connected": _("Connected"),
        "conn_reconnecting": _("Reconnecting…"),
        "conn_offline": _("Offline"),
        "waiting_connection": _("Waiting for the connection: it will be sent when it is back."),
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
        "score_label": _("Your score (%(min)s to %(max)s)", min=SCORE_MIN, max=SCORE_MAX),
        "remove_score": _("Remove my score"),
        "my_proposal": _("My proposal"),
        "your_vote": _("Your vote"),
        "total": _("Total"),
        "voters": _("voters"),
        "participants": _("participants"),
        "facilitator": _("Facilitator"),
        "hide": _("Hide"),
        "restore": _("Restore"),
        "select_all": _("Select every visible activity"),
        "select_one": _("Select “%(title)s”"),
        "hide_selection": _("Hide the selection (%(count)s)"),
        "hide_selection_confirm": _(
            "Hide these %(count)s activities? Their votes are kept but no longer count."
        ),
        "hidden_done": _("Activities hidden: %(count)s."),
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
        "pin_on": _("A PIN is asked."),
        "pin_off": _("No PIN is asked."),
        "revoke": _("Revoke"),
        "revoked": _("The link is revoked: it and the consoles opened with it stop working."),
        "cohost_created": _("Send this link to the co-host now; it is shown only once:"),
        "no_label": _("(no note)"),
        "too_large": _("What you sent is too large."),
        "my_dots": _("Your dots here: %(count)s"),
        "cap_reached": _("At most %(max)s dots on one activity."),
        "approvals_spent": _("You have used all your supports. Withdraw one to support this."),
        "approval_rule": _("Support as many activities as you like."),
        "score_rule": _("Rate each activity from 1 (low) to 5 (high)."),
        "you": _("You"),
        "time_up": _("Time is up"),
        "timer_minutes_invalid": _("Type a whole number of minutes, from 1 to 180."),
        **overlap_strings(),
        **organisation_strings(),
        **participant_strings(),
        **wording_strings(),
        **workplan_strings(),
        **working_group_strings(),
        **table_strings(),
    }


def register_context(app: Flask) -> None:
    @app.context_processor
    def _template_globals():
        locale = str(get_locale() or "fr")
        return {
            "locale": locale,
            "language_links": language_links,
            "language_names": LANGUAGE_NAMES,
            "phase_labels": phase_labels(),
            "js_strings": js_strings(),
            "page_limits": page_limits(),
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
