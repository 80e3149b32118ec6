"""Who is asking: the facilitator (bearer token or console session), a participant, the host."""

import hmac
import secrets

from flask import abort, current_app, request, session
from sqlalchemy.orm import Session

from ..models import Participant, Workshop
from ..services.errors import DomainError, Forbidden
from ..services.participants import participant_by_token
from ..services.workshops import check_facilitator_token

PARTICIPANT_COOKIE = "atelier_p_{code}"


class NotAuthenticated(DomainError):
    status = 401


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def is_host() -> bool:
    return bool(session.get("host"))


def facilitates(workshop: Workshop) -> bool:
    """True when the browser's session holds this workshop's console."""
    return is_host() or workshop.id in session.get("facilitates", [])


def grant_console(workshop: Workshop) -> None:
    session.permanent = True
    session["facilitates"] = sorted({*session.get("facilitates", []), workshop.id})[-50:]


def require_facilitator(workshop: Workshop) -> None:
    """Bearer token, or the console's session plus its CSRF header for changes."""
    token = bearer_token()
    if token is not None:
        check_facilitator_token(workshop, token)
        return
    if not facilitates(workshop):
        if not session.get("facilitates") and not is_host():
            raise NotAuthenticated("facilitator_only")
        raise Forbidden("facilitator_only")
    if request.method not in ("GET", "HEAD"):
        check_csrf(request.headers.get("X-CSRF-Token"))


def csrf_token() -> str:
    if "csrf" not in session:
        session.permanent = True
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf(sent: str | None) -> None:
    expected = session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden("csrf_failed")


def check_host_key(key: str | None) -> bool:
    expected = current_app.config["HOST_KEY"]
    return bool(key) and hmac.compare_digest(expected, key)


def current_participant(db: Session, workshop: Workshop) -> Participant | None:
    """The participant of this workshop whose token the phone sent (header or cookie)."""
    token = bearer_token() or request.cookies.get(PARTICIPANT_COOKIE.format(code=workshop.code))
    return participant_by_token(db, token, workshop.id)


def require_participant(db: Session, workshop: Workshop) -> Participant:
    participant = current_participant(db, workshop)
    if participant is None:
        raise NotAuthenticated("not_authenticated")
    return participant


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data
