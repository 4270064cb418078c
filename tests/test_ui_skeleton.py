"""The facilitator's screens, driven with Pilot on the real app, hub, store and web server."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from cocreatie_tui.core.model import CardSource
from tests.hostile import MARKUP_TEXTS
from tests.ui_helpers import build_app, screen_text


async def post_card(app, text: str, **fields) -> int:  # type: ignore[no-untyped-def]
    """Post like a phone does, over real HTTP to the app's own server."""
    url = f"http://127.0.0.1:{app.server.port}/j/{app.hub.live.info.join_code}/cards"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"text": text, **fields}) as response:
            return response.status


async def test_a_card_posted_over_http_appears_on_the_board(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Nog geen kaartjes" in screen_text(app)
        assert await post_card(app, "Langere openingsuren op zaterdag", author="Mia") == 201
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Langere openingsuren op zaterdag" in text
        assert "Mia" in text
        assert "1 kaartjes" in text or "1 kaartje" in text


async def test_typing_a_card_for_someone_without_a_phone(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Een lift naar de eerste verdieping")
        await pilot.press("tab")
        await pilot.press(*"Jos")
        await pilot.press("tab", "space")  # "from paper"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        (card,) = app.hub.saved_cards()
        assert card.text == "Een lift naar de eerste verdieping"
        assert card.author == "Jos" and card.source is CardSource.PAPER
        assert "Een lift naar de eerste verdieping" in screen_text(app)


async def test_an_empty_typed_card_is_refused_and_the_dialog_stays(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.hub.saved_cards() == []
        assert "Je kaartje is leeg" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "BoardScreen"


async def test_hostile_markup_shows_literally_and_clicking_it_does_nothing(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for text in MARKUP_TEXTS:
            await app.hub.submit_card(text, source=CardSource.PHONE, author="[b]x[/b]")
        await pilot.pause(0.2)
        shown = screen_text(app)
        for text in MARKUP_TEXTS:
            assert text in shown, text
        # Click every line that shows a card: a [@click=app.quit] must not become an action.
        for y in range(3, 20):
            await pilot.click(offset=(12, y))
        await pilot.pause()
        assert app.is_running
        assert "[b]x[/b]" in screen_text(app)


async def test_editing_the_focus_question(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("ctrl+a", "backspace")  # select all, then clear
        input_widget = app.screen.query_one("#title-input")
        input_widget.value = ""
        await pilot.press(*"Wat maakt de bib warm?", "enter")
        await pilot.pause(0.2)
        assert app.hub.live.info.title == "Wat maakt de bib warm?"
        assert "Wat maakt de bib warm?" in screen_text(app)


async def test_quitting_and_starting_again_shows_the_same_board(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await post_card(app, "blijft bewaard")
        await pilot.pause(0.1)
        code = app.hub.live.info.join_code
        await pilot.press("ctrl+q")
    again = build_app(tmp_path, title=None)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.hub.live.info.join_code == code
        assert "blijft bewaard" in screen_text(again)


async def test_without_sessions_the_start_screen_creates_one(tmp_path: Path) -> None:
    app = build_app(tmp_path, title=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Welkom bij Cocreatie" in screen_text(app)
        await pilot.press(*"Hoe houden we de buurt proper?", "enter")
        await pilot.pause(0.2)
        assert app.hub.live.info.title == "Hoe houden we de buurt proper?"
        assert app.screen.__class__.__name__ == "BoardScreen"


async def test_export_from_a_key_writes_files_in_the_data_folder(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await post_card(app, "voor het verslag")
        await pilot.press("e")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        report = tmp_path / "exports" / f"{app.hub.live.info.id}.md"
        assert "voor het verslag" in report.read_text()
        assert (tmp_path / "exports" / f"{app.hub.live.info.id}.json").exists()


async def test_english_labels_with_lang_en(tmp_path: Path) -> None:
    app = build_app(tmp_path, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "No cards yet" in screen_text(app)


async def test_a_method_from_data_gives_the_session_its_follow_up_prompts(tmp_path: Path) -> None:
    from textual.widgets import Select

    from cocreatie_tui.methods import method_by_id

    app = build_app(tmp_path, title=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#method", Select).value = "waarderend-evalueren"
        await pilot.pause()
        assert "Kijk terug op wat goed ging" in screen_text(app)
        app.screen.query_one("#new-title").focus()
        await pilot.press(*"Hoe was onze buurtdag?", "enter")
        await pilot.pause(0.2)
        prompts = [p.text for p in app.hub.live.info.prompts]
        method = method_by_id("waarderend-evalueren")
        assert method is not None
        assert prompts == ["Hoe was onze buurtdag?", *method.follow_up_prompts("nl")]
        assert app.hub.live.info.active_prompt.text == "Hoe was onze buurtdag?"
