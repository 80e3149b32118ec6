"""Writes that arrive together are made together: one transaction for a batch of votes.

A burst of votes queues hundreds of socket events at once. Each in its own transaction
paid for a session, a `BEGIN IMMEDIATE`, a commit and the workshop's load: about a third of
a vote's time in a profile of a burst. Here the first event to arrive leads: it yields
once, so that every event already waiting adds itself to the batch, then writes the whole
batch in one transaction, hands each event its own answer and, if more arrived meanwhile,
hands the lead to the first of them. A vote alone is written at once, as before (a batch
of one); nothing waits on a timer.

Under gevent (`run.py`, gunicorn's worker) `threading` is monkey-patched: the lock and the
events below are gevent's, and `time.sleep(0)` lets the other greenlets run.
"""

import threading
import time
from collections.abc import Callable
from typing import Any


class _Entry:
    __slots__ = ("item", "done", "result", "lead")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.done = threading.Event()
        self.result: Any = None
        self.lead = False


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class Combiner:
    """`submit(item)` returns `write(batch)`'s answer for that item.

    `write` receives the items in their order of arrival and returns one answer per item,
    in the same order. It should decide itself what a failure answers; if it raises
    anyway, every item of the batch raises that error.
    """

    def __init__(
        self, write: Callable[[list[Any]], list[Any]], limit: int = 500, wait: float = 0.0
    ) -> None:
        self.write = write
        self.limit = limit
        self.wait = wait
        self._lock = threading.Lock()
        self._pending: list[_Entry] = []
        self._busy = False

    def submit(self, item: Any) -> Any:
        entry = _Entry(item)
        with self._lock:
            self._pending.append(entry)
            lead = not self._busy
            self._busy = True
        if not lead:
            entry.done.wait()
            if not entry.lead:
                return self._answer(entry)
        time.sleep(self.wait)  # every event that is ready to run joins this batch first
        with self._lock:
            batch, self._pending = self._pending[: self.limit], self._pending[self.limit :]
        try:
            answers = self.write([e.item for e in batch])
            for e, answer in zip(batch, answers, strict=True):
                e.result = answer
        except BaseException as error:
            for e in batch:
                e.result = _Failed(error)
        finally:
            with self._lock:
                if self._pending:  # arrived while this batch was written: the next batch
                    successor = self._pending[0]
                    successor.lead = True
                    successor.done.set()
                else:
                    self._busy = False
            for e in batch:
                e.done.set()
        return self._answer(entry)

    @staticmethod
    def _answer(entry: _Entry) -> Any:
        if isinstance(entry.result, _Failed):
            raise entry.result.error
        return entry.result
