"""The world café on the real hub and store: setup, planning, rounds, people coming and going,
card tags, and a restart in the middle of a round. Time comes from a fake monotonic clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocreatie_tui.core.cafe import CafeError, CafeStatus
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.factory import make_hub
from cocreatie_tui.features.cafe import CafeFeature, cafe_of
from cocreatie_tui.hub import Hub

THEMES = ["Mobiliteit", "Wonen", "Groen", "Zorg", "Werk", "Cultuur"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def phone(n: int) -> str:
    return f"phone-{n:02d}-0123456789abcdef"


async def open_hub(data_dir: Path, clock: FakeClock) -> Hub:
    hub = make_hub(data_dir, monotonic=clock)
    session_id = hub.most_recent_session_id()
    if session_id is None:
        await hub.create_session("Hoe maken we de wijk samen?")
    else:
        await hub.open_session(session_id)
    return hub


async def cafe_with_phones(hub: Hub, phones: int = 24, rounds: int = 3) -> CafeFeature:
    """Phones in the room (some sent a card, the others only opened the page), six tables with
    a host each (the first six phones), planned."""
    for n in range(phones):
        if n % 4 == 0:
            await hub.submit_card(f"idee {n}", source=CardSource.PHONE, participant_id=phone(n))
        hub.phones.seen(phone(n))
    cafe = cafe_of(hub)
    assert await cafe.add_phones() == phones
    hosts = [phone(n) for n in range(6)]
    await cafe.configure(THEMES, hosts, rounds, 20 * 60)
    await cafe.plan_cafe()
    await cafe.settled()
    return cafe


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_planning_seats_every_phone_for_every_round(data_dir: Path, clock: FakeClock):
    hub = await open_hub(data_dir, clock)
    cafe = await cafe_with_phones(hub)
    state = cafe.cafe
    assert state.status() is CafeStatus.READY
    for seating in state.seatings:
        assert len(seating) == 24
        assert sorted(list(seating.values()).count(t) for t in range(6)) == [4] * 6
        for t in range(6):
            assert seating[phone(t)] == t  # hosts stay at their table
    assert state.stats is not None and state.stats.excess == state.stats.lower_bound == 0
    # Every phone knows where to go, now and next.
    view = hub.participant_view(phone(10))
    assert view["round"] == 1 and view["table"]["number"] == state.seatings[0][phone(10)] + 1
    assert view["cafe"]["next"]["round"] == 2
    assert view["cafe"]["you"]["number"] == hub.live.participants[phone(10)].number
    await hub.close()


async def test_a_round_runs_rings_once_and_moves_on(data_dir: Path, clock: FakeClock):
    hub = await open_hub(data_dir, clock)
    cafe = await cafe_with_phones(hub)
    events: list[object] = []
    hub.subscribe(events.append)
    assert await cafe.toggle_pause() is CafeStatus.RUNNING
    clock.now += 20 * 60 - 1
    assert not await cafe.tick()
    clock.now += 2
    assert await cafe.tick()
    assert not await cafe.tick()
    assert any(getattr(e, "end_signal", False) for e in events)
    with pytest.raises(CafeError):
        await cafe.next_round()
    await cafe.end_round()
    await cafe.next_round()
    assert cafe.cafe.current == 1 and cafe.cafe.status() is CafeStatus.READY
    await hub.close()


async def test_arrivals_and_departures_never_move_anyone_in_held_or_current_rounds(
    data_dir: Path, clock: FakeClock
):
    hub = await open_hub(data_dir, clock)
    cafe = await cafe_with_phones(hub)
    await cafe.toggle_pause()
    await cafe.end_round()
    await cafe.next_round()
    await cafe.toggle_pause()  # round 2 is on
    held = [dict(seating) for seating in cafe.cafe.seatings[:2]]

    # A phone arrives: it only has to open its page (with its cookie) to get a seat.
    hub.phones.seen(phone(30))
    first = hub.participant_view(phone(30))
    assert first["cafe"]["seating"] is True and first["table"] is None
    await cafe.settled()
    view = hub.participant_view(phone(30))
    assert view["cafe"]["seating"] is False and view["round"] == 2
    late_table = cafe.cafe.seatings[1][phone(30)]
    assert view["table"]["number"] == late_table + 1
    sizes = [list(held[1].values()).count(t) for t in range(6)]
    assert sizes[late_table] == min(sizes)
    # Someone leaves, someone typed in by the facilitator comes.
    await cafe.set_present(phone(12), False)
    anna = await cafe.add_name("Anna")
    await cafe.settled()
    current = cafe.cafe.seatings[1]
    assert cafe.cafe.seatings[0] == held[0]
    assert {p: t for p, t in current.items() if p not in (phone(30), anna.id)} == held[1]
    assert not cafe.cafe.needs_plan
    assert phone(12) not in cafe.cafe.seatings[2]
    assert {phone(30), anna.id} <= set(cafe.cafe.seatings[2])
    assert hub.participant_view(phone(12))["table"]["number"] == held[1][phone(12)] + 1
    await hub.close()


async def test_cards_from_phones_carry_table_and_round(data_dir: Path, clock: FakeClock):
    hub = await open_hub(data_dir, clock)
    cafe = await cafe_with_phones(hub)
    await cafe.toggle_pause()
    card, _ = await hub.submit_card(
        "Meer fietspaden", source=CardSource.PHONE, participant_id=phone(9)
    )
    assert card.round == 1 and card.table == cafe.cafe.seatings[0][phone(9)] + 1
    typed, _ = await hub.submit_card("Van papier", source=CardSource.PAPER)
    assert typed.table is None and typed.round is None
    await cafe.close()
    after, _ = await hub.submit_card("Na afloop", source=CardSource.PHONE, participant_id=phone(9))
    assert after.table is None and "cafe" not in hub.participant_view(phone(9))
    await hub.close()


async def test_a_restart_mid_round_resumes_the_same_plan_with_the_timer_paused(
    data_dir: Path, clock: FakeClock
):
    hub = await open_hub(data_dir, clock)
    cafe = await cafe_with_phones(hub)
    await cafe.toggle_pause()
    clock.now += 300
    await cafe.add_name("Bert")
    await cafe.settled()
    clock.now += 60  # not saved: a restart loses at most the time since the last save
    seatings = [dict(s) for s in cafe.cafe.seatings]
    await hub.close()

    clock.now = 5.0  # monotonic clocks restart at boot
    hub = await open_hub(data_dir, clock)
    cafe = cafe_of(hub)
    assert cafe.cafe.seatings == seatings
    assert cafe.cafe.status() is CafeStatus.PAUSED
    assert cafe.cafe.timer is not None and cafe.cafe.timer.remaining(clock.now) == 15 * 60
    assert cafe.cafe.timer.interrupted
    await cafe.toggle_pause()
    clock.now += 10
    assert cafe.cafe.timer.remaining(clock.now) == 15 * 60 - 10
    await hub.close()


async def test_setup_refuses_what_cannot_be_and_is_fixed_once_planned(
    data_dir: Path, clock: FakeClock
):
    hub = await open_hub(data_dir, clock)
    cafe = cafe_of(hub)
    with pytest.raises(CafeError, check=lambda e: e.key == "not_configured"):
        await cafe.plan_cafe()
    await cafe.configure(["Eén", "Twee"], [None, None], 2, 600)
    with pytest.raises(CafeError, check=lambda e: e.key == "no_people"):
        await cafe.plan_cafe()
    with pytest.raises(CafeError, check=lambda e: e.key == "name"):
        await cafe.add_name("   ")
    await cafe.add_name("Anna")
    await cafe.add_name("Bert")
    await cafe.plan_cafe()
    with pytest.raises(CafeError, check=lambda e: e.key == "already_started"):
        await cafe.configure(["Eén"], [None], 2, 600)
    await hub.close()
