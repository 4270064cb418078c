"""The world café from the keyboard, with Pilot on the real app, hub, store and web server: a
three-round café with 24 phones at 6 tables, people coming and going, the printable plan, the
harvest. Time comes from a fake clock; ticks are called, never waited for."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Digits, Input, Select

from cocreatie_tui.core.cafe import CafeStatus
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.features.cafe import cafe_of
from cocreatie_tui.widgets import cafe_status
from tests.hostile import MARKUP_TEXTS
from tests.ui_helpers import build_app, screen_text

THEMES = ["Mobiliteit", "Wonen", "Groen", "Zorg", "Werk", "Cultuur"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rung(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Every sound, recorded instead of played."""
    played: list[str] = []

    async def play(path=None) -> bool:  # type: ignore[no-untyped-def]
        played.append("sound")
        return True

    monkeypatch.setattr(cafe_status.sound, "play", play)
    return played


def phone(n: int) -> str:
    return f"phone-{n:02d}-0123456789abcdef"


async def phones_in_the_room(app, count: int = 24) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        if n % 3 == 0:
            await app.hub.submit_card(f"idee {n}", source=CardSource.PHONE, participant_id=phone(n))
        app.hub.phones.seen(phone(n))


async def type_into(pilot, field: Input, text: str) -> None:  # type: ignore[no-untyped-def]
    field.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(field.value), *text)


async def set_up_six_tables(pilot) -> None:  # type: ignore[no-untyped-def]
    """Open the café with w, set 6 tables, 3 rounds of 20 minutes, a theme per table, and
    the first phone as host of table 1, all from the keyboard."""
    app = pilot.app
    await pilot.press("w")
    await pilot.pause()
    screen = app.screen
    await type_into(pilot, screen.query_one("#setup-tables", Input), "6")
    await pilot.pause()
    await type_into(pilot, screen.query_one("#setup-rounds", Input), "3")
    await type_into(pilot, screen.query_one("#setup-minutes", Input), "20")
    themes = list(screen.query(".table-theme").results(Input))
    assert len(themes) == 6
    for field, theme in zip(themes, THEMES, strict=True):
        await type_into(pilot, field, theme)
    host = screen.query(".table-host").results(Select).__next__()
    host.focus()
    for key in ("enter", "down", "enter"):  # the first person after "no host"
        await pilot.press(key)
        await pilot.pause()
    assert host.value == phone(0)


async def planned(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the plan made after Ctrl+G is saved and shown (it is made in a worker)."""
    await pilot.app.workers.wait_for_complete()
    await cafe_of(pilot.app.hub).settled()
    await pilot.pause()


async def set_up_quickly(pilot) -> None:  # type: ignore[no-untyped-def]
    """The same café set up through the feature (the keyboard way is tested once, above)."""
    app = pilot.app
    cafe = cafe_of(app.hub)
    await cafe.add_phones()
    await cafe.configure(THEMES, [phone(0), None, None, None, None, None], 3, 20 * 60)
    await pilot.press("w")
    await pilot.pause()


async def test_a_three_round_cafe_with_24_phones_and_6_tables_from_the_keyboard(
    tmp_path: Path, clock: FakeClock, rung: list[str]
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await phones_in_the_room(app)
        await set_up_six_tables(pilot)
        assert "Mensen (24 aanwezig)" in screen_text(app)
        await pilot.press("ctrl+g")  # save, plan every round, show the seating plan
        cafe = cafe_of(app.hub)
        await planned(pilot)
        await pilot.pause()
        state = cafe.cafe
        assert state.status() is CafeStatus.READY
        assert [table.theme for table in state.tables] == THEMES
        assert state.hosts == {phone(0): 0} and state.rounds == 3
        assert all(len(seating) == 24 for seating in state.seatings)
        text = screen_text(app)
        assert "ronde 1 van 3" in text and "Tafel 6 · Cultuur" in text
        assert app.screen.query_one("#seating-clock", Digits).value == "20:00"

        for number in range(1, 4):
            assert state.current == number - 1
            await pilot.press("space")  # start
            await pilot.pause()
            assert state.status() is CafeStatus.RUNNING
            # Every phone always knows where to go.
            for n in range(24):
                table = state.seatings[number - 1][phone(n)]
                view = app.hub.participant_view(phone(n))
                assert (view["round"], view["table"]["number"]) == (number, table + 1)
            clock.now += 20 * 60
            await app.screen.tick()
            await pilot.pause()
            assert len(bells) == number and len(rung) == number  # flash, bell and sound once
            await pilot.press("e")
            await pilot.pause()
            if number < 3:
                assert "Ronde voorbij" in screen_text(app)
                await pilot.press("n")
                await pilot.pause()
        assert state.status() is CafeStatus.FINISHED
        assert "afgelopen" in screen_text(app)


async def test_late_arrivals_are_seated_without_moving_anyone_and_people_can_leave(
    tmp_path: Path, clock: FakeClock, rung: list[str]
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await phones_in_the_room(app, 23)
        await set_up_quickly(pilot)
        await pilot.press("ctrl+g")
        cafe = cafe_of(app.hub)
        await planned(pilot)
        await pilot.press("space")
        await pilot.pause()
        before = dict(cafe.cafe.seatings[0])
        # A phone arrives during round 1: it opens its page.
        app.hub.phones.seen(phone(40))
        app.hub.participant_view(phone(40))
        # Someone without a phone, typed in by the facilitator.
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Mevrouw Janssens", "enter")
        await pilot.pause()
        await cafe.settled()
        await pilot.pause()
        current = cafe.cafe.seatings[0]
        assert {p: t for p, t in current.items() if p in before} == before
        assert len(current) == 25 and phone(40) in current
        assert "Mevrouw Janssens" in screen_text(app)
        # The list of people: mark the selected one absent.
        await pilot.press("m")
        await pilot.pause()
        first = next(iter(cafe.cafe.people))
        await pilot.press("p")
        await pilot.pause()
        assert not cafe.cafe.people[first].present
        await cafe.settled()
        assert cafe.cafe.seatings[0] == current  # they were there this round
        assert all(first not in seating for seating in cafe.cafe.seatings[1:])


async def test_the_printable_plan_is_written_to_the_exports_folder(
    tmp_path: Path, clock: FakeClock, rung: list[str]
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await phones_in_the_room(app, 12)
        await set_up_quickly(pilot)
        await pilot.press("ctrl+g")
        await planned(pilot)
        await pilot.pause()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (written,) = (tmp_path / "exports").glob("*-cafe.md")
        plan = written.read_text(encoding="utf-8")
        assert "## Ronde 1" in plan and "Tafel 1 · Mobiliteit:" in plan
        assert "(gastheer/gastvrouw)" in plan and "Deelnemer 1" in plan
        assert "Round" not in plan  # the printed plan speaks the TUI's language


async def test_the_harvest_lists_cards_per_table_and_per_round(
    tmp_path: Path, clock: FakeClock, rung: list[str]
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await phones_in_the_room(app, 12)
        await set_up_quickly(pilot)
        await pilot.press("ctrl+g")
        await planned(pilot)
        await pilot.press("space")
        await app.hub.submit_card("Meer bankjes", source=CardSource.PHONE, participant_id=phone(0))
        await pilot.press("h")
        await pilot.pause()
        text = screen_text(app)
        assert "Oogst per tafel" in text and "Tafel 1 · Mobiliteit (1)" in text
        assert "Meer bankjes" in text and "Buiten het wereldcafé" in text
        await pilot.press("g")
        await pilot.pause()
        assert "Ronde 1 (1)" in screen_text(app)


async def test_names_and_themes_show_literally_and_clicking_them_does_nothing(
    tmp_path: Path, clock: FakeClock, rung: list[str]
) -> None:
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        cafe = cafe_of(app.hub)
        for text in MARKUP_TEXTS:
            await cafe.add_name(text[:40])
        await cafe.configure([MARKUP_TEXTS[0][:60], "[/"], [None, None], 2, 600)
        await pilot.press("w")
        await pilot.pause()
        assert "[@click=app.quit]x[/]" in screen_text(app)  # in the list of people
        await pilot.press("ctrl+g")  # the themes and names as typed: saved, planned, shown
        await planned(pilot)
        await pilot.pause()
        for card in app.screen.query(".table-card"):
            await pilot.click(card)
        await pilot.press("m")
        await pilot.pause()
        await pilot.click("#seating-people")
        await pilot.pause()
        assert app.is_running
        shown = screen_text(app)
        assert "[/" in shown
