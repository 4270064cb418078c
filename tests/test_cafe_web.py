"""Phones and the world café over the real web app: every phone sees its table for this round
and the next (with and without JavaScript, and live), and its cards carry table and round."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from markupsafe import escape

from cocreatie_tui.features.cafe import cafe_of
from cocreatie_tui.hub import Hub

STATIC = Path(__file__).resolve().parent.parent / "cocreatie_tui" / "web" / "static"
HOSTILE_THEME = "<b>Groen</b> & [@click=app.quit]"


async def plan_small_cafe(hub: Hub) -> None:
    cafe = cafe_of(hub)
    for name in ("Anna", "Bert", "Cas", "Dina", "Eli"):
        await cafe.add_name(name)
    await cafe.configure(["Mobiliteit", HOSTILE_THEME], [None, None], 3, 15 * 60)
    await cafe.plan_cafe()
    await cafe.settled()


async def state_of(client, join_path: str) -> dict:  # type: ignore[no-untyped-def]
    response = await client.get(f"{join_path}/state")
    assert response.status == 200
    return await response.json()


async def test_a_phone_sees_its_table_now_and_next_and_its_card_is_tagged(
    client, join_path: str, hub: Hub
) -> None:
    assert (await client.get(join_path)).status == 200  # the phone gets its cookie
    await state_of(client, join_path)  # ... and is in the room
    await plan_small_cafe(hub)
    view = await state_of(client, join_path)
    cafe = cafe_of(hub).cafe
    (pid,) = [p for p in cafe.people if not p.startswith("name-")]
    table = cafe.seatings[0][pid]
    assert view["round"] == 1
    assert view["table"] == {"number": table + 1, "theme": cafe.tables[table].theme}
    assert view["cafe"]["status"] == "ready"
    assert view["cafe"]["next"] == {
        "round": 2,
        "table": {
            "number": cafe.seatings[1][pid] + 1,
            "theme": cafe.tables[cafe.seatings[1][pid]].theme,
        },
    }
    assert view["cafe"]["timer"]["seconds_left"] == 15 * 60

    # Without JavaScript: the page itself says where to go, escaped.
    page = await (await client.get(join_path)).text()
    place = f"{table + 1} · {cafe.tables[table].theme}"
    assert str(escape(f"Ronde 1: ga naar tafel {place}")) in page
    assert "Daarna, ronde 2: tafel" in page
    assert "<b>Groen</b>" not in page

    response = await client.post(f"{join_path}/cards", json={"text": "Meer fietspaden"})
    assert response.status == 201
    card = hub.live.cards[(await response.json())["id"]]
    assert (card.table, card.round) == (table + 1, 1)


async def test_a_late_phone_is_seated_in_the_current_round_without_moving_anyone(
    client, join_path: str, hub: Hub
) -> None:
    await plan_small_cafe(hub)
    cafe = cafe_of(hub)
    await cafe.toggle_pause()
    before = dict(cafe.cafe.seatings[0])
    assert (await client.get(join_path)).status == 200  # first visit: no cookie yet
    assert cafe.cafe.people.keys() == before.keys()
    first = await state_of(client, join_path)
    assert first["table"] is None and first["cafe"]["seating"] is True
    await cafe.settled()
    view = await state_of(client, join_path)
    assert view["table"] is not None and view["cafe"]["seating"] is False
    now = cafe.cafe.seatings[0]
    assert {p: t for p, t in now.items() if p in before} == before
    assert len(now) == len(before) + 1
    page = await (await client.get(join_path)).text()
    assert "Op het scherm heet je: Deelnemer 1" in page


async def test_a_phones_first_card_before_any_cafe_page_has_its_table_and_round(
    client, join_path: str, hub: Hub
) -> None:
    await plan_small_cafe(hub)
    cafe = cafe_of(hub)
    await cafe.toggle_pause()  # the first round runs
    heard: list[object] = []
    hub.subscribe(heard.append)
    # A phone that never loaded a page of this café (its page was open from before) sends.
    response = await client.post(f"{join_path}/cards", json={"text": "Een bank bij de halte"})
    assert response.status == 201
    card = hub.live.cards[(await response.json())["id"]]
    assert card.participant_id in cafe.cafe.people
    table = cafe.cafe.seatings[0][card.participant_id]
    assert (card.table, card.round) == (table + 1, 1)
    assert any(type(event).__name__ == "CafeChanged" for event in heard)  # screens are told
    # Seated in the same write as the card: a restart finds both.
    saved = hub.store.documents
    assert card.participant_id in json.dumps(saved["cafe"])
    await cafe.settled()
    view = await state_of(client, join_path)
    assert view["table"]["number"] == table + 1 and view["cafe"]["seating"] is False


async def test_phones_hear_each_change_over_server_sent_events(
    client, join_path: str, hub: Hub
) -> None:
    assert (await client.get(join_path)).status == 200
    await state_of(client, join_path)
    await plan_small_cafe(hub)
    cafe = cafe_of(hub)
    async with client.get(f"{join_path}/events") as stream:
        first = json.loads((await stream.content.readuntil(b"\n\n")).split(b"data: ", 1)[1])
        assert first["cafe"]["status"] == "ready"
        await cafe.toggle_pause()
        update = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)
        running = json.loads(update.split(b"data: ", 1)[1])
        assert running["cafe"]["status"] == "running"
        await cafe.end_round()
        update = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)
        between = json.loads(update.split(b"data: ", 1)[1])
        # Between rounds a phone already sees where to go next.
        assert between["cafe"]["status"] == "between" and between["round"] == 2


async def test_no_cafe_no_block_and_the_script_never_writes_markup(client, join_path: str) -> None:
    view = await state_of(client, join_path)
    assert "cafe" not in view and view["table"] is None
    page = await (await client.get(join_path)).text()
    section = re.search(r'<section id="cafe"[^>]*>', page)
    assert section is not None and section[0].endswith(" hidden>")
    script = (STATIC / "cafe.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert forbidden not in script


async def test_the_page_during_the_cafe_still_weighs_at_most_30_kb(
    client, join_path: str, hub: Hub
) -> None:
    from tests.test_phone_web import PAGE_WEIGHT_LIMIT, Page

    assert (await client.get(join_path)).status == 200
    await state_of(client, join_path)
    await plan_small_cafe(hub)
    await cafe_of(hub).toggle_pause()
    html = await (await client.get(join_path)).read()
    total = len(html)
    for asset in Page(html.decode()).assets():
        total += len(await (await client.get(asset)).read())
    assert total <= PAGE_WEIGHT_LIMIT, total
