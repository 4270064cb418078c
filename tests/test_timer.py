"""The countdown state machine, with a fake monotonic clock (plain numbers; nothing sleeps)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocreatie_tui.core.timer import (
    Countdown,
    TimerError,
    TimerStatus,
    format_clock,
    format_duration,
)


def running(duration_s: float = 120.0, at: float = 1000.0) -> Countdown:
    timer = Countdown(duration_s)
    timer.start(at)
    return timer


# Transitions


def test_new_timer_is_idle_and_full() -> None:
    timer = Countdown(120)
    assert timer.status is TimerStatus.IDLE
    assert timer.elapsed(5000.0) == 0
    assert timer.remaining(5000.0) == 120
    assert not timer.is_over(5000.0)


def test_start_counts_from_the_start_reading() -> None:
    timer = running(at=1000.0)
    assert timer.status is TimerStatus.RUNNING
    assert timer.elapsed(1030.0) == 30
    assert timer.remaining(1030.0) == 90


def test_pause_freezes_and_resume_continues() -> None:
    timer = running(at=1000.0)
    timer.pause(1030.0)
    assert timer.status is TimerStatus.PAUSED
    assert timer.elapsed(1500.0) == 30
    timer.resume(2000.0)
    assert timer.status is TimerStatus.RUNNING
    assert timer.elapsed(2010.0) == 40


def test_many_pauses_are_counted_exactly() -> None:
    timer = running(duration_s=60, at=0.0)
    spans = [(0.0, 1.5), (10.0, 12.25), (100.0, 100.125)]
    timer.pause(spans[0][1])
    for begin, end in spans[1:]:
        timer.resume(begin)
        timer.pause(end)
    assert timer.elapsed(1e6) == 1.5 + 2.25 + 0.125


def test_reset_goes_back_to_idle_with_optional_new_duration() -> None:
    for prepare in (lambda t: None, lambda t: t.pause(1010.0)):
        timer = running(at=1000.0)
        prepare(timer)
        timer.reset()
        assert timer.status is TimerStatus.IDLE
        assert timer.remaining(1100.0) == 120
    timer = Countdown(120)
    timer.reset(30)
    assert timer.duration_s == 30
    timer.start(0.0)
    timer.reset(45)
    assert (timer.status, timer.duration_s, timer.elapsed(100.0)) == (TimerStatus.IDLE, 45, 0)


@pytest.mark.parametrize(
    ("prepare", "command", "key"),
    [
        ("idle", "pause", "not_running"),
        ("idle", "resume", "not_paused"),
        ("running", "start", "not_idle"),
        ("running", "resume", "not_paused"),
        ("paused", "start", "not_idle"),
        ("paused", "pause", "not_running"),
    ],
)
def test_illegal_transitions_raise_and_change_nothing(prepare: str, command: str, key: str) -> None:
    timer = Countdown(120)
    if prepare != "idle":
        timer.start(0.0)
    if prepare == "paused":
        timer.pause(10.0)
    before = timer.to_dict(20.0)
    with pytest.raises(TimerError) as error:
        getattr(timer, command)(20.0)
    assert error.value.key == key
    assert isinstance(error.value, ValueError)
    assert timer.to_dict(20.0) == before


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "60", None, True])
def test_bad_durations_are_refused(bad: object) -> None:
    with pytest.raises(TimerError) as error:
        Countdown(bad)  # type: ignore[arg-type]
    assert error.value.key == "invalid_duration"
    if bad is not None:  # reset(None) keeps the duration
        with pytest.raises(TimerError):
            Countdown(10).reset(bad)  # type: ignore[arg-type]


def test_clock_reading_before_the_start_counts_as_nothing() -> None:
    timer = running(at=1000.0)
    assert timer.elapsed(999.0) == 0


# Overtime and the end signal


def test_overtime_counts_up_past_zero() -> None:
    timer = running(duration_s=120, at=0.0)
    assert timer.overtime(119.0) == 0
    assert not timer.is_over(119.0)
    assert timer.is_over(120.0)
    assert timer.remaining(132.0) == -12
    assert timer.overtime(132.0) == 12
    timer.pause(140.0)
    assert timer.overtime(999.0) == 20


def test_end_signal_is_given_exactly_once_per_overrun() -> None:
    timer = running(duration_s=10, at=0.0)
    ticks = [i * 0.25 for i in range(200)]
    signals = [now for now in ticks if timer.take_end_signal(now)]
    assert signals == [10.0]


def test_end_signal_is_not_lost_when_paused_between_ticks() -> None:
    timer = running(duration_s=10, at=0.0)
    assert not timer.take_end_signal(9.5)
    timer.pause(10.5)
    assert timer.take_end_signal(11.0)
    assert not timer.take_end_signal(12.0)
    timer.resume(20.0)
    assert not timer.take_end_signal(30.0)


def test_idle_timer_never_signals_even_with_zero_duration() -> None:
    timer = Countdown(0)
    assert not timer.take_end_signal(100.0)
    timer.start(100.0)
    assert timer.take_end_signal(100.0)


def test_adding_time_rearms_the_signal_and_removing_can_trigger_it() -> None:
    timer = running(duration_s=10, at=0.0)
    assert timer.take_end_signal(12.0)
    timer.add_time(60, now=12.0)
    assert timer.remaining(12.0) == 58
    assert not timer.take_end_signal(12.0)
    assert timer.take_end_signal(70.0)
    # Adding less than the overtime leaves it over: no second bell for the same overrun.
    timer.add_time(5, now=80.0)
    assert timer.is_over(80.0)
    assert not timer.take_end_signal(80.0)
    # Taking time off can end a countdown at once.
    other = running(duration_s=60, at=0.0)
    other.add_time(-50, now=20.0)
    assert other.take_end_signal(20.0)
    other.add_time(-1000, now=20.0)
    assert other.duration_s == 0


def test_reset_rearms_the_signal() -> None:
    timer = running(duration_s=5, at=0.0)
    assert timer.take_end_signal(6.0)
    timer.reset()
    timer.start(10.0)
    assert timer.take_end_signal(15.0)


# Saving and restoring


def test_restore_of_a_running_timer_is_paused_with_the_time_it_had_left() -> None:
    timer = running(duration_s=120, at=5000.0)
    saved = json.loads(json.dumps(timer.to_dict(5045.5)))
    assert "running_since" not in saved
    assert 5000.0 not in saved.values()
    # After a reboot the monotonic clock starts again near zero.
    restored = Countdown.from_dict(saved)
    assert restored.status is TimerStatus.PAUSED
    assert restored.interrupted
    assert restored.remaining(3.0) == 74.5
    restored.resume(3.0)
    assert not restored.interrupted
    assert restored.remaining(13.0) == 64.5


def test_restore_keeps_paused_and_idle_timers_as_they_were() -> None:
    paused = running(duration_s=60, at=0.0)
    paused.pause(20.0)
    restored = Countdown.from_dict(paused.to_dict(99.0))
    assert (restored.status, restored.elapsed(0.0), restored.interrupted) == (
        TimerStatus.PAUSED,
        20,
        False,
    )
    idle = Countdown.from_dict(Countdown(90).to_dict(1.0))
    assert (idle.status, idle.duration_s) == (TimerStatus.IDLE, 90)


def test_restore_remembers_that_the_bell_already_rang() -> None:
    timer = running(duration_s=10, at=0.0)
    assert timer.take_end_signal(11.0)
    restored = Countdown.from_dict(timer.to_dict(15.0))
    assert restored.overtime(0.0) == 5
    assert not restored.take_end_signal(0.0)


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {},
        {"duration_s": -1},
        {"duration_s": 10, "status": "exploded"},
        {"duration_s": 10, "elapsed_s": "a lot"},
    ],
)
def test_restore_refuses_what_is_not_a_saved_timer(bad: object) -> None:
    with pytest.raises(TimerError) as error:
        Countdown.from_dict(bad)
    assert error.value.key == "invalid_data"


def test_public_state_sends_seconds_left_not_clock_readings() -> None:
    timer = running(duration_s=120, at=7000.0)
    assert timer.public_state(7000.4) == {
        "status": "running",
        "seconds_left": 120,
        "duration_s": 120,
        "over": False,
    }
    over = timer.public_state(7132.0)
    assert (over["seconds_left"], over["over"]) == (-12, True)


# Formatting


@pytest.mark.parametrize(
    ("remaining", "shown"),
    [
        (120, "2:00"),
        (119.2, "2:00"),
        (119.0, "1:59"),
        (5, "0:05"),
        (0.2, "0:01"),
        (0, "0:00"),
        (-0.5, "0:00"),
        (-1, "+0:01"),
        (-12, "+0:12"),
        (-75.5, "+1:15"),
        (3723, "1:02:03"),
        (-3723, "+1:02:03"),
        (120 - (0.1 * 3), "2:00"),
        (119.99999999, "2:00"),
    ],
)
def test_format_clock(remaining: float, shown: str) -> None:
    assert format_clock(remaining) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (59.4, "0:59"), (59.5, "1:00"), (754, "12:34"), (3600, "1:00:00"), (-3, "0:00")],
)
def test_format_duration(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


def test_clock_shows_each_second_for_one_second_and_zero_when_over() -> None:
    timer = running(duration_s=3, at=0.0)
    shown = [format_clock(timer.remaining(i / 4)) for i in range(0, 25)]
    assert shown[0] == "0:03"
    assert shown[12] == "0:00"
    assert timer.is_over(12 / 4)
    assert shown[16] == "+0:01"
    assert all(shown.count(text) == 4 for text in ("0:02", "0:01", "0:00", "+0:01"))


# Invariants over random command sequences

_commands = st.lists(
    st.tuples(
        st.sampled_from(["start", "pause", "resume", "reset", "add", "save"]),
        st.floats(min_value=0, max_value=50, allow_nan=False),
        st.floats(min_value=-100, max_value=100, allow_nan=False),
    ),
    max_size=30,
)


@given(_commands)
def test_random_commands_keep_the_invariants(commands: list[tuple[str, float, float]]) -> None:
    timer = Countdown(60)
    now = 0.0
    running_total = 0.0  # what an independent stopwatch would count
    for name, step, amount in commands:
        if timer.status is TimerStatus.RUNNING:
            running_total += step
        now += step
        try:
            if name == "add":
                timer.add_time(amount, now)
            elif name == "reset":
                timer.reset()
                running_total = 0.0
            elif name == "save":
                was_running = timer.status is TimerStatus.RUNNING
                timer = Countdown.from_dict(json.loads(json.dumps(timer.to_dict(now))))
                assert timer.status is not TimerStatus.RUNNING
                if was_running:
                    timer.resume(now)
            else:
                getattr(timer, name)(now)
        except TimerError:
            pass
        assert timer.elapsed(now) == pytest.approx(running_total, abs=1e-6)
        assert timer.remaining(now) + timer.elapsed(now) == pytest.approx(timer.duration_s)
        assert timer.overtime(now) >= 0
        assert timer.duration_s >= 0
        assert timer.is_over(now) == (
            timer.status is not TimerStatus.IDLE and timer.remaining(now) <= 0
        )


def test_typed_lengths_of_time_are_read_as_people_type_them() -> None:
    from cocreatie_tui.screens.cafe_common import parse_minutes as round_length

    from cocreatie_tui.core.timer import typed_minutes

    assert typed_minutes("2") == 120 and typed_minutes(" 1,5 ") == 90
    assert typed_minutes("12.25") == 735 and typed_minutes("1:30") == 90
    assert typed_minutes("0") == 0
    for wrong in ("", "twee", "1:60", "-2", "1,555", "1234", "2 min"):
        assert typed_minutes(wrong) is None, wrong
    # A café round lasts more than nothing; a speaking-turn length of 0 clears the timer.
    assert round_length("0") is None and round_length("15") == 900.0
