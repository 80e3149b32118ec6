"""One way to write a workshop's route, in the spirit of indico's `RH`.

The decorator loads the workshop by its code, checks who asks, runs the handler in one
transaction and, once it is committed, tells the workshop's screens when the handler says
something changed. Each handler says only what is special about it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from sqlalchemy.orm import Session

from ..auth import require_facilitator, require_participant
from ..db import transaction
from ..models import Participant, Workshop
from ..realtime.broadcast import broadcaster
from ..services.access import Grant, require_group
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
    #: what else to tell after the commit (e.g. phones whose identity changed)
    after: list[Callable[[], None]] = field(default_factory=list)

    def require_group(self, working_group_id: int | None) -> None:
        """A table link acts on its own working group only (403 `table_link_scope`)."""
        require_group(self.grant, working_group_id)


def workshop_route(
    who: str = FACILITATOR,
    *,
    changes: bool = False,
    body: Callable | None = None,
    table: bool = False,
):
    """Decorate `view(edge, **url_args)`, called as `route(code, **url_args)`.

    `changes`: the handler writes, so the snapshot is broadcast after the commit (a handler
    that found nothing to do sets `edge.changed = False`). `body`: reads the request's body
    first (e.g. `json_body`: a body that is not an object is a 400 before anything else).
    `table`: a table link (a co-host link scoped to one working group) may call it; every
    other facilitator route refuses it with 403 `table_link_scope` (deny by default). The
    handler then checks the group it acts on with `edge.require_group(...)`.
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
                    edge.grant = require_facilitator(db, workshop, owner=who == OWNER, table=table)
                elif who == PARTICIPANT:
                    edge.participant = require_participant(db, workshop)
                response = view(edge, **url_args)
            if edge.changed:
                broadcaster().changed(workshop_id)
            if edge.revoked:
                broadcaster().revoke_cohosts(workshop_id)
            for tell in edge.after:
                tell()
            return response

        #: who may call it, and whether a table link may (tests read it: tests/web/
        #: test_table_link_scope.py tries every route with a table link)
        route.access = {"who": who, "table": table}
        return route

    return decorate


def facilitator_route(
    *,
    owner: bool = False,
    changes: bool = False,
    body: Callable | None = None,
    table: bool = False,
):
    """A route for the facilitator (`owner`: co-hosts are refused; `table`: a table link may
    call it, on its own working group)."""
    return workshop_route(OWNER if owner else FACILITATOR, changes=changes, body=body, table=table)
