"""Who connects to the namespace: a big screen, a facilitator's console, or a phone.

A client is described by a small dict kept per socket (namespace.py): its workshop, its
audience and room, its participant (phones) and, for a console, the grant it came with.
"""

from flask import request
from sqlalchemy.orm import Session

from ..auth import PARTICIPANT_COOKIE, check_pin_attempt, console_grant, revoked_console
from ..services.access import grant_holds, token_grant
from ..services.errors import DomainError
from ..services.group_view import table_screen_group
from ..services.participants import acting_participant, token_holder
from ..services.tokens import normalise_code
from ..services.workshops import check_screen_key, get_workshop
from .broadcast import group_room, table_console_room


def identify(db: Session, auth: dict) -> dict | None:
    """Who connects: a big screen (screen_key), a console, or a phone; None refuses."""
    code = auth.get("code")
    role = auth.get("role")
    if auth.get("table_key") is not None:
        return _table_screen(db, code, auth.get("table_key"))
    if auth.get("screen_key") is not None or auth.get("facilitator_token") is not None:
        role = "screen" if auth.get("screen_key") is not None else "console"
    elif auth.get("participant_token") is not None:
        role = "phone"
    if role == "phone" or role is None:
        token = auth.get("participant_token")
        if token is None and isinstance(code, str):
            token = request.cookies.get(PARTICIPANT_COOKIE.format(code=normalise_code(code)))
        holder = token_holder(db, token)
        participant = None if holder is None else acting_participant(db, holder)
        if participant is not None:
            if isinstance(code, str) and participant.workshop.code != normalise_code(code):
                return None
            group_id = participant.working_group_id
            return {
                "workshop_id": participant.workshop_id,
                "audience": "phones",
                #: all phones', or its working group's (moved when the participant is)
                "room": "phones" if group_id is None else group_room(group_id),
                "working_group_id": group_id,
                "participant_id": participant.id,
                #: whose token the phone holds: itself, or one merged into `participant_id`
                "holder_id": holder.id,
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
    if grant is None or grant.is_table:
        # A table link's console listens to its table's room (table_key), never the whole
        # workshop's console room: hidden activities and authors of every group go there.
        return None
    return {
        "workshop_id": workshop.id,
        "audience": "console",
        "room": "console",
        "participant_id": None,
        "grant": grant,
    }


def _table_screen(db: Session, code, key) -> dict | None:
    """A working group's table screen: read-only, in its group's room.

    The console of a table link connects the same way (its page has the table's key): it
    listens in a room of its own, which a revoked link empties (broadcast.revoke_cohosts),
    and keeps its grant, checked again at each event. A browser whose table link was revoked
    is refused, table key or not: it would otherwise follow its table as before."""
    try:
        workshop = get_workshop(db, code)
        group = table_screen_group(db, workshop, key)
    except DomainError:
        return None
    client = {
        "workshop_id": workshop.id,
        "audience": "table",
        "room": group_room(group.id),
        "working_group_id": group.id,
        "participant_id": None,
    }
    grant = console_grant(db, workshop, table=True)
    if grant is not None and grant.working_group_id == group.id:
        client.update(room=table_console_room(group.id), grant=grant)
    elif grant is None and revoked_console(db, workshop):
        return None
    return client


def still_allowed(db: Session, client: dict) -> None:
    """A console opened with a co-host link stops at once when the link is revoked."""
    grant = client.get("grant")
    if grant is not None and not grant_holds(db, grant):
        raise DomainError("facilitator_only")
