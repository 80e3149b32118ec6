"""Who is asking: the facilitator (bearer token or console session), a participant, the host.

Shared by the HTTP routes (web/) and the socket handlers (realtime/): both import it from here."""

import hmac
from contextlib import suppress

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy.orm import Session
from wtforms import ValidationError

from .models import Participant, Workshop
from .ratelimit import address_key, parse_limit
from .services.access import (
    OWNER,
    Grant,
    check_pin,
    require_owner,
    require_whole_workshop,
    session_grant,
    token_grant,
)
from .services.errors import DomainError, Forbidden
from .services.participants import participant_by_token

PARTICIPANT_COOKIE = "atelier_p_{code}"
#: the header that carries the workshop's PIN with a bearer token, when it has a PIN
PIN_HEADER = "X-Atelier-PIN"


class NotAuthenticated(DomainError):
    status = 401


class PinRefused(DomainError):
    """A wrong PIN: the request fails, and the failure is counted once its transaction ended."""

    def __init__(self, key: str, workshop_id: int, link: str) -> None:
        super().__init__(key)
        self.status = 401 if key == "pin_required" else 403
        self.failure = pin_limit_key(workshop_id, link), workshop_id


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def is_host() -> bool:
    return bool(session.get("host"))


def console_grant(db: Session, workshop: Workshop, *, table: bool = False) -> Grant | None:
    """The grant the browser's console session holds on this workshop, if it still holds.

    A table link's grant (one working group's) only when the caller asks for it (`table`)."""
    if is_host():
        return Grant(workshop.id, OWNER)
    for value in session.get("facilitates", []):
        grant = session_grant(db, workshop, value)
        if grant is not None:
            return grant if table or not grant.is_table else None
    return None


def revoked_console(db: Session, workshop: Workshop) -> bool:
    """Whether the browser's session last entered this workshop with a link revoked since."""
    return any(
        isinstance(value, list)
        and len(value) == 2
        and value[0] == workshop.id
        and session_grant(db, workshop, value) is None
        for value in session.get("facilitates", [])
    )


def facilitates(db: Session, workshop: Workshop) -> bool:
    """True when the browser's session holds this workshop's whole console (not a table's)."""
    return console_grant(db, workshop) is not None


def grant_console(grant: Grant) -> None:
    session.permanent = True
    kept = [
        v
        for v in session.get("facilitates", [])
        if (v[0] if isinstance(v, list) and v else v) != grant.workshop_id
    ]
    session["facilitates"] = [*kept, grant.as_session_value()][-50:]


def pin_limit_key(workshop_id: int, link: str | None) -> str:
    return f"w{workshop_id}:pin:{link or OWNER}"


def check_pin_attempt(db: Session, workshop: Workshop, grant: Grant, pin: object) -> None:
    """Refuse a missing or wrong PIN (and any attempt once too many were wrong)."""
    if workshop.pin_hash is None:
        return
    key = grant.link_key or OWNER
    limiter = current_app.extensions["atelier.limiter"]
    limiter.check(pin_limit_key(workshop.id, key), rate_limit("RATE_PIN"), session=db)
    if pin in (None, ""):
        raise PinRefused("pin_required", workshop.id, key)
    if not check_pin(workshop, pin):
        raise PinRefused("pin_invalid", workshop.id, key)


def record_pin_failure(error: PinRefused) -> None:
    """Count a wrong PIN, in a transaction of its own (call after the request's ended)."""
    if error.key == "pin_invalid":
        key, workshop_id = error.failure
        # over the limit already: the next attempt is refused before its PIN is looked at
        with suppress(DomainError):
            current_app.extensions["atelier.limiter"].hit(key, rate_limit("RATE_PIN"), workshop_id)


def require_facilitator(
    db: Session, workshop: Workshop, *, owner: bool = False, table: bool = False
) -> Grant:
    """Bearer token (plus the PIN header when the workshop has a PIN), or the console's
    session plus its CSRF header for changes. `owner`: co-hosts are refused. `table`: a
    table link (one working group's) may ask; else it is refused (`table_link_scope`)."""
    token = bearer_token()
    if token is not None:
        grant = token_grant(db, workshop, token)
        check_pin_attempt(db, workshop, grant, request.headers.get(PIN_HEADER))
    else:
        grant = console_grant(db, workshop, table=True)
        if grant is None:
            if not session.get("facilitates") and not is_host():
                raise NotAuthenticated("facilitator_only")
            raise Forbidden("facilitator_only")
        if request.method not in ("GET", "HEAD"):
            check_csrf(request.headers.get("X-CSRF-Token"))
    if not table:
        require_whole_workshop(grant)
    if owner:
        require_owner(grant)
    return grant


def csrf_token() -> str:
    """The session's CSRF token, signed by Flask-WTF (forms carry it, the console sends it)."""
    session.permanent = True
    return generate_csrf()


def check_csrf(sent: str | None) -> None:
    """Flask-WTF's check, refused with our key: 403 `csrf_failed`."""
    try:
        validate_csrf(sent)
    except ValidationError as refused:
        raise Forbidden("csrf_failed") from refused


def check_host_key(key: str | None) -> bool:
    expected = current_app.config["HOST_KEY"]
    return isinstance(key, str) and bool(key) and hmac.compare_digest(expected, key)


def require_host() -> None:
    """The host: `Authorization: Bearer <host key>`, or the host's browser session (opened
    with /host?key=...) plus its CSRF header for changes. A workshop's token is not the host."""
    token = bearer_token()
    if token is not None:
        if not check_host_key(token):
            raise Forbidden("host_only")
        return
    if not is_host():
        raise NotAuthenticated("host_only")
    if request.method not in ("GET", "HEAD"):
        check_csrf(request.headers.get("X-CSRF-Token"))


def current_participant(db: Session, workshop: Workshop) -> Participant | None:
    """The participant of this workshop whose token the phone sent (header or cookie)."""
    token = bearer_token() or request.cookies.get(PARTICIPANT_COOKIE.format(code=workshop.code))
    return participant_by_token(db, token, workshop.id)


def require_participant(db: Session, workshop: Workshop) -> Participant:
    participant = current_participant(db, workshop)
    if participant is None:
        raise NotAuthenticated("not_authenticated")
    return participant


def rate_limit(name: str):
    return parse_limit(current_app.config.get(name))


def client_address_key() -> str:
    """A pseudonym of the client's address (after ProxyFix when proxies are configured)."""
    return address_key(current_app.config["SECRET_KEY"], request.remote_addr)


def hit_limits(db: Session, workshop_id: int, action: str, participant_id: int | None) -> None:
    """Count one `action` ("join" or "propose") per address and per participant."""
    limiter = current_app.extensions["atelier.limiter"]
    upper = action.upper()
    limiter.hit(
        f"w{workshop_id}:{action}:addr:{client_address_key()}",
        rate_limit(f"RATE_{upper}_ADDRESS"),
        workshop_id,
        session=db,
    )
    if participant_id is not None:
        limiter.hit(
            f"w{workshop_id}:{action}:p:{participant_id}",
            rate_limit(f"RATE_{upper}_PARTICIPANT"),
            workshop_id,
            session=db,
        )
