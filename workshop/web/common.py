"""Small helpers the audience blueprints share."""

from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for

from ..models import Workshop


def public_base_url() -> str:
    """The address phones use: PUBLIC_URL, else the address this request came to."""
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


def local_target(target: str | None, fallback: str = "/") -> str:
    """`target` if it is a plain path on this site, else `fallback`: the one check of a redirect.

    Browsers drop tab, CR and LF from a URL and read a backslash as a slash, so `/%09/evil`
    or `/%5Cevil` (decoded) would leave the site: anything but a printable path starting with
    one slash is refused, not cleaned.
    """
    if not target or not target.startswith("/"):
        return fallback
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return fallback
    if target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def workshop_links(workshop: Workshop) -> dict:
    base = public_base_url()
    return {
        "join_url": base + url_for("participant.join", code=workshop.code),
        "screen_url": base + url_for("screen.show", code=workshop.code, key=workshop.screen_key),
        "console_url": base + url_for("facilitator.console", code=workshop.code),
    }


def json_body() -> dict:
    """The request's JSON object; anything else is a 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data
