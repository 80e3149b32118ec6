"""The facilitator's pages: the host's dashboard, the secret link, the console."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..db import transaction
from ..messages import error_message
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from .auth import check_csrf, check_host_key, csrf_token, facilitates, grant_console, is_host
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


@bp.get("/f/<code>/<token>")
def enter(code: str, token: str):
    """Exchange the secret link for a console session, then drop the token from the URL."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        workshop_service.check_facilitator_token(workshop, token)
        grant_console(workshop)
        code = workshop.code
    return redirect(url_for("facilitator.console", code=code))


@bp.get("/f/<code>")
def console(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if not facilitates(workshop):
            return render_template("host_locked.html"), 403
        links = workshop_links(workshop)
        info = {"code": workshop.code, "title": workshop.title}
    return render_template("console.html", workshop=info, links=links, csrf=csrf_token())
