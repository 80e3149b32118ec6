"""The big screen: a read-only page behind a key, and the join QR code."""

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import force_locale
from sqlalchemy import select

from ..db import transaction
from ..models import WorkingGroup
from ..services import working_groups as group_service
from ..services import workshops as workshop_service
from ..services.rules import page_limits
from ..services.workshops import AUTO_BALLOT_SCENES, AUTO_SCENES, LANGUAGES
from .common import public_base_url, workshop_links
from .screen_strings import scene_picker, screen_strings

bp = Blueprint("screen", __name__)

#: how long the big screen shows one page of a list longer than the screen, in seconds
PAGE_SECONDS = 12
#: the shortest page time a URL may ask for (?page_seconds=, for rehearsals and tests)
PAGE_SECONDS_MIN = 1


def qr_svg(data: str) -> bytes:
    """An SVG QR code (scales to any projector without blur)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


@bp.get("/screen/<code>/<key>")
def show(code: str, key: str):
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        workshop_service.check_screen_key(workshop, key)
        links = workshop_links(workshop)
        info = {"code": workshop.code, "title": workshop.title, "screen_key": key}
        language = workshop.language
    config = {
        "code": info["code"],
        "screen_key": key,
        "role": "screen",
        "page_ms": 1000 * page_seconds(request.args.get("page_seconds")),
        "auto_scenes": AUTO_SCENES,
        "auto_ballot_scenes": AUTO_BALLOT_SCENES,
        "limits": page_limits(),
    }
    # The projector's browser speaks whatever it was installed in: the room speaks the
    # workshop's language, unless the URL says otherwise (?lang=, kept by the switcher).
    chosen = request.args.get("lang")
    with force_locale(chosen if chosen in LANGUAGES else language):
        return render_template(
            "screen.html",
            workshop=info,
            links=links,
            config=config,
            screen_strings=screen_strings(),
        )


@bp.app_context_processor
def _scene_picker():
    """The console's scene picker (templates/console.html) names the scenes with this."""
    return {"scene_picker": scene_picker}


def page_seconds(asked: str | None) -> int:
    """The page time a URL asks for, within bounds, else the default."""
    try:
        return max(PAGE_SECONDS_MIN, min(600, int(asked))) if asked else PAGE_SECONDS
    except ValueError:
        return PAGE_SECONDS


@bp.get("/qr/<code>.svg")
def qr(code: str):
    """The QR code of a workshop's join URL (public: the URL is on the wall anyway)."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        join_url = workshop_links(workshop)["join_url"]
    return Response(
        qr_svg(join_url), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=300"}
    )


@bp.get("/qr/<code>/tables/<key>.svg")
def table_qr(code: str, key: str):
    """The QR code of a working group's table screen (for the laptop at its table); its key is
    in the address, so whoever can ask already holds the screen's address."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        group = db.scalar(
            select(WorkingGroup).where(
                WorkingGroup.workshop_id == workshop.id, WorkingGroup.screen_key == key
            )
        )
        if group is None:
            abort(404)
        url = public_base_url() + group_service.screen_path(workshop, group)
    return Response(qr_svg(url), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
