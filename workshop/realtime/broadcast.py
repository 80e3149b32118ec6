"""The one module that emits. Snapshots go out after commit, coalesced per workshop."""

import logging
import threading
import time

from flask import Flask
from flask_socketio import SocketIO

from ..db import transaction
from ..models import Phase
from ..services.errors import NotFound
from ..services.results import compute_results
from ..services.state import workshop_state
from ..services.workplan import public_contributions
from ..services.workshops import get_workshop_by_id

log = logging.getLogger(__name__)


def room(workshop_id: int, audience: str) -> str:
    """Rooms per workshop: "phones", "screen" (big screens) and "console" (facilitators)."""
    return f"w{workshop_id}:{audience}"


def public_state(state: dict) -> dict:
    """The facilitator's snapshot without hidden activities and authors."""
    visible = [
        {k: v for k, v in a.items() if k != "proposed_by"}
        for a in state["activities"]
        if a["status"] == "visible"
    ]
    return dict(state, activities=visible, **public_contributions(state))


def results_visible_to_phones(state: dict) -> bool:
    return state["live_results"] or state["phase"] == Phase.CLOSED.value


def read_snapshot(app: Flask, workshop_id: int) -> tuple[dict, dict] | None:
    """Read the facilitator's state and the results in one short read transaction."""
    try:
        with transaction(app) as db:
            workshop = get_workshop_by_id(db, workshop_id)
            results = compute_results(db, workshop)
            state = workshop_state(db, workshop, include_hidden=True, results=results)
            results["version"] = state["version"]
    except NotFound:
        return None
    return state, results


class Broadcaster:
    """Leading-edge throttle per workshop: send at once when idle, then once per window.

    Every change is followed by a snapshot read after it, so no change is left unsent;
    a burst of hundreds of votes costs one snapshot per window, not one per vote.
    """

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self.app = app
        self.socketio = socketio
        self.window = float(app.config["BROADCAST_WINDOW"])
        self._lock = threading.Lock()
        self._last_sent: dict[int, float] = {}
        self._pending: set[int] = set()

    def changed(self, workshop_id: int) -> None:
        """Call after a commit that changed the workshop."""
        now = time.monotonic()
        with self._lock:
            if workshop_id in self._pending:
                return
            wait = self._last_sent.get(workshop_id, float("-inf")) + self.window - now
            if wait > 0:
                self._pending.add(workshop_id)
            else:
                self._last_sent[workshop_id] = now
        if wait > 0:
            self.socketio.start_background_task(self._send_later, workshop_id, wait)
        else:
            self.send_snapshot(workshop_id)

    def _send_later(self, workshop_id: int, wait: float) -> None:
        self.socketio.sleep(wait)
        with self._lock:
            self._pending.discard(workshop_id)
            self._last_sent[workshop_id] = time.monotonic()
        try:
            self.send_snapshot(workshop_id)
        except Exception:  # a background task has nobody to report to but the log
            log.exception("snapshot of workshop %s failed", workshop_id)

    def send_snapshot(self, workshop_id: int) -> None:
        snapshot = read_snapshot(self.app, workshop_id)
        if snapshot is None:  # deleted: say so, then forget the rooms
            for audience in ("console", "screen", "phones"):
                self.socketio.emit("workshop_deleted", {}, to=room(workshop_id, audience))
                self.socketio.close_room(room(workshop_id, audience))
            return
        state, results = snapshot
        public = public_state(state)
        emit = self.socketio.emit
        emit("workshop_state", state, to=room(workshop_id, "console"))
        emit("results", results, to=room(workshop_id, "console"))
        emit("workshop_state", public, to=room(workshop_id, "screen"))
        emit("results", results, to=room(workshop_id, "screen"))
        emit("workshop_state", public, to=room(workshop_id, "phones"))
        if results_visible_to_phones(state):
            emit("results", results, to=room(workshop_id, "phones"))

    def send_welcome(self, sid: str, workshop_id: int, audience: str, me: dict | None) -> None:
        """A fresh full snapshot for one client that just (re)connected or asked to resync."""
        snapshot = read_snapshot(self.app, workshop_id)
        if snapshot is None:
            return
        state, results = snapshot
        emit = self.socketio.emit
        emit("workshop_state", state if audience == "console" else public_state(state), to=sid)
        if audience != "phones" or results_visible_to_phones(state):
            emit("results", results, to=sid)
        if me is not None:
            emit("my_state", me, to=sid)

    def revoke_cohosts(self, workshop_id: int) -> None:
        """After a co-host link was revoked: every console of the workshop, in every process,
        leaves the console room and is asked to reconnect; the connect handler lets back in
        only those whose access still holds."""
        self.socketio.emit("access_revoked", {}, to=room(workshop_id, "console"))
        self.socketio.close_room(room(workshop_id, "console"))

    def send_my_state(self, sid: str, me: dict) -> None:
        self.socketio.emit("my_state", me, to=sid)
