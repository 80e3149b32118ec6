"""Small helpers the audience blueprints share."""

from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for

from ..models import Workshop
from ..serializers import CONVENTIONS, CsvConventions
from ..services.errors import DomainError


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


#: an export uploaded into a consolidation (a workshop's ZIP or atelier-export.json) may
#: exceed the app's MAX_CONTENT_LENGTH
MAX_UPLOAD_BYTES = 16 * 1024 * 1024


def large_body(limit: int = MAX_UPLOAD_BYTES):
    """A view that takes a body up to `limit` bytes, beyond the app's MAX_CONTENT_LENGTH: the
    body is read before the view runs (read_body_first), so the limit is the view's mark."""

    def mark(view):
        view.max_body = limit
        return view

    return mark


def read_body_first() -> None:
    """The whole body, read before any handler opens a transaction (a before_request hook).

    Reading it waits for the network, which under gevent lets other requests run: inside a
    transaction that holds SQLite's write lock (BEGIN IMMEDIATE), a body arriving slowly from
    a phone on bad wifi stalled every other writer. Form and JSON parsing read the cached
    bytes afterwards; past the limit (MAX_CONTENT_LENGTH, or the view's `large_body`) it is
    the 413.
    """
    limit = getattr(current_app.view_functions.get(request.endpoint), "max_body", None)
    if limit is not None:
        request.max_content_length = limit
    if request.content_length or "chunked" in request.headers.get("Transfer-Encoding", ""):
        request.get_data(cache=True)


def json_body() -> dict:
    """The request's JSON object; anything else is a 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


def csv_conventions(default: str) -> CsvConventions:
    """The CSV conventions a download asks for (`?conventions=fr|ar|en`: that locale's Excel),
    else those of `default` (a workshop's language); anything else is a keyed 400."""
    asked = request.args.get("conventions")
    if asked is None:
        return CONVENTIONS[default if default in CONVENTIONS else "en"]
    if asked not in CONVENTIONS:
        raise DomainError("field_invalid", field="conventions")
    return CONVENTIONS[asked]
