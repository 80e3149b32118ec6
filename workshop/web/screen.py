"""The big screen: a read-only page behind a key, and the join QR code."""

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, render_template

from ..db import transaction
from ..services import workshops as workshop_service
from .common import workshop_links

bp = Blueprint("screen", __name__)


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
    return render_template("screen.html", workshop=info, links=links)


@bp.get("/qr/<code>.svg")
def qr(code: str):
    """The QR code of a workshop's join URL (public: the URL is on the wall anyway)."""
    with transaction() as db:
        workshop = workshop_service.get_workshop(db, code)
        join_url = workshop_links(workshop)["join_url"]
    return Response(
        qr_svg(join_url), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=300"}
    )
