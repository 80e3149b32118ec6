"""Small helpers the audience blueprints share."""

from flask import current_app, request, url_for

from ..models import Workshop


def public_base_url() -> str:
    """The address phones use: PUBLIC_URL, else the address this request came to."""
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


def workshop_links(workshop: Workshop) -> dict:
    base = public_base_url()
    return {
        "join_url": base + url_for("participant.join", code=workshop.code),
        "screen_url": base + url_for("screen.show", code=workshop.code, key=workshop.screen_key),
        "console_url": base + url_for("facilitator.console", code=workshop.code),
    }


def broadcast(workshop_id: int) -> None:
    """Tell every screen of the workshop that its state changed (call after commit)."""
    current_app.extensions["atelier.broadcaster"].changed(workshop_id)


def revoke_sockets(workshop_id: int) -> None:
    """After a co-host link was revoked (and committed): consoles reconnect, minus that one."""
    current_app.extensions["atelier.broadcaster"].revoke_cohosts(workshop_id)
