"""The hub: cards are saved before they are shown, replays are idempotent, restarts resume."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.events import CardAdded, SessionChanged
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import CardRejected, Hub
from cocreatie_tui.store import read_documents, session_path
from tests.conftest import FOCUS_QUESTION


async def test_a_new_session_has_the_focus_question_and_a_join_code(hub: Hub) -> None:
    info = hub.live.info
    assert info.title == FOCUS_QUESTION
    assert info.active_prompt.text == FOCUS_QUESTION
    assert 6 <= len(info.join_code) <= 8


async def test_a_card_is_on_disk_when_its_event_is_published(hub: Hub, data_dir: Path) -> None:
    seen_on_disk: list[bool] = []

    def on_event(event: object) -> None:
        if isinstance(event, CardAdded):
            path = session_path(data_dir, hub.live.info.id)
            cards = read_documents(path).get("cards", {})
            seen_on_disk.append(any(d["id"] == event.card.id for d in cards.values()))

    hub.subscribe(on_event)
    card, created = await hub.submit_card("Meer zitbanken", source=CardSource.PHONE)
    assert created and card.number == 1
    assert seen_on_disk == [True]


async def test_a_replayed_card_id_returns_the_first_card(hub: Hub) -> None:
    card_id = str(uuid.uuid4())
    first, created = await hub.submit_card("idee", source=CardSource.PHONE, card_id=card_id)
    again, created_again = await hub.submit_card("anders", source=CardSource.PHONE, card_id=card_id)
    assert created and not created_again
    assert again.id == first.id and again.text == "idee"
    assert len(hub.live.cards) == 1


async def test_a_replay_during_the_first_write_waits_for_it(hub: Hub) -> None:
    card_id = str(uuid.uuid4())
    results = await asyncio.gather(
        hub.submit_card("idee", source=CardSource.PHONE, card_id=card_id),
        hub.submit_card("idee", source=CardSource.PHONE, card_id=card_id),
    )
    assert [created for _, created in results] == [True, False]
    assert len(hub.live.cards) == 1


@pytest.mark.parametrize("bad_id", ["not-a-uuid", 12, "x" * 40])
async def test_a_malformed_card_id_is_refused(hub: Hub, bad_id: object) -> None:
    with pytest.raises(CardRejected):
        await hub.submit_card("idee", source=CardSource.PHONE, card_id=bad_id)
    assert hub.live.cards == {}


async def test_restart_shows_the_same_cards_and_code(hub: Hub, data_dir: Path) -> None:
    for text in ("een", "twee", "drie"):
        await hub.submit_card(text, source=CardSource.FACILITATOR, author="Jan")
    code, session_id = hub.live.info.join_code, hub.live.info.id
    await hub.close()
    again = make_hub(data_dir)
    assert again.most_recent_session_id() == session_id
    await again.open_session(session_id)
    assert [c.text for c in again.saved_cards()] == ["een", "twee", "drie"]
    assert again.live.info.join_code == code
    assert again.saved_cards()[0].source is CardSource.FACILITATOR


async def test_the_focus_question_can_be_edited_and_is_kept(hub: Hub, data_dir: Path) -> None:
    events: list[object] = []
    hub.subscribe(events.append)
    await hub.set_title("  Wat maakt de bib warm?  ")
    assert hub.live.info.title == "Wat maakt de bib warm?"
    assert any(isinstance(e, SessionChanged) for e in events)
    with pytest.raises(CardRejected):
        await hub.set_title("   ")
    await hub.close()
    again = make_hub(data_dir)
    await again.open_session(hub.live.info.id)
    assert again.live.info.title == "Wat maakt de bib warm?"


async def test_rotating_the_join_code_stops_the_old_one(hub: Hub) -> None:
    old = hub.live.info.join_code
    new = await hub.rotate_join_code()
    assert new != old
    assert hub.session_for_code(old) is None
    assert hub.session_for_code(new.lower()) is hub.live
