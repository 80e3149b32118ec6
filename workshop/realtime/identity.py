"""Who connects to the namespace: a big screen, a facilitator's console, or a phone.

A client is described by a small dict kept per socket (namespace.py): its workshop, its
audience and room, its participant (phones) and, for a console, the grant it came with.
"""

from flask import request
from sqlalchemy.orm import Session

from ..auth import PARTICIPANT_COOKIE, check_pin_attempt, console_grant
from ..services.access import grant_holds, token_grant
from ..services.errors import DomainError
from ..services.participants import participant_by_token
from ..services.tokens import normalise_code
from ..services.workshops import check_screen_key, get_workshop


def identify(db: Session, auth: dict) -> dict | None:
    """Who connects: a big screen (screen_key), a console, or a phone; None refuses."""
    code = auth.get("code")
    role = auth.get("role")
    if auth.get("screen_key") is not None or auth.get("facilitator_token") is not None:
        role = "screen" if auth.get("screen_key") is not None else "console"
    elif auth.get("participant_token") is not None:
        role = "phone"
    if role == "phone" or role is None:
        token = auth.get("participant_token")
        if token is None and isinstance(code, str):
            token = request.cookies.get(PARTICIPANT_COOKIE.format(code=normalise_code(code)))
        participant = participant_by_token(db, token)
        if participant is not None:
            if isinstance(code, str) and participant.workshop.code != normalise_code(code):
                return None
            return {
                "workshop_id": participant.workshop_id,
                "audience": "phones",
                "room": "phones",
                "participant_id": participant.id,
            }
        if role == "phone":
            return None
    try:
        workshop = get_workshop(db, code)
    except DomainError:
        return None
    if role == "screen":
        try:
            check_screen_key(workshop, auth.get("screen_key"))
        except DomainError:
            return None
        return {
            "workshop_id": workshop.id,
            "audience": "screen",
            "room": "screen",
            "participant_id": None,
        }
    grant = console_grant(db, workshop)
    if grant is None and auth.get("facilitator_token") is not None:
        grant = token_grant(db, workshop, auth.get("facilitator_token"))  # raises if wrong
        check_pin_attempt(db, workshop, grant, auth.get("pin"))
    if grant is None:
        return None
    return {
        "workshop_id": workshop.id,
        "audience": "console",
        "room": "console",
        "participant_id": None,
        "grant": grant,
    }


def still_allowed(db: Session, client: dict) -> None:
    """A console opened with a co-host link stops at once when the link is revoked."""
    grant = client.get("grant")
    if grant is not None and not grant_holds(db, grant):
        raise DomainError("facilitator_only")
