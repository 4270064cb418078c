"""The board in the exports: themes in the JSON record, the report by theme with merged texts."""

from __future__ import annotations

import json

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.export import export_json, export_markdown
from cocreatie_tui.features.board import board_of
from cocreatie_tui.hub import Hub


async def board_with_themes(hub: Hub) -> dict[str, str]:
    board = board_of(hub)
    texts = ["bus om 8 uur", "vroegere bus", "meer bomen", "oeps, een naam", "lift"]
    cards = {t: (await hub.submit_card(t, source=CardSource.PHONE))[0].id for t in texts}
    transport = await board.create_group("Vervoer", card_id=cards["vroegere bus"])
    await board.create_group("Leeg thema")
    green = await board.create_group("Groen [b]", card_id=cards["meer bomen"])
    await board.move_group(green.id, -2)
    await board.merge_cards(cards["bus om 8 uur"], cards["vroegere bus"])
    await board.toggle_starred(cards["meer bomen"])
    await board.set_hidden(cards["oeps, een naam"], True)
    assert transport.id
    return cards


async def test_the_json_record_has_the_themes_in_their_order(hub: Hub) -> None:
    cards = await board_with_themes(hub)
    assert hub.store is not None
    record = json.loads(export_json(hub.live, documents=hub.store.documents))
    assert [g["name"] for g in record["groups"]] == ["Groen [b]", "Vervoer", "Leeg thema"]
    by_text = {c["text"]: c for c in record["cards"]}
    assert by_text["bus om 8 uur"]["merged_into"] == cards["vroegere bus"]
    assert by_text["oeps, een naam"]["hidden"] is True  # in the record, marked


async def test_the_report_lists_cards_by_theme_with_what_was_merged_into_them(hub: Hub) -> None:
    await board_with_themes(hub)
    assert hub.store is not None
    report = export_markdown(hub.live, documents=hub.store.documents)
    assert report.index("### Groen \\[b\\] (1)") < report.index("### Vervoer (1)")
    assert "- meer bomen ★" in report
    assert "- vroegere bus\n  - bus om 8 uur" in report  # both texts kept, one card
    assert "### Zonder thema (1)\n\n- lift" in report
    assert "Leeg thema" not in report
    assert "oeps" not in report  # hidden: left out of the report...
    everything = export_markdown(hub.live, documents=hub.store.documents, include_hidden=True)
    assert "oeps, een naam" in everything  # ...unless asked for


async def test_without_themes_the_report_is_one_list(hub: Hub) -> None:
    for text in ("a", "b"):
        await hub.submit_card(text, source=CardSource.PHONE)
    assert hub.store is not None
    report = export_markdown(hub.live, documents=hub.store.documents)
    assert "###" not in report and "- a\n- b" in report
