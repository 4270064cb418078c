"""The board from the keyboard, as a facilitator uses it in front of a room (Pilot, real app)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.features.board import board_of
from cocreatie_tui.widgets.card_list import CardList
from tests.ui_helpers import build_app, screen_text


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """Wait for a hub command to be written and shown (no fixed sleeps)."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Fill a dialog's field and press Enter (typing key by key only costs test time)."""
    await pilot.pause()
    pilot.app.screen.query_one(selector).value = text
    await pilot.press("enter")


async def add_cards(app, *texts: str, **fields) -> list[Card]:  # type: ignore[no-untyped-def]
    fields.setdefault("source", CardSource.PHONE)
    return [(await app.hub.submit_card(text, **fields))[0] for text in texts]


def notices(app) -> str:  # type: ignore[no-untyped-def]
    """The notifications the facilitator was shown."""
    return " ".join(notification.message for notification in app._notifications)


def focused_list(app) -> CardList:  # type: ignore[no-untyped-def]
    focused = app.screen.focused
    assert isinstance(focused, CardList)
    return focused


def selected(app) -> str | None:  # type: ignore[no-untyped-def]
    return app.screen.board_view.selected_card_id


async def test_a_number_key_moves_the_card_and_the_cursor_stays_in_the_column(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        first, second, third = await add_cards(app, "bus", "trein", "bomen")
        board = board_of(app.hub)
        mobility = await board.create_group("Mobiliteit")
        await pilot.pause()
        await pilot.press("down", "1")
        await until(pilot, lambda: app.hub.live.cards[second.id].group_id == mobility.id)
        await pilot.pause()
        assert focused_list(app).key == ""  # still sorting the cards without a theme
        assert selected(app) == third.id  # the card that took its place
        await pilot.press("0")  # nothing happens to a card that has no theme
        await pilot.press("&")  # Belgian AZERTY: the "1" key without Shift
        await until(pilot, lambda: app.hub.live.cards[third.id].group_id == mobility.id)
        assert app.hub.live.cards[first.id].group_id is None


async def test_g_makes_a_theme_with_the_selected_card(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        (card,) = await add_cards(app, "meer groen")
        await pilot.pause()
        await pilot.press("g")
        await type_into(pilot, "#dialog-input", "Natuur")
        board = board_of(app.hub)
        await until(pilot, lambda: bool(board.groups))
        (group,) = board.groups.values()
        assert group.name == "Natuur" and app.hub.live.cards[card.id].group_id == group.id
        await until(pilot, lambda: "1 Natuur" in screen_text(app))


async def test_the_picker_moves_a_card_and_an_unknown_number_says_so(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        (card,) = await add_cards(app, "zitbank")
        board = board_of(app.hub)
        await board.create_group("Rust")
        green = await board.create_group("Groen")
        await pilot.pause()
        await pilot.press("7")
        await until(pilot, lambda: "Er is geen thema 7" in notices(app))
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("2")
        await until(pilot, lambda: app.hub.live.cards[card.id].group_id == green.id)


async def test_x_then_x_merges_two_cards_into_one_shown_card(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        source, target = await add_cards(app, "bus om 8 uur", "vroegere bus")
        await pilot.pause()
        await pilot.press("x")
        await until(pilot, lambda: "Samenvoegen: ga naar" in screen_text(app))
        await pilot.press("down", "x")
        await until(pilot, lambda: app.hub.live.cards[source.id].merged_into == target.id)
        await until(pilot, lambda: "+ bus om 8 uur" in screen_text(app))
        assert focused_list(app).card_ids == [target.id]
        await pilot.press("X")  # split again
        await until(pilot, lambda: app.hub.live.cards[source.id].merged_into is None)


async def test_escape_cancels_a_merge(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await add_cards(app, "a", "b")
        await pilot.pause()
        await pilot.press("x", "escape", "down", "x")
        await pilot.pause(0.1)
        assert app.screen.merge_source is not None  # a new merge started from the second card
        assert all(c.merged_into is None for c in app.hub.live.cards.values())


async def test_enter_edits_a_card_and_keeps_the_original(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        (card,) = await add_cards(app, "bib langr open")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#dialog-text").text = "bib langer open"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.hub.live.cards[card.id].text == "bib langer open")
        assert app.hub.live.cards[card.id].history == ["bib langr open"]
        await until(pilot, lambda: "bewerkt" in screen_text(app))
        await pilot.press("enter")  # the history shows in the dialog, for the facilitator
        await until(pilot, lambda: "· bib langr open" in screen_text(app))


async def test_hide_star_and_undo(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        (card,) = await add_cards(app, "oeps, een naam")
        await pilot.pause()
        await pilot.press("h")
        await until(pilot, lambda: app.hub.live.cards[card.id].hidden)
        await until(pilot, lambda: "verborgen" in screen_text(app))
        await pilot.press("asterisk")
        await until(pilot, lambda: app.hub.live.cards[card.id].starred)
        await pilot.press("ctrl+z")
        await until(pilot, lambda: not app.hub.live.cards[card.id].starred)
        await pilot.press("ctrl+z")
        await until(pilot, lambda: not app.hub.live.cards[card.id].hidden)
        await pilot.press("ctrl+z")
        await until(pilot, lambda: "niets om ongedaan te maken" in notices(app))


async def test_the_projector_view_hides_facilitator_chrome(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        shown, hidden = await add_cards(app, "voor iedereen", "niet voor de zaal")
        await board_of(app.hub).set_hidden(hidden.id, True)
        await pilot.pause()
        assert "niet voor de zaal" in screen_text(app)
        assert "Kaartje typen" in screen_text(app)  # key hints
        await pilot.press("b")
        await until(pilot, lambda: "niet voor de zaal" not in screen_text(app))
        text = screen_text(app)
        assert "voor iedereen" in text
        assert "Kaartje typen" not in text
        assert "Zet je geest open" in text  # the interaction rules, for the room
        await pilot.press("b")
        await until(pilot, lambda: "niet voor de zaal" in screen_text(app))
        await pilot.press("r")  # the rules on their own screen, as before
        await until(pilot, lambda: app.screen.__class__.__name__ == "RulesScreen")
        await pilot.press("escape", "question_mark")  # every key of the board
        await until(pilot, lambda: bool(app.screen.query("HelpPanel")))


async def test_the_projector_uses_a_big_screen_for_cards(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await add_cards(app, *(f"idee nummer {n}" for n in range(1, 13)))
        await pilot.press("b")
        await pilot.pause(0.1)
        text = screen_text(app)
        assert all(f"idee nummer {n}" in text for n in range(1, 13))
        # Several cards side by side on one line: the width is used, not one narrow list.
        assert any(line.count("idee nummer") >= 3 for line in text.splitlines())


async def test_cards_arriving_never_move_the_cursor_or_the_view(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await add_cards(app, "typed by the facilitator", source=CardSource.FACILITATOR)
        await pilot.pause()
        assert not app.screen.unseen  # only cards from phones are new
        await add_cards(app, *(f"kaartje {n}" for n in range(40)))
        await pilot.press("U")  # all seen
        await pilot.pause()
        for _ in range(12):
            await pilot.press("down")
        cards = focused_list(app)
        cursor, scroll = cards.cursor_id, cards.scroll_y
        assert scroll > 0
        await asyncio.gather(
            *(app.hub.submit_card(f"nieuw {n}", source=CardSource.PHONE) for n in range(30))
        )
        await until(pilot, lambda: len(cards.card_ids) == 71)
        await pilot.pause()
        assert (cards.cursor_id, cards.scroll_y) == (cursor, scroll)
        assert "30 nieuw" in screen_text(app)  # marked until seen, and said below the view
        await pilot.press("u")  # to the first new card
        await pilot.pause()
        assert app.hub.live.cards[cards.cursor_id].text == "nieuw 0"
        assert "29 nieuw" in screen_text(app)


async def test_a_burst_of_200_cards_is_one_board_update(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        updates = 0
        refresh_board = screen.refresh_board

        def counted(**changes: object) -> None:
            nonlocal updates
            updates += 1
            refresh_board(**changes)  # type: ignore[arg-type]

        screen.refresh_board = counted
        await asyncio.gather(
            *(app.hub.submit_card(f"idee {n}", source=CardSource.PHONE) for n in range(200))
        )
        await until(pilot, lambda: len(app.screen.board_view.lists[0].card_ids) == 200)
        assert updates == 1


async def test_prompts_add_switch_and_the_board_follows(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await add_cards(app, "antwoord op vraag 1")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("n")
        await type_into(pilot, "#dialog-input", "Wat geeft energie?")
        await until(pilot, lambda: app.hub.live.info.active_prompt.text == "Wat geeft energie?")
        await pilot.press("escape")
        (later,) = await add_cards(app, "samen koken")
        assert later.prompt_id == app.hub.live.info.active_prompt_id
        await until(pilot, lambda: "samen koken" in screen_text(app))
        text = screen_text(app)
        assert "antwoord op vraag 1" not in text  # the board shows the active prompt
        assert "Vraag 2 van 2: Wat geeft energie?" in text
        await pilot.press("a")  # all prompts
        await until(pilot, lambda: "antwoord op vraag 1" in screen_text(app))
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("up", "enter")  # back to the first prompt, for the phones too
        await until(pilot, lambda: app.hub.live.info.active_prompt_id == "p1")


async def test_search_and_filters_and_escape_clears(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await add_cards(app, "meer fietsenstallingen", "langer open")
        await add_cards(app, "een lift", source=CardSource.PAPER)
        await pilot.pause()
        await pilot.press("slash")
        await type_into(pilot, "#filter-text", "FIETS")
        await until(pilot, lambda: "langer open" not in screen_text(app))
        assert "meer fietsenstallingen" in screen_text(app)
        assert "Filter: «FIETS»" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: "langer open" in screen_text(app))
        app.screen.board_filter = app.screen.board_filter.__class__(source=CardSource.PAPER)
        app.screen.refresh_board()
        await pilot.pause()
        assert "een lift" in screen_text(app) and "langer open" not in screen_text(app)


async def test_the_theme_manager_renames_reorders_and_deletes(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        (card,) = await add_cards(app, "bus")
        board = board_of(app.hub)
        first = await board.create_group("Mobiliteit", card_id=card.id)
        await board.create_group("Groen")
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        await pilot.press("enter")
        await type_into(pilot, "#dialog-input", "Vervoer")
        await until(pilot, lambda: board.groups[first.id].name == "Vervoer")
        await pilot.press("shift+down")
        await until(pilot, lambda: board.ordered_groups()[1].id == first.id)
        await pilot.press("delete")
        await until(pilot, lambda: first.id not in board.groups)
        assert app.hub.live.cards[card.id].group_id is None
        await pilot.press("escape")
        await pilot.press("ctrl+z")  # the theme comes back with its card
        await until(pilot, lambda: first.id in board.groups)
        assert app.hub.live.cards[card.id].group_id == first.id


async def test_quitting_and_starting_again_shows_the_same_board(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        bus, tree = await add_cards(app, "bus", "boom")
        board = board_of(app.hub)
        await board.create_group("Mobiliteit", card_id=bus.id)
        await board.toggle_starred(bus.id)
        await board.set_hidden(tree.id, True)
        await pilot.press("U")  # seen: "new" marks are for this sitting only
        await pilot.pause()
        before = screen_text(app)
        await pilot.press("ctrl+q")
    again = build_app(tmp_path, title=None)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert screen_text(again) == before


async def test_the_board_keys_do_not_collide(tmp_path: Path) -> None:
    from cocreatie_tui.screens.board import BoardScreen

    app = build_app(tmp_path)
    board_keys = [
        key.strip()
        for b in BoardScreen.BINDINGS
        for key in b.key.split(",")  # type: ignore[union-attr]
    ]
    assert len(board_keys) == len(set(board_keys))
    app_keys = {
        key.strip()
        for b in app.BINDINGS
        for key in b.key.split(",")  # type: ignore[union-attr]
        if b.action != "quit"
    }
    assert not app_keys & set(board_keys)


@pytest.mark.parametrize("lanes", [False, True])
async def test_cards_arriving_show_as_working_out_the_whole_board_would(
    tmp_path: Path, monkeypatch, lanes: bool
) -> None:
    import cocreatie_tui.screens.board as board_screen

    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        cards = await add_cards(app, *(f"idee {n}" for n in range(30)))
        board = board_of(app.hub)
        theme = await board.create_group("Mobiliteit", card_id=cards[0].id)
        await board.move_card(cards[5].id, theme.id)
        await board.set_hidden(cards[7].id, True)
        if lanes:
            await pilot.press("v")
        await pilot.pause()
        worked_out = []
        everything = board_screen.board_sections
        monkeypatch.setattr(
            board_screen,
            "board_sections",
            lambda *args: worked_out.append(1) or everything(*args),
        )
        screen = app.screen
        for burst in range(3):
            await asyncio.gather(
                *(
                    app.hub.submit_card(f"golf {burst} kaart {n}", source=CardSource.PHONE)
                    for n in range(25)
                )
            )
            await until(pilot, lambda: not screen._flush_pending)
        await add_cards(app, "van papier", source=CardSource.PAPER)
        await until(pilot, lambda: "van papier" in screen_text(app) or not screen._flush_pending)
        await pilot.pause()
        assert not worked_out  # each burst was added to what was shown
        shown = [(cl.key, cl.card_ids) for cl in screen.board_view.lists]
        assert sum(len(ids) for _, ids in shown) == 30 + 75 + 1
        text = screen_text(app)
        screen.refresh_board()  # the whole board, worked out from the hub
        await pilot.pause()
        assert [(cl.key, cl.card_ids) for cl in screen.board_view.lists] == shown
        assert screen_text(app) == text
