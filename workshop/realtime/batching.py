"""Writes that arrive together are made together: one transaction for a batch of votes.

A burst of votes queues hundreds of socket events at once. Each in its own transaction
paid for a session, a `BEGIN IMMEDIATE`, a commit and the workshop's load: about a third of
a vote's time in a profile of a burst. Here the first event to arrive leads: it yields
once, so that every event already waiting adds itself to the batch, then writes the whole
batch in one transaction, hands each event its own answer and, if more arrived meanwhile,
hands the lead to the first of them. A vote alone is written at once, as before (a batch
of one); nothing waits on a timer.

`write_together` is what a batch of socket events is written with: one transaction, split
around a refused event so that a refusal costs only that event.

Under gevent (`run.py`, gunicorn's worker) `threading` is monkey-patched: the lock and the
events below are gevent's, and `time.sleep(0)` lets the other greenlets run.
"""

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import current_app

from ..db import transaction
from ..services.errors import DomainError
from ..services.participants import lock_participants
from ..services.workshops import versions_bumped_at_end
from .identity import still_allowed
from .preloading import preload_participants

log = logging.getLogger(__name__)


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


def combiner_for(handler) -> Combiner:
    """This app's combiner for one batched handler."""
    combiners = current_app.extensions.setdefault("atelier.batches", {})
    name = handler.__name__
    if name not in combiners:
        app = current_app._get_current_object()
        wait = float(app.config.get("BATCH_WAIT") or 0)
        combiners[name] = Combiner(partial(write_together, app, handler), wait=wait)
    return combiners[name]


def in_transaction(handler, app, client: dict, data: dict):
    """One event in a transaction of its own: `handler(db, client, data)`'s (ack, effect)."""
    with transaction(app) as db:
        still_allowed(db, client)
        return handler(db, client, data)


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
        preload_participants(db, [client for client, _data in items])
        # all of the batch's participants at once, in id order (services/participants.py)
        lock_participants(db, [c["participant_id"] for c, _d in items if c["participant_id"]])
        answers = []
        for index, (client, data) in enumerate(items):
            try:
                still_allowed(db, client)
                answers.append(handler(db, client, data))
            except DomainError as error:
                raise _Refused(index) from error
    return answers


def _alone(app, handler, item: tuple[dict, dict]):
    """One item in a transaction of its own: its (ack, effect), or the error it raised."""
    client, data = item
    try:
        return in_transaction(handler, app, client, data)
    except Exception as error:
        return error
