"""The Socket.IO namespace: thin handlers that parse, call a service and acknowledge."""

import logging
from functools import partial

from flask import current_app, request
from flask_socketio import Namespace, join_room
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..db import transaction
from ..messages import error_message, error_payload
from ..models import Participant, Workshop
from ..services import activities as activity_service
from ..services import comments as comment_service
from ..services import commitments as commitment_service
from ..services import merging as merge_service
from ..services import voting as voting_service
from ..services import workplan as workplan_service
from ..services.access import grant_holds, token_grant
from ..services.errors import DomainError
from ..services.operations import perform_once
from ..services.participants import lock_participants, participant_by_token
from ..services.text import clean_op_id
from ..services.tokens import normalise_code
from ..services.workshops import check_screen_key, get_workshop, versions_bumped_at_end
from ..web.auth import (
    PARTICIPANT_COOKIE,
    PinRefused,
    check_pin_attempt,
    console_grant,
    hit_limits,
    record_pin_failure,
)
from .batching import Combiner
from .broadcast import room

log = logging.getLogger(__name__)

#: what the server keeps per connected socket:
#: sid -> {"workshop_id", "audience", "participant_id", "room", "bucket", "grant" (consoles)}
_clients: dict[str, dict] = {}


CHANGED = "changed"  #: the workshop changed: broadcast its snapshot after commit
RESYNC = "resync"  #: send this client a fresh snapshot after commit


class WorkshopNamespace(Namespace):
    """Participants (auth: participant_token), big screens (code + screen_key), consoles."""

    #: events written in batches when they arrive together (batching.py): a burst's votes
    BATCHED = frozenset({"cast_vote"})

    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        if not isinstance(event, str):
            handler = self._nameless  # a malformed packet (packets.py) or a name not a string
        else:
            handler = getattr(self, "on_" + event, None) or partial(self._unknown, event)
            if event in self.BATCHED:
                return self._run_batched(handler, *args)
        run = partial(self._run_action, handler)
        return self.socketio._handle_event(run, event, self.namespace, *args)

    def _run_action(self, handler, data=None, *_extra):
        """One event = one transaction; domain errors become error acks; emits after commit."""
        return _act(data, partial(_in_transaction, handler, None))

    def _run_batched(self, handler, sid, data=None, *_extra):
        """The same, with the events that arrive together written in one transaction.

        Without Flask's request context (building it, with the session cookie, was the
        largest cost of an event outside its handler in a profile): writing needs only the
        app. A refusal is put into words in the phone's own request context, so that it
        reads in the phone's language.
        """
        environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
        if not environ:
            return None  # a client this server has no record of (Flask-SocketIO ignores it)
        app = environ["flask.app"]
        with app.app_context():
            client = _clients.get(sid)
            try:
                answer = _batches(handler).submit((client, _checked(client, data)))
                if isinstance(answer, BaseException):
                    raise answer
                ack, effect = answer
            except Exception as error:
                with app.request_context(environ):
                    return _refusal(error)
            if effect == CHANGED:
                app.extensions["atelier.broadcaster"].changed(client["workshop_id"])
            return ack

    def _unknown(self, event, db, client, data):
        raise DomainError("unknown_event")

    def _nameless(self, db, client, data):
        raise DomainError("bad_request")

    # -- connection -------------------------------------------------------------------------

    def on_connect(self, auth=None):
        if request.sid in _clients:
            return None  # a client-sent event named "connect": it changes nothing
        auth = auth if isinstance(auth, dict) else {}
        try:
            with transaction() as db:
                client = _identify(db, auth)
        except PinRefused as refused:
            record_pin_failure(refused)  # after the transaction: counted though it failed
            return False
        except DomainError:
            return False
        if client is None:
            return False  # refused: the client sees a connect_error
        # a participant's sockets share one bucket of events; other sockets have their own
        pid = client["participant_id"]
        client["bucket"] = f"p{pid}" if pid is not None else f"s{request.sid}"
        _clients[request.sid] = client
        join_room(room(client["workshop_id"], client["room"]))
        _welcome(client)
        return True

    def on_disconnect(self, reason=None):
        if self.socketio.server.manager.is_connected(request.sid, self.namespace):
            return  # a client-sent event named "disconnect", not a real one
        _clients.pop(request.sid, None)

    # -- participant actions ----------------------------------------------------------------

    def on_sync(self, db: Session, client: dict, data: dict):
        """Resend a full snapshot to this client (after a reconnect, or when in doubt)."""
        return {"ok": True}, RESYNC

    def on_propose_activity(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            hit_limits(db, workshop.id, "propose", participant.id)
            activity = activity_service.propose_activity(
                db,
                workshop,
                participant,
                title=data.get("title"),
                description=data.get("description", ""),
                track=data.get("track"),
            )
            return {"ok": True, "activity_id": activity.id}

        return _participant_op(db, client, data, "propose_activity", act)

    def on_cast_vote(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            mine = voting_service.cast_vote_and_list_mine(
                db,
                workshop,
                participant,
                data.get("activity_id"),
                points=data.get("points"),
                score=data.get("score"),
            )
            return {"ok": True, **mine}

        return _participant_op(db, client, data, "cast_vote", act)

    def on_withdraw_vote(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            voting_service.withdraw_vote(db, workshop, participant, data.get("activity_id"))
            return {"ok": True, **voting_service.my_votes(db, workshop, participant)}

        return _participant_op(db, client, data, "withdraw_vote", act)

    def on_add_comment(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            comment = comment_service.add_comment(
                db, workshop, participant, data.get("activity_id"), data.get("text")
            )
            mine = comment_service.my_comments(db, workshop, participant)
            return {"ok": True, "comment_id": comment.id, "my_comments": mine}

        return _participant_op(db, client, data, "add_comment", act)

    def on_make_commitment(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            commitment = commitment_service.make_commitment(
                db,
                workshop,
                participant,
                data.get("activity_id"),
                role=data.get("role"),
                timeframe=data.get("timeframe", ""),
                note=data.get("note", ""),
            )
            return {"ok": True, "commitment": commitment_service.commitment_record(commitment)}

        return _participant_op(db, client, data, "make_commitment", act)

    def on_withdraw_commitment(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            commitment_service.withdraw_commitment(
                db, workshop, participant, data.get("activity_id")
            )
            return {"ok": True}

        return _participant_op(db, client, data, "withdraw_commitment", act)


def _act(data, run) -> dict:
    """Check who asks, `run(client, data)`, acknowledge; broadcast after the commit."""
    client = _clients.get(request.sid)
    try:
        ack, effect = run(client, _checked(client, data))
    except Exception as error:
        return _refusal(error)
    if effect == CHANGED:
        current_app.extensions["atelier.broadcaster"].changed(client["workshop_id"])
    elif effect == RESYNC:
        _welcome(client)
    return ack


def _checked(client: dict | None, data) -> dict:
    """The payload of an event from a connected client, or the refusal to send back."""
    if client is None:
        raise DomainError("not_authenticated")
    current_app.extensions["atelier.event_buckets"].take(client["bucket"])
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise DomainError("bad_request")
    return data


def _refusal(error: Exception) -> dict:
    """The ack of an event that failed (called while handling `error`)."""
    if isinstance(error, DomainError):
        return error_payload(error)
    log.exception("socket event failed")
    return {"ok": False, "error": "internal_error", "message": error_message("internal_error")}


def _in_transaction(handler, app, client: dict, data: dict):
    with transaction(app) as db:
        _still_allowed(db, client)
        return handler(db, client, data)


def _batches(handler) -> Combiner:
    """This app's combiner for one batched handler."""
    combiners = current_app.extensions.setdefault("atelier.batches", {})
    name = handler.__name__
    if name not in combiners:
        app = current_app._get_current_object()
        wait = float(app.config.get("BATCH_WAIT") or 0)
        combiners[name] = Combiner(partial(write_together, app, handler), wait=wait)
    return combiners[name]


class _Refused(Exception):
    """Item `index` of a batch was refused: the batch's transaction is rolled back."""

    def __init__(self, index: int) -> None:
        self.index = index


def write_together(app, handler, items: list[tuple[dict, dict]]) -> list:
    """Run `handler` for each (client, data), all in one transaction.

    The answer of each item is its (ack, effect), or the error to raise for it. The batch
    commits only if every item went through, so a refused item can never leave half a
    write behind (no savepoints: they cost two statements per item). On a refusal the
    transaction is rolled back and the batch is split around the refused item: the items
    before it again as a batch, the refused one alone in its own transaction (exactly as
    if it had come alone), the rest as a batch. Refusals are rare in a burst (the phone
    shows the budget), so a batch is nearly always written once. Anything unexpected: each
    item alone, so that one bad item cannot cost the others their vote.
    """
    answers: list = []
    rest = items
    while rest:
        if len(rest) == 1:
            answers.append(_alone(app, handler, rest[0]))
            break
        try:
            answers += _write_batch(app, handler, rest)
            break
        except _Refused as refused:
            i = refused.index
            answers += write_together(app, handler, rest[:i])  # went through once already
            answers.append(_alone(app, handler, rest[i]))
            rest = rest[i + 1 :]
        except Exception:
            log.exception("a batch of %d events failed; each is run again alone", len(rest))
            answers += [_alone(app, handler, item) for item in rest]
            break
    return answers


def _write_batch(app, handler, items: list[tuple[dict, dict]]) -> list:
    """Every item in one transaction, or _Refused (rolled back) at the first refusal."""
    with transaction(app) as db, versions_bumped_at_end(db):
        _preload(db, [client for client, _data in items])
        # all of the batch's participants at once, in id order (services/participants.py)
        lock_participants(db, [c["participant_id"] for c, _d in items if c["participant_id"]])
        answers = []
        for index, (client, data) in enumerate(items):
            try:
                _still_allowed(db, client)
                answers.append(handler(db, client, data))
            except DomainError as error:
                raise _Refused(index) from error
    return answers


def _alone(app, handler, item: tuple[dict, dict]):
    """One item in a transaction of its own: its (ack, effect), or the error it raised."""
    client, data = item
    try:
        return _in_transaction(handler, app, client, data)
    except Exception as error:
        return error


def _identify(db: Session, auth: dict) -> dict | None:
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


def _still_allowed(db: Session, client: dict) -> None:
    """A console opened with a co-host link stops at once when the link is revoked."""
    grant = client.get("grant")
    if grant is not None and not grant_holds(db, grant):
        raise DomainError("facilitator_only")


def _welcome(client: dict) -> None:
    """A fresh snapshot for this client, read after any transaction of its own has ended."""
    me = None
    if client["participant_id"] is not None:
        with transaction() as db:
            me = _my_state(db, client)
    current_app.extensions["atelier.broadcaster"].send_welcome(
        request.sid, client["workshop_id"], client["audience"], me
    )


#: built once, one round trip: this runs on every action of a phone
_PARTICIPANT_AND_WORKSHOP = (
    select(Participant, Workshop)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .where(Participant.id == bindparam("participant_id"), Workshop.id == bindparam("workshop_id"))
)


_PARTICIPANTS_AND_WORKSHOPS = (
    select(Participant, Workshop)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .where(Participant.id.in_(bindparam("participant_ids", expanding=True)))
)


def _preload(db: Session, clients: list[dict]) -> None:
    """One query for the participants (and workshops) of a batch, instead of one each."""
    ids = {c["participant_id"] for c in clients if c["participant_id"] is not None}
    rows = db.execute(_PARTICIPANTS_AND_WORKSHOPS, {"participant_ids": sorted(ids)}).all()
    db.info["preloaded"] = {p.id: (w, p) for p, w in rows}


def _load(db: Session, client: dict):
    preloaded = db.info.get("preloaded", {}).get(client["participant_id"])
    if preloaded is not None and preloaded[0].id == client["workshop_id"]:
        return preloaded
    row = db.execute(
        _PARTICIPANT_AND_WORKSHOP,
        {"participant_id": client["participant_id"], "workshop_id": client["workshop_id"]},
    ).first()
    if row is None:
        raise DomainError("participant_unknown")
    participant, workshop = row
    return workshop, participant


def _my_state(db: Session, client: dict) -> dict:
    workshop, participant = _load(db, client)
    return {
        "participant_id": participant.public_id,
        "group_id": participant.group_id,
        "organisation": participant.organisation,
        "name": participant.display_name,
        "my_activity_ids": [
            a.id
            for a in activity_service.list_activities(db, workshop)
            if a.proposed_by_id == participant.id
        ],
        **voting_service.my_votes(db, workshop, participant),
        "merges": merge_service.merge_notices(db, workshop, participant),
        **workplan_service.my_contributions(db, workshop, participant),
    }


def _participant_op(db: Session, client: dict, data: dict, kind: str, act):
    """Run a participant's action once per op_id; a retry gets the first acknowledgement."""
    if client["participant_id"] is None:
        raise DomainError("not_authenticated")
    clean_op_id(data.get("op_id"))  # refused before anything is read
    workshop, participant = _load(db, client)
    ack, replayed = perform_once(
        db, participant, data.get("op_id"), kind, lambda: act(workshop, participant)
    )
    return ack, (None if replayed else CHANGED)
