"""The facilitator's pages: the host's dashboard, the secret link, the console."""

import time

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..auth import (
    PinRefused,
    check_csrf,
    check_host_key,
    check_pin_attempt,
    console_grant,
    csrf_token,
    grant_console,
    is_host,
    record_pin_failure,
)
from ..db import transaction
from ..messages import error_message
from ..models import VENUE_MAX
from ..services import access as access_service
from ..services import working_groups as group_service
from ..services import workshops as workshop_service
from ..services.access import OWNER, Grant
from ..services.errors import DomainError
from .common import workshop_links

bp = Blueprint("facilitator", __name__)


@bp.get("/host")
def host():
    key = request.args.get("key")
    if key is not None:
        if not check_host_key(key):
            abort(403)
        session.permanent = True
        session["host"] = True
        return redirect(url_for("facilitator.host"))  # the key leaves the address bar
    if not is_host():
        return render_template("host_locked.html"), 403
    with transaction() as db:
        workshops = [
            {"code": w.code, "title": w.title, "phase": w.phase, "created_at": w.created_at}
            for w in workshop_service.list_workshops(db)
        ]
    return render_template("host.html", workshops=workshops, csrf=csrf_token(), error=None, form={})


@bp.post("/host/workshops")
def create_workshop():
    if not is_host():
        abort(403)
    form = request.form
    try:
        check_csrf(form.get("csrf"))
        with transaction() as db:
            voting = {
                "mode": form.get("mode", "dots"),
                "budget": form.get("budget") or None,
                "per_activity_cap": form.get("per_activity_cap") or None,
            }
            workshop, _token = workshop_service.create_workshop(
                db,
                title=form.get("title"),
                description=form.get("description", ""),
                groups=form.get("groups", ""),
                tracks=form.get("tracks", ""),
                voting=voting,
                language=form.get("language", "fr"),
                live_results=form.get("live_results") == "on",
            )
            code = workshop.code
    except DomainError as error:
        return render_template(
            "host.html",
            workshops=[],
            csrf=csrf_token(),
            form=form,
            error=error_message(error.key, error.params),
        ), 400
    return redirect(url_for("facilitator.console", code=code))


#: how long a facilitator link waits for its PIN (seconds)
PIN_WAIT = 10 * 60


@bp.get("/f/<code>/<token>")
def enter(code: str, token: str):
    """Exchange the secret link for a console session, then drop the token from the URL.

    When the workshop has a PIN, the session only remembers which link was opened, and the
    PIN page (whose address holds no secret) asks for it.
    """
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        grant = access_service.token_grant(db, workshop, token)
        code, has_pin = workshop.code, workshop.pin_hash is not None
    if has_pin:
        session["pin_pending"] = [*grant.as_session_value(), int(time.time()) + PIN_WAIT]
        return redirect(url_for("facilitator.pin", code=code))
    grant_console(grant)
    return redirect(url_for("facilitator.console", code=code))


def _pending_grant(db, workshop) -> Grant | None:
    pending = session.get("pin_pending")
    if not (isinstance(pending, list) and len(pending) == 3 and pending[2] > time.time()):
        return None
    return access_service.session_grant(db, workshop, pending[:2])


@bp.route("/f/<code>/pin", methods=["GET", "POST"])
def pin(code: str):
    """The PIN asked after a facilitator link, when the workshop has one."""
    error, failure, status = None, None, 200
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        grant = _pending_grant(db, workshop)
        if grant is None:
            return render_template("host_locked.html"), 403
        info = {"code": workshop.code, "title": workshop.title}
        if request.method == "POST":
            try:
                check_csrf(request.form.get("csrf"))
                check_pin_attempt(db, workshop, grant, request.form.get("pin", "").strip())
            except DomainError as refused:  # wrong PIN, too many tries, expired form
                error, status = error_message(refused.key, refused.params), refused.status
                failure = refused if isinstance(refused, PinRefused) else None
            else:
                session.pop("pin_pending", None)
                grant_console(grant)
                return redirect(url_for("facilitator.console", code=workshop.code))
    if failure is not None:
        record_pin_failure(failure)  # after the transaction: counted even though it failed
    return render_template("pin.html", workshop=info, error=error, csrf=csrf_token()), status


@bp.get("/f/<code>")
def console(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        grant = console_grant(db, workshop, table=True)
        if grant is None:
            return render_template("host_locked.html"), 403
        links = workshop_links(workshop)
        info = {
            "code": workshop.code,
            "title": workshop.title,
            "language": workshop.language,
            "owner": grant.role == OWNER,
        }
        report_settings = {
            **workshop_service.session_settings(workshop),
            "venue_max": VENUE_MAX,
            "zones": workshop_service.SUGGESTED_TIME_ZONES,
        }
        table_key = None  # a table's console listens to its table's room (its screen's snapshot)
        if grant.working_group_id is not None:
            group = group_service.get_working_group(db, workshop, grant.working_group_id)
            table_key = group.screen_key
    return render_template(
        "console.html",
        workshop=info,
        links=links,
        csrf=csrf_token(),
        report_settings=report_settings,
        #: a table link's console runs this working group only (the console's table view)
        table_group_id=grant.working_group_id,
        table_key=table_key,
    )
