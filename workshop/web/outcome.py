"""After the room: the public outcome page (/o/<key>) and an organisation's one-pager.

`render_commitments(db, workshop, organisation_key, language)` is the one renderer of "Your
organisation's commitments": the console's route below mounts it, and so can any page that
knows a workshop and an organisation (e.g. a follow-up link).
"""

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from .. import charts
from ..auth import facilitates
from ..db import transaction
from ..messages import ROLES
from ..models import LANGUAGES, Workshop
from ..services import outcome as outcome_service
from ..services import workshops as workshop_service
from .common import json_body, public_base_url
from .routes import Edge, facilitator_route
from .screen import qr_svg

bp = Blueprint("outcome", __name__)

#: how often an open outcome page asks whether it changed, in seconds (outcome.js)
POLL_SECONDS = 60
LANGUAGE_NAMES = (("fr", "Français"), ("ar", "العربية"), ("en", "English"))


def outcome_url(key: str) -> str:
    return public_base_url() + url_for("outcome.show", key=key)


def version_line(version: dict | None) -> str:
    """Which plan the page shows: "Plan of the room, 28 May 2026", "Version 2: ..., 20 June"."""
    if version is None:
        return _("The plan as it stands (not yet recorded as a version)")
    day = format_date(version["date"], "long")
    if version["room_plan"]:
        return _("Plan of the room, %(date)s", date=day)
    return _(
        "Version %(n)s: %(title)s, %(date)s", n=version["number"], title=version["title"], date=day
    )


def _splits(data: dict, rtl: bool) -> None:
    """Each result's support by stakeholder group as a small SVG bar (no inline style)."""
    if not data["results"]:
        return
    colours = [charts.group_colour(i) for i in range(len(data["groups"]))]
    data["group_colours"] = colours
    score = data["mode"] == "score"
    largest = max([r["total"] for r in data["results"]] + [0]) or 1
    for r in data["results"]:
        weights = (
            [t * v for t, v in zip(r["by_group"], r["voters_by_group"], strict=True)]
            if score
            else r["by_group"]
        )
        r["split_svg"] = charts.split_bar(
            weights,
            colours,
            scale=r["total"] / 5 if score else r["total"] / largest,
            rtl=rtl,
            label=", ".join(
                f"{name}: {total}"
                for name, total in zip(data["groups"], r["by_group"], strict=True)
            ),
        )


@bp.get("/o/<key>")
def show(key: str):
    """The public outcome page, in the reader's language (?lang=, their choice, their browser)."""
    language = str(get_locale() or "fr")
    with transaction() as db:
        workshop, page = outcome_service.public_page(db, key)
        data = outcome_service.outcome_data(db, workshop, page, language)
        stamp = outcome_service.stamp(workshop, page)
    _splits(data, language == "ar")
    return render_template(
        "outcome.html",
        data=data,
        roles=ROLES,
        version_line=version_line(data["version"]),
        stamp=stamp,
        stamp_url=url_for("outcome.stamp_of", key=key),
        poll_ms=1000 * POLL_SECONDS,
        qr_url=url_for("outcome.qr", key=key),
    )


@bp.get("/o/<key>/stamp")
def stamp_of(key: str):
    """A few bytes an open page polls: when they change, it reloads (outcome.js)."""
    with transaction() as db:
        workshop, page = outcome_service.public_page(db, key)
        stamp = outcome_service.stamp(workshop, page)
    return {"stamp": stamp}, 200, {"Cache-Control": "no-store"}


@bp.get("/o/<key>/qr.svg")
def qr(key: str):
    """The QR code of the page's address (the big screen shows it at the end)."""
    with transaction() as db:
        outcome_service.public_page(db, key)
    return Response(
        qr_svg(outcome_url(key)), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


# -- the facilitator ----------------------------------------------------------------------------


def _outcome_answer(edge: Edge, page) -> dict:
    language = str(get_locale() or edge.workshop.language)
    organisations = outcome_service.committed_organisations(edge.db, edge.workshop, language)
    return {
        "outcome": dict(
            outcome_service.outcome_record(edge.workshop, page), url=outcome_url(page.key)
        ),
        "organisations": [
            dict(
                o,
                url=url_for("outcome.commitments", code=edge.workshop.code, org=o["key"]),
            )
            for o in organisations
        ],
    }


@bp.get("/api/workshops/<code>/outcome")
@facilitator_route()
def get_outcome(edge: Edge):
    """The page's link and settings (its key is made the first time), and the organisations
    that have a one-pager."""
    return _outcome_answer(edge, outcome_service.ensure_page(edge.db, edge.workshop))


@bp.patch("/api/workshops/<code>/outcome")
@facilitator_route(changes=True, body=json_body)
def set_outcome(edge: Edge):
    page = outcome_service.set_outcome(edge.db, edge.workshop, edge.data)
    return dict(_outcome_answer(edge, page), ok=True)


def render_commitments(
    db: Session,
    workshop: Workshop,
    organisation_key: str,
    language: str,
    *,
    back: str = "",
    name: str = "",
) -> str:
    """ "Your organisation's commitments", one A4 page, in `language` (fr/ar/en).

    `back`: a link shown above the page (not printed), e.g. to the follow-up page. `name`: the
    organisation's name when the caller knows it (the page then shows it even without any
    commitment left); otherwise an unknown key is a 404 `organisation_not_found`.
    """
    if language not in LANGUAGES:
        language = workshop.language
    with force_locale(language):
        data = outcome_service.organisation_commitments(
            db, workshop, organisation_key, language, name=name
        )
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        return render_template(
            "commitments.html",
            data=data,
            roles=ROLES,
            as_of=format_date(data["as_of"], "long"),
            back=back,
            language=language,
            language_links=[
                (code, label, request.path + "?" + urlencode([*args, ("lang", code)]))
                for code, label in LANGUAGE_NAMES
            ],
        )


@bp.get("/f/<code>/commitments")
def commitments(code: str):
    """The console's one-pager of an organisation (?org=<commitment key>&lang=fr|ar|en)."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        if not facilitates(db, workshop):
            return render_template("host_locked.html"), 403
        return render_commitments(
            db,
            workshop,
            request.args.get("org", ""),
            request.args.get("lang") or workshop.language,
            back=url_for("facilitator.console", code=code),
        )


def outcome_card() -> dict[str, object]:
    """The console's card (templates/_outcome.html): its choices and the words of its script."""
    return {
        "states": [
            ("auto", _("When the workshop is closed")),
            ("published", _("Now")),
            ("unpublished", _("Not public")),
        ],
        "parts": [
            ("results", _("Ranked results")),
            ("workplan", _("Workplan")),
            ("comments", _("Participants' comments")),
        ],
        "languages": LANGUAGE_NAMES,
        "strings": {
            "public": _("Public: anyone with the link can read it."),
            "when_closed": _("Not public yet: it will be when you close the workshop."),
            "unpublished": _("Not public: you unpublished it."),
            "saved": _("Saved."),
        },
    }


@bp.app_context_processor
def _outcome_card():
    return {"outcome_card": outcome_card}
