"""The facilitator's countdown: start, pause, resume, add time, reset; read at any instant.

The database keeps only instants and durations (never a ticking number): a running countdown is
its end instant, a paused one the milliseconds it had left. Every screen computes the rest.
"""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ..models import Workshop, utcnow
from .errors import DomainError
from .text import clean_int
from .workshops import bump_version

#: the longest countdown: three hours
TIMER_MAX_SECONDS = 3 * 60 * 60
TIMER_ACTIONS = ("start", "pause", "add", "reset")


def iso_utc(moment: datetime, timespec: str = "milliseconds") -> str:
    """A naive UTC datetime as ISO 8601 with a Z, as JavaScript's Date reads.

    Milliseconds unless `timespec` asks otherwise ("seconds" for records people read).
    """
    return moment.isoformat(timespec=timespec) + "Z"


def _ms(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds() * 1000))


def control_timer(
    session: Session,
    workshop: Workshop,
    action: object,
    seconds: object = None,
    *,
    now: datetime | None = None,
    clock: object | None = None,
) -> Workshop:
    """Apply one of the facilitator's timer actions.

    - `start` with `seconds`: a new countdown of that many seconds, whatever ran before;
      `start` without: resume a paused countdown, or run the last duration again.
    - `pause`: stop the clock, keeping what is left (nothing happens unless it runs).
    - `add` with `seconds`: more time on a running or paused countdown.
    - `reset`: back to the full duration, stopped.

    `clock`: another holder of `timer_*` fields (a working group's countdown); the workshop's
    version counts the change all the same.
    """
    now = now or utcnow()
    clock = workshop if clock is None else clock
    if action not in TIMER_ACTIONS:
        raise DomainError("timer_action_invalid")
    running = clock.timer_ends_at is not None
    paused = clock.timer_remaining_ms is not None
    if action == "start":
        if seconds not in (None, ""):
            duration = clean_int(seconds, "seconds", 1, TIMER_MAX_SECONDS)
            clock.timer_seconds = duration
            clock.timer_ends_at = now + timedelta(seconds=duration)
            clock.timer_remaining_ms = None
        elif paused:
            clock.timer_ends_at = now + timedelta(milliseconds=clock.timer_remaining_ms)
            clock.timer_remaining_ms = None
        elif running and clock.timer_ends_at > now:
            return workshop  # already running: a double tap changes nothing
        elif clock.timer_seconds:
            clock.timer_ends_at = now + timedelta(seconds=clock.timer_seconds)
        else:
            raise DomainError("field_required", field="seconds")
    elif action == "pause":
        if not running:
            return workshop
        clock.timer_remaining_ms = _ms(clock.timer_ends_at - now)
        clock.timer_ends_at = None
    elif action == "add":
        if seconds in (None, ""):
            raise DomainError("field_required", field="seconds")
        extra = clean_int(seconds, "seconds", 1, TIMER_MAX_SECONDS)
        if running:
            left = _ms(clock.timer_ends_at - now)
            if left + extra * 1000 > TIMER_MAX_SECONDS * 1000:
                raise DomainError(
                    "field_out_of_range", field="seconds", min=1, max=TIMER_MAX_SECONDS
                )
            clock.timer_ends_at = now + timedelta(milliseconds=left + extra * 1000)
        elif paused:
            if clock.timer_remaining_ms + extra * 1000 > TIMER_MAX_SECONDS * 1000:
                raise DomainError(
                    "field_out_of_range", field="seconds", min=1, max=TIMER_MAX_SECONDS
                )
            clock.timer_remaining_ms += extra * 1000
        else:
            raise DomainError("timer_not_started")
        clock.timer_seconds = min(TIMER_MAX_SECONDS, (clock.timer_seconds or 0) + extra)
    else:  # reset
        if not running and not paused:
            return workshop
        clock.timer_ends_at = None
        clock.timer_remaining_ms = None
    bump_version(session, workshop)
    return workshop


def timer_state(workshop: Workshop, now: datetime | None = None) -> dict:
    """The countdown as screens show it: state, duration, what is left now, and its end."""
    now = now or utcnow()
    if workshop.timer_ends_at is not None:
        left = _ms(workshop.timer_ends_at - now)
        return {
            "state": "running" if left > 0 else "finished",
            "seconds": workshop.timer_seconds,
            "remaining_ms": left,
            "ends_at": iso_utc(workshop.timer_ends_at),
        }
    if workshop.timer_remaining_ms is not None:
        state, left = "paused", workshop.timer_remaining_ms
    else:
        state = "idle"
        left = workshop.timer_seconds * 1000 if workshop.timer_seconds else None
    return {
        "state": state,
        "seconds": workshop.timer_seconds,
        "remaining_ms": left,
        "ends_at": None,
    }
