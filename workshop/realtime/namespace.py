"""The Socket.IO namespace: thin handlers that parse, call a service and acknowledge.

Who connects is worked out in identity.py, a burst's votes are written together in
batching.py, a phone's participant and workshop are read by preloading.py, and every
emit goes through broadcast.py.
"""

import logging
from functools import partial

from flask import current_app, request
from flask_socketio import Namespace, join_room
from sqlalchemy.orm import Session

from ..auth import PinRefused, hit_limits, record_pin_failure
from ..db import transaction
from ..messages import error_message, error_payload
from ..models import LANGUAGES
from ..services import activities as activity_service
from ..services import comments as comment_service
from ..services import commitments as commitment_service
from ..services import prevoting as prevoting_service
from ..services import voting as voting_service
from ..services.errors import DomainError
from ..services.operations import perform_once
from ..services.state import participant_state
from ..services.text import clean_op_id
from .batching import combiner_for, in_transaction
from .broadcast import broadcaster, room
from .identity import identify
from .preloading import load_participant
from .presence import presence

log = logging.getLogger(__name__)

#: what the server keeps per connected socket:
#: sid -> {"workshop_id", "audience", "participant_id", "room", "language", "bucket", "grant",
#:         "working_group_id"}
_clients: dict[str, dict] = {}


CHANGED = "changed"  #: the workshop changed: broadcast its snapshot after commit
RESYNC = "resync"  #: send this client a fresh snapshot after commit

#: the name under which every event that is not batched is handed to Flask-SocketIO's
#: dispatch (`trigger_event`), with its own handler as first argument
_IN_CONTEXT = "event_in_context"


class WorkshopNamespace(Namespace):
    """Participants (auth: participant_token), big screens (code + screen_key), consoles."""

    #: events written in batches when they arrive together (batching.py): a burst's votes,
    #: and the tables' pre-votes (10 tables pre-voting at once crawled one transaction each:
    #: docs/performance.md, issue 14)
    BATCHED = frozenset({"cast_vote", "cast_prevote"})

    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        if not isinstance(event, str):
            handler = self._nameless  # a malformed packet (packets.py) or a name not a string
        elif event == _IN_CONTEXT:
            handler = partial(self._unknown, event)  # a client cannot call the dispatch itself
        else:
            handler = getattr(self, "on_" + event, None) or partial(self._unknown, event)
            if event in self.BATCHED:
                return self._run_batched(handler, *args)
        # Flask-SocketIO runs a handler in the client's request context (session, request.sid)
        # publicly only through `trigger_event`, which finds it as `on_<name>` (the method
        # that runs any handler, `_handle_event`, is private): every event is handed to it
        # under one name, carrying its own handler
        sid, *rest = args
        return super().trigger_event(_IN_CONTEXT, sid, handler, *rest)

    def on_event_in_context(self, handler, data=None, *_extra):
        """One event = one transaction; domain errors become error acks; emits after commit."""
        return _act(data, partial(in_transaction, handler, None))

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
                answer = combiner_for(handler).submit((client, _checked(client, data)))
                if isinstance(answer, BaseException):
                    raise answer
                ack, effect = answer
            except Exception as error:
                with app.request_context(environ):
                    return _refusal(error)
            if effect == CHANGED:
                broadcaster(app).changed(client["workshop_id"])
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
                client = identify(db, auth)
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
        if pid is not None:  # phones: presence, and the rooms that hear of identity changes
            presence.add(request.sid, client["workshop_id"], pid, client["holder_id"], client)
            join_room(room(client["workshop_id"], f"a{pid}"))
            join_room(room(client["workshop_id"], f"h{client['holder_id']}"))
            broadcaster().presence_changed(client["workshop_id"])
        # the page's language (?lang= of the connection): its wordings come to this room
        language = request.args.get("lang")
        client["language"] = language if language in LANGUAGES else None
        if client["language"] is not None and client["room"] != "console":
            join_room(room(client["workshop_id"], f"{client['room']}:{language}"))
        _welcome(client)
        return True

    def on_disconnect(self, reason=None):
        if self.socketio.server.manager.is_connected(request.sid, self.namespace):
            return  # a client-sent event named "disconnect", not a real one
        client = _clients.pop(request.sid, None)
        presence.remove(request.sid)
        if client is not None and client["participant_id"] is not None:
            broadcaster().presence_changed(client["workshop_id"])

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

    def on_cast_prevote(self, db: Session, client: dict, data: dict):
        """A pre-vote at the phone's table: as cast_vote, within the table's budget."""

        def act(workshop, participant):
            mine = prevoting_service.cast_prevote(
                db,
                workshop,
                participant,
                data.get("activity_id"),
                points=data.get("points"),
                score=data.get("score"),
            )
            return prevoting_service.acknowledgement(mine)

        return _participant_op(db, client, data, "cast_prevote", act)

    def on_withdraw_prevote(self, db: Session, client: dict, data: dict):
        def act(workshop, participant):
            mine = prevoting_service.withdraw_prevote(
                db, workshop, participant, data.get("activity_id")
            )
            return prevoting_service.acknowledgement(mine)

        return _participant_op(db, client, data, "withdraw_prevote", act)

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
        broadcaster().changed(client["workshop_id"])
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


def _welcome(client: dict) -> None:
    """A fresh snapshot for this client, read after any transaction of its own has ended."""
    me = None
    if client["participant_id"] is not None:
        with transaction() as db:
            workshop, participant = load_participant(db, client)
            me = participant_state(db, workshop, participant)
        # a participant moved to another working group since: the socket follows (sync)
        broadcaster().place(request.sid, client, me["working_group_id"])
    broadcaster().send_welcome(
        request.sid,
        client["workshop_id"],
        client["audience"],
        me,
        client.get("language"),
        client.get("working_group_id"),
    )


def _participant_op(db: Session, client: dict, data: dict, kind: str, act):
    """Run a participant's action once per op_id; a retry gets the first acknowledgement."""
    if client["participant_id"] is None:
        raise DomainError("not_authenticated")
    clean_op_id(data.get("op_id"))  # refused before anything is read
    workshop, participant = load_participant(db, client)
    ack, replayed = perform_once(
        db, participant, data.get("op_id"), kind, lambda: act(workshop, participant)
    )
    return ack, (None if replayed else CHANGED)
