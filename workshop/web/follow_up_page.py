"""The focal point's page: an organisation's commitments behind its private follow-up link.

Plain HTML forms (no script): it works on a phone on bad wifi, and every write carries the
session's CSRF token and counts against the link's and the address's rate limits.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale

from ..auth import check_csrf, client_address_key, csrf_token, rate_limit
from ..db import transaction
from ..messages import ROLES, error_message
from ..models import CONTACT_MAX, NOTE_MAX, REASON_MAX, RESOURCES_MAX, TIMEFRAME_MAX
from ..realtime.broadcast import broadcaster
from ..services import follow_up as follow_up_service
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from ..services.follow_up import FIELDS
from .outcome import render_commitments

bp = Blueprint("follow_up", __name__)

#: what the page's forms send, beside the fields of a commitment
_FORM_IDS = ("commitment_id", "activity_id")
KINDS = ("confirm", "amend", "withdraw", "propose")


def _form_data(form) -> dict:
    data = {name: form.get(name) for name in (*FIELDS, "reason")}
    for name in _FORM_IDS:
        raw = (form.get(name) or "").strip()
        data[name] = int(raw) if raw.isdigit() and len(raw) < 19 else raw or None
    return data


def _limit(db, workshop_id: int, link_id: int) -> None:
    """One change counts against the link and against the address it comes from."""
    limiter = current_app.extensions["atelier.limiter"]
    for key in (
        f"w{workshop_id}:follow_up:link:{link_id}",
        f"w{workshop_id}:follow_up:addr:{client_address_key()}",
    ):
        limiter.hit(key, rate_limit("RATE_FOLLOW_UP"), workshop_id, session=db)


def _moment(moment, time_zone: str) -> str:
    """A UTC moment in the room's time zone, as the reader's language writes a date and a
    time (no seconds: "5 janv. 2027, 23:59", "05/01/2027، 23:59")."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    locale = str(get_locale() or "fr")
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return pattern.format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )


@bp.route("/follow-up/<code>/<token>", methods=["GET", "POST"])
def page(code: str, token: str):
    error, status, sent, sent_to = None, 200, request.args.get("sent"), None
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        link = follow_up_service.link_by_token(db, workshop, token)
        workshop_id = workshop.id
        if request.method == "POST":
            form = request.form
            try:
                check_csrf(form.get("csrf"))
                _limit(db, workshop.id, link.id)
                kind = form.get("action")
                follow_up_service.send_change(db, workshop, link, kind, _form_data(form))
            except DomainError as refused:
                db.rollback()
                error, status = error_message(refused.key, refused.params), refused.status
            else:
                sent_to = url_for("follow_up.page", code=workshop.code, token=token, sent=kind)
        if sent_to is None:
            language = str(get_locale() or workshop.language)
            view = follow_up_service.focal_view(db, workshop, link, language=language)
            info = {"code": workshop.code, "title": workshop.title}
            deadline = _moment(link.deadline, workshop.time_zone)
            for change in view["changes"]:
                sent_at = datetime.fromisoformat(change["created_at"].removesuffix("Z"))
                change["when"] = _moment(sent_at, workshop.time_zone)
    if sent_to is not None:  # committed: consoles read the pending changes again
        broadcaster().changed(workshop_id)
        return redirect(sent_to, 303)
    return render_template(
        "follow_up.html",
        workshop=info,
        view=view,
        deadline=deadline,
        token=token,
        error=error,
        sent=sent if sent in KINDS else None,
        roles=[(value, str(label)) for value, label in ROLES.items()],
        limits={
            "timeframe": TIMEFRAME_MAX,
            "note": NOTE_MAX,
            "contact": CONTACT_MAX,
            "resources": RESOURCES_MAX,
            "reason": REASON_MAX,
        },
        csrf=csrf_token(),
    ), status


@bp.get("/follow-up/<code>/<token>/commitments")
def one_pager(code: str, token: str):
    """The link's organisation's one-pager ("Your organisation's commitments", A4), rendered by
    the outcome page's renderer; readable after the deadline, not once the link is revoked."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        link = follow_up_service.link_by_token(db, workshop, token)
        return render_commitments(
            db,
            workshop,
            follow_up_service.link_key(db, workshop, link),
            request.args.get("lang") or str(get_locale() or workshop.language),
            back=url_for("follow_up.page", code=workshop.code, token=token),
            name=link.organisation,
        )
