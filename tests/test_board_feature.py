"""Board commands through the hub: each one is on disk when announced and survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.events import SessionChanged
from cocreatie_tui.factory import make_hub
from cocreatie_tui.features.board import BoardChanged, BoardFeature, board_of
from cocreatie_tui.hub import CardRejected, Hub
from cocreatie_tui.store import DiskOps, StoreWriteFailed, read_documents, session_path


async def add_cards(hub: Hub, *texts: str) -> list[Card]:
    return [(await hub.submit_card(text, source=CardSource.PHONE))[0] for text in texts]


async def reopened(hub: Hub, data_dir: Path) -> tuple[Hub, BoardFeature]:
    """A second hub on the same data folder, as after a restart."""
    await hub.close()
    again = make_hub(data_dir)
    await again.open_session(hub.live.info.id)
    return again, board_of(again)


async def test_themes_and_card_moves_survive_a_restart(hub: Hub, data_dir: Path) -> None:
    board = board_of(hub)
    first, second = await add_cards(hub, "bus", "bomen")
    mobility = await board.create_group("Mobiliteit", card_id=first.id)
    green = await board.create_group("Groen")
    await board.move_card(second.id, green.id)
    await board.rename_group(green.id, "Natuur")
    await board.move_group(green.id, -1)
    again, board_again = await reopened(hub, data_dir)
    assert [g.name for g in board_again.ordered_groups()] == ["Natuur", "Mobiliteit"]
    assert again.live.cards[first.id].group_id == mobility.id
    assert again.live.cards[second.id].group_id == green.id
    await again.close()


async def test_merge_edit_hide_star_survive_a_restart(hub: Hub, data_dir: Path) -> None:
    board = board_of(hub)
    a, b, c = await add_cards(hub, "bus", "meer bussen", "bomen")
    await board.merge_cards(a.id, b.id)
    await board.edit_card(b.id, "Meer bussen, ook 's avonds")
    await board.toggle_hidden(c.id)
    await board.toggle_starred(b.id)
    again, _ = await reopened(hub, data_dir)
    cards = again.live.cards
    assert cards[a.id].merged_into == b.id
    assert cards[b.id].text == "Meer bussen, ook 's avonds"
    assert cards[b.id].history == ["meer bussen"]
    assert cards[b.id].starred and cards[c.id].hidden
    await again.close()


async def test_deleting_a_theme_persists_and_its_cards_are_ungrouped(
    hub: Hub, data_dir: Path
) -> None:
    board = board_of(hub)
    (card,) = await add_cards(hub, "bus")
    group = await board.create_group("Mobiliteit", card_id=card.id)
    await board.delete_group(group.id)
    documents = read_documents(session_path(data_dir, hub.live.info.id))
    assert group.id not in documents.get("groups", {})
    again, board_again = await reopened(hub, data_dir)
    assert board_again.groups == {} and again.live.cards[card.id].group_id is None
    await again.close()


async def test_undo_is_written_too(hub: Hub, data_dir: Path) -> None:
    board = board_of(hub)
    (card,) = await add_cards(hub, "bus")
    await board.toggle_hidden(card.id)
    undone = await board.undo()
    assert undone is not None and undone.kind == "hide"
    assert await board.undo() is None
    again, _ = await reopened(hub, data_dir)
    assert not again.live.cards[card.id].hidden
    await again.close()


async def test_undo_brings_a_deleted_theme_back_with_its_cards(hub: Hub) -> None:
    board = board_of(hub)
    first, second = await add_cards(hub, "bus", "trein")
    group = await board.create_group("Mobiliteit", card_id=first.id)
    await board.move_card(second.id, group.id)
    await board.delete_group(group.id)
    await board.undo()
    assert board.groups[group.id].name == "Mobiliteit"
    assert {hub.live.cards[c.id].group_id for c in (first, second)} == {group.id}


async def test_a_change_is_on_disk_when_it_is_announced(hub: Hub, data_dir: Path) -> None:
    board = board_of(hub)
    (card,) = await add_cards(hub, "bus")
    on_disk: list[bool] = []

    def check(event: object) -> None:
        if isinstance(event, BoardChanged):
            docs = read_documents(session_path(data_dir, hub.live.info.id))["cards"]
            on_disk.append(any(d["id"] == card.id and d["starred"] for d in docs.values()))

    hub.subscribe(check)
    await board.toggle_starred(card.id)
    assert on_disk == [True]


async def test_prompts_add_edit_switch_and_survive_a_restart(hub: Hub, data_dir: Path) -> None:
    board = board_of(hub)
    events: list[object] = []
    hub.subscribe(events.append)
    second = await board.add_prompt("Wat geeft energie?")
    assert hub.live.info.active_prompt.text == "Wat geeft energie?"
    (card,) = await add_cards(hub, "samen koken")
    assert card.prompt_id == second.id
    await board.edit_prompt("p1", "Hoe maken we de bib warmer?")
    assert hub.live.info.title == "Hoe maken we de bib warmer?"  # the first prompt is the title
    await board.activate_prompt("p1")
    assert sum(isinstance(e, SessionChanged) for e in events) == 3
    again, _ = await reopened(hub, data_dir)
    info = again.live.info
    assert [p.text for p in info.prompts] == ["Hoe maken we de bib warmer?", "Wat geeft energie?"]
    assert info.active_prompt_id == "p1"
    await again.close()


async def test_refused_commands_name_a_locale_message(hub: Hub) -> None:
    board = board_of(hub)
    (card,) = await add_cards(hub, "bus")
    with pytest.raises(CardRejected) as refused:
        await board.move_card(card.id, "no-such-theme")
    assert refused.value.key == "board.error.no_group"
    with pytest.raises(CardRejected):
        await board.create_group("   ")
    with pytest.raises(CardRejected):
        await board.activate_prompt("p9")


class BreakableDisk(DiskOps):
    broken = False

    def write_file(self, path: Path, data: bytes) -> None:
        if self.broken:
            raise OSError(28, "No space left on device")
        super().write_file(path, data)


async def test_after_a_failed_write_the_board_is_what_is_on_disk(data_dir: Path) -> None:
    disk = BreakableDisk()
    hub = make_hub(data_dir, disk=disk)
    await hub.create_session("Vraag")
    board = board_of(hub)
    (card,) = await add_cards(hub, "bus")
    kept = await board.create_group("Mobiliteit")
    disk.broken = True
    with pytest.raises(StoreWriteFailed):
        await board.create_group("Groen", card_id=card.id)
    with pytest.raises(StoreWriteFailed):
        await board.toggle_hidden(card.id)
    assert list(board.groups) == [kept.id]
    assert hub.live.cards[card.id].group_id is None and not hub.live.cards[card.id].hidden
    disk.broken = False
    undone = await board.undo()  # the last change that reached the disk
    assert undone is not None and undone.kind == "group_new" and board.groups == {}
    await hub.close()


async def test_a_new_session_starts_with_an_empty_undo_history(hub: Hub) -> None:
    board = board_of(hub)
    await board.create_group("Mobiliteit")
    await hub.create_session("Een andere vraag")
    assert board.groups == {} and await board.undo() is None


async def test_phones_no_longer_list_a_hidden_card(hub: Hub) -> None:
    card, _ = await hub.submit_card(
        "oeps", source=CardSource.PHONE, participant_id="phone-1234567890"
    )
    await board_of(hub).toggle_hidden(card.id)
    assert hub.cards_of_participant("phone-1234567890") == []
    assert card.id not in {c.id for c in hub.cards_for_room()}


async def test_a_card_its_sender_took_back_stays_hidden(hub: Hub) -> None:
    board = board_of(hub)
    phone = "phone-1234567890"
    card, _ = await hub.submit_card("toch niet", source=CardSource.PHONE, participant_id=phone)
    await board.toggle_starred(card.id)
    await board.toggle_hidden(card.id)  # the facilitator hid it first
    await hub.withdraw_card(card.id, phone)
    with pytest.raises(CardRejected) as refused:
        await board.toggle_hidden(card.id)
    assert refused.value.key == "board.error.withdrawn"
    await board.undo()  # undoing the hide does not show it again
    await board.undo()  # the star goes
    assert hub.live.cards[card.id].hidden and not hub.live.cards[card.id].starred
