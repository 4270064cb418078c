"""The harvest on the board: cards grouped by theme, by world-café table or by round (key o)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.features.board import board_of
from cocreatie_tui.features.cafe import cafe_of
from tests.hostile import MARKUP_TEXTS as MARKUP
from tests.test_board_hostile import click_on
from tests.test_board_ui import focused_list, until
from tests.ui_helpers import build_app, screen_text


def phone(n: int) -> str:
    return f"phone-{n:02d}-0123456789abcdef"


async def cafe_cards(app, *, end: bool = True) -> list[Card]:  # type: ignore[no-untyped-def]
    """Two tables ("Mobiliteit", "Wonen") and two rounds, six phones; each phone sends a card
    in each round, and a card arrives on paper during the café (it has no table). ``end``:
    the second round ends too."""
    hub = app.hub
    for n in range(6):
        hub.phones.seen(phone(n))
    cafe = cafe_of(hub)
    await cafe.add_phones()
    await cafe.configure(["Mobiliteit", "Wonen"], [None, None], 2, 20 * 60)
    await cafe.plan_cafe()
    await cafe.settled()
    cards = []
    for round_number in (1, 2):
        await cafe.toggle_pause()  # the round starts
        for n in range(6):
            card, _ = await hub.submit_card(
                f"ronde {round_number} gsm {n}", source=CardSource.PHONE, participant_id=phone(n)
            )
            cards.append(card)
        if round_number == 1 or end:
            await cafe.end_round()
        if round_number == 1:
            await cafe.next_round()
            await cafe.settled()
    paper, _ = await hub.submit_card("van papier", source=CardSource.PAPER)
    return [*cards, paper]


def shown(app) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {card_list.key: card_list.card_ids for card_list in app.screen.board_view.lists}


async def test_o_groups_the_cards_by_table_then_by_round_then_by_theme_again(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        (before,) = [(await app.hub.submit_card("voor het café", source=CardSource.PHONE))[0]]
        cards = await cafe_cards(app)
        assert {card.table for card in cards[:-1]} == {1, 2}
        await pilot.pause()
        await pilot.press("o")
        await until(pilot, lambda: "Tafel 1 · Mobiliteit" in screen_text(app))
        text = screen_text(app)
        assert "Tafel 2 · Wonen" in text and "Buiten het wereldcafé" in text
        assert "Per tafel van het wereldcafé" in text
        by_table = {f"table:{table}": [c.id for c in cards if c.table == table] for table in (1, 2)}
        by_table["table:-"] = [before.id, cards[-1].id]  # outside the café: last
        assert shown(app) == by_table
        assert list(shown(app)) == ["table:1", "table:2", "table:-"]

        await pilot.press("o")
        await until(pilot, lambda: "Ronde 2" in screen_text(app))
        assert shown(app) == {
            "round:1": [c.id for c in cards[:6]],
            "round:2": [c.id for c in cards[6:12]],
            "round:-": [before.id, cards[-1].id],
        }

        await pilot.press("o")
        await until(pilot, lambda: "Zonder thema" in screen_text(app))
        assert list(shown(app)) == [""]


async def test_cards_arriving_while_grouped_by_table_land_under_their_table(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        cards = await cafe_cards(app, end=False)
        await pilot.press("o")
        await until(pilot, lambda: "Tafel 2 · Wonen" in screen_text(app))
        late = await asyncio.gather(
            *(
                app.hub.submit_card(f"laat {n}", source=CardSource.PHONE, participant_id=phone(n))
                for n in range(6)
            )
        )
        await until(pilot, lambda: sum(len(ids) for ids in shown(app).values()) == 19)
        for card, _ in late:
            assert card.round == 2
            assert card.id in shown(app)[f"table:{card.table}"]
        assert shown(app)[f"table:{late[0][0].table}"][-1] in {c.id for c, _ in late}
        assert [c.id for c in cards if c.table == 1] == [
            i for i in shown(app)["table:1"] if i not in {c.id for c, _ in late}
        ]


async def test_number_keys_do_not_move_cards_into_themes_while_grouped_by_table(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        cards = await cafe_cards(app)
        board = board_of(app.hub)
        theme = await board.create_group("Fietsen")
        await pilot.press("o")
        await until(pilot, lambda: "Tafel 1 · Mobiliteit" in screen_text(app))
        screen = app.screen
        assert screen.check_action("to_group", (1,)) is None  # greyed out in the footer
        assert screen.check_action("move_card", ()) is None
        selected = focused_list(app).cursor_id
        await pilot.press("1", "&", "0", "m")
        await pilot.pause()
        assert all(app.hub.live.cards[c.id].group_id is None for c in cards)
        assert app.screen is screen  # no picker either
        await pilot.press("o", "o")  # by round, then by theme
        await until(pilot, lambda: "Zonder thema" in screen_text(app))
        assert screen.check_action("to_group", (1,))
        focused_list(app).select(selected)
        await pilot.press("1")
        await until(pilot, lambda: app.hub.live.cards[selected].group_id == theme.id)


async def test_table_themes_and_cards_show_literally_in_the_columns(tmp_path: Path) -> None:
    """A table's theme is the facilitator's text, a card the participant's: both are data in
    a column title and a card, never markup, and clicking on them does nothing."""
    app = build_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        hub = app.hub
        for n in range(4):
            hub.phones.seen(phone(n))
        cafe = cafe_of(hub)
        await cafe.add_phones()
        await cafe.configure(["[@click=app.quit]x[/]", "[/"], [None, None], 1, 20 * 60)
        await cafe.plan_cafe()
        await cafe.settled()
        await cafe.toggle_pause()
        for n in range(4):
            await hub.submit_card(MARKUP[n % 2], source=CardSource.PHONE, participant_id=phone(n))
        await pilot.press("o")
        await until(pilot, lambda: "Tafel 1 · [@click=app.quit]x[/]" in screen_text(app))
        assert "Tafel 2 · [/" in screen_text(app)
        await click_on(pilot, "Tafel 1 · [@click", "Tafel 2 · [/", MARKUP[0], MARKUP[1])
        await pilot.pause()
        assert app.is_running and app.screen.grouping == "table"
