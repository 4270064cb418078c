"""The board shows how many phones are in the room and how many people sent something."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from cocreatie_tui.widgets.room_counter import RoomCounter
from tests.ui_helpers import build_app


class FakeClock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        return self.now


def counter_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(RoomCounter).render())


async def test_the_board_counts_phones_seen_and_people_who_sent(tmp_path: Path) -> None:
    clock = FakeClock()
    app = build_app(tmp_path, monotonic=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert counter_text(app) == "Gsm's in de zaal: 0 · Stuurden iets: 0"
        page = f"http://127.0.0.1:{app.server.port}/j/{app.hub.live.info.join_code}"
        jars = aiohttp.CookieJar(unsafe=True), aiohttp.CookieJar(unsafe=True)  # IP-address host
        async with (
            aiohttp.ClientSession(cookie_jar=jars[0]) as reader,
            aiohttp.ClientSession(cookie_jar=jars[1]) as sender,
        ):
            await (await reader.get(page)).read()  # gets its cookie
            await (await reader.get(page)).read()  # and is seen with it, no JavaScript needed
            await (await sender.post(f"{page}/cards", json={"text": "een idee"})).read()
            await (await sender.post(f"{page}/cards", json={"text": "nog een"})).read()
        await pilot.pause(0.1)
        assert counter_text(app) == "Gsm's in de zaal: 2 · Stuurden iets: 1"
        clock.now += 121  # two minutes without a request: no longer in the room
        app.screen.query_one(RoomCounter).refresh_counts()
        await pilot.pause()
        assert counter_text(app) == "Gsm's in de zaal: 0 · Stuurden iets: 1"
