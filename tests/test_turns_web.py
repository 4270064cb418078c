"""Phones ask for the floor and withdraw (docs/API.md, "Speaking turns"), on the real web app,
hub and store: forms with the page's token, JSON, DELETE, and the refusals."""

from __future__ import annotations

import html
import re

from cocreatie_tui.core.turns import TurnMode
from cocreatie_tui.features.turns import turns_of
from cocreatie_tui.hub import Hub
from tests.hostile import HOSTILE_TEXTS


def form_token(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match, "the page carries a form token"
    return match.group(1)


async def queue_mode(hub: Hub) -> None:
    await turns_of(hub).set_mode(TurnMode.QUEUE)


async def test_a_form_asks_for_the_floor_and_comes_back_to_the_page(
    client, hub: Hub, join_path: str
) -> None:
    await queue_mode(hub)
    page = await (await client.get(join_path)).text()
    assert html.escape("Ik wil iets zeggen") in page
    token = form_token(page)
    response = await client.post(f"{join_path}/hand", data={"token": token}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].lower().startswith(join_path.lower())
    assert len(turns_of(hub).speaking.queue) == 1
    page = await (await client.get(join_path)).text()
    assert "Toch niet" in page  # the withdraw button now
    again = await client.post(f"{join_path}/hand", data={"token": token}, allow_redirects=False)
    assert again.status == 303
    assert len(turns_of(hub).speaking.queue) == 1  # one request per phone
    withdrawn = await client.post(
        f"{join_path}/hand/withdraw", data={"token": token}, allow_redirects=False
    )
    assert withdrawn.status == 303
    assert turns_of(hub).speaking.queue == []


async def test_json_asks_with_201_then_200_and_the_place(client, hub: Hub, join_path: str) -> None:
    await queue_mode(hub)
    first = await client.post(f"{join_path}/hand", json={"author": "Fatima"})
    assert first.status == 201
    assert await first.json() == {"queued": True, "position": 1, "queue_length": 1}
    again = await client.post(f"{join_path}/hand", json={})
    assert again.status == 200
    assert (await again.json())["position"] == 1
    state = await (await client.get(f"{join_path}/state")).json()
    assert state["queue_position"] == 1 and state["has_floor"] is False
    assert state["turns"]["queued"] is True
    participant = next(iter(hub.live.participants.values()))
    assert participant.nickname == "Fatima"


async def test_withdraw_with_delete_or_post_is_idempotent(client, hub: Hub, join_path: str) -> None:
    await client.post(f"{join_path}/hand", json={})
    deleted = await client.delete(f"{join_path}/hand")
    assert deleted.status == 200
    assert await deleted.json() == {"queued": False, "withdrawn": True}
    again = await client.post(f"{join_path}/hand/withdraw", json={})
    assert again.status == 200
    assert await again.json() == {"queued": False, "withdrawn": False}


async def test_the_refusals_are_clear_4xx(client, hub: Hub, join_path: str) -> None:
    no_token = await client.post(f"{join_path}/hand", data={"x": "1"})
    assert no_token.status == 403
    wrong_token = await client.post(f"{join_path}/hand/withdraw", data={"token": "nope"})
    assert wrong_token.status == 403
    unknown = await client.post("/j/AAAAAA/hand", json={})
    assert unknown.status == 404 and "error" in await unknown.json()
    unknown_delete = await client.delete("/j/AAAAAA/hand")
    assert unknown_delete.status == 404
    bad_json = await client.post(
        f"{join_path}/hand", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status == 400 and "error" in await bad_json.json()
    too_long = await client.post(f"{join_path}/hand", json={"author": "x" * 41})
    assert too_long.status == 400
    assert "40" in (await too_long.json())["error"]
    not_a_name = await client.post(f"{join_path}/hand", json={"author": ["a"]})
    assert not_a_name.status == 400
    assert turns_of(hub).speaking.queue == []


async def test_a_phone_sees_who_has_the_floor_and_the_time_left_without_javascript(
    client, hub: Hub, join_path: str
) -> None:
    await queue_mode(hub)
    turns = turns_of(hub)
    await turns.add_named_speaker("Anna")
    anna = next(iter(turns.speaking.speakers))
    await turns.give_floor(anna)
    page = await (await client.get(join_path)).text()
    assert "Anna heeft het woord" in page
    assert "Nog 2:00" in page
    await client.post(f"{join_path}/hand", json={})
    await turns.end_turn()
    await turns.give_floor()  # the phone is first in the queue
    page = await (await client.get(join_path)).text()
    assert "Jij hebt het woord!" in page


async def test_hostile_nicknames_are_escaped_on_every_phone(
    client, hub: Hub, join_path: str, aiohttp_client
) -> None:
    await queue_mode(hub)
    turns = turns_of(hub)
    for text in HOSTILE_TEXTS[:10]:
        phone = await aiohttp_client(client.server)
        answer = await phone.post(f"{join_path}/hand", json={"author": text[:40]})
        assert answer.status in (200, 201)
        await turns.give_floor()
        page = await (await client.get(join_path)).text()
        assert "<script>alert" not in page and "<img src=x" not in page
        state = await (await client.get(f"{join_path}/state")).json()
        assert state["turns"]["floor"]["name"] is not None
        await turns.end_turn()
