"""Participant text through every board widget: shown literally, never markup, never an action.

Cards, nicknames, merged texts and the history of an edited card are participant text; theme
names and prompts are typed by the facilitator, but they go through the same widgets and get
the same treatment. Every surface is drawn, clicked all over, and the app must still run.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.features.board import board_of
from tests.hostile import HOSTILE_TEXTS, MARKUP_TEXTS
from tests.ui_helpers import build_app, screen_text

SHORT_MARKUP = [text for text in MARKUP_TEXTS if len(text) <= 40]


async def click_on(pilot: Pilot, *texts: str) -> None:
    """Click where each text is drawn: a [@click=...] there must not become an action."""
    lines = screen_text(pilot.app).splitlines()
    for text in texts:
        for y, line in enumerate(lines):
            x = line.find(text)
            if x >= 0:
                await pilot.click(offset=(x + 1, y))
                break
        else:
            raise AssertionError(f"not on screen: {text!r}")


async def test_cards_names_themes_and_prompts_show_literally_everywhere(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(160, 60)) as pilot:
        hub = app.hub
        board = board_of(hub)
        sent = await asyncio.gather(
            *(
                hub.submit_card(text, source=CardSource.PHONE, author=SHORT_MARKUP[n % 5])
                for n, text in enumerate(HOSTILE_TEXTS)
            )
        )
        cards = [card for card, _ in sent]
        await board.merge_cards(cards[1].id, cards[0].id)  # "[/" shown inside the first card
        await board.edit_card(cards[2].id, "[b]edited[/b]")  # "[TODO]" goes to the history
        themes = [await board.create_group(name) for name in SHORT_MARKUP[:3]]
        await board.move_card(cards[3].id, themes[0].id)
        await board.add_prompt("[@click=app.quit]prompt[/]")
        await board.add_prompt("[/")
        await pilot.press("a")  # every prompt's cards on the board
        await pilot.press("v")  # lanes: long lines, nothing wrapped away
        await pilot.pause(0.2)
        shown = screen_text(app)
        for text in [*SHORT_MARKUP[:3], "+ [/", "[b]edited[/b]", "vraag 3: [/"]:
            assert text in shown, text
        await click_on(pilot, "[@click=app.quit]x[/]", SHORT_MARKUP[1], "+ [/", "vraag 3: [/")
        assert app.is_running and app.screen.__class__.__name__ == "BoardScreen"

        # The dialogs that list themes and prompts, and the edit dialog's history.
        for key, expected in [
            ("m", SHORT_MARKUP[1]),
            ("G", SHORT_MARKUP[2]),
            ("p", "[@click=app.quit]prompt[/]"),
            ("enter", "· [TODO]"),
            ("slash", SHORT_MARKUP[0]),
        ]:
            app.screen.board_view.select(cards[2].id)  # the clicks moved the cursor
            await pilot.press(key)
            await pilot.pause(0.1)
            assert expected in screen_text(app), (key, expected)
            await click_on(pilot, expected)
            assert app.is_running
            while app.screen.__class__.__name__ != "BoardScreen":
                await pilot.press("escape")
                await pilot.pause()

        # A search for markup is a plain search, and it says so literally.
        app.screen.board_filter = app.screen.board_filter.__class__(text="[/")
        app.screen.refresh_board()
        await pilot.pause()
        assert "Filter: «[/»" in screen_text(app)

        app.screen.board_filter = app.screen.board_filter.__class__()
        await pilot.press("b")  # the projector view draws the same texts
        await pilot.pause(0.1)
        await click_on(pilot, "[@click=app.quit]x[/]")
        assert app.is_running
        assert [c.text for c in hub.saved_cards()][3:] == HOSTILE_TEXTS[3:]
