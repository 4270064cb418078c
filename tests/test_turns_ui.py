"""The speaking-turn screens driven by keys, as a facilitator would, on the real app with a fake
monotonic clock: time passes only when the test moves the clock, then a tick is run."""

from __future__ import annotations

from pathlib import Path

import pytest
from cocreatie_tui.screens.speakers import SpeakersScreen
from cocreatie_tui.screens.speaking_stats import SpeakingStatsScreen
from cocreatie_tui.screens.timer import TimerScreen

from cocreatie_tui.core.timer import TimerStatus
from cocreatie_tui.core.turns import TurnMode
from cocreatie_tui.features.turns import TurnsFeature, turns_of
from cocreatie_tui.widgets import compact_timer
from cocreatie_tui.widgets.big_clock import BigClock
from cocreatie_tui.widgets.compact_timer import CompactTimer
from tests.hostile import MARKUP_TEXTS
from tests.turns_helpers import PHONE_A, FakeClock
from tests.ui_helpers import build_app, screen_text


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rung(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Every bell and sound, recorded instead of made."""
    calls: list[str] = []

    async def play(path: object = None) -> bool:
        calls.append("sound")
        return True

    monkeypatch.setattr(compact_timer.sound, "play", play)
    return calls


def turns_in(app) -> TurnsFeature:  # type: ignore[no-untyped-def]
    return turns_of(app.hub)


async def type_name(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await pilot.pause()
    await pilot.press(*name, "enter")
    await pilot.pause()


async def tick(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await app.screen.tick()
    await pilot.pause()


async def test_a_round_with_start_next_pass_pause_and_resume(tmp_path: Path, clock) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, SpeakersScreen)
        await type_name(pilot, "Anna")
        await type_name(pilot, "Bert")
        turns = turns_in(app)
        anna, bert = list(turns.speaking.speakers)
        await pilot.press("r")  # plan a round
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, TimerScreen)
        assert len(app.screen_stack) == 3  # default, board, one turns screen
        await pilot.press("n")
        await pilot.pause()
        assert turns.speaking.current.speaker_id == anna
        assert "Anna" in screen_text(app)
        clock.advance(30)
        await pilot.press("space")
        await pilot.pause()
        assert turns.speaking.current_timer.status is TimerStatus.PAUSED
        clock.advance(100)  # paused: not counted
        await tick(app, pilot)
        assert turns.speaking.current_timer.remaining(clock()) == 90
        assert app.screen.query_one(BigClock).value == "1:30"
        assert app.screen.has_class("-paused")
        await pilot.press("space")
        clock.advance(10)
        await tick(app, pilot)
        assert app.screen.query_one(BigClock).value == "1:20"
        await pilot.press("p")  # Anna passes: Bert, then Anna once more
        await pilot.pause()
        assert turns.speaking.current.speaker_id == bert
        await pilot.press("n")
        await pilot.pause()
        assert turns.speaking.current.speaker_id == anna
        await pilot.press("n")
        await pilot.pause()
        assert turns.speaking.current is None and not turns.speaking.round_active
        await pilot.press("r", "n", "E")  # a second round, stopped early
        await pilot.pause()
        assert turns.speaking.round_number == 2 and not turns.speaking.round_active
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "BoardScreen"


async def test_the_queue_gives_the_floor_from_the_keyboard_and_to_phones(
    tmp_path: Path, clock
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        await type_name(pilot, "Anna")
        await type_name(pilot, "Bert")
        turns = turns_in(app)
        anna, bert = list(turns.speaking.speakers)
        await pilot.press("m")
        await pilot.pause()
        assert turns.speaking.mode is TurnMode.QUEUE
        await turns.raise_hand(PHONE_A, "Fatima")  # a phone asks first
        await pilot.pause()
        assert "Fatima" in screen_text(app)
        await pilot.press("home", "down", "h")  # Anna asks, from the keyboard
        await pilot.pause()
        assert turns.speaking.queue == [PHONE_A, anna]  # the list: the queue first, then the rest
        asked = turns.speaking.queue[1]
        await pilot.press("shift+up")  # the facilitator puts them first
        await pilot.pause()
        assert turns.speaking.queue[0] == asked
        await pilot.press("n")  # the floor to the first in the queue
        await pilot.pause()
        assert turns.speaking.current.speaker_id == asked
        assert turns.speaking.queue == [PHONE_A]
        await pilot.press("e", "f")  # first-time speakers first, from now on
        await pilot.pause()
        assert turns.speaking.first_timers_first
        await turns.raise_hand(PHONE_A)  # asking again changes nothing
        await pilot.press("home", "enter")  # Enter gives the floor to who is selected
        await pilot.pause()
        assert turns.speaking.current is not None


async def test_the_end_flashes_rings_and_plays_once(tmp_path: Path, clock, rung) -> None:
    app = build_app(tmp_path, monotonic=clock)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        turns = turns_in(app)
        await turns.add_named_speaker("Anna")
        await turns.plan_round()
        await pilot.press("k", "n")
        await pilot.pause()
        clock.advance(121)
        await tick(app, pilot)
        assert bells == [1] and rung == ["sound"]
        assert app.screen.query_one(BigClock).has_class("-flash")
        assert app.screen.has_class("-over")
        assert app.screen.query_one(BigClock).value == "+0:01"
        clock.advance(5)
        await tick(app, pilot)
        assert bells == [1] and rung == ["sound"]  # once
        await pilot.press("b")  # sound off: the bell and the flash stay
        await pilot.press("plus")
        await pilot.pause()
        clock.advance(30)
        await tick(app, pilot)
        assert bells == [1, 1] and rung == ["sound"]
        assert turns.settings.sound is False


async def test_the_board_shows_a_compact_timer_that_flashes_too(
    tmp_path: Path, clock, rung
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        widget = app.screen.query_one(CompactTimer)
        assert "k klok" in str(widget.render())
        turns = turns_in(app)
        await turns.start_activity(20 * 60)
        await pilot.pause()
        assert "20:00" in screen_text(app)
        clock.advance(20 * 60)
        await widget.tick()
        await pilot.pause()
        assert widget.has_class("-over") and widget.has_class("-flash")
        assert rung == ["sound"]


async def test_the_projector_shows_the_timer_but_not_the_facilitators_key_hint(
    tmp_path: Path, clock
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "k klok" in screen_text(app)
        await pilot.press("b")  # the projector view
        await pilot.pause()
        assert app.screen.has_class("projector")
        assert "k klok" not in screen_text(app)
        await turns_in(app).start_activity(5 * 60)
        await pilot.pause()
        assert "5:00" in screen_text(app)  # the room sees the time left


async def test_cards_pouring_in_cost_the_speakers_screen_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    """The speakers' list redraws on turns, not on every card a phone sends (it did: 1.8 ms a
    card, a second of the event loop for 500 phones)."""
    import asyncio
    import time

    from cocreatie_tui.core.model import CardSource
    from cocreatie_tui.widgets.status import TICK_SECONDS

    drawn: list[float] = []
    real_show_now = SpeakersScreen.show_now

    def counting_show_now(self: SpeakersScreen) -> None:
        drawn.append(time.monotonic())
        real_show_now(self)

    monkeypatch.setattr(SpeakersScreen, "show_now", counting_show_now)
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, SpeakersScreen)
        drawn.clear()
        started = time.monotonic()
        for n in range(100):
            await app.hub.submit_card(f"idee {n}", source=CardSource.PHONE, participant_id=PHONE_A)
        await asyncio.sleep(0)
        ticks = (time.monotonic() - started) / TICK_SECONDS
        assert len(drawn) <= ticks + 2  # its own ticks only, not 100 redraws
        await turns_in(app).raise_hand(PHONE_A, None)
        await pilot.pause()
        assert drawn and drawn[-1] >= started  # a hand raised shows at once


async def test_a_turn_interrupted_by_a_restart_shows_paused_with_its_time(
    tmp_path: Path, clock
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        turns = turns_in(app)
        await turns.add_named_speaker("Anna")
        await turns.plan_round()
        await turns.next_speaker()
        clock.advance(45)
        await turns.add_time(0)  # any change saves the time gone
    clock.now = 3.0  # the machine rebooted
    again = build_app(tmp_path, title=None, monotonic=clock)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert again.screen.query_one(BigClock).value == "1:15"
        assert "herstart" in screen_text(again)
        clock.advance(60)
        await tick(again, pilot)
        assert again.screen.query_one(BigClock).value == "1:15"


async def test_the_statistics_show_bars_and_the_name_choices_stick(tmp_path: Path, clock) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        turns = turns_in(app)
        await turns.add_named_speaker("Anna")
        await turns.add_named_speaker("Bert")
        await turns.add_named_speaker("Carla")
        await turns.plan_round()
        await turns.next_speaker()
        clock.advance(90)
        await turns.next_speaker()
        clock.advance(30)
        await turns.end_round()
        await pilot.press("k", "s")
        await pilot.pause()
        assert isinstance(app.screen, SpeakingStatsScreen)
        text = screen_text(app)
        assert "Anna" in text and "1:30" in text and "75 %" in text and "█" in text
        assert "Nog niet aan het woord geweest: Carla" in text
        await pilot.press("N", "v")
        await pilot.pause()
        text = screen_text(app)
        assert "Anna" not in text and "1 mensen" in text
        assert not turns.settings.names_on_projector and turns.settings.names_in_report


@pytest.mark.parametrize("name", MARKUP_TEXTS)
async def test_names_show_literally_and_clicking_them_does_nothing(
    tmp_path: Path, clock, name: str
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        turns = turns_in(app)
        await turns.add_named_speaker(name)
        await turns.plan_round()
        await turns.next_speaker()
        for key in ("k", "l", "s"):
            await pilot.press(key)
            await pilot.pause()
            shown = name if key != "s" else name[:12]  # the bar chart shortens long names
            assert shown in screen_text(app), key
            await pilot.click(offset=(8, 3))
            await pilot.click(offset=(10, 1))
            await pilot.pause()
            assert app.is_running
