"""Words the comments and workplan scripts show (static/js/comments.js, workplan.js)."""

from datetime import date

from flask_babel import gettext as _

from ..messages import GAPS, ROLES


def timeframe_suggestions(today: date | None = None) -> list[str]:
    """This quarter and the next four, then this year and the next two: what people type."""
    today = today or date.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _step in range(5):
        quarters.append(_("Q%(quarter)s %(year)s", quarter=quarter, year=year))
        quarter, year = (1, year + 1) if quarter == 4 else (quarter + 1, year)
    return quarters + [str(today.year + n) for n in range(3)]


def workplan_strings() -> dict[str, object]:
    return {
        "roles": {key: str(label) for key, label in ROLES.items()},
        "gaps": {key: str(label) for key, label in GAPS.items()},
        "timeframes": timeframe_suggestions(),
        # comments
        "comment": _("Comment"),
        "comments": _("Comments"),
        "comment_count": _("Comments: %(count)s"),
        "your_comment": _("Your comment"),
        "send": _("Send"),
        "close": _("Close"),
        "comment_saved": _("Your comment was received."),
        "my_comments": _("Your comments on this activity"),
        "show_comments": _("Big screen shows comments"),
        "no_comment": _("No comment yet."),
        "hidden_comment": _("Hidden"),
        # commitments, on phones
        "commit": _("Commit my organisation"),
        "change": _("Change"),
        "withdraw_commitment": _("Withdraw my organisation"),
        "role": _("Role"),
        "timeframe_optional": _("Timeframe (optional), e.g. a quarter or a year"),
        "note_optional": _("Note (optional)"),
        "commitment_saved": _("Commitment recorded: the facilitator will confirm it."),
        "commitment_withdrawn": _("Commitment withdrawn."),
        "commitments_open_banner": _(
            "Commitments are open: commit %(organisation)s to the activities it will lead or "
            "support."
        ),
        "commit_for": _("Commit %(organisation)s"),
        "retained_badge": _("Retained for the workplan"),
        "confirmed": _("confirmed"),
        "to_confirm": _("to confirm"),
        # the workplan, on the big screen and the console
        "workplan": _("Emerging workplan"),
        "no_retained": _("No activity has been retained for the workplan yet."),
        "timeframe": _("Timeframe"),
        "no_lead_yet": _("No lead yet"),
        "confirmed_legend": _("✓ confirmed, in grey: to be confirmed"),
        "retained_count": _("Retained activities: %(count)s"),
        "with_lead": _("with a lead: %(count)s of %(total)s"),
        "workplan_console": _("Workplan and commitments"),
        "commitments_open": _("Participants can commit their organisation"),
        "commitments_phase_hint": _("Possible during voting or once it is closed."),
        "show_workplan": _("Big screen shows the workplan"),
        "retain_top": _("Retain the top"),
        "ranking_by": _("ranked by"),
        "rankings": {
            "total": _("total of the vote"),
            "voters": _("number of voters"),
            "breadth": _("support across stakeholder groups"),
        },
        "per_track": _("in each track"),
        "retain": _("Retain"),
        "retained": _("Retained ✓"),
        "retained_done": _("Activities retained: %(count)s."),
        "issues": _("To look at"),
        "no_issue": _("Nothing to look at: every retained activity has one lead."),
        "issue_no_lead": _("No lead: %(title)s"),
        "issue_conflict": _("Several leads for %(title)s: %(organisations)s"),
        "issue_load": _("%(organisation)s holds %(count)s commitments (median: %(median)s)"),
        "issue_outside": _("Commitments on activities outside the workplan: %(count)s"),
        "issue_to_confirm": _("Commitments to confirm: %(count)s"),
        "commitments": _("Commitments"),
        "no_commitment": _("No commitment yet."),
        "confirm": _("Confirm"),
        "unconfirm": _("Unconfirm"),
        "confirm_all": _("Confirm all (%(count)s)"),
        "brought_by": _("Brought by %(groups)s"),
        "confirm_all_plan": _("Confirm every proposed commitment (%(count)s)"),
        "confirmed_done": _("Commitments confirmed: %(count)s."),
        "actions": _("Actions"),
        "remove": _("Remove"),
        "remove_confirm": _("Remove this commitment?"),
        "add_commitment": _("Add a commitment"),
        "organisation": _("Organisation"),
        "group": _("Stakeholder group"),
        "no_group": _("(no group)"),
        "activity": _("Activity"),
        "note": _("Note"),
        "status": _("Status"),
        "add": _("Add"),
        "made_by_facilitator": _("entered by the facilitator"),
        "outputs": _("Report and exports"),
        "report": _("Session report (print or PDF)"),
        "zip": _("All exports in one ZIP"),
        "workplan_xlsx": _("Workplan (XLSX, recommended)"),
        "workplan_csv": _("Workplan (CSV)"),
        "commitments_csv": _("Commitments (CSV)"),
        "comments_csv": _("Comments (CSV)"),
    }
