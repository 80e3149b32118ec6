"""The one module that emits. Snapshots go out after commit, coalesced per workshop."""

import hashlib
import json
import logging
import threading
import time

from flask import Flask, current_app
from flask_socketio import SocketIO
from sqlalchemy import bindparam, func, select

from ..db import transaction
from ..models import LANGUAGES, Participant, WorkingGroup, Workshop
from ..services.errors import NotFound
from ..services.group_view import group_ids, group_results, group_state, in_group_work
from ..services.participants import ACTIVE
from ..services.prevoting import all_prevote_results
from ..services.results import compute_results
from ..services.rules import phones_see_results
from ..services.state import participant_state, public_state, workshop_state
from ..services.wording import has_wordings, originals, wordings_for
from ..services.workshops import get_workshop_by_id
from .presence import presence

log = logging.getLogger(__name__)


def room(workshop_id: int, audience: str) -> str:
    """Rooms per workshop: "phones", "screen" (big screens) and "console" (facilitators);
    "g<id>": a working group's phones and its table screen; "phones:ar", "g3:en"...: the
    phones or screens of a room reading a language (its wordings)."""
    return f"w{workshop_id}:{audience}"


def group_room(group_id: int) -> str:
    """The audience part of a working group's room: its phones and its table screen."""
    return f"g{group_id}"


def table_console_room(group_id: int) -> str:
    """The audience part of the room of a group's table-link consoles: sent what the group's
    room is sent, and emptied when a co-host link is revoked (`revoke_cohosts`)."""
    return f"g{group_id}:console"


def _digest(content: dict) -> str:
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


def results_visible_to_phones(state: dict) -> bool:
    return phones_see_results(state["live_results"], state["phase"])


def read_snapshot(app: Flask, workshop_id: int) -> tuple[dict, dict] | None:
    """Read the facilitator's state and the results in one short read transaction."""
    try:
        with transaction(app) as db:
            workshop = get_workshop_by_id(db, workshop_id)
            results = compute_results(db, workshop)
            state = workshop_state(db, workshop, include_hidden=True, results=results)
            _add_prevotes(db, workshop, state, results)
            results["version"] = state["version"]
    except NotFound:
        return None
    return state, results


def _add_prevotes(db, workshop, state: dict, results: dict) -> None:
    """A workshop with working groups: its groups' pre-vote results go with the results
    (the console's overview, the big screen, each table's room its own)."""
    if not group_ids(state):
        return
    shown = [g["id"] for g in state["working_groups"] if g.get("phase") in ("prevote", "done")]
    ranked = all_prevote_results(db, workshop, shown) if shown else {}
    results["prevotes"] = [
        {"working_group_id": group_id, "activities": ranked[group_id]} for group_id in shown
    ]


def snapshot_key(state: dict) -> tuple[int, int]:
    """What tells whether a snapshot still holds: every change bumps the version, and a
    join changes the participant count."""
    return state["version"], state["participants"]


_SNAPSHOT_KEY = select(
    Workshop.version,
    select(func.count(Participant.id))
    .where(Participant.workshop_id == bindparam("workshop_id"), ACTIVE)
    .scalar_subquery(),
).where(Workshop.id == bindparam("workshop_id"))


def read_snapshot_key(app: Flask, workshop_id: int) -> tuple[int, int] | None:
    with transaction(app) as db:
        row = db.execute(_SNAPSHOT_KEY, {"workshop_id": workshop_id}).first()
    return None if row is None else (row[0], row[1])


#: the window after a send lasts at least this many times as long as its emits took...
STRETCH = 5
#: ...but at most this many windows (0.8 s for 0.1 s): the room must still see votes move
STRETCH_LIMIT = 8


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
        self._digests: dict[str, str] = {}

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

    def stretch(self, workshop_id: int, started: float, window: float) -> None:
        """The window that began when a send started lasts `window` seconds (longer)."""
        with self._lock:
            last = self._last_sent.get(workshop_id, float("-inf"))
            self._last_sent[workshop_id] = max(last, started + window - self.window)

    def swap_digest(self, key: str, digest: str) -> str | None:
        """Remember what was last sent under `key`; return what was there before."""
        with self._lock:
            previous = self._digests.get(key)
            self._digests[key] = digest
        return previous

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

    def stretch(self, workshop_id: int, started: float, window: float) -> None:
        left_ms = round((started + window - time.monotonic()) * 1000)
        if left_ms > self.window_ms // 2:  # only ever lengthens the window (GT)
            self.client.pexpire(self.keys(workshop_id)[0], left_ms, gt=True)

    def swap_digest(self, key: str, digest: str) -> str | None:
        """Shared by the processes: what one sent, the others need not send again."""
        previous = self.client.set(f"{self.prefix}:digest:{key}", digest, get=True, ex=86400)
        return None if previous is None else previous.decode()

    def wake(self, workshop_id: int) -> float | None:
        return self._seconds(self._wake(keys=self.keys(workshop_id), args=[self.window_ms]))


class Broadcaster:
    """Leading-edge throttle per workshop: send at once when idle, then once per window.

    Every change is followed by a snapshot read after it, so no change is left unsent;
    a burst of hundreds of votes costs one snapshot per window, not one per vote. The
    change that finds the window over sends it itself: under a backlog of events, a timer
    would wait behind all of them. With REDIS_URL the decision is taken in Redis, so
    several processes send one snapshot per window between them.

    Phones may have a longer window of their own (PHONES_WINDOW): the big screen and the
    consoles follow a burst closely, while a room of phones, the costly audience, gets
    the results at most once per phones window, and the final ones at its end.
    """

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self.app = app
        self.socketio = socketio
        self.window = float(app.config["BROADCAST_WINDOW"])
        phones = float(app.config.get("PHONES_WINDOW") or 0)
        self.phones_window = max(self.window, phones) if self.window > 0 else 0.0
        #: workshop id -> (snapshot_key, state, results) of the last snapshot read
        self._latest: dict[int, tuple[tuple, dict, dict]] = {}
        self.throttle = self._throttle(app, "", self.window)
        self.phones_throttle = None
        if self.phones_window > self.window:
            self.phones_throttle = self._throttle(app, ":phones", self.phones_window)

    @staticmethod
    def _throttle(app: Flask, suffix: str, window: float):
        if app.config.get("REDIS_URL"):
            prefix = app.config["REDIS_CHANNEL"] + suffix
            return RedisThrottle(app.config["REDIS_URL"], prefix, window)
        return LocalThrottle(window)

    def changed(self, workshop_id: int) -> None:
        """Call after a commit that changed the workshop."""
        wait = self._decide(self.throttle.change, workshop_id)
        if wait is not None:
            if wait > 0:
                self.socketio.start_background_task(self._send_later, workshop_id, wait)
            else:
                self.send_snapshot(workshop_id)
        if self.phones_throttle is not None:
            wait = self._decide(self.phones_throttle.change, workshop_id)
            if wait is not None:
                if wait > 0:
                    self.socketio.start_background_task(self._send_phones_later, workshop_id, wait)
                else:
                    self.send_to_phones(workshop_id)

    @staticmethod
    def _decide(decision, workshop_id: int) -> float | None:
        try:
            return decision(workshop_id)
        except Exception:  # Redis unreachable: a snapshot too many rather than one missing
            log.exception("throttle of workshop %s failed; sending at once", workshop_id)
            return 0

    def _send_later(self, workshop_id: int, wait: float) -> None:
        self._later(self.throttle, self._send_later, self.send_snapshot, workshop_id, wait)

    def _send_phones_later(self, workshop_id: int, wait: float) -> None:
        throttle = self.phones_throttle
        self._later(throttle, self._send_phones_later, self.send_to_phones, workshop_id, wait)

    def _later(self, throttle, again_later, send, workshop_id: int, wait: float) -> None:
        self.socketio.sleep(wait)
        again = self._decide(throttle.wake, workshop_id)
        if again is None:
            return
        if again > 0:  # someone sent meanwhile: the pending changes go at the end of its window
            self.socketio.start_background_task(again_later, workshop_id, again)
            return
        try:
            send(workshop_id)
        except Exception:  # a background task has nobody to report to but the log
            log.exception("snapshot of workshop %s failed", workshop_id)

    def send_snapshot(self, workshop_id: int) -> None:
        emitting = self._send_snapshot(workshop_id)
        if emitting is not None:
            self._stretch(self.throttle, self.window, workshop_id, *emitting)

    def send_to_phones(self, workshop_id: int) -> None:
        """The phones' own send, when they have a longer window than the screens."""
        snapshot = self._current_snapshot(workshop_id)
        if snapshot is None:
            return  # deleted: send_snapshot says so to every room
        started = time.monotonic()
        self._emit_public(workshop_id, ("phones",), *snapshot)
        took = time.monotonic() - started
        self._stretch(self.phones_throttle, self.phones_window, workshop_id, started, took)

    def _stretch(self, throttle, window: float, workshop_id: int, started: float, took: float):
        stretched = min(STRETCH * took, STRETCH_LIMIT * window)
        if 0 < window < stretched:  # a window of 0 (no coalescing) stays 0
            # A slow send (a big room, a starved CPU) lengthens the window that follows, so
            # that handing snapshots to the sockets cannot take most of the process's time:
            # with a fixed window, a backlog of votes made the server spend its time sending
            # snapshots of a backlog that then grew (seen in bursts on a busy machine).
            try:
                throttle.stretch(workshop_id, started, stretched)
            except Exception:
                log.exception("stretching the window of workshop %s failed", workshop_id)

    def _send_snapshot(self, workshop_id: int) -> tuple[float, float] | None:
        """Read and emit; return when the emits started and how long they took."""
        snapshot = read_snapshot(self.app, workshop_id)
        if snapshot is None:  # deleted: say so, then forget the rooms
            latest = self._latest.pop(workshop_id, None)
            groups = group_ids(latest[1]) if latest is not None else []
            tables = [*map(group_room, groups), *map(table_console_room, groups)]
            for audience in ("console", "screen", "phones", *tables):
                self.socketio.emit("workshop_deleted", {}, to=room(workshop_id, audience))
                self.socketio.close_room(room(workshop_id, audience))
            return None
        state, results = snapshot
        self._latest[workshop_id] = (snapshot_key(state), state, results)
        started = time.monotonic()
        self.socketio.emit("workshop_state", state, to=room(workshop_id, "console"))
        self.socketio.emit("results", results, to=room(workshop_id, "console"))
        audiences = ("screen",) if self.phones_throttle is not None else ("screen", "phones")
        self._emit_public(workshop_id, audiences, state, results)
        return started, time.monotonic() - started

    def _emit_public(self, workshop_id: int, audiences, state: dict, results: dict) -> None:
        # Screens and phones get what changed since the last snapshot sent to their room,
        # version aside: a vote changes the results and not the state, a join the reverse.
        # A room of phones then receives one message per snapshot instead of two (the
        # fan-out was the largest cost in a profile of a burst of votes).
        # The wordings in the room's other languages go apart, to each language's room, and
        # only when they change: a snapshot carries the originals only.
        public = public_state(state)
        plain = originals(public)
        for audience in audiences:
            target = room(workshop_id, audience)
            if self._news(target, "workshop_state", plain):
                self.socketio.emit("workshop_state", plain, to=target)
            visible = audience == "screen" or results_visible_to_phones(state)
            if visible and self._news(target, "results", results):
                self.socketio.emit("results", results, to=target)
            for language in LANGUAGES:
                self._send_wordings(room(workshop_id, f"{audience}:{language}"), public, language)
        if "phones" in audiences:  # a working group's room is phones (and its table screen)
            for group_id in group_ids(state):
                self._emit_group(workshop_id, group_id, public, results)

    def _emit_group(self, workshop_id: int, group_id: int, public: dict, results: dict) -> None:
        # The group's part of the snapshot, sent when IT changed: the digest leaves out the
        # version, which every change anywhere in the workshop bumps, so a proposal at
        # another table sends nothing here.
        # The table-link consoles of the group are sent the same, in a room of their own.
        audience, consoles = group_room(group_id), table_console_room(group_id)
        target = room(workshop_id, audience)
        to = [target, room(workshop_id, consoles)]
        scoped = group_state(public, results, group_id)
        if self._news(target, "workshop_state", originals(scoped)):
            self.socketio.emit("workshop_state", originals(scoped), to=to)
        if self._group_sees_results(public):
            own = group_results(results, group_id)
            if self._news(target, "results", own):
                self.socketio.emit("results", own, to=to)
        for language in LANGUAGES:
            self._send_wordings(
                room(workshop_id, f"{audience}:{language}"),
                scoped,
                language,
                also=room(workshop_id, f"{consoles}:{language}"),
            )

    @staticmethod
    def _group_sees_results(state: dict) -> bool:
        """The plenary's results reach a group's room as they reach phones, once the plenary
        reconvened; during group work the room has its pre-vote in its snapshot."""
        return not in_group_work(state) and results_visible_to_phones(state)

    def _send_wordings(
        self, target: str, public: dict, language: str, also: str | None = None
    ) -> None:
        """Send `language`'s wordings to `target` (and the room `also`) when they changed."""
        wordings = wordings_for(public, language)
        digest = _digest(wordings)
        try:
            previous = self.throttle.swap_digest(f"{target}:wordings", digest)
        except Exception:  # Redis unreachable: send rather than guess
            log.exception("digest of %s failed; sending", target)
            previous = ""
        # a room that never had a wording is sent none: a workshop in one language costs nothing
        if previous != digest and (previous is not None or has_wordings(wordings)):
            to = target if also is None else [target, also]
            self.socketio.emit("wordings", dict(wordings, version=public["version"]), to=to)

    def _news(self, target: str, event: str, payload: dict) -> bool:
        """Whether `payload` differs, version and clock aside, from the last `event` sent."""
        # server_time only corrects clients' clocks (the countdown): it is news to nobody.
        content = {k: v for k, v in payload.items() if k not in ("version", "server_time")}
        digest = _digest(content)
        try:
            return self.throttle.swap_digest(f"{target}:{event}", digest) != digest
        except Exception:  # Redis unreachable: send rather than guess
            log.exception("digest of %s failed; sending", target)
            return True

    def send_welcome(
        self,
        sid: str,
        workshop_id: int,
        audience: str,
        me: dict | None,
        language: str | None = None,
        working_group_id: int | None = None,
    ) -> None:
        """A fresh full snapshot for one client that just (re)connected or asked to resync;
        a phone or big screen reading `language` gets that language's wordings with it. A
        phone of a working group and a table screen (`working_group_id`) get their group's
        snapshot, as their room does."""
        snapshot = self._current_snapshot(workshop_id)
        if snapshot is None:
            return
        state, results = snapshot
        emit = self.socketio.emit
        grouped = working_group_id is not None and working_group_id in group_ids(state)
        if audience == "console":
            emit("workshop_state", state, to=sid)
        else:
            public = public_state(state)
            if grouped:
                public = group_state(public, results, working_group_id)
            emit("workshop_state", originals(public), to=sid)
            wordings = wordings_for(public, language) if language in LANGUAGES else None
            if wordings is not None and has_wordings(wordings):
                emit("wordings", dict(wordings, version=state["version"]), to=sid)
        if grouped:
            if self._group_sees_results(state):
                emit("results", group_results(results, working_group_id), to=sid)
        elif audience not in ("phones", "table") or results_visible_to_phones(state):
            emit("results", results, to=sid)
        if me is not None:
            emit("my_state", me, to=sid)

    def revoke_cohosts(self, workshop_id: int) -> None:
        """After a co-host link was revoked: every console of the workshop, in every process,
        leaves the console room and is asked to reconnect; the connect handler lets back in
        only those whose access still holds. The consoles of table links too: they leave
        their table's rooms (close_room reaches every process through the message queue),
        so a revoked one hears nothing more of its group even if it never reconnects."""
        with transaction(self.app) as db:
            groups = db.scalars(
                select(WorkingGroup.id).where(WorkingGroup.workshop_id == workshop_id)
            ).all()
        tables = [table_console_room(group_id) for group_id in groups]
        for audience in ("console", *tables):
            self.socketio.emit("access_revoked", {}, to=room(workshop_id, audience))
        languages = [f"{table}:{language}" for table in tables for language in LANGUAGES]
        for audience in ("console", *tables, *languages):
            self.socketio.close_room(room(workshop_id, audience))

    def _current_snapshot(self, workshop_id: int) -> tuple[dict, dict] | None:
        """The last snapshot read, if the workshop has not changed since; else a fresh one.

        A join storm connects hundreds of phones between two changes: each would read the
        whole snapshot (the largest cost of a connection in a profile), where one small read
        of the version and the participant count tells whether the last one still holds.
        """
        latest = self._latest.get(workshop_id)
        if latest is not None and read_snapshot_key(self.app, workshop_id) == latest[0]:
            return latest[1], latest[2]
        snapshot = read_snapshot(self.app, workshop_id)
        if snapshot is not None:
            self._latest[workshop_id] = (snapshot_key(snapshot[0]), *snapshot)
        return snapshot

    def send_my_state(self, sid: str, me: dict) -> None:
        self.socketio.emit("my_state", me, to=sid)

    # -- working groups: a phone's room follows its participant's group -------------------

    def place(self, sid: str, record: dict, working_group_id: int | None) -> bool:
        """Put a phone's socket (here) in its room: its working group's, or all phones'
        when it has none; its language's room moves with it. Whether it moved."""
        audience = "phones" if working_group_id is None else group_room(working_group_id)
        old = record.get("room")
        if old == audience:
            return False
        workshop_id, language = record["workshop_id"], record.get("language")
        server = self.socketio.server
        if old is not None:
            server.leave_room(sid, room(workshop_id, old), namespace="/")
            if language is not None:
                server.leave_room(sid, room(workshop_id, f"{old}:{language}"), namespace="/")
        server.enter_room(sid, room(workshop_id, audience), namespace="/")
        if language is not None:
            server.enter_room(sid, room(workshop_id, f"{audience}:{language}"), namespace="/")
        record["room"], record["working_group_id"] = audience, working_group_id
        return True

    def regroup(self, workshop_id: int, participant_ids=None) -> None:
        """After a commit that moved participants between working groups (None: any of the
        workshop's): their phones here change rooms at once and get their new snapshot and
        my_state; phones on other processes are told (`working_group_changed`) and move
        when they answer with `sync`, which places a socket by its participant's group."""
        here = presence.records(workshop_id, participant_ids)
        payload = {}
        skip = [sid for sid, _record in here] or None
        if participant_ids is None:
            latest = self._latest.get(workshop_id)
            groups = group_ids(latest[1]) if latest is not None else []
            for audience in ("phones", *map(group_room, groups)):
                self.socketio.emit(
                    "working_group_changed", payload, to=room(workshop_id, audience), skip_sid=skip
                )
        else:
            for pid in participant_ids:
                self.socketio.emit(
                    "working_group_changed", payload, to=room(workshop_id, f"a{pid}"), skip_sid=skip
                )
        if not here:
            return
        welcomes = []
        with transaction(self.app) as db:
            workshop = get_workshop_by_id(db, workshop_id)
            for sid, record in here:
                participant = db.get(Participant, record["participant_id"])
                if participant is None:
                    continue
                if self.place(sid, record, participant.working_group_id):
                    me = participant_state(db, workshop, participant)
                    welcomes.append((sid, record, me))
        for sid, record, me in welcomes:  # after the read transaction: emitting may yield
            self.send_welcome(
                sid, workshop_id, "phones", me, record.get("language"), record["working_group_id"]
            )

    # -- participants: presence and identity --------------------------------------------

    def online(self, workshop_id: int) -> set[int]:
        """Participants with a phone connected to this process (presence.py)."""
        return presence.online(workshop_id)

    def presence_changed(self, workshop_id: int) -> None:
        """A phone came or went: the consoles ask for the participants list again."""
        self.socketio.emit("presence_changed", {}, to=room(workshop_id, "console"))

    def identity_changed(
        self, workshop_id: int, reason: str, participant_ids=(), holder_ids=()
    ) -> None:
        """After a commit that changed who a phone is (merged, removed, undone, recovered
        elsewhere): its page is told why and its sockets here are closed. The page reloads
        and reconnects as whoever its token now stands for, or goes back to the join page.
        Phones on another process get the event (through Redis) and reload themselves."""
        payload = {"reason": reason}
        for pid in participant_ids:
            self.socketio.emit("identity_changed", payload, to=room(workshop_id, f"a{pid}"))
        for holder in holder_ids:
            self.socketio.emit("identity_changed", payload, to=room(workshop_id, f"h{holder}"))
        for sid in presence.sockets(workshop_id, participant_ids, holder_ids):
            self.socketio.server.disconnect(sid, namespace="/")


#: where create_app keeps the app's broadcaster; read only through `broadcaster()`
_EXTENSION = "atelier.broadcaster"


def install_broadcaster(app: Flask, socketio: SocketIO) -> Broadcaster:
    """Give `app` its broadcaster (create_app calls it once)."""
    app.extensions[_EXTENSION] = Broadcaster(app, socketio)
    return app.extensions[_EXTENSION]


def broadcaster(app: Flask | None = None) -> Broadcaster:
    """The app's broadcaster (the current app's by default): the one way to reach it."""
    return (app or current_app).extensions[_EXTENSION]
