"""Pages for participants' phones: enter a code, join, take part."""

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for

from ..auth import PARTICIPANT_COOKIE, check_csrf, csrf_token, current_participant, hit_limits
from ..db import transaction
from ..messages import error_message
from ..models import LANGUAGES
from ..ratelimit import RateLimited
from ..realtime.broadcast import broadcaster
from ..services import participants as participant_service
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from ..services.tokens import normalise_code
from .common import local_target
from .participants_api import phone_recovery_code
from .participants_api import recover as recover_identity

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
            return redirect(url_for("participant.phone", code=workshop.code, table=_table()))
        page = _join_context(db, workshop)
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
        return _to_phone(code, token)
    return render_template(
        "join.html",
        **page,
        form=form,
        error=error,
        csrf=csrf_token(),
        signed_out=request.args.get("signed_out"),
    ), status


def _join_context(db, workshop) -> dict:
    """What the join page shows of the workshop."""
    return {
        "code": workshop.code,
        "title": workshop.title,
        "groups": [
            dict(id=g.id, name=g.name, **{f"name_{x}": getattr(g, f"name_{x}") for x in LANGUAGES})
            for g in workshop.groups
        ],
        "suggestions": participant_service.organisation_suggestions(db, workshop),
    }


@bp.get("/w/<code>")
def phone(code: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if current_participant(db, workshop) is None:
            return redirect(url_for("participant.join", code=workshop.code))
        title = workshop.title
        recovery_code = phone_recovery_code(db, workshop)
    return render_template(
        "phone.html", code=workshop.code, title=title, recovery_code=recovery_code
    )


@bp.post("/j/<code>/recover")
def recover(code: str):
    """The join page's "I already joined on another phone" form: a recovery code."""
    try:
        check_csrf(request.form.get("csrf"))
        _workshop_id, _holder, _public_id, token = recover_identity(
            code, request.form.get("recovery_code", "")
        )
    except DomainError as refused:
        with transaction() as db:
            workshop = workshop_service.get_workshop(db, code)
            page = _join_context(db, workshop)
        return render_template(
            "join.html",
            **page,
            form={},
            error=None,
            csrf=csrf_token(),
            recovery_error=error_message(refused.key, refused.params),
            recovery_value=request.form.get("recovery_code", "")[:20],
        ), refused.status
    return _to_phone(code, token)


def _table() -> str | None:
    """The working group whose table screen's QR code brought the phone (?table=<id>): the
    phone page seats it there while phones choose their group (static/js/phone_groups.js)."""
    table = request.args.get("table", "")
    return table if table.isdigit() and len(table) < 12 else None


def _to_phone(code: str, token: str):
    """To the phone page, the participant's token in its cookie."""
    response = make_response(redirect(url_for("participant.phone", code=code, table=_table())))
    response.set_cookie(
        PARTICIPANT_COOKIE.format(code=code),
        token,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/lang/<lang>")
def set_language(lang: str):
    response = make_response(redirect(local_target(request.args.get("next"))))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("atelier_lang", lang, max_age=COOKIE_AGE, samesite="Lax")
    return response
