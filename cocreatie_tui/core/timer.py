"""Countdown timers for speaking turns and activities, as a pure state machine.

Why this shape: the hub runs on a laptop or on a Raspberry Pi that may lose power. Its wall
clock cannot be trusted after a power cut, and a monotonic clock restarts at boot. So:

* every method that depends on time takes ``now``, a monotonic reading in seconds, from the
  caller; nothing in here reads a clock;
* the saved form (``to_dict``) holds the seconds *elapsed at the moment of saving*, never a
  clock reading, and ``from_dict`` always gives back a timer that is not running: a timer that
  was running comes back paused with the time it had left at the last save;
* phones get the seconds left (``public_state``), never an end time.

States and the commands allowed in them (anything else raises ``TimerError``)::

    IDLE    --start-->  RUNNING
    RUNNING --pause-->  PAUSED
    PAUSED  --resume--> RUNNING
    any     --reset-->  IDLE
    any     --add_time  (same state; the duration changes)

A timer is *over* once its remaining time reaches zero: ``remaining`` goes negative and
``overtime`` counts up from there. ``take_end_signal`` answers True exactly once per overrun,
so the caller can flash, ring or play a sound.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "Countdown",
    "TimerError",
    "TimerStatus",
    "format_clock",
    "format_duration",
]

# Rounding guard for display: 119.99999999 s left shows as 2:00, not as a flicker of 1:59.
_DISPLAY_DIGITS = 6


class TimerError(ValueError):
    """A command that is not allowed in the timer's current state, or bad saved data.

    ``key`` is a stable identifier for the UI's locale files:

    * ``"not_idle"``: ``start`` on a timer that was already started (reset it first);
    * ``"not_running"``: ``pause`` on a timer that is not running;
    * ``"not_paused"``: ``resume`` on a timer that is not paused;
    * ``"invalid_duration"``: a negative, infinite or NaN duration or amount of time;
    * ``"invalid_data"``: ``from_dict`` got something that is not a saved timer.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class TimerStatus(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"


def _check_seconds(value: float, what: str, *, allow_negative: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TimerError("invalid_duration", f"{what} must be a number, got {value!r}")
    if not math.isfinite(value) or (value < 0 and not allow_negative):
        raise TimerError("invalid_duration", f"{what} must be a finite number >= 0, got {value}")
    return float(value)


@dataclass
class Countdown:
    """A countdown of ``duration_s`` seconds; pauses are not counted.

    ``elapsed_before_s`` holds the running time of the spans that have ended; while running,
    ``running_since`` is the monotonic reading at which the current span began. ``interrupted``
    is True when the timer came back paused after a restart while it was running (so the UI
    can say why it stopped); it clears on ``resume`` and ``reset``.
    """

    duration_s: float
    status: TimerStatus = TimerStatus.IDLE
    elapsed_before_s: float = 0.0
    running_since: float | None = None
    end_signalled: bool = False
    interrupted: bool = False

    def __post_init__(self) -> None:
        self.duration_s = _check_seconds(self.duration_s, "duration_s")

    # Commands

    def start(self, now: float) -> None:
        if self.status is not TimerStatus.IDLE:
            raise TimerError("not_idle", f"cannot start a {self.status} timer; reset it first")
        self.status = TimerStatus.RUNNING
        self.running_since = now

    def pause(self, now: float) -> None:
        if self.status is not TimerStatus.RUNNING:
            raise TimerError("not_running", f"cannot pause a {self.status} timer")
        self.elapsed_before_s = self.elapsed(now)
        self.running_since = None
        self.status = TimerStatus.PAUSED

    def resume(self, now: float) -> None:
        if self.status is not TimerStatus.PAUSED:
            raise TimerError("not_paused", f"cannot resume a {self.status} timer")
        self.status = TimerStatus.RUNNING
        self.running_since = now
        self.interrupted = False

    def reset(self, duration_s: float | None = None) -> None:
        """Back to IDLE with nothing elapsed; optionally with a new duration."""
        if duration_s is not None:
            self.duration_s = _check_seconds(duration_s, "duration_s")
        self.status = TimerStatus.IDLE
        self.elapsed_before_s = 0.0
        self.running_since = None
        self.end_signalled = False
        self.interrupted = False

    def add_time(self, seconds: float, now: float) -> None:
        """Lengthen (or, with a negative amount, shorten) the countdown.

        The duration never goes below zero. A timer that is no longer over after this may give
        its end signal again when it runs out a second time.
        """
        seconds = _check_seconds(seconds, "seconds", allow_negative=True)
        self.duration_s = max(0.0, self.duration_s + seconds)
        if not self.is_over(now):
            self.end_signalled = False

    # Queries

    def elapsed(self, now: float) -> float:
        """Seconds counted so far, pauses excluded."""
        if self.status is TimerStatus.RUNNING and self.running_since is not None:
            # A reading from before the span began (a caller's mistake) counts as nothing,
            # so elapsed time never goes backwards.
            return self.elapsed_before_s + max(0.0, now - self.running_since)
        return self.elapsed_before_s

    def remaining(self, now: float) -> float:
        """Seconds left; negative in overtime."""
        return self.duration_s - self.elapsed(now)

    def overtime(self, now: float) -> float:
        """Seconds past the end; 0 until the timer is over."""
        return max(0.0, -self.remaining(now))

    def is_over(self, now: float) -> bool:
        """True once a started timer has no time left (``remaining <= 0``)."""
        return self.status is not TimerStatus.IDLE and self.remaining(now) <= 0

    def take_end_signal(self, now: float) -> bool:
        """True exactly once per overrun: call it on every tick and ring the bell when True.

        The answer is remembered in ``end_signalled`` (and saved), so a restart does not ring
        again for a timer that had already rung.
        """
        if self.end_signalled or not self.is_over(now):
            return False
        self.end_signalled = True
        return True

    def public_state(self, now: float) -> dict[str, Any]:
        """What a phone may see: the whole seconds left (negative in overtime), no clock reading.

        ``seconds_left`` is rounded up, as on the screen (see ``format_clock``).
        """
        return {
            "status": str(self.status),
            "seconds_left": _display_seconds(self.remaining(now)),
            "duration_s": _display_seconds(self.duration_s),
            "over": self.is_over(now),
        }

    # Saving

    def to_dict(self, now: float) -> dict[str, Any]:
        """A JSON-able snapshot at ``now``: elapsed seconds, never a clock reading."""
        return {
            "duration_s": self.duration_s,
            "status": str(self.status),
            "elapsed_s": self.elapsed(now),
            "end_signalled": self.end_signalled,
            "interrupted": self.interrupted,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Countdown:
        """Restore a saved timer; a timer saved while running comes back PAUSED."""
        if not isinstance(data, dict):
            raise TimerError("invalid_data", "a saved timer must be a dict")
        try:
            status = TimerStatus(data.get("status", "idle"))
            duration_s = _check_seconds(data["duration_s"], "duration_s")
            elapsed_s = _check_seconds(data.get("elapsed_s", 0.0), "elapsed_s")
        except (KeyError, ValueError) as error:
            raise TimerError("invalid_data", f"not a saved timer: {error}") from error
        was_running = status is TimerStatus.RUNNING
        if status is TimerStatus.IDLE:
            elapsed_s = 0.0
        return cls(
            duration_s=duration_s,
            status=TimerStatus.PAUSED if was_running else status,
            elapsed_before_s=elapsed_s,
            running_since=None,
            end_signalled=bool(data.get("end_signalled", False)),
            interrupted=was_running or bool(data.get("interrupted", False)),
        )


def _display_seconds(seconds: float) -> int:
    """Whole seconds as a countdown shows them: rounded up, so 0 appears exactly when over."""
    return math.ceil(round(seconds, _DISPLAY_DIGITS))


def _hms(total: int) -> str:
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_clock(remaining_s: float) -> str:
    """Show a countdown's remaining time: ``"2:00"``, ``"0:05"``, ``"1:02:03"``.

    Seconds are rounded up, so the clock reads ``0:00`` exactly when the timer is over and the
    end signal is given. Overtime (negative remaining) is shown counted up with a plus sign:
    ``-12.0`` gives ``"+0:12"``, read as "twelve seconds extra".
    """
    shown = _display_seconds(remaining_s)
    if shown < 0:
        return "+" + _hms(-shown)
    return _hms(shown)


_MINUTES = re.compile(r"^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*$")
_MINUTES_SECONDS = re.compile(r"^\s*(\d{1,3}):([0-5]\d)\s*$")


def typed_minutes(text: str) -> int | None:
    """What a facilitator types for a length of time, in whole seconds: ``"2"`` or ``"1,5"``
    minutes (a comma or a point), or ``"1:30"`` (minutes:seconds); None for anything else."""
    match = _MINUTES_SECONDS.match(text)
    if match:
        return int(match[1]) * 60 + int(match[2])
    match = _MINUTES.match(text)
    if not match:
        return None
    fraction = float(f"0.{match[2]}") if match[2] else 0.0
    return round((int(match[1]) + fraction) * 60)


def format_duration(seconds: float) -> str:
    """Show an amount of time such as a speaker's total: rounded to the nearest second."""
    return _hms(max(0, math.floor(round(seconds, _DISPLAY_DIGITS) + 0.5)))
