"""Who is online: the phones' sockets this process holds, per workshop and participant.

Kept in the process, like the sockets themselves: with several processes each one knows its
own phones (docs/realtime.md, "Presence").
"""

import threading


class Presence:
    """sid -> (workshop, acting participant, token holder) of every phone socket here."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: dict[str, tuple[int, int, int]] = {}
        #: sid -> the socket's record (namespace.py), whose rooms a reassignment moves
        self._records: dict[str, dict] = {}

    def add(
        self, sid: str, workshop_id: int, participant_id: int, holder_id: int, record=None
    ) -> None:
        with self._lock:
            self._sockets[sid] = (workshop_id, participant_id, holder_id)
            if record is not None:
                self._records[sid] = record

    def remove(self, sid: str) -> None:
        with self._lock:
            self._sockets.pop(sid, None)
            self._records.pop(sid, None)

    def records(self, workshop_id: int, participant_ids=None) -> list[tuple[str, dict]]:
        """(sid, record) of the phones here of these participants (None: all of them)."""
        wanted = None if participant_ids is None else set(participant_ids)
        with self._lock:
            return [
                (sid, self._records[sid])
                for sid, (w, p, _h) in self._sockets.items()
                if w == workshop_id and sid in self._records and (wanted is None or p in wanted)
            ]

    def online(self, workshop_id: int) -> set[int]:
        """The participants of the workshop with at least one socket here."""
        with self._lock:
            return {p for w, p, _h in self._sockets.values() if w == workshop_id}

    def sockets(self, workshop_id: int, participant_ids=(), holder_ids=()) -> list[str]:
        """The sockets here acting as these participants or holding these tokens."""
        acting, holders = set(participant_ids), set(holder_ids)
        with self._lock:
            return [
                sid
                for sid, (w, p, h) in self._sockets.items()
                if w == workshop_id and (p in acting or h in holders)
            ]


#: this process's phones
presence = Presence()
