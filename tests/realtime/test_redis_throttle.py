"""The snapshot throttle across processes: two broadcasters deciding in the real Redis."""

import random
import threading
import time

import pytest

from tests.conftest import REDIS_URL
from tests.realtime.test_broadcast_throttle import commit_change, new_workshop
from workshop.realtime.broadcast import Broadcaster, RedisThrottle, room

pytestmark = pytest.mark.redis

WINDOW = 0.4


class ThreadedSocketIO:
    """Records emits with their real time; background tasks are real threads that sleep."""

    def __init__(self, name: str, log: list, lock: threading.Lock):
        self.name, self.log, self.lock = name, log, lock
        self.threads: list[threading.Thread] = []

    def start_background_task(self, fn, *args):
        thread = threading.Thread(target=fn, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def sleep(self, seconds):
        time.sleep(seconds)

    def emit(self, event, payload, to=None):
        with self.lock:
            self.log.append((time.monotonic(), self.name, event, to, payload))

    def close_room(self, room):
        pass

    def join(self):
        for thread in list(self.threads):
            thread.join(10)


@pytest.fixture
def two_processes(app, redis_prefix):
    """Two broadcasters ("processes") sharing the database and the Redis key prefix."""
    app.config.update(
        REDIS_URL=REDIS_URL, REDIS_CHANNEL=redis_prefix, BROADCAST_WINDOW=WINDOW, PHONES_WINDOW=0
    )
    log: list = []
    lock = threading.Lock()
    sios = [ThreadedSocketIO(name, log, lock) for name in ("a", "b")]
    broadcasters = [Broadcaster(app, sio) for sio in sios]
    assert all(isinstance(b.throttle, RedisThrottle) for b in broadcasters)
    yield broadcasters, sios, log
    for sio in sios:
        sio.join()
    for b in broadcasters:
        b.throttle.client.close()


def change(app, broadcaster, workshop_id) -> tuple[float, int]:
    """Commit a change, tell one broadcaster; return (when it was committed, its version)."""
    version = commit_change(app, workshop_id)
    at = time.monotonic()
    broadcaster.changed(workshop_id)
    return at, version


def sends(log, workshop_id) -> list[tuple[float, str, int]]:
    """(time, process, version) of each snapshot sent to the workshop's console."""
    return [
        (at, name, payload["version"])
        for at, name, event, to, payload in log
        if event == "workshop_state" and to == room(workshop_id, "console")
    ]


def wait_for_quiet(sios, seconds=3 * WINDOW):
    time.sleep(seconds)
    for sio in sios:
        sio.join()


def test_one_send_per_window_between_two_processes(app, two_processes):
    (a, b), sios, log = two_processes
    wid = new_workshop(app)
    change(app, a, wid)  # quiet: a sends at once
    assert [(name, v) for _, name, v in sends(log, wid)] == [("a", 1)]
    _, _ = change(app, b, wid)  # within a's window: b schedules the trailing send
    change(app, a, wid)  # a trailing send is already scheduled (by b): nothing to do
    _, last = change(app, b, wid)
    assert len(sends(log, wid)) == 1
    assert len(sios[0].threads) == 0 and len(sios[1].threads) == 1
    wait_for_quiet(sios)
    got = sends(log, wid)
    assert [(name, v) for _, name, v in got] == [("a", 1), ("b", last)]


@pytest.mark.parametrize("seed", range(2))
def test_every_change_on_either_process_is_followed_by_a_snapshot(app, two_processes, seed):
    (a, b), sios, log = two_processes
    rng = random.Random(seed)
    wid = new_workshop(app)
    changes = []
    start = time.monotonic()
    for _ in range(30):
        time.sleep(rng.choice([0, 0.01, 0.05, 0.1, 0.3, 0.6]))
        changes.append(change(app, rng.choice([a, b]), wid))
    elapsed = time.monotonic() - start
    wait_for_quiet(sios)
    got = sends(log, wid)
    for at, version in changes:
        later = [v for t, _name, v in got if t >= at]
        assert later and max(later) >= version, (at, version, got)
    assert max(v for _, _, v in got) == changes[-1][1]
    # One place decides: the two processes together send about one snapshot per window,
    # where two throttles of their own would each send a leading edge (up to twice as many).
    assert len(got) <= elapsed / WINDOW + 2, (len(got), elapsed)
    assert len(got) < len(changes)
    assert {name for _, name, _ in got} == {"a", "b"}


def test_without_redis_a_change_is_sent_at_once_rather_than_lost(app, redis_prefix):
    # nothing listens on port 1 of the loopback: the throttle's call fails at once
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", REDIS_CHANNEL=redis_prefix)
    log: list = []
    sio = ThreadedSocketIO("a", log, threading.Lock())
    broadcaster = Broadcaster(app, sio)
    wid = new_workshop(app)
    change(app, broadcaster, wid)
    _, version = change(app, broadcaster, wid)
    assert [v for _, _, v in sends(log, wid)] == [1, version]


def test_what_one_process_sent_to_a_room_the_other_does_not_send_again(app, two_processes):
    (a, b), sios, log = two_processes
    wid = new_workshop(app)
    change(app, a, wid)
    wait_for_quiet(sios)  # the window is over: b's next change sends at once
    _, version = change(app, b, wid)  # a new version, the same content
    from_b = [(event, to, p) for _, name, event, to, p in log if name == "b"]
    assert {(event, to) for event, to, _ in from_b} == {
        ("workshop_state", room(wid, "console")),
        ("results", room(wid, "console")),
    }  # screens and phones already hold this state and these results, sent by a
    assert all(p["version"] == version for _, _, p in from_b)


def test_a_stretched_window_holds_for_every_process(app, two_processes):
    (a, b), sios, log = two_processes
    wid = new_workshop(app)
    change(app, a, wid)
    a.throttle.stretch(wid, time.monotonic(), 10 * WINDOW)  # as after a slow send by a
    time.sleep(1.5 * WINDOW)  # the plain window is over, the stretched one is not
    change(app, b, wid)
    assert len(sends(log, wid)) == 1 and len(sios[1].threads) == 1  # b waits for its end
    ttl = a.throttle.client.pttl(a.throttle.keys(wid)[0])
    assert ttl > 5 * WINDOW * 1000
