"""The turns feature on the real hub and store: commands, saving at every change, restarts,
end signals that ring once, and what phones see. The clock is a fake one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.core.speaking_record import KEY, TABLE
from cocreatie_tui.core.timer import TimerStatus
from cocreatie_tui.core.turns import TurnError, TurnMode
from cocreatie_tui.features.turns import CHECKPOINT_SECONDS, TurnsChanged, TurnsFeature, turns_of
from cocreatie_tui.hub import CardRejected, Hub
from cocreatie_tui.store import read_documents, session_path
from tests.turns_helpers import PHONE_A, PHONE_B, FakeClock, live_hub, restart


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def live(data_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    hub = await live_hub(data_dir, clock)
    yield hub
    await hub.close()


def saved_doc(hub: Hub) -> dict:
    documents = read_documents(session_path(hub.data_dir, hub.live.info.id))
    return documents[TABLE][KEY]


async def two_named(turns: TurnsFeature) -> tuple[str, str]:
    anna = await turns.add_named_speaker("Anna")
    bert = await turns.add_named_speaker("Bert")
    return anna.id, bert.id


async def test_every_hub_has_the_feature_and_starts_empty(live: Hub) -> None:
    turns = turns_of(live)
    assert turns.speaking.speakers == {}
    assert turns.speaking.mode is TurnMode.ROUND
    assert turns.speaking.turn_seconds == 120.0


async def test_a_round_with_pass_and_next_is_saved_at_every_change(live: Hub, clock) -> None:
    turns = turns_of(live)
    anna, bert = await two_named(turns)
    await turns.plan_round()
    assert turns.speaking.current is None
    assert await turns.next_speaker() == anna
    assert saved_doc(live)["speaking"]["current"]["speaker_id"] == anna
    clock.advance(30)
    await turns.pass_turn()  # Anna passes: Bert now, Anna again at the end
    assert turns.speaking.current.speaker_id == bert
    clock.advance(50)
    assert await turns.next_speaker() == anna
    clock.advance(20)
    assert await turns.next_speaker() is None
    assert not turns.speaking.round_active
    stats = {s.speaker_id: s for s in turns.speaking.statistics(clock())}
    assert stats[anna].turns == 1 and stats[anna].passes == 1 and stats[anna].total_s == 20
    assert stats[bert].total_s == 50
    assert all(isinstance(e, TurnsChanged) for e in live.test_events[-3:])  # type: ignore[attr-defined]


async def test_phones_in_the_room_join_a_planned_round_unless_taken_off(live: Hub) -> None:
    turns = turns_of(live)
    await live.submit_card("idee", source=CardSource.PHONE, participant_id=PHONE_A)
    await live.submit_card("idee 2", source=CardSource.PHONE, participant_id=PHONE_B)
    await turns.add_named_speaker("Carla")
    await turns.add_missing_phones()
    await turns.remove_speaker(PHONE_B)
    await turns.plan_round()
    order = turns.speaking.round_order
    assert PHONE_A in order and PHONE_B not in order and len(order) == 2
    label = turns.label(PHONE_A, lambda n: f"Deelnemer {n}")
    assert label == "Deelnemer 1"


async def test_a_running_turn_comes_back_paused_with_the_time_it_had_left(
    live: Hub, data_dir: Path, clock: FakeClock
) -> None:
    turns = turns_of(live)
    await two_named(turns)
    await turns.plan_round()
    await turns.next_speaker()
    await turns.start_activity(20 * 60)
    clock.advance(45)
    await turns.add_time(30)  # a change: saved with 45 s gone
    again = await restart(live, data_dir, clock)
    timer = turns_of(again).speaking.current_timer
    assert timer is not None and timer.status is TimerStatus.PAUSED and timer.interrupted
    assert timer.remaining(clock()) == pytest.approx(150 - 45)
    activity = turns_of(again).speaking.activity
    assert activity is not None and activity.status is TimerStatus.PAUSED
    assert activity.remaining(clock()) == pytest.approx(20 * 60 - 45)
    clock.advance(100)  # paused: nothing is counted
    assert timer.remaining(clock()) == pytest.approx(105)
    await turns_of(again).toggle_pause()
    clock.advance(5)
    assert turns_of(again).speaking.current_timer.remaining(clock()) == pytest.approx(100)
    await again.close()


async def test_a_tick_saves_a_checkpoint_of_running_timers_now_and_then(
    live: Hub, data_dir: Path, clock: FakeClock
) -> None:
    turns = turns_of(live)
    await two_named(turns)
    await turns.plan_round()
    await turns.next_speaker()
    clock.advance(CHECKPOINT_SECONDS - 1)
    await turns.tick()
    assert saved_doc(live)["speaking"]["current_timer"]["elapsed_s"] == 0
    clock.advance(2)
    await turns.tick()
    assert saved_doc(live)["speaking"]["current_timer"]["elapsed_s"] == CHECKPOINT_SECONDS + 1
    again = await restart(live, data_dir, clock)
    remaining = turns_of(again).speaking.current_timer.remaining(clock())
    assert remaining == pytest.approx(120 - CHECKPOINT_SECONDS - 1)
    await again.close()


async def test_the_end_signal_comes_once_and_not_again_after_a_restart(
    live: Hub, data_dir: Path, clock: FakeClock
) -> None:
    turns = turns_of(live)
    await two_named(turns)
    await turns.plan_round()
    await turns.next_speaker()
    clock.advance(119)
    assert await turns.tick() == []
    clock.advance(1)
    assert await turns.tick() == ["turn"]
    assert live.test_events[-1] == TurnsChanged(("turn",))  # type: ignore[attr-defined]
    clock.advance(1)
    assert await turns.tick() == []
    again = await restart(live, data_dir, clock)
    await turns_of(again).toggle_pause()
    assert await turns_of(again).tick() == []
    await again.close()


async def test_the_activity_timer_has_the_same_end_signal(live: Hub, clock: FakeClock) -> None:
    turns = turns_of(live)
    await turns.start_activity(60)
    clock.advance(60)
    assert await turns.tick() == ["activity"]
    assert turns.settings.activity_seconds == 60


async def test_settings_are_kept(live: Hub, data_dir: Path, clock: FakeClock) -> None:
    turns = turns_of(live)
    assert turns.settings.names_in_report is False  # anonymous by default
    assert await turns.toggle_setting("names_in_report") is True
    assert await turns.toggle_setting("sound") is False
    await turns.set_turn_seconds(90)
    await turns.set_mode(TurnMode.QUEUE)
    await turns.toggle_first_timers_first()
    again = await restart(live, data_dir, clock)
    settings = turns_of(again).settings
    assert settings.names_in_report and not settings.sound
    assert turns_of(again).speaking.turn_seconds == 90
    assert turns_of(again).speaking.mode is TurnMode.QUEUE
    assert turns_of(again).speaking.first_timers_first
    await again.close()


async def test_refused_commands_change_nothing(live: Hub) -> None:
    turns = turns_of(live)
    writes = live.store.writes  # type: ignore[union-attr]
    with pytest.raises(TurnError) as refused:
        await turns.plan_round()
    assert refused.value.key == "empty_round"
    with pytest.raises(TurnError):
        await turns.toggle_pause()
    with pytest.raises(TurnError):
        await turns.add_named_speaker("   ")
    with pytest.raises(TurnError):
        await turns.add_named_speaker("x" * 41)
    assert live.store.writes == writes  # type: ignore[union-attr]


async def test_a_phone_asks_once_and_sees_its_place(live: Hub) -> None:
    turns = turns_of(live)
    await turns.set_mode(TurnMode.QUEUE)
    assert await turns.raise_hand(PHONE_A, "Fatima") == (1, True)
    assert await turns.raise_hand(PHONE_B) == (2, True)
    writes = live.store.writes  # type: ignore[union-attr]
    assert await turns.raise_hand(PHONE_A) == (1, False)
    assert live.store.writes == writes  # type: ignore[union-attr]
    assert live.live.participants[PHONE_A].nickname == "Fatima"
    view = live.participant_view(PHONE_B)
    assert view["queue_position"] == 2 and view["has_floor"] is False
    assert view["turns"]["queued"] and view["turns"]["queue_length"] == 2
    await turns.give_floor()
    view = live.participant_view(PHONE_A)
    assert view["has_floor"] is True and view["queue_position"] is None
    floor = view["turns"]["floor"]
    assert floor["you"] and floor["timer"]["seconds_left"] == 120
    assert floor["timer"]["status"] == "running" and floor["timer"]["clock"] == "2:00"
    other = live.participant_view(PHONE_B)["turns"]["floor"]
    assert other == {**floor, "you": False}
    assert await turns.withdraw_hand(PHONE_B) is True
    assert await turns.withdraw_hand(PHONE_B) is False
    assert live.participant_view(PHONE_B)["queue_position"] is None


async def test_phones_see_no_names_when_the_facilitator_hides_them(live: Hub) -> None:
    turns = turns_of(live)
    await turns.set_mode(TurnMode.QUEUE)
    await turns.raise_hand(PHONE_A, "Fatima")
    await turns.give_floor()
    await turns.toggle_setting("names_on_projector")
    floor = live.participant_view(PHONE_B)["turns"]["floor"]
    assert floor["name"] is None and floor["number"] is None
    assert live.participant_view(PHONE_A)["turns"]["floor"]["name"] == "Fatima"


async def test_a_bad_nickname_is_refused(live: Hub) -> None:
    with pytest.raises(CardRejected):
        await turns_of(live).raise_hand(PHONE_A, "x" * 41)


async def test_phones_without_anything_going_on_see_no_turns(live: Hub) -> None:
    view = live.participant_view(PHONE_A)
    assert view["turns"] is None and "timer" not in view and view["has_floor"] is False


async def test_an_unreadable_turns_document_is_kept_not_lost(
    live: Hub, data_dir: Path, clock: FakeClock
) -> None:
    live.put(TABLE, KEY, {"speaking": {"version": 99}})
    await live.commit()
    again = await restart(live, data_dir, clock)
    turns = turns_of(again)
    assert turns.speaking.speakers == {}
    await turns.add_named_speaker("Anna")
    documents = read_documents(session_path(data_dir, again.live.info.id))
    assert documents[TABLE]["unreadable"]["document"] == {"speaking": {"version": 99}}
    await again.close()
