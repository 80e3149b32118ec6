"""The facilitator's countdown: every action, at chosen instants, and how screens read it."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workshop.models import Workshop
from workshop.services.errors import DomainError
from workshop.services.state import workshop_state
from workshop.services.timer import TIMER_MAX_SECONDS, control_timer, timer_state
from workshop.services.workshops import create_workshop

T0 = datetime(2026, 3, 10, 9, 0, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def w(db):
    workshop, _ = create_workshop(db, title="Atelier", groups=["Gouvernement"])
    db.flush()
    return workshop


def version(db, workshop):
    return db.scalar(select(Workshop.version).where(Workshop.id == workshop.id))


def test_a_new_workshop_has_an_idle_timer_without_duration(w):
    assert timer_state(w, T0) == {
        "state": "idle",
        "seconds": None,
        "remaining_ms": None,
        "ends_at": None,
    }


def test_start_runs_down_and_finishes(db, w):
    control_timer(db, w, "start", 300, now=T0)
    assert timer_state(w, at(0)) == {
        "state": "running",
        "seconds": 300,
        "remaining_ms": 300_000,
        "ends_at": "2026-03-10T09:05:00.000Z",
    }
    assert timer_state(w, at(61.5))["remaining_ms"] == 238_500
    done = timer_state(w, at(301))
    assert done["state"] == "finished" and done["remaining_ms"] == 0


def test_pause_keeps_what_is_left_and_start_resumes(db, w):
    control_timer(db, w, "start", 300, now=T0)
    control_timer(db, w, "pause", now=at(100))
    paused = timer_state(w, at(5000))  # time passing while paused changes nothing
    assert paused == {"state": "paused", "seconds": 300, "remaining_ms": 200_000, "ends_at": None}
    control_timer(db, w, "start", now=at(6000))
    resumed = timer_state(w, at(6050))
    assert resumed["state"] == "running" and resumed["remaining_ms"] == 150_000


def test_reset_stops_at_the_full_duration_and_start_runs_it_again(db, w):
    control_timer(db, w, "start", "120", now=T0)  # digits typed in a form are accepted
    control_timer(db, w, "reset", now=at(30))
    assert timer_state(w, at(40)) == {
        "state": "idle",
        "seconds": 120,
        "remaining_ms": 120_000,
        "ends_at": None,
    }
    control_timer(db, w, "start", now=at(50))
    assert timer_state(w, at(50))["remaining_ms"] == 120_000


def test_start_with_seconds_replaces_a_running_or_paused_countdown(db, w):
    control_timer(db, w, "start", 300, now=T0)
    control_timer(db, w, "pause", now=at(10))
    control_timer(db, w, "start", 60, now=at(20))
    state = timer_state(w, at(20))
    assert state["state"] == "running" and state["remaining_ms"] == 60_000
    assert state["seconds"] == 60


def test_start_again_while_running_changes_nothing(db, w):
    control_timer(db, w, "start", 300, now=T0)
    before = version(db, w)
    control_timer(db, w, "start", now=at(10))
    assert timer_state(w, at(10))["remaining_ms"] == 290_000
    assert version(db, w) == before


def test_start_after_the_end_runs_the_duration_again(db, w):
    control_timer(db, w, "start", 60, now=T0)
    control_timer(db, w, "start", now=at(100))
    assert timer_state(w, at(100))["remaining_ms"] == 60_000


def test_add_time_to_running_and_paused_countdowns(db, w):
    control_timer(db, w, "start", 60, now=T0)
    control_timer(db, w, "add", 60, now=at(30))
    assert timer_state(w, at(30))["remaining_ms"] == 90_000
    assert timer_state(w, at(30))["seconds"] == 120
    control_timer(db, w, "pause", now=at(40))
    control_timer(db, w, "add", 30, now=at(50))
    assert timer_state(w, at(50))["remaining_ms"] == 110_000


def test_add_to_a_finished_countdown_counts_from_now(db, w):
    control_timer(db, w, "start", 10, now=T0)
    control_timer(db, w, "add", 60, now=at(100))
    state = timer_state(w, at(100))
    assert state["state"] == "running" and state["remaining_ms"] == 60_000


def test_every_change_bumps_the_version_and_no_ops_do_not(db, w):
    start = version(db, w)
    control_timer(db, w, "pause", now=T0)  # nothing runs
    control_timer(db, w, "reset", now=T0)  # nothing to reset
    assert version(db, w) == start
    control_timer(db, w, "start", 60, now=T0)
    control_timer(db, w, "pause", now=at(1))
    control_timer(db, w, "add", 5, now=at(2))
    control_timer(db, w, "reset", now=at(3))
    assert version(db, w) == start + 4


@pytest.mark.parametrize(
    ("action", "seconds", "key"),
    [
        ("stop", None, "timer_action_invalid"),
        (None, None, "timer_action_invalid"),
        (["start"], None, "timer_action_invalid"),
        ("start", None, "field_required"),
        ("start", 0, "field_out_of_range"),
        ("start", -5, "field_out_of_range"),
        ("start", TIMER_MAX_SECONDS + 1, "field_out_of_range"),
        ("start", 2.5, "field_invalid"),
        ("start", True, "field_invalid"),
        ("start", "cinq", "field_invalid"),
        ("add", None, "field_required"),
        ("add", "", "field_required"),
        ("add", 30, "timer_not_started"),
    ],
)
def test_refusals_change_nothing(db, w, action, seconds, key):
    before = version(db, w)
    with pytest.raises(DomainError) as error:
        control_timer(db, w, action, seconds, now=T0)
    assert error.value.key == key
    assert timer_state(w, T0)["state"] == "idle" and version(db, w) == before


def test_add_cannot_go_past_the_longest_countdown(db, w):
    control_timer(db, w, "start", TIMER_MAX_SECONDS - 10, now=T0)
    with pytest.raises(DomainError) as error:
        control_timer(db, w, "add", 60, now=T0)
    assert error.value.key == "field_out_of_range"
    assert timer_state(w, T0)["remaining_ms"] == (TIMER_MAX_SECONDS - 10) * 1000


def test_snapshot_carries_the_timer_and_the_server_time(db, w):
    control_timer(db, w, "start", 300)
    db.flush()
    state = workshop_state(db, w)
    assert state["timer"]["state"] == "running" and state["timer"]["seconds"] == 300
    assert 299_000 <= state["timer"]["remaining_ms"] <= 300_000
    assert state["server_time"].endswith("Z")
    sent = datetime.fromisoformat(state["server_time"].removesuffix("Z"))
    ends = datetime.fromisoformat(state["timer"]["ends_at"].removesuffix("Z"))
    assert abs((ends - sent).total_seconds() * 1000 - state["timer"]["remaining_ms"]) < 2


def test_the_database_refuses_a_timer_both_running_and_paused(db, w):
    w.timer_seconds = 60
    w.timer_ends_at = T0
    w.timer_remaining_ms = 1000
    with pytest.raises(IntegrityError):
        db.flush()
