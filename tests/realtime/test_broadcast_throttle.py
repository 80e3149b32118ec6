"""The Broadcaster's leading-edge throttle, driven by a fake clock and a fake socketio."""

import random

import pytest

from workshop.db import transaction
from workshop.models import Workshop
from workshop.realtime import broadcast
from workshop.realtime.broadcast import Broadcaster, public_state, room
from workshop.services.activities import add_activity, set_activity_status
from workshop.services.workshops import bump_version, create_workshop, delete_workshop

WINDOW = 1.0


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class FakeSocketIO:
    """Records emits; background tasks run only when the test says their time has come."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.tasks: list[tuple[float, object, tuple]] = []  # (wake-up time, fn, args)
        self.emitted: list[tuple[float, str, str, dict]] = []
        self.slept: list[float] = []
        self.closed: list[str] = []

    def start_background_task(self, fn, *args):
        workshop_id, wait = args
        self.tasks.append((self.clock.now + wait, fn, args))

    def sleep(self, seconds):
        self.slept.append(seconds)  # the clock is moved by the test, not here

    def emit(self, event, payload, to=None):
        self.emitted.append((self.clock.now, event, to, payload))

    def close_room(self, room):
        self.closed.append(room)

    def run_due_tasks(self):
        """Run the tasks whose wake-up time has come, in order."""
        while True:
            due = sorted((t for t in self.tasks if t[0] <= self.clock.now), key=lambda t: t[0])
            if not due:
                return
            task = due[0]
            self.tasks.remove(task)
            fn, args = task[1], task[2]
            fn(*args)

    def sends(self, workshop_id) -> list[tuple[float, int]]:
        """(time, version) of each snapshot sent to the workshop's console."""
        return [
            (at, payload["version"])
            for at, event, to, payload in self.emitted
            if event == "workshop_state" and to == room(workshop_id, "console")
        ]


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(broadcast, "time", clock)
    return clock


@pytest.fixture
def sio(clock):
    return FakeSocketIO(clock)


@pytest.fixture
def broadcaster(app, sio):
    app.config["BROADCAST_WINDOW"] = WINDOW
    return Broadcaster(app, sio)


def new_workshop(app, **kwargs) -> int:
    with transaction(app) as db:
        workshop, _ = create_workshop(db, title="Atelier", groups=["G"], **kwargs)
        return workshop.id


def commit_change(app, workshop_id) -> int:
    """Commit a change to the workshop; return its new version."""
    with transaction(app) as db:
        workshop = db.get(Workshop, workshop_id)
        bump_version(db, workshop)
        db.flush()
        db.refresh(workshop)
        return workshop.version


def change(app, broadcaster, workshop_id) -> int:
    """Commit a change, tell the broadcaster, return the workshop's new version."""
    version = commit_change(app, workshop_id)
    broadcaster.changed(workshop_id)
    return version


def test_first_change_sends_at_once(app, clock, sio, broadcaster):
    wid = new_workshop(app)
    version = change(app, broadcaster, wid)
    assert sio.tasks == []
    assert sio.sends(wid) == [(clock.now, version)]
    rooms = [(event, to) for _, event, to, _ in sio.emitted]
    assert rooms == [
        ("workshop_state", room(wid, "console")),
        ("results", room(wid, "console")),
        ("workshop_state", room(wid, "screen")),
        ("results", room(wid, "screen")),
        ("workshop_state", room(wid, "phones")),
        ("results", room(wid, "phones")),
    ]


def test_changes_within_the_window_are_coalesced_into_one_later_send(app, clock, sio, broadcaster):
    wid = new_workshop(app)
    start = clock.now
    change(app, broadcaster, wid)
    clock.now = start + 0.1
    change(app, broadcaster, wid)
    clock.now = start + 0.2
    change(app, broadcaster, wid)
    clock.now = start + 0.9
    last = change(app, broadcaster, wid)
    assert len(sio.sends(wid)) == 1  # only the leading edge so far
    assert len(sio.tasks) == 1  # one delayed send for three changes
    wake_up = sio.tasks[0][0]
    assert wake_up == pytest.approx(start + WINDOW)
    assert sio.tasks[0][2][1] == pytest.approx(0.9)  # the wait asked of sleep()
    clock.now = wake_up
    sio.run_due_tasks()
    assert sio.slept == [pytest.approx(0.9)]
    sends = sio.sends(wid)
    assert len(sends) == 2
    assert sends[1] == (wake_up, last)  # the later send carries the latest change


def test_a_change_after_the_window_sends_at_once_again(app, clock, sio, broadcaster):
    wid = new_workshop(app)
    start = clock.now
    change(app, broadcaster, wid)
    clock.now = start + WINDOW + 0.01
    version = change(app, broadcaster, wid)
    assert sio.tasks == []
    assert sio.sends(wid)[-1] == (clock.now, version)
    assert len(sio.sends(wid)) == 2


def test_a_change_right_after_a_delayed_send_waits_for_the_next_window(
    app, clock, sio, broadcaster
):
    wid = new_workshop(app)
    start = clock.now
    change(app, broadcaster, wid)
    clock.now = start + 0.5
    change(app, broadcaster, wid)
    clock.now = start + WINDOW
    sio.run_due_tasks()
    clock.now = start + WINDOW + 0.1  # just after the delayed send: throttled again
    version = change(app, broadcaster, wid)
    assert len(sio.sends(wid)) == 2 and len(sio.tasks) == 1
    clock.now = sio.tasks[0][0]
    assert clock.now == pytest.approx(start + 2 * WINDOW)
    sio.run_due_tasks()
    assert sio.sends(wid)[-1] == (clock.now, version)


def test_workshops_are_throttled_independently(app, clock, sio, broadcaster):
    first, second = new_workshop(app), new_workshop(app)
    change(app, broadcaster, first)
    clock.now += 0.1
    change(app, broadcaster, first)  # throttled
    version = change(app, broadcaster, second)  # not throttled by the first's window
    assert sio.sends(second) == [(clock.now, version)]
    assert len(sio.sends(first)) == 1 and len(sio.tasks) == 1


@pytest.mark.parametrize("seed", range(5))
def test_no_change_is_left_without_a_send_after_it(app, clock, sio, broadcaster, seed):
    rng = random.Random(seed)
    wid = new_workshop(app)
    changes: list[tuple[float, int]] = []
    at = clock.now
    for _ in range(40):
        at += rng.choice([0.01, 0.05, 0.3, 0.7, 1.2, 2.5])
        # let the background tasks due before this change run first
        while sio.tasks and min(t[0] for t in sio.tasks) <= at:
            clock.now = min(t[0] for t in sio.tasks)
            sio.run_due_tasks()
        clock.now = at
        changes.append((at, change(app, broadcaster, wid)))
    while sio.tasks:
        clock.now = min(t[0] for t in sio.tasks)
        sio.run_due_tasks()

    sends = sio.sends(wid)
    for at, version in changes:
        later = [v for t, v in sends if t >= at]
        assert later and max(later) >= version, (at, version)
    assert sends[-1][1] == changes[-1][1]  # the last snapshot is the latest state
    times = [t for t, _ in sends]
    assert all(b - a >= WINDOW - 1e-9 for a, b in zip(times, times[1:], strict=False))
    assert len(sends) < len(changes)  # bursts were coalesced


def test_a_failed_delayed_send_does_not_block_later_ones(app, clock, sio, broadcaster, monkeypatch):
    wid = new_workshop(app)
    start = clock.now
    change(app, broadcaster, wid)
    clock.now = start + 0.5
    change(app, broadcaster, wid)
    real = broadcast.read_snapshot
    monkeypatch.setattr(broadcast, "read_snapshot", lambda *_a: 1 / 0)
    clock.now = start + WINDOW
    sio.run_due_tasks()  # logged, not raised
    monkeypatch.setattr(broadcast, "read_snapshot", real)
    clock.now = start + 3 * WINDOW
    version = change(app, broadcaster, wid)
    assert sio.sends(wid)[-1] == (clock.now, version)


def test_deleted_workshop_is_announced_then_its_rooms_closed(app, clock, sio, broadcaster):
    wid = new_workshop(app)
    with transaction(app) as db:
        delete_workshop(db, db.get(Workshop, wid))
    broadcaster.changed(wid)
    assert {(event, to) for _t, event, to, _p in sio.emitted} == {
        ("workshop_deleted", f"w{wid}:{audience}") for audience in ("console", "screen", "phones")
    }
    assert sorted(sio.closed) == sorted(f"w{wid}:{a}" for a in ("console", "screen", "phones"))


def test_audiences_get_what_they_may_see(app, clock, sio, broadcaster):
    wid = new_workshop(app, live_results=False)
    with transaction(app) as db:
        workshop = db.get(Workshop, wid)
        kept = add_activity(db, workshop, title="Visible").id
        hidden = add_activity(db, workshop, title="Retirée").id
        set_activity_status(db, workshop, hidden, "hidden")
    broadcaster.changed(wid)
    sent = {(event, to): payload for _, event, to, payload in sio.emitted}
    console = sent[("workshop_state", room(wid, "console"))]
    assert [a["id"] for a in console["activities"]] == [kept, hidden]
    for audience in ("screen", "phones"):
        state = sent[("workshop_state", room(wid, audience))]
        assert [a["id"] for a in state["activities"]] == [kept]
        assert state == public_state(console)
    assert ("results", room(wid, "screen")) in sent
    assert ("results", room(wid, "phones")) not in sent  # live results are off


# -- what each room receives: only what changed, version aside ----------------------------


def emitted_to(sio, audience, wid) -> list[str]:
    return [event for _, event, to, _ in sio.emitted if to == room(wid, audience)]


def test_a_vote_sends_phones_and_screens_the_results_and_a_join_the_state(
    app, clock, sio, broadcaster
):
    from workshop.services.participants import join_workshop
    from workshop.services.voting import cast_vote
    from workshop.services.workshops import set_phase

    wid = new_workshop(app)
    with transaction(app) as db:
        workshop = db.get(Workshop, wid)
        activity = add_activity(db, workshop, title="Former").id
        set_phase(db, workshop, "voting")
    broadcaster.changed(wid)
    for audience in ("console", "screen", "phones"):
        assert emitted_to(sio, audience, wid) == ["workshop_state", "results"]

    sio.emitted.clear()
    clock.now += 2 * WINDOW
    with transaction(app) as db:
        workshop = db.get(Workshop, wid)
        person, _ = join_workshop(db, workshop, name="", organisation="UMT", group="G")
        person_id = person.id
    broadcaster.changed(wid)
    assert emitted_to(sio, "console", wid) == ["workshop_state", "results"]
    for audience in ("screen", "phones"):  # the count changed, the results did not
        assert emitted_to(sio, audience, wid) == ["workshop_state"]
        state = [p for _, e, to, p in sio.emitted if to == room(wid, audience)][0]
        assert state["participants"] == 1

    sio.emitted.clear()
    clock.now += 2 * WINDOW
    with transaction(app) as db:
        workshop = db.get(Workshop, wid)
        cast_vote(db, workshop, db.get(type(person), person_id), activity, points=2)
    broadcaster.changed(wid)
    assert emitted_to(sio, "console", wid) == ["workshop_state", "results"]
    for audience in ("screen", "phones"):  # the results changed, the state did not
        assert emitted_to(sio, audience, wid) == ["results"]
        results = [p for _, e, to, p in sio.emitted if to == room(wid, audience)][0]
        assert results["activities"][0]["total"] == 2

    sio.emitted.clear()
    clock.now += 2 * WINDOW
    change(app, broadcaster, wid)  # a new version and nothing else: only the console hears
    assert emitted_to(sio, "console", wid) == ["workshop_state", "results"]
    assert emitted_to(sio, "screen", wid) == emitted_to(sio, "phones", wid) == []


def test_results_reach_phones_when_they_become_visible_even_if_unchanged(
    app, clock, sio, broadcaster
):
    from workshop.services.workshops import update_settings

    wid = new_workshop(app, live_results=False)
    change(app, broadcaster, wid)
    assert emitted_to(sio, "phones", wid) == ["workshop_state"]
    assert emitted_to(sio, "screen", wid) == ["workshop_state", "results"]
    sio.emitted.clear()
    clock.now += 2 * WINDOW
    with transaction(app) as db:
        update_settings(db, db.get(Workshop, wid), live_results=True)
    broadcaster.changed(wid)
    assert emitted_to(sio, "phones", wid) == ["workshop_state", "results"]
    assert emitted_to(sio, "screen", wid) == ["workshop_state"]  # it had these results


def test_a_welcome_reuses_the_last_snapshot_only_while_nothing_changed(
    app, clock, sio, broadcaster, monkeypatch
):
    from workshop.services.participants import join_workshop

    wid = new_workshop(app)
    version = change(app, broadcaster, wid)
    reads = []
    real = broadcast.read_snapshot
    monkeypatch.setattr(broadcast, "read_snapshot", lambda *a: reads.append(a) or real(*a))

    def welcome() -> dict:
        sio.emitted.clear()
        broadcaster.send_welcome("sid-1", wid, "screen", None)
        return [p for _, e, to, p in sio.emitted if e == "workshop_state" and to == "sid-1"][0]

    assert welcome()["version"] == version and reads == []  # the broadcast one still holds
    with transaction(app) as db:  # committed, but not broadcast yet
        join_workshop(db, db.get(Workshop, wid), name="", organisation="CDT", group="G")
    state = welcome()
    assert len(reads) == 1 and state["participants"] == 1 and state["version"] > version
    assert welcome()["participants"] == 1 and len(reads) == 1  # read once, then reused
    with transaction(app) as db:
        workshop = db.get(Workshop, wid)
        bump_version(db, workshop)
    assert welcome()["version"] == state["version"] + 1 and len(reads) == 2


def test_a_slow_send_lengthens_the_window_that_follows(app, clock, sio, broadcaster):
    wid = new_workshop(app)
    emit = sio.emit

    def slow_emit(*args, **kwargs):  # handing a snapshot to a big room takes time
        clock.now += 0.1
        emit(*args, **kwargs)

    sio.emit = slow_emit
    start = clock.now
    change(app, broadcaster, wid)  # 6 emits: the send took 0.6 s
    stretched = start + broadcast.STRETCH * 0.6
    assert stretched > start + WINDOW
    sio.emit = emit
    clock.now = start + WINDOW + 0.1  # the plain window is over, the stretched one is not
    version = change(app, broadcaster, wid)
    assert len(sio.sends(wid)) == 1 and len(sio.tasks) == 1
    assert sio.tasks[0][0] == pytest.approx(stretched)
    clock.now = sio.tasks[0][0]
    sio.run_due_tasks()
    assert sio.sends(wid)[-1] == (clock.now, version)
    clock.now += WINDOW + 0.01  # a fast send: the next window is the plain one again
    assert change(app, broadcaster, wid) == sio.sends(wid)[-1][1]


def test_a_stretched_window_has_a_limit(app, clock, sio, broadcaster):
    wid = new_workshop(app)
    emit = sio.emit

    def very_slow_emit(*args, **kwargs):
        clock.now += 0.5 * WINDOW
        emit(*args, **kwargs)

    sio.emit = very_slow_emit
    start = clock.now
    change(app, broadcaster, wid)  # 6 emits took 3 windows: 5 times that is over the limit
    sio.emit = emit
    assert broadcast.STRETCH * 3 > broadcast.STRETCH_LIMIT
    clock.now = start + (broadcast.STRETCH_LIMIT - 0.5) * WINDOW
    change(app, broadcaster, wid)
    assert len(sio.tasks) == 1
    assert sio.tasks[0][0] == pytest.approx(start + broadcast.STRETCH_LIMIT * WINDOW)


def test_phones_follow_at_their_own_window_and_end_with_the_last_change(app, clock, sio):
    from workshop.services.workshops import update_settings

    app.config.update(BROADCAST_WINDOW=WINDOW, PHONES_WINDOW=3 * WINDOW)
    b = Broadcaster(app, sio)
    wid = new_workshop(app)
    versions = []
    at = clock.now
    for step in range(20):  # a change every 0.4 window, for 8 windows
        while sio.tasks and min(t[0] for t in sio.tasks) <= at:
            clock.now = min(t[0] for t in sio.tasks)
            sio.run_due_tasks()
        clock.now = at
        with transaction(app) as db:  # a new title: a new public state for every room
            workshop = update_settings(db, db.get(Workshop, wid), title=f"Atelier {step}")
            db.flush()
            db.refresh(workshop)
            versions.append(workshop.version)
        b.changed(wid)
        at += 0.4 * WINDOW
    while sio.tasks:
        clock.now = min(t[0] for t in sio.tasks)
        sio.run_due_tasks()

    def states(audience):
        return [
            (t, p["version"])
            for t, e, to, p in sio.emitted
            if e == "workshop_state" and to == room(wid, audience)
        ]

    screen, phones = states("screen"), states("phones")
    for sent, window in ((screen, WINDOW), (phones, 3 * WINDOW)):
        times = [t for t, _ in sent]
        assert all(b - a >= window - 1e-9 for a, b in zip(times, times[1:], strict=False))
        assert sent[-1][1] == versions[-1]  # the last change reached both rooms
    assert len(phones) < len(screen) < len(versions)
