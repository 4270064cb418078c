"""What the board looks like, as snapshots: fixed cards, themes, join code and address.

The other features' status widgets (timer, phones in the room...) are left out of these
pictures so that they show the board only; they have their own tests. Inspect
snapshot_report.html before ``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.events import SessionChanged
from cocreatie_tui.features.board import board_of
from tests.ui_helpers import build_app

CARDS = [
    ("Langer open op zaterdag en zondag", "Mia", CardSource.PHONE),
    ("Een lift naar de eerste verdieping", None, CardSource.PAPER),
    ("Meer zitplaatsen bij de kranten", "Ahmed", CardSource.PHONE),
    ("Gratis wifi zonder code", None, CardSource.PHONE),
    ("Voorleesuurtje in het Arabisch", "Jo", CardSource.FACILITATOR),
    ("Boeken lenen zonder lidkaart", None, CardSource.PHONE),
    ("Een stille ruimte om te studeren", "Sam", CardSource.PHONE),
    ("Koffiehoek met een automaat", None, CardSource.PHONE),
]
JUST_ARRIVED = [("Een kinderhoek met kussens", "Lotte"), ("Uitleg in eenvoudige taal", None)]


def board_app(data_dir: Path, *, projector: bool = False):  # type: ignore[no-untyped-def]
    app = build_app(data_dir)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        hub = app.hub
        hub.live.info.join_code = "K7QX9M"
        hub.publish(SessionChanged(hub.live.info))
        cards = [
            (await hub.submit_card(text, source=source, author=author))[0]
            for text, author, source in CARDS
        ]
        board = board_of(hub)
        hours = await board.create_group("Openingsuren", card_id=cards[0].id)
        access = await board.create_group("Toegang", card_id=cards[1].id)
        await board.move_card(cards[5].id, access.id)
        await board.merge_cards(cards[3].id, cards[5].id)
        await board.move_card(cards[6].id, hours.id)
        await board.toggle_starred(cards[2].id)
        await board.set_hidden(cards[7].id, True)
        await board.edit_card(cards[6].id, "Een stille ruimte om te studeren, ook 's avonds")
        await pilot.pause()
        await pilot.press("U")  # seen; the two below arrive while the board is shown
        for text, author in JUST_ARRIVED:
            await hub.submit_card(text, source=CardSource.PHONE, author=author)
        await pilot.pause()
        if projector:
            await pilot.press("b")
        await pilot.pause(0.1)

    return app, run_before


@pytest.fixture(autouse=True)
def board_only(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("cocreatie_tui.screens.board.BOARD_STATUS_WIDGETS", [])


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_the_board_for_the_facilitator(snap_compare, tmp_path: Path, size) -> None:
    app, run_before = board_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_the_board_on_the_projector(snap_compare, tmp_path: Path, size) -> None:
    app, run_before = board_app(tmp_path, projector=True)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
