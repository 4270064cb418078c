"""The hub's side of the phone page: taking a card back, the nickname asked once, the head count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.events import CardWithdrawn
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import CardRejected, Hub, PhonesSeen, is_withdrawn
from tests.conftest import FOCUS_QUESTION

PHONE_A = "phone-a-0123456789abcdef"
PHONE_B = "phone-b-0123456789abcdef"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stored_cards(hub: Hub) -> dict[str, dict]:
    assert hub.store is not None
    return json.loads(hub.store.path.read_text(encoding="utf-8"))["cards"]


async def send(hub: Hub, text: str, phone: str = PHONE_A, author: object = None):  # type: ignore[no-untyped-def]
    card, _ = await hub.submit_card(
        text, source=CardSource.PHONE, participant_id=phone, author=author
    )
    return card


async def test_a_phone_takes_its_card_back_and_it_stays_in_the_file_hidden(hub: Hub) -> None:
    events: list[object] = []
    hub.subscribe(events.append)
    card = await send(hub, "Een leeshoek")
    kept = await send(hub, "Meer licht")
    await hub.withdraw_card(card.id, PHONE_A)
    assert [c.text for c in hub.cards_of_participant(PHONE_A)] == ["Meer licht"]
    assert [c.id for c in hub.cards_for_room()] == [kept.id]
    assert [e.card.id for e in events if isinstance(e, CardWithdrawn)] == [card.id]
    on_disk = {doc["id"]: doc for doc in stored_cards(hub).values()}
    assert on_disk[card.id]["text"] == "Een leeshoek" and on_disk[card.id]["hidden"] is True
    assert any(note.startswith("withdrawn by participant") for note in on_disk[card.id]["history"])
    assert on_disk[kept.id]["hidden"] is False


async def test_taking_back_survives_a_restart_and_twice_is_harmless(data_dir: Path) -> None:
    hub = make_hub(data_dir)
    state = await hub.create_session(FOCUS_QUESTION)
    card = await send(hub, "Weg ermee")
    await hub.withdraw_card(card.id, PHONE_A)
    again = await hub.withdraw_card(card.id, PHONE_A)
    assert again.history == card.history  # one note, not two
    await hub.close()
    reopened = make_hub(data_dir)
    await reopened.open_session(state.info.id)
    restored = reopened.live.cards[card.id]
    assert restored.hidden and is_withdrawn(restored)
    assert reopened.cards_of_participant(PHONE_A) == [] and reopened.cards_for_room() == []
    await reopened.close()


async def test_only_the_sender_may_take_a_card_back(hub: Hub) -> None:
    card = await send(hub, "Van A")
    facilitator_card, _ = await hub.submit_card("Van de begeleider", source=CardSource.FACILITATOR)
    for card_id, phone in ((card.id, PHONE_B), (facilitator_card.id, PHONE_A), ("nope", PHONE_A)):
        with pytest.raises(CardRejected) as refused:
            await hub.withdraw_card(card_id, phone)
        assert refused.value.key == "error.card_not_yours"
    assert not hub.live.cards[card.id].hidden


async def test_a_grouped_card_can_no_longer_be_taken_back(hub: Hub) -> None:
    card = await send(hub, "Al gegroepeerd")
    hub.live.cards[card.id].group_id = "g1"
    with pytest.raises(CardRejected) as refused:
        await hub.withdraw_card(card.id, PHONE_A)
    assert refused.value.key == "error.card_grouped"
    assert not hub.live.cards[card.id].hidden


async def test_the_nickname_is_asked_once_remembered_changed_and_forgotten(hub: Hub) -> None:
    first = await send(hub, "een", author="Mia")
    remembered = await send(hub, "twee")  # the field is no longer on the form
    changed = await send(hub, "drie", author="Mia V.")
    forgotten = await send(hub, "vier", author="")  # emptied on purpose: anonymous again
    after = await send(hub, "vijf")
    other = await send(hub, "van B", phone=PHONE_B)
    assert [first.author, remembered.author, changed.author, forgotten.author, after.author] == [
        "Mia",
        "Mia",
        "Mia V.",
        None,
        None,
    ]
    assert other.author is None
    assert hub.live.participants[PHONE_A].nickname is None


def test_phones_count_for_two_minutes_after_their_last_request() -> None:
    clock = FakeClock()
    phones = PhonesSeen(clock)
    phones.seen(PHONE_A)
    phones.seen(PHONE_B)
    phones.seen(PHONE_A)
    assert phones.count() == 2
    clock.now += 100
    phones.seen(PHONE_B)
    clock.now += 30  # A last seen 130 s ago, B 30 s ago
    assert phones.count() == 1
    clock.now += 91
    assert phones.count() == 0


def test_a_phone_with_its_live_stream_open_stays_counted() -> None:
    clock = FakeClock()
    phones = PhonesSeen(clock)
    phones.stream_opened(PHONE_A)
    phones.stream_opened(PHONE_A)  # two tabs
    clock.now += 600
    assert phones.count() == 1
    phones.stream_closed(PHONE_A)
    clock.now += 600
    assert phones.count() == 1
    phones.stream_closed(PHONE_A)
    assert phones.count() == 1  # just seen, as it closed
    clock.now += 121
    assert phones.count() == 0


async def test_the_hub_counts_phones_with_its_clock_and_people_who_sent(data_dir: Path) -> None:
    clock = FakeClock()
    hub = make_hub(data_dir, monotonic=clock)
    await hub.create_session(FOCUS_QUESTION)
    hub.phones.seen(PHONE_A)
    hub.phones.seen(PHONE_B)
    await send(hub, "een")
    await send(hub, "twee")
    await hub.submit_card("typed", source=CardSource.FACILITATOR)
    assert (hub.phones_in_room(), hub.people_who_sent()) == (2, 1)
    clock.now += 121
    assert hub.phones_in_room() == 0
    hub.phones.seen(PHONE_B)
    await hub.create_session("Een nieuwe vraag")  # a new session starts its head count afresh
    hub.phones.seen(PHONE_A)
    assert (hub.phones_in_room(), hub.people_who_sent()) == (1, 0)
    await hub.close()
