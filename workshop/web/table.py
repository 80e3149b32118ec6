"""A working group's table screen: a read-only page behind its key, for the laptop at the
table (1366x768), and the QR code that joins the workshop at that table."""

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import force_locale

from ..auth import NotAuthenticated, current_participant, require_facilitator
from ..db import transaction
from ..services import workshops as workshop_service
from ..services.activities import list_activities
from ..services.group_view import table_screen_group
from ..services.rules import page_limits
from ..services.state import activity_record
from ..services.working_groups import get_working_group
from ..services.workshops import LANGUAGES
from .common import public_base_url
from .routes import ANYONE, Edge, workshop_route
from .screen import qr_svg

bp = Blueprint("table", __name__)


def _table(db, code: str, key: str):
    workshop = workshop_service.get_workshop(db, code)
    return workshop, table_screen_group(db, workshop, key)


def join_url(workshop, group) -> str:
    """Joining from a table's QR code seats the phone at that table, while phones choose."""
    return public_base_url() + url_for("participant.join", code=workshop.code, table=group.id)


@bp.get("/t/<code>/<key>")
def show(code: str, key: str):
    with transaction() as db:
        workshop, group = _table(db, code, key)
        names = {lang: getattr(group, f"name_{lang}") for lang in LANGUAGES}
        info = {"code": workshop.code, "title": workshop.title, "name": group.name}
        short_url = public_base_url() + url_for("participant.join", code=workshop.code)
        language = workshop.language
        group_id = group.id
    config = {
        "code": info["code"],
        "table_key": key,
        "role": "table",
        "working_group_id": group_id,
        "limits": page_limits(),
    }
    # The laptop's browser speaks whatever it was installed in: the table reads the
    # workshop's language unless the URL says otherwise (?lang=, kept by the switcher).
    chosen = request.args.get("lang")
    locale = chosen if chosen in LANGUAGES else language
    with force_locale(locale):
        return render_template(
            "table.html",
            workshop=info,
            group_name=names.get(locale) or info["name"],
            short_url=short_url.split("://", 1)[-1],
            config=config,
            key=key,
        )


@bp.get("/t/<code>/<key>/join.svg")
def join_qr(code: str, key: str):
    """The QR code of the join page that seats a phone at this table."""
    with transaction() as db:
        url = join_url(*_table(db, code, key))
    return Response(qr_svg(url), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/api/workshops/<code>/working-groups/<int:group_id>/activities")
@workshop_route(ANYONE)
def group_activities(edge: Edge, group_id: int):
    """Another table's activities, read-only: for the workshop's participants (a phone browses
    the other groups) and its facilitators (a table link too: reading is not acting)."""
    if current_participant(edge.db, edge.workshop) is None:
        try:
            require_facilitator(edge.db, edge.workshop, table=True)
        except NotAuthenticated:  # neither a participant nor a facilitator: as /similar says
            raise NotAuthenticated("not_authenticated") from None
    group = get_working_group(edge.db, edge.workshop, group_id)
    activities = [
        activity_record(a)
        for a in list_activities(edge.db, edge.workshop)
        if a.working_group_id == group.id
    ]
    return {
        "working_group": {
            "id": group.id,
            "name": group.name,
            "names": {lang: getattr(group, f"name_{lang}") for lang in LANGUAGES},
            "phase": group.phase,
        },
        "activities": activities,
    }
