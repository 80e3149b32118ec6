"""The session report: a printable page in the workshop's language, with SVG charts."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from .. import charts
from ..auth import facilitates
from ..config import ROOT
from ..db import transaction
from ..messages import (
    CHANGE_LABELS,
    CHANGE_SUBJECTS,
    GAPS,
    GROUP_PHASES,
    LIST_SEPARATOR,
    PHASES,
    ROLES,
    TITLE_SEPARATOR,
    field_name,
    flag_words,
    value_words,
)
from ..models import LANGUAGES, SCORE_MAX, SCORE_MIN, Workshop
from ..services import workshops as workshop_service
from ..services.report import report_data

bp = Blueprint("report", __name__)

#: stylesheets the report uses; the ZIP's copy carries them inline, to open from a disk
STYLESHEETS = ("css/app.css", "css/report.css")


def report_language(workshop: Workshop, asked: str | None) -> str:
    """?lang= when given, else the workshop's own language."""
    return asked if asked in LANGUAGES else workshop.language


def _voting_rule(workshop: dict) -> str:
    mode = workshop["voting_mode"]
    if mode == "dots":
        return _(
            "Dots: %(budget)s dots each, at most %(cap)s on one activity",
            budget=workshop["budget"],
            cap=workshop["per_activity_cap"],
        )
    if mode == "approval":
        if workshop["budget"]:
            return _("Approval: at most %(budget)s activities each", budget=workshop["budget"])
        return _("Approval: one vote per activity")
    return _("Score: each activity rated from %(min)s to %(max)s", min=SCORE_MIN, max=SCORE_MAX)


def _flag_words(data: dict) -> None:
    """Each result's consensus flags in words, from their one home (messages.FLAGS)."""
    group_names = {g["id"]: g["name"] for g in data["groups"]}
    for result in data["results"]:
        result["flag_words"] = flag_words(result, group_names)


def _charts(data: dict, rtl: bool) -> dict:
    participation = data["participation"]
    groups = charts.bar_chart(
        [
            charts.Bar(
                label=g["name"],
                values=[g["voters"], g["participants"] - g["voters"]],
                note=_("%(n)s (%(v)s voted)", n=g["participants"], v=g["voters"]),
            )
            for g in participation["by_group"]
        ],
        ["#0B3D63", "#9DB7CF"],
        title=_("Participants by stakeholder group"),
        rtl=rtl,
    )
    score = data["workshop"]["voting_mode"] == "score"
    colours = [charts.group_colour(i) for i in range(len(data["groups"]))]
    largest = max([r["total"] for r in data["results"]] + [0]) or 1
    for result in data["results"]:
        weights = [g["total"] * g["voters"] if score else g["total"] for g in result["by_group"]]
        scale = result["total"] / 5 if score else result["total"] / largest
        result["split_svg"] = charts.split_bar(
            weights,
            colours,
            scale=scale,
            rtl=rtl,
            label=", ".join(
                f"{g['name']}: {s['total']}"
                for g, s in zip(data["groups"], result["by_group"], strict=False)
            ),
        )
    organisations = [
        charts.Bar(
            label=o["organisation"],
            values=[len(o["roles"][r]) for r in data["role_order"]],
        )
        for o in data["organisations"][:25]
    ]
    roles_chart = (
        charts.bar_chart(
            organisations,
            charts.ROLE_COLOURS,
            title=_("Commitments by organisation and role"),
            rtl=rtl,
        )
        if organisations
        else None
    )
    return {
        "groups": groups,
        "roles": roles_chart,
        "group_colours": colours,
        "role_colours": charts.ROLE_COLOURS,
    }


def _inline_css() -> str:
    return "\n".join((ROOT / "static" / path).read_text(encoding="utf-8") for path in STYLESHEETS)


def render_report(db: Session, workshop: Workshop, *, standalone: bool) -> str:
    """The report's HTML; `standalone` inlines the stylesheets and leaves out every link."""
    language = str(get_locale() or "fr")
    data = report_data(db, workshop, language=language)
    _flag_words(data)
    rtl = language == "ar"
    generated = data["generated_at"]
    return render_template(
        "report.html",
        data=data,
        charts=_charts(data, rtl),
        voting_rule=_voting_rule(data["workshop"]),
        phase=PHASES[data["workshop"]["phase"]],
        group_phases=GROUP_PHASES,
        roles=ROLES,
        gaps=GAPS,
        change_words=CHANGE_LABELS,
        change_subjects=CHANGE_SUBJECTS,
        field_words=field_name,
        value_words=value_words,
        session_date=format_date(data["workshop"]["session_date"], "long"),
        generated_at=f"{generated:%Y-%m-%d %H:%M} ({data['workshop']['time_zone']})",
        list_separator=str(LIST_SEPARATOR),
        title_separator=str(TITLE_SEPARATOR),
        standalone=standalone,
        inline_css=_inline_css() if standalone else "",
        stylesheets=STYLESHEETS,
        language_links=[]
        if standalone
        else [
            (code, label, url_for("report.show", code=workshop.code, lang=code))
            for code, label in (("fr", "Français"), ("ar", "العربية"), ("en", "English"))
        ],
    )


@bp.get("/f/<code>/report")
def show(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if not facilitates(db, workshop):
            return render_template("host_locked.html"), 403
        with force_locale(report_language(workshop, request.args.get("lang"))):
            return render_report(db, workshop, standalone=False)
