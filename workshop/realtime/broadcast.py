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
    return dict(state, activities=visible)


def results_visible_to_phones(state: dict) -> bool:
    return state["live_results"] or state["phase"] == Phase.CLOSED.value


def read_snapshot(app: Flask, workshop_id: int) -> tuple[dict, dict] | None:
    """Read the facilitator's state and the results in one short read transaction."""
    try:
        with transaction(app) as db:
            workshop = get_workshop_by_id(db, workshop_id)
            state = workshop_state(db, workshop, include_hidden=True)
            results = compute_results(db, workshop)
            results["version"] = state["version"]
    except NotFound:
        return None
    return state, results


class LocalThrottle:
    """When a workshop's snapshot goes out, decided inside this one process.

    `change` is told of every committed change; `wake` by the trailing send it asked for.
    Both answer 0 (send now), a wait in seconds (send later), or None (nothing to do).
    """

    def __init__(self, window: float) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._last_sent: dict[int, float] = {}
        self._pending: set[int] = set()

    def change(self, workshop_id: int) -> float | None:
        now = time.monotonic()
        with self._lock:
            last = self._last_sent.get(workshop_id, float("-inf"))
            if now - last >= self.window:  # idle, or a window has passed: this change sends
                self._last_sent[workshop_id] = now
                self._pending.discard(workshop_id)
                return 0
            if workshop_id in self._pending:
                return None
            self._pending.add(workshop_id)
            return last + self.window - now

    def wake(self, workshop_id: int) -> float | None:
        now = time.monotonic()
        with self._lock:
            if workshop_id not in self._pending:
                return None  # a change sent it when the window ended, before this woke up
            wait = self._last_sent.get(workshop_id, float("-inf")) + self.window - now
            if wait > 0:
                return wait
            self._pending.discard(workshop_id)
            self._last_sent[workshop_id] = now
            return 0


# KEYS[1]: "sent", alive for one window after a snapshot went out; KEYS[2]: "pending", a
# trailing send is scheduled somewhere. ARGV: window and pending lifetime, in milliseconds.
_CHANGE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('DEL', KEYS[2])
  return 0
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then
  return math.max(redis.call('PTTL', KEYS[1]), 1)
end
return -1
"""
_WAKE = """
if redis.call('EXISTS', KEYS[2]) == 0 then
  return -1
end
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('DEL', KEYS[2])
  return 0
end
return math.max(redis.call('PTTL', KEYS[1]), 1)
"""


class RedisThrottle:
    """The same throttle, decided in Redis: one place for all the server processes.

    Each decision is one atomic script: the first change after a quiet window takes the
    "sent" key and sends; the first one within the window takes the "pending" key and
    schedules the trailing send in its own process; the others do nothing. Whoever sends
    clears "pending" before reading the snapshot, so every change is followed by a
    snapshot read after it. If the process holding "pending" dies, the next change after
    the key expires (a few windows) sends again.
    """

    def __init__(self, url: str, prefix: str, window: float) -> None:
        import redis  # only when REDIS_URL is set

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.window_ms = max(1, round(window * 1000))
        self.pending_ms = 10 * self.window_ms + 5000
        self._change = self.client.register_script(_CHANGE)
        self._wake = self.client.register_script(_WAKE)

    def keys(self, workshop_id: int) -> list[str]:
        base = f"{self.prefix}:snapshot:{workshop_id}"
        return [base + ":sent", base + ":pending"]

    def _seconds(self, answer: int) -> float | None:
        return None if answer < 0 else answer / 1000

    def change(self, workshop_id: int) -> float | None:
        args = [self.window_ms, self.pending_ms]
        return self._seconds(self._change(keys=self.keys(workshop_id), args=args))

    def wake(self, workshop_id: int) -> float | None:
        return self._seconds(self._wake(keys=self.keys(workshop_id), args=[self.window_ms]))


class Broadcaster:
    """Leading-edge throttle per workshop: send at once when idle, then once per window.

    Every change is followed by a snapshot read after it, so no change is left unsent;
    a burst of hundreds of votes costs one snapshot per window, not one per vote. The
    change that finds the window over sends it itself: under a backlog of events, a timer
    would wait behind all of them. With REDIS_URL the decision is taken in Redis, so
    several processes send one snapshot per window between them.
    """

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self.app = app
        self.socketio = socketio
        self.window = float(app.config["BROADCAST_WINDOW"])
        self._sent_lock = threading.Lock()
        self._last_public: dict[int, dict] = {}
        if app.config.get("REDIS_URL"):
            self.throttle = RedisThrottle(
                app.config["REDIS_URL"], app.config["REDIS_CHANNEL"], self.window
            )
        else:
            self.throttle = LocalThrottle(self.window)

    def changed(self, workshop_id: int) -> None:
        """Call after a commit that changed the workshop."""
        try:
            wait = self.throttle.change(workshop_id)
        except Exception:  # Redis unreachable: a snapshot too many rather than one missing
            log.exception("throttle of workshop %s failed; sending at once", workshop_id)
            wait = 0
        if wait is None:
            return
        if wait > 0:
            self.socketio.start_background_task(self._send_later, workshop_id, wait)
        else:
            self.send_snapshot(workshop_id)

    def _send_later(self, workshop_id: int, wait: float) -> None:
        self.socketio.sleep(wait)
        try:
            again = self.throttle.wake(workshop_id)
        except Exception:
            log.exception("throttle of workshop %s failed; sending at once", workshop_id)
            again = 0
        if again is None:
            return
        if again > 0:  # someone sent meanwhile: the pending changes go at the end of its window
            self.socketio.start_background_task(self._send_later, workshop_id, again)
            return
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
        # A vote changes the results, not the public state: the screens and phones already
        # hold that state, so only its version would differ. Leaving it out halves what a
        # room of phones receives during a vote (the fan-out dominated a burst's profile).
        changed = self._public_changed(workshop_id, public)
        if changed:
            emit("workshop_state", public, to=room(workshop_id, "screen"))
        emit("results", results, to=room(workshop_id, "screen"))
        if changed:
            emit("workshop_state", public, to=room(workshop_id, "phones"))
        if results_visible_to_phones(state):
            emit("results", results, to=room(workshop_id, "phones"))

    def _public_changed(self, workshop_id: int, public: dict) -> bool:
        """Whether the public state differs from the last one this process sent, version aside."""
        key = {k: v for k, v in public.items() if k != "version"}
        with self._sent_lock:
            if self._last_public.get(workshop_id) == key:
                return False
            self._last_public[workshop_id] = key
        return True

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

    def send_my_state(self, sid: str, me: dict) -> None:
        self.socketio.emit("my_state", me, to=sid)
