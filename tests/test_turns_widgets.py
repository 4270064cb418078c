"""Small pieces of the speaking-turn screens: minutes typed by the facilitator, the big clock's
font and scale, the bars, and the bell sound that never blocks."""

from __future__ import annotations

import asyncio
import wave

import pytest
from cocreatie_tui.screens.turns_common import parse_minutes

from cocreatie_tui import sound
from cocreatie_tui.widgets.big_clock import GLYPH_ROWS, block_lines, pixel_rows, scale_for
from cocreatie_tui.widgets.speaking_bars import bar_text


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("2", 120.0), ("1,5", 90.0), ("1.5", 90.0), (" 20 ", 1200.0), ("1:30", 90.0), ("0", 0.0)],
)
def test_minutes_are_read_as_people_type_them(typed: str, seconds: float) -> None:
    assert parse_minutes(typed) == seconds


@pytest.mark.parametrize("typed", ["", "twee", "-1", "1:75", "601", "1e3", "2 min"])
def test_anything_else_is_not_minutes(typed: str) -> None:
    assert parse_minutes(typed) is None


def test_the_clock_grows_with_its_space_and_keeps_its_shape() -> None:
    assert len(pixel_rows("1:23")[0]) == 13
    small, large = scale_for("1:23", 76, 15), scale_for("1:23", 196, 50)
    assert small == 5 and large > small
    lines = block_lines("1:23", small)
    assert len(lines) == -(-GLYPH_ROWS * small // 2)
    assert {len(line) for line in lines} == {13 * small}
    assert set("".join(lines)) <= set("█▀▄ ")
    assert scale_for("1:23", 20, 3) == 1  # too small: plain Digits


def test_bars_are_drawn_in_eighths_of_a_cell() -> None:
    assert bar_text(10, 10, 4) == "████"
    assert bar_text(5, 10, 4) == "██"
    assert bar_text(1, 10, 4) == "▍"
    assert bar_text(0, 10, 4) == "" and bar_text(3, 0, 4) == ""


def test_the_bell_is_a_small_wav() -> None:
    path = sound.bell_path()
    assert path.stat().st_size < 50_000
    with wave.open(str(path)) as bell:
        assert bell.getnchannels() == 1 and 0.5 < bell.getnframes() / bell.getframerate() < 2


async def test_no_player_means_silence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sound.shutil, "which", lambda name: None)
    assert sound.find_player() is None
    assert await sound.play() is False


async def test_a_player_is_started_and_not_waited_for(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        sound.shutil, "which", lambda name: f"/usr/bin/{name}" if name == "aplay" else None
    )
    started: list[tuple[str, ...]] = []
    finished = asyncio.Event()

    class Process:
        async def wait(self) -> int:
            await finished.wait()
            return 0

    async def exec_(*args: str, **options: object) -> Process:
        started.append(args)
        assert options["start_new_session"] is True
        return Process()

    monkeypatch.setattr(sound.asyncio, "create_subprocess_exec", exec_)
    assert await sound.play() is True  # returns while the sound still plays
    assert started == [("/usr/bin/aplay", "-q", str(sound.bell_path()))]
    finished.set()
    await asyncio.sleep(0)
