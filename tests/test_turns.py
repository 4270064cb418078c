"""Speaking turns: rounds, the queue, statistics and restarts, with a fake monotonic clock."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocreatie_tui.core.timer import TimerStatus
from cocreatie_tui.core.turns import (
    DEFAULT_TURN_SECONDS,
    SpeakerSource,
    SpeakingState,
    TurnError,
    TurnMode,
)

NAMES = {"ann": "Ann", "bob": "Bob", "cas": "Cas", "dee": "Dee"}


def make_state(mode: TurnMode = TurnMode.ROUND, ids: str = "ann bob cas dee") -> SpeakingState:
    state = SpeakingState()
    for speaker_id in ids.split():
        state.add_speaker(speaker_id, NAMES[speaker_id])
    state.set_mode(mode)
    return state


def speaker_now(state: SpeakingState) -> str | None:
    return None if state.current is None else state.current.speaker_id


def raises(key: str) -> pytest.RaisesExc[TurnError]:
    """Expect a TurnError with this key."""
    return pytest.raises(TurnError, check=lambda error: error.key == key)


def stats_by_id(state: SpeakingState, now: float) -> dict[str, tuple[float, int, float, int]]:
    return {
        s.speaker_id: (s.total_s, s.turns, round(s.share, 6), s.passes)
        for s in state.statistics(now)
    }


def restart(state: SpeakingState, now: float) -> SpeakingState:
    """Save as the hub does, through JSON, and load as after a power cut."""
    return SpeakingState.from_dict(json.loads(json.dumps(state.to_dict(now))))


# Speakers


def test_speakers_from_phones_and_from_the_facilitator() -> None:
    state = SpeakingState()
    state.add_speaker("p-7f3a", "Deelnemer 7")
    state.add_speaker("f-1", "  Mevrouw Janssens ", SpeakerSource.FACILITATOR)
    assert state.speakers["f-1"].name == "Mevrouw Janssens"
    assert state.speakers["f-1"].source is SpeakerSource.FACILITATOR
    assert state.speakers["p-7f3a"].source is SpeakerSource.PHONE
    state.rename_speaker("p-7f3a", "Yasmina")
    assert state.speakers["p-7f3a"].name == "Yasmina"
    assert state.turn_seconds == DEFAULT_TURN_SECONDS == 120


def test_bad_speakers_are_refused() -> None:
    state = make_state()
    with raises("duplicate_speaker"):
        state.add_speaker("ann", "Ann again")
    with raises("invalid_speaker"):
        state.add_speaker("", "Nobody")
    with raises("invalid_speaker"):
        state.add_speaker("x", "   ")
    with raises("unknown_speaker"):
        state.rename_speaker("zed", "Zed")


def test_removing_a_speaker_keeps_their_history_for_statistics() -> None:
    state = make_state(TurnMode.QUEUE)
    state.request_floor("bob")
    state.request_floor("cas")
    state.give_floor(0.0)
    with raises("has_floor"):
        state.remove_speaker("bob")
    state.end_turn(30.0)
    state.remove_speaker("bob")
    state.remove_speaker("cas")
    assert "cas" not in state.speakers and state.queue == []
    assert not state.speakers["bob"].active
    assert [s.speaker_id for s in state.statistics(30.0)] == ["ann", "bob", "dee"]
    assert state.not_yet_spoken() == ["ann", "dee"]
    with raises("unknown_speaker"):
        state.request_floor("bob")
    # A phone that comes back is the same person again.
    state.add_speaker("bob", "Bobby")
    assert state.speakers["bob"].active and state.has_spoken("bob")


def test_settings_are_checked() -> None:
    state = make_state()
    with raises("invalid_mode"):
        state.set_mode("debate")
    for bad in (0, -5, float("inf"), float("nan"), "60", True):
        with raises("invalid_seconds"):
            state.set_turn_seconds(bad)  # type: ignore[arg-type]
    state.set_turn_seconds(90)
    assert state.turn_seconds == 90
    state.start_round(0.0)
    with raises("turn_in_progress"):
        state.set_mode(TurnMode.QUEUE)
    state.end_turn(10.0)
    state.set_mode(TurnMode.QUEUE)
    assert state.mode is TurnMode.QUEUE


# Round-robin


def test_round_goes_through_everyone_in_order_then_ends() -> None:
    state = make_state()
    first = state.start_round(0.0)
    assert (first.speaker_id, first.round_number, first.mode) == ("ann", 1, TurnMode.ROUND)
    assert state.current_timer is not None
    assert state.current_timer.status is TimerStatus.RUNNING
    assert state.current_timer.duration_s == 120
    assert state.round_upcoming() == ["bob", "cas", "dee"]
    spoken = [speaker_now(state)]
    for now in (60.0, 120.0, 180.0):
        state.next_turn(now)
        spoken.append(speaker_now(state))
    assert spoken == ["ann", "bob", "cas", "dee"]
    assert state.next_turn(240.0) is None
    assert state.current is None and not state.round_active
    assert [t.duration_s for t in state.history] == [60, 60, 60, 60]
    with raises("no_round"):
        state.next_turn(250.0)
    # The next round can begin.
    assert state.start_round(300.0).round_number == 2


def test_round_order_can_be_given_shuffled_and_edited_before_starting() -> None:
    state = make_state()
    state.plan_round(["dee", "cas", "bob"])
    assert state.current is None
    assert state.round_upcoming() == ["dee", "cas", "bob"]
    state.move_in_round("bob", 0)
    assert state.round_upcoming() == ["bob", "dee", "cas"]
    state.move_in_round("bob", 99)
    assert state.round_upcoming() == ["dee", "cas", "bob"]
    state.shuffle_round(random.Random(4))
    shuffled = state.round_upcoming()
    assert sorted(shuffled) == ["bob", "cas", "dee"]
    expected = ["dee", "cas", "bob"]
    random.Random(4).shuffle(expected)
    assert shuffled == expected
    state.next_turn(0.0)
    assert speaker_now(state) == shuffled[0]
    # Once someone has the floor only those still to come are shuffled.
    state.shuffle_round(random.Random(1))
    assert speaker_now(state) == shuffled[0]
    assert sorted(state.round_upcoming()) == sorted(shuffled[1:])


def test_round_commands_are_refused_when_they_make_no_sense() -> None:
    state = make_state()
    with raises("no_round"):
        state.next_turn(0.0)
    with raises("no_round"):
        state.shuffle_round(random.Random(0))
    with raises("empty_round"):
        state.plan_round([])
    with raises("already_in_round"):
        state.plan_round(["ann", "ann"])
    with raises("unknown_speaker"):
        state.plan_round(["ann", "zed"])
    state.start_round(0.0, ["ann", "bob"])
    with raises("round_in_progress"):
        state.plan_round()
    with raises("not_upcoming"):
        state.move_in_round("ann", 0)
    with raises("not_upcoming"):
        state.remove_from_round("cas")
    with raises("wrong_mode"):
        state.give_floor(0.0)
    queue_state = make_state(TurnMode.QUEUE)
    with raises("wrong_mode"):
        queue_state.start_round(0.0)


def test_passes_come_back_at_the_end_of_the_round_once() -> None:
    state = make_state()
    state.start_round(0.0)  # ann
    state.pass_turn(5.0)  # ann passes -> bob
    state.pass_turn(10.0)  # bob passes -> cas
    assert state.round_upcoming() == ["dee", "ann", "bob"]
    state.next_turn(70.0)  # cas spoke 60 -> dee
    state.next_turn(100.0)  # dee spoke 30 -> ann, asked again
    assert speaker_now(state) == "ann"
    assert state.round_upcoming() == ["bob"]
    state.next_turn(140.0)  # ann speaks 40 this time -> bob, asked again
    assert speaker_now(state) == "bob"
    assert state.pass_turn(141.0) is None  # bob passes again: not asked a third time
    assert not state.round_active
    order = [(t.speaker_id, t.passed) for t in state.history]
    assert order == [
        ("ann", True),
        ("bob", True),
        ("cas", False),
        ("dee", False),
        ("ann", False),
        ("bob", True),
    ]
    assert stats_by_id(state, 200.0) == {
        "ann": (40, 1, round(40 / 130, 6), 1),
        "bob": (0, 0, 0, 2),
        "cas": (60, 1, round(60 / 130, 6), 0),
        "dee": (30, 1, round(30 / 130, 6), 0),
    }
    assert state.not_yet_spoken() == ["bob"]


def test_skipping_the_last_person_asks_them_again_straight_away() -> None:
    state = make_state(ids="ann bob")
    state.start_round(0.0)
    state.next_turn(10.0)
    state.pass_turn(12.0)  # bob is skipped (e.g. out of the room): asked again at the end
    assert speaker_now(state) == "bob"
    assert state.next_turn(20.0) is None


def test_adding_a_person_mid_round() -> None:
    state = make_state(ids="ann bob cas")
    state.start_round(0.0, ["ann", "bob"])
    state.pass_turn(1.0)  # ann waits for the end
    state.add_speaker("eve", "Eve", SpeakerSource.FACILITATOR)
    state.add_to_round("eve")
    assert state.round_upcoming() == ["eve", "ann"]  # new people before the second asking
    state.add_to_round("cas", index=0)
    assert state.round_upcoming() == ["cas", "eve", "ann"]
    for speaker_id in ("ann", "bob", "cas", "eve"):
        with raises("already_in_round"):
            state.add_to_round(speaker_id)
    state.remove_from_round("eve")
    state.remove_from_round("ann")
    assert state.round_upcoming() == ["cas"]
    state.next_turn(30.0)
    assert speaker_now(state) == "cas"
    assert state.next_turn(40.0) is None


def test_end_round_keeps_the_time_spoken() -> None:
    state = make_state()
    state.start_round(0.0)
    state.end_round(45.0)
    assert not state.round_active and state.current is None
    assert state.round_upcoming() == []
    assert state.history[-1].duration_s == 45
    with raises("no_round"):
        state.end_round(50.0)


def test_end_turn_then_next_gives_the_floor_to_the_next_person() -> None:
    state = make_state()
    state.start_round(0.0)
    finished = state.end_turn(20.0)
    assert finished.speaker_id == "ann" and finished.duration_s == 20
    assert state.current is None and state.round_active
    with raises("no_turn"):
        state.end_turn(21.0)
    with raises("no_turn"):
        state.pass_turn(21.0)
    with raises("no_turn"):
        state.pause(21.0)
    state.next_turn(100.0)
    assert speaker_now(state) == "bob"


# Pauses, time and overtime of a turn


def test_pauses_are_not_counted_and_overtime_is() -> None:
    state = make_state()
    state.set_turn_seconds(60)
    state.start_round(1000.0)
    state.pause(1010.0)
    with raises("not_running"):
        state.pause(1011.0)
    state.resume(1500.0)  # 490 s of pause
    with raises("not_paused"):
        state.resume(1501.0)
    assert state.current_timer is not None
    assert state.current_timer.remaining(1550.0) == 0
    assert state.take_end_signals(1549.0) == []
    assert state.take_end_signals(1550.0) == ["turn"]
    assert state.take_end_signals(1551.0) == []
    turn = state.next_turn(1565.0)
    assert turn is not None and turn.speaker_id == "bob"
    ann = state.history[-1]
    assert (ann.duration_s, ann.overtime_s, ann.allotted_s) == (75, 15, 60)
    stats = state.statistics(1565.0)[0]
    assert (stats.total_s, stats.overtime_s, stats.turns) == (75, 15, 1)


def test_adding_time_to_a_turn() -> None:
    state = make_state()
    state.start_round(0.0)
    state.add_time(60, now=30.0)
    assert state.current_timer is not None
    assert state.current_timer.remaining(30.0) == 150
    with raises("invalid_seconds"):
        state.add_time(float("nan"), now=30.0)
    state.end_turn(40.0)
    assert state.history[-1].allotted_s == 180
    with raises("no_turn"):
        state.add_time(10, now=50.0)


def test_activity_timer_for_the_whole_step() -> None:
    state = make_state()
    activity = state.start_activity(20 * 60, now=100.0)
    assert state.activity is activity
    state.activity.pause(400.0)
    state.activity.resume(500.0)
    assert format(state.activity.remaining(600.0), ".0f") == "800"
    assert state.take_end_signals(1399.0) == []
    assert state.take_end_signals(1400.0) == ["activity"]
    assert state.take_end_signals(1500.0) == []
    with raises("invalid_seconds"):
        state.start_activity(-1, now=0.0)
    state.clear_activity()
    assert state.activity is None


# Queue


def test_queue_requests_positions_and_giving_the_floor() -> None:
    state = make_state(TurnMode.QUEUE)
    assert state.request_floor("cas") == 1
    assert state.request_floor("ann") == 2
    with raises("already_queued"):
        state.request_floor("ann")
    with raises("unknown_speaker"):
        state.request_floor("zed")
    assert state.queue_position("ann") == 2
    assert state.queue_position("bob") is None
    turn = state.give_floor(0.0)
    assert (turn.speaker_id, turn.mode, turn.round_number) == ("cas", TurnMode.QUEUE, None)
    assert state.queue == ["ann"] and state.queue_position("ann") == 1
    view = state.participant_view("cas", 30.0)
    assert view["has_floor"] and view["turn"]["seconds_left"] == 90
    assert state.participant_view("ann", 30.0)["queue_position"] == 1
    assert state.participant_view("ann", 30.0)["turn"] is None
    # A chosen speaker, queued or not; the current turn ends.
    state.give_floor(40.0, "dee")
    assert speaker_now(state) == "dee" and state.history[-1].duration_s == 40
    state.give_floor(50.0, "ann")
    assert state.queue == []
    with raises("queue_empty"):
        state.give_floor(60.0)
    with raises("unknown_speaker"):
        state.give_floor(60.0, "zed")
    with raises("wrong_mode"):
        state.next_turn(60.0)


def test_withdraw_and_reorder() -> None:
    state = make_state(TurnMode.QUEUE)
    for speaker_id in ("ann", "bob", "cas", "dee"):
        state.request_floor(speaker_id)
    state.withdraw("bob")
    assert state.queue == ["ann", "cas", "dee"]
    with raises("not_queued"):
        state.withdraw("bob")
    with raises("not_queued"):
        state.move_in_queue("bob", 0)
    state.move_in_queue("dee", 0)
    assert state.queue == ["dee", "ann", "cas"]
    state.move_in_queue("dee", state.queue.index("dee") + 1)  # down
    assert state.queue == ["ann", "dee", "cas"]
    state.move_in_queue("ann", -1)  # up at the top: stays
    state.move_in_queue("cas", 10)  # past the end: last
    assert state.queue == ["ann", "dee", "cas"]


def test_first_timers_first_puts_newcomers_before_those_who_spoke() -> None:
    state = make_state(TurnMode.QUEUE, ids="ann bob cas dee")
    state.add_speaker("eve", "Eve")
    for speaker_id in ("ann", "bob"):
        state.give_floor(0.0, speaker_id)
        state.end_turn(10.0)
    state.request_floor("ann")
    state.request_floor("cas")
    state.request_floor("bob")
    state.request_floor("dee")
    assert state.queue == ["ann", "cas", "bob", "dee"]
    state.set_first_timers_first(True)
    assert state.queue == ["cas", "dee", "ann", "bob"]  # stable within both groups
    assert state.request_floor("eve") == 3  # after the first-timers who asked earlier
    state.withdraw("bob")
    assert state.request_floor("bob") == 5  # has spoken: at the end
    # The facilitator's order wins; newcomers still go after the last newcomer.
    state.move_in_queue("ann", 0)
    assert state.queue == ["ann", "cas", "dee", "eve", "bob"]
    state.set_first_timers_first(True)  # already on: the move stays
    assert state.queue == ["ann", "cas", "dee", "eve", "bob"]
    state.set_first_timers_first(False)
    state.withdraw("cas")
    assert state.request_floor("cas") == 5  # off: plain order of asking


def test_a_pass_is_not_speaking_and_the_current_turn_is() -> None:
    state = make_state(TurnMode.QUEUE, ids="ann bob cas")
    state.set_first_timers_first(True)
    state.give_floor(0.0, "ann")
    state.pass_turn(2.0)
    assert state.current is None
    state.give_floor(2.0, "bob")
    state.request_floor("bob")  # asks again while speaking: has spoken
    state.request_floor("ann")  # only passed: still a first-timer
    assert state.queue == ["ann", "bob"]
    assert state.not_yet_spoken() == ["ann", "cas"]


def test_a_queue_request_during_a_round_waits_for_queue_mode() -> None:
    state = make_state()
    state.start_round(0.0)
    state.request_floor("cas")
    assert state.participant_view("cas", 5.0)["queue_position"] == 1
    assert state.participant_view("cas", 5.0)["round_position"] == 2
    state.end_round(10.0)
    state.set_mode(TurnMode.QUEUE)
    assert state.give_floor(10.0).speaker_id == "cas"


# Statistics


def test_statistics_are_exact_across_pauses_passes_overtime_and_a_restart() -> None:
    state = make_state(ids="ann bob cas")
    state.set_turn_seconds(60)
    state.start_round(10_000.0)  # ann
    state.pause(10_020.0)  # 20
    state.resume(10_100.0)
    state.next_turn(10_130.0)  # ann 50 -> bob
    state.pass_turn(10_133.0)  # bob passes after 3 s -> cas
    saved_at = 10_173.0  # cas has spoken 40 s; the hub saved just before the power cut
    saved = state.to_dict(saved_at)
    assert stats_by_id(state, saved_at)["cas"][0] == 40

    after = SpeakingState.from_dict(json.loads(json.dumps(saved)))
    # Monotonic clocks restart at boot: now is a small number again.
    assert after.current is not None and after.current.speaker_id == "cas"
    assert after.current_timer is not None
    assert after.current_timer.status is TimerStatus.PAUSED
    assert after.current_timer.interrupted
    assert after.current_timer.remaining(3.0) == 20
    assert stats_by_id(after, 3.0) == stats_by_id(state, saved_at)
    after.resume(5.0)
    assert after.take_end_signals(24.0) == []
    assert after.take_end_signals(25.0) == ["turn"]
    after.next_turn(35.0)  # cas: 40 + 30 = 70, 10 over -> bob asked again
    assert speaker_now(after) == "bob"
    after.next_turn(47.0)  # bob 12
    assert not after.round_active
    stats = {s.speaker_id: s for s in after.statistics(100.0)}
    assert (stats["ann"].total_s, stats["ann"].turns) == (50, 1)
    assert (stats["bob"].total_s, stats["bob"].turns, stats["bob"].passes) == (12, 1, 1)
    assert (stats["cas"].total_s, stats["cas"].overtime_s) == (70, 10)
    assert sum(s.total_s for s in stats.values()) == 132
    assert stats["cas"].share == 70 / 132
    assert sum(s.share for s in stats.values()) == pytest.approx(1)


def test_statistics_include_the_running_turn_and_everyone_known() -> None:
    state = make_state(TurnMode.QUEUE)
    assert [s.total_s for s in state.statistics(0.0)] == [0, 0, 0, 0]
    assert [s.share for s in state.statistics(0.0)] == [0, 0, 0, 0]
    assert state.not_yet_spoken() == ["ann", "bob", "cas", "dee"]
    state.give_floor(100.0, "bob")
    assert stats_by_id(state, 145.0)["bob"] == (45, 1, 1.0, 0)
    assert state.not_yet_spoken() == ["ann", "cas", "dee"]


def test_statistics_per_step() -> None:
    state = make_state(TurnMode.QUEUE)
    state.step = "intro"
    state.give_floor(0.0, "ann")
    state.end_turn(30.0)
    state.step = "discussion"
    state.give_floor(30.0, "bob")
    state.end_turn(40.0)
    intro = {s.speaker_id: s.total_s for s in state.statistics(50.0, step="intro")}
    assert intro == {"ann": 30, "bob": 0, "cas": 0, "dee": 0}
    assert state.not_yet_spoken(step="discussion") == ["ann", "cas", "dee"]
    assert state.not_yet_spoken() == ["cas", "dee"]


# Saving and restoring


def test_restore_gives_back_the_same_state() -> None:
    state = make_state()
    state.set_first_timers_first(True)
    state.request_floor("dee")
    state.start_round(0.0, ["ann", "bob", "cas"])
    state.pass_turn(5.0)
    state.start_activity(600, now=0.0)
    saved = state.to_dict(20.0)
    assert json.loads(json.dumps(saved)) == saved
    after = restart(state, 20.0)
    assert after.round_upcoming() == ["cas", "ann"]
    assert after.queue == ["dee"] and after.first_timers_first
    assert after.activity is not None and after.activity.status is TimerStatus.PAUSED
    assert after.activity.remaining(0.0) == 580
    resaved = after.to_dict(0.0)
    # Only the running timers differ: they are paused now, with the same elapsed time.
    for key in ("current_timer", "activity"):
        assert saved[key]["status"] == "running" and resaved[key]["status"] == "paused"
        assert saved[key]["elapsed_s"] == resaved[key]["elapsed_s"]
        assert resaved[key]["interrupted"]
        saved[key] = resaved[key] = None
    assert resaved == saved
    after.resume(1.0)
    assert after.next_turn(2.0) is not None and speaker_now(after) == "cas"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.update(version=99),
        lambda d: d.update(queue=["zed"]),
        lambda d: d.update(queue=["ann", "ann"]),
        lambda d: d.update(mode="debate"),
        lambda d: d.update(turn_seconds=0),
        lambda d: d["round"].update(position=99),
        lambda d: d.update(current_timer=None),
        lambda d: d["history"].append({"speaker_id": "zed", "mode": "round"}),
        lambda d: d["speakers"].append({"id": "ann", "name": "Ann twice"}),
        lambda d: d["speakers"][0].update(name=""),
        lambda d: d.update(history="lots"),
    ],
)
def test_restore_refuses_damaged_data(spoil) -> None:  # noqa: ANN001
    state = make_state()
    state.start_round(0.0)
    state.next_turn(10.0)
    saved = state.to_dict(20.0)
    spoil(saved)
    with raises("invalid_data"):
        SpeakingState.from_dict(saved)
    with raises("invalid_data"):
        SpeakingState.from_dict("not a dict")


# Invariants over random command sequences

SPEAKER_IDS = ["ann", "bob", "cas", "dee"]
_command = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                "next_turn",
                "pass_turn",
                "end_turn",
                "pause",
                "resume",
                "give_floor",
                "end_round",
                "mode",
                "first_timers",
                "restart",
                "start_round",
            ]
        ),
        st.none(),
    ),
    st.tuples(
        st.sampled_from(["request", "withdraw", "add_to_round", "give_to", "remove"]),
        st.sampled_from(SPEAKER_IDS),
    ),
    st.tuples(st.just("move"), st.tuples(st.sampled_from(SPEAKER_IDS), st.integers(-1, 5))),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_command, st.integers(0, 200)), max_size=40))
def test_random_commands_keep_the_invariants(commands) -> None:  # noqa: ANN001
    state = make_state()
    state.set_turn_seconds(60)
    now = 0.0
    for (name, argument), step in commands:
        now += step
        try:
            match name:
                case "next_turn" | "pass_turn" | "end_turn" | "pause" | "resume" | "end_round":
                    getattr(state, name)(now)
                case "give_floor":
                    state.give_floor(now)
                case "start_round":
                    state.start_round(now)
                case "mode":
                    state.set_mode(
                        TurnMode.QUEUE if state.mode is TurnMode.ROUND else TurnMode.ROUND
                    )
                case "first_timers":
                    state.set_first_timers_first(not state.first_timers_first)
                case "restart":
                    state = restart(state, now)
                case "request":
                    state.request_floor(argument)
                case "withdraw":
                    state.withdraw(argument)
                case "add_to_round":
                    state.add_to_round(argument)
                case "give_to":
                    state.give_floor(now, argument)
                case "remove":
                    state.remove_speaker(argument)
                case "move":
                    state.move_in_queue(*argument)
        except TurnError:
            pass
        check_invariants(state, now)


def check_invariants(state: SpeakingState, now: float) -> None:
    stats = state.statistics(now)
    spoken = sum(t.duration_s for t in state.history if not t.passed)
    if state.current is not None and state.current_timer is not None:
        spoken += state.current_timer.elapsed(now)
        timer = state.current_timer
        assert timer.remaining(now) + timer.elapsed(now) == pytest.approx(timer.duration_s)
    assert sum(s.total_s for s in stats) == pytest.approx(spoken)
    assert sum(s.turns for s in stats) == sum(
        1 for t in [*state.history, state.current] if t is not None and not t.passed
    )
    shares = sum(s.share for s in stats)
    assert shares == pytest.approx(1.0 if spoken > 0 else 0.0)
    assert len(set(state.queue)) == len(state.queue)
    upcoming = state.round_upcoming()
    assert len(set(upcoming)) == len(upcoming)
    # In round mode the speaker is not also waiting for a turn later in the round. A round can
    # stay planned while the facilitator switches to the queue: someone from it may then get the
    # floor through the queue and still have their round turn afterwards.
    assert (
        state.current is None
        or state.mode is not TurnMode.ROUND
        or state.current.speaker_id not in upcoming
    )
    assert not set(state.round_passed) & set(state.round_reasked)
    assert all(state.speakers[i].active for i in [*state.queue, *upcoming])
    assert (state.current is None) == (state.current_timer is None)
    assert state.current is None or state.current.mode is state.mode
    assert all(state.queue_position(i) == n + 1 for n, i in enumerate(state.queue))
    assert set(state.not_yet_spoken()) == {
        i for i in state.active_speakers() if not state.has_spoken(i)
    }
