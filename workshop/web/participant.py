"""Pages for participants' phones: enter a code, join, take part."""

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for

from ..auth import PARTICIPANT_COOKIE, check_csrf, csrf_token, current_participant, hit_limits
from ..db import transaction
from ..messages import error_message
from ..ratelimit import RateLimited
from ..realtime.broadcast import broadcaster
from ..services import participants as participant_service
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from ..services.tokens import normalise_code
from .common import local_target

bp = Blueprint("participant", __name__)

COOKIE_AGE = 60 * 60 * 24 * 30


@bp.get("/")
def home():
    code = request.args.get("code")
    if code:
        return redirect(url_for("participant.join", code=normalise_code(code)))
    return render_template("home.html")


@bp.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    error, form, status = None, {}, 200
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if workshop.code != code:
            return redirect(url_for("participant.join", code=workshop.code))
        existing = current_participant(db, workshop)
        if request.method == "GET" and existing is not None and not request.args.get("edit"):
            return redirect(url_for("participant.phone", code=workshop.code))
        suggestions = participant_service.organisation_suggestions(db, workshop)
        groups = [{"id": g.id, "name": g.name} for g in workshop.groups]
        title = workshop.title
        if request.method == "POST":
            form = request.form
            try:
                check_csrf(form.get("csrf"))
                hit_limits(db, workshop.id, "join", existing.id if existing else None)
                participant, token = participant_service.join_workshop(
                    db,
                    workshop,
                    name=form.get("name", ""),
                    organisation=form.get("organisation", ""),
                    group=form.get("group", ""),
                    language=request.cookies.get("atelier_lang") or "fr",
                    existing_token=request.cookies.get(
                        PARTICIPANT_COOKIE.format(code=workshop.code)
                    ),
                    max_participants=current_app.config["MAX_PARTICIPANTS"],
                )
                workshop_id = workshop.id
            except DomainError as exc:
                db.rollback()
                error = error_message(exc.key, exc.params)
                status = 429 if isinstance(exc, RateLimited) else 400
        elif existing is not None:
            form = {
                "name": existing.display_name,
                "organisation": existing.organisation,
                "group": str(existing.group_id),
            }
    if request.method == "POST" and error is None:
        broadcaster().changed(workshop_id)
        response = make_response(redirect(url_for("participant.phone", code=code)))
        response.set_cookie(
            PARTICIPANT_COOKIE.format(code=code),
            token,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
        )
        return response
    return render_template(
        "join.html",
        code=code,
        title=title,
        groups=groups,
        suggestions=suggestions,
        form=form,
        error=error,
        csrf=csrf_token(),
    ), status


@bp.get("/w/<code>")
def phone(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if current_participant(db, workshop) is None:
            return redirect(url_for("participant.join", code=workshop.code))
        title = workshop.title
    return render_template("phone.html", code=workshop.code, title=title)


@bp.get("/lang/<lang>")
def set_language(lang: str):
    response = make_response(redirect(local_target(request.args.get("next"))))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("atelier_lang", lang, max_age=COOKIE_AGE, samesite="Lax")
    return response
