"""One way to write a workshop's route, in the spirit of indico's `RH`.

The decorator loads the workshop by its code, checks who asks, runs the handler in one
transaction and, once it is committed, tells the workshop's screens when the handler says
something changed. Each handler says only what is special about it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from sqlalchemy.orm import Session

from ..auth import require_facilitator, require_participant
from ..db import transaction
from ..models import Participant, Workshop
from ..realtime.broadcast import broadcaster
from ..services.access import Grant
from ..services.workshops import get_workshop

#: who may call a route: anyone (the handler checks what it needs), a participant's phone,
#: a facilitator (owner or co-host), the owner only
ANYONE, PARTICIPANT, FACILITATOR, OWNER = "anyone", "participant", "facilitator", "owner"


@dataclass
class Edge:
    """What a handler works with: the transaction, the workshop, who asks, the request's body."""

    db: Session
    workshop: Workshop
    data: Any = None
    grant: Grant | None = None
    participant: Participant | None = None
    #: broadcast the workshop's snapshot after the commit
    changed: bool = False
    #: send the co-hosts' consoles away after the commit (a link was revoked)
    revoked: bool = False


def workshop_route(who: str = FACILITATOR, *, changes: bool = False, body: Callable | None = None):
    """Decorate `view(edge, **url_args)`, called as `route(code, **url_args)`.

    `changes`: the handler writes, so the snapshot is broadcast after the commit (a handler
    that found nothing to do sets `edge.changed = False`). `body`: reads the request's body
    first (e.g. `json_body`: a body that is not an object is a 400 before anything else).
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def route(code: str, **url_args):
            data = body() if body is not None else None
            with transaction() as db:
                workshop = get_workshop(db, code)
                workshop_id = workshop.id  # still known once the handler deleted the workshop
                edge = Edge(db, workshop, data, changed=changes)
                if who in (FACILITATOR, OWNER):
                    edge.grant = require_facilitator(db, workshop, owner=who == OWNER)
                elif who == PARTICIPANT:
                    edge.participant = require_participant(db, workshop)
                response = view(edge, **url_args)
            if edge.changed:
                broadcaster().changed(workshop_id)
            if edge.revoked:
                broadcaster().revoke_cohosts(workshop_id)
            return response

        return route

    return decorate


def facilitator_route(*, owner: bool = False, changes: bool = False, body: Callable | None = None):
    """A route for the facilitator (`owner`: co-hosts are refused)."""
    return workshop_route(OWNER if owner else FACILITATOR, changes=changes, body=body)
