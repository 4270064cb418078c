"""Limits on what a phone or an address can send (docs/SECURITY.md), on an injected clock."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.web.app import make_web_app
from cocreatie_tui.web.limits import TokenBucket, is_loopback
from cocreatie_tui.web.settings import WebSettings
from tests.conftest import FOCUS_QUESTION

JSON = {"Content-Type": "application/json"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def limited_client(data_dir: Path, aiohttp_client, clock: FakeClock, **settings):  # type: ignore[no-untyped-def]
    hub = make_hub(data_dir, monotonic=clock)
    await hub.create_session(FOCUS_QUESTION)
    app = make_web_app(hub, replace(WebSettings(), **settings))
    return hub, await aiohttp_client(app)


async def phone_cookie(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = await client.get(path)
    assert response.status == 200  # the cookie jar keeps the phone's id


# -- the token bucket ------------------------------------------------------------------------


def test_a_bucket_allows_a_burst_then_one_per_interval() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, 0.5, clock)
    assert [bucket.take("phone") for _ in range(10)] == [0.0] * 10
    assert bucket.take("phone") == 2.0  # the next card in two seconds
    clock.now += 2.0
    assert bucket.take("phone") == 0.0
    assert bucket.take("phone") > 0
    assert bucket.take("other phone") == 0.0  # buckets are per key


def test_a_bucket_forgets_idle_keys_so_made_up_ids_cannot_grow_memory() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2, 1.0, clock, max_keys=100)
    for n in range(1000):
        bucket.take(f"made-up-{n}")
    assert len(bucket) <= 100
    clock.now += 10
    bucket.take("fresh")
    assert len(bucket) <= 100


def test_loopback_addresses_are_recognised() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("192.168.1.20") and not is_loopback("garbage")


# -- cards per phone -------------------------------------------------------------------------


async def test_a_phone_gets_a_burst_of_ten_cards_then_one_every_two_seconds(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub, client = await limited_client(data_dir, aiohttp_client, clock)
    path = f"/j/{hub.live.info.join_code}"
    await phone_cookie(client, path)
    for n in range(10):
        assert (await client.post(path + "/cards", json={"text": f"idee {n}"})).status == 201
    refused = await client.post(path + "/cards", json={"text": "te snel"})
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "2"
    assert "Wacht 2 seconden" in (await refused.json())["error"]
    english = await client.post(
        path + "/cards", json={"text": "too fast"}, headers={"Accept-Language": "en"}
    )
    assert "Wait 2 seconds" in (await english.json())["error"]
    clock.now += 2.0
    assert (await client.post(path + "/cards", json={"text": "weer mag"})).status == 201
    assert len(hub.live.cards) == 11  # nothing refused was stored


async def test_a_replayed_card_id_is_answered_even_when_the_phone_is_at_its_limit(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub, client = await limited_client(data_dir, aiohttp_client, clock, phone_card_burst=1)
    path = f"/j/{hub.live.info.join_code}"
    await phone_cookie(client, path)
    card_id = str(uuid.uuid4())
    first = await client.post(path + "/cards", json={"text": "een", "id": card_id})
    assert first.status == 201
    replay = await client.post(path + "/cards", json={"text": "een", "id": card_id})
    assert replay.status == 200 and (await replay.json())["id"] == card_id
    assert (await client.post(path + "/cards", json={"text": "twee"})).status == 429


async def test_a_form_post_over_the_limit_shows_the_page_again_with_the_text_kept(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub, client = await limited_client(data_dir, aiohttp_client, clock, phone_card_burst=1)
    path = f"/j/{hub.live.info.join_code}"
    await phone_cookie(client, path)
    token = hub.live.info.form_token
    ok = await client.post(
        path + "/cards", data={"text": "eerste", "token": token}, allow_redirects=False
    )
    assert ok.status == 303
    refused = await client.post(path + "/cards", data={"text": "mijn tweede idee", "token": token})
    assert refused.status == 429
    page = await refused.text()
    assert "mijn tweede idee" in page and "Wacht" in page
    assert refused.headers["Retry-After"]


# -- limits per address ----------------------------------------------------------------------


async def test_an_address_without_cookies_hits_the_generous_address_limit(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub, client = await limited_client(
        data_dir, aiohttp_client, clock, limit_loopback=True, address_cards_per_minute=60
    )
    path = f"/j/{hub.live.info.join_code}/cards"
    statuses = []
    for n in range(14):
        client.session.cookie_jar.clear()  # a troll throwing its phone id away each time
        statuses.append((await client.post(path, json={"text": f"spam {n}"})).status)
    assert statuses[:12] == [201] * 12  # a fifth of a minute's worth at once
    assert statuses[12:] == [429, 429]
    clock.now += 60
    assert (await client.post(path, json={"text": "later"})).status == 201


async def test_loopback_is_not_limited_per_address_by_default(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub, client = await limited_client(data_dir, aiohttp_client, clock, address_cards_per_minute=6)
    path = f"/j/{hub.live.info.join_code}/cards"
    for n in range(20):
        client.session.cookie_jar.clear()
        assert (await client.post(path, json={"text": f"bench {n}"})).status == 201


def test_the_default_address_limit_is_generous() -> None:
    settings = WebSettings()
    assert settings.address_cards_per_minute >= 3000
    assert settings.phone_card_burst == 10 and settings.phone_card_interval == 2.0
    assert settings.max_streams >= 2000
    assert settings.limit_loopback is False


# -- hand raises, votes and every other change a feature adds ------------------------------


async def test_other_changes_cost_a_token_of_the_phone_without_the_feature_doing_anything(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub = make_hub(data_dir, monotonic=clock)
    await hub.create_session(FOCUS_QUESTION)
    app = make_web_app(hub, replace(WebSettings(), phone_action_burst=3))
    raised: list[str] = []

    async def raise_hand(request: web.Request) -> web.Response:
        raised.append(request.match_info["code"])
        return web.json_response({"ok": True})

    app.router.add_post("/j/{code}/some-feature-action", raise_hand)
    client = await aiohttp_client(app)
    path = f"/j/{hub.live.info.join_code}"
    await phone_cookie(client, path)
    statuses = [
        (await client.post(path + "/some-feature-action", json={})).status for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(raised) == 3
    clock.now += 1.0
    assert (await client.post(path + "/some-feature-action", json={})).status == 200


# -- wrong join codes ------------------------------------------------------------------------


async def test_an_address_trying_many_wrong_codes_is_refused_for_a_while(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub, client = await limited_client(
        data_dir, aiohttp_client, clock, limit_loopback=True, wrong_code_burst=5
    )
    good = f"/j/{hub.live.info.join_code}"
    statuses = [(await client.get(f"/j/AAAA{n:02d}")).status for n in range(6)]
    assert statuses == [404] * 6
    locked = await client.get(good)  # even the right code, or a hit would be confirmed
    assert locked.status == 429
    assert int(locked.headers["Retry-After"]) > 60
    assert "verkeerde codes" in await locked.text()
    clock.now += WebSettings().wrong_code_lockout_seconds + 1
    assert (await client.get(good)).status == 200


async def test_wrong_codes_from_loopback_are_not_counted(data_dir: Path, aiohttp_client) -> None:
    clock = FakeClock()
    hub, client = await limited_client(data_dir, aiohttp_client, clock, wrong_code_burst=2)
    for n in range(10):
        assert (await client.get(f"/j/AAAA{n:02d}")).status == 404
    assert (await client.get(f"/j/{hub.live.info.join_code}")).status == 200


# -- what one request may carry --------------------------------------------------------------


async def test_field_lengths_and_counts_are_limited(client, join_path) -> None:
    cards = join_path + "/cards"
    too_long = await client.post(cards, json={"text": "x" * 3000})
    assert too_long.status == 400 and "maximaal 500" in (await too_long.json())["error"]
    name = await client.post(cards, json={"text": "ok", "author": "n" * 3000})
    assert name.status == 400
    many = await client.post(cards, json={f"f{n}": "x" for n in range(11)} | {"text": "x"})
    assert many.status == 400
    deep = await client.post(cards, data="[" * 5000 + "]" * 5000, headers=JSON)
    assert deep.status == 400
    big = await client.post(cards, data=json.dumps({"text": "x" * 17000}), headers=JSON)
    assert big.status == 413

    async def chunks():  # no Content-Length: the limit must hold while reading
        for _ in range(20):
            yield b"x" * 1024

    chunked = await client.post(cards, data=chunks(), headers=JSON)
    assert chunked.status == 413


# -- slow clients ----------------------------------------------------------------------------


async def raw_server(hub: Hub, aiohttp_server, **settings):  # type: ignore[no-untyped-def]
    app = make_web_app(hub, replace(WebSettings(), **settings))
    return await aiohttp_server(app, keepalive_timeout=settings.get("keepalive_timeout", 30))


async def read_all(reader: asyncio.StreamReader) -> bytes:
    async with asyncio.timeout(5):
        return await reader.read()


async def test_a_slow_body_is_cut_off_without_holding_up_others(
    hub: Hub, aiohttp_server, aiohttp_client
) -> None:
    server = await raw_server(hub, aiohttp_server, body_timeout=0.2)
    path = f"/j/{hub.live.info.join_code}/cards"
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        'Content-Length: 200\r\n\r\n{"text": '.encode()
    )
    await writer.drain()
    client = await aiohttp_client(server)
    fast = await client.post(path, json={"text": "snel"})  # others are served meanwhile
    assert fast.status == 201
    async with asyncio.timeout(5):
        status_line = await reader.readline()  # the server answers 408 and closes
    assert status_line.startswith(b"HTTP/1.1 408")
    writer.close()


async def test_slow_headers_are_cut_off(hub: Hub, aiohttp_server) -> None:
    server = await raw_server(hub, aiohttp_server, keepalive_timeout=0.3)
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    await writer.drain()
    assert await read_all(reader) == b""  # closed without an answer
    writer.close()


def test_no_ip_address_or_user_agent_is_stored(tmp_path: Path) -> None:
    """Privacy: the data file holds no addresses or user agents (limits are memory only)."""

    async def scenario() -> str:
        from aiohttp.test_utils import TestClient, TestServer

        hub = make_hub(tmp_path / "data")
        await hub.create_session(FOCUS_QUESTION)
        async with TestClient(TestServer(make_web_app(hub))) as client:
            path = f"/j/{hub.live.info.join_code}"
            await client.get(path, headers={"User-Agent": "SpyPhone/1.0"})
            await client.post(path + "/cards", json={"text": "idee"})
        await hub.close()
        return "".join(p.read_text() for p in (tmp_path / "data").rglob("*.json"))

    stored = asyncio.run(scenario())
    assert "idee" in stored
    assert "SpyPhone" not in stored and "127.0.0.1" not in stored
    assert not re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", stored)


def test_the_open_file_limit_is_raised_to_the_hard_limit(caplog) -> None:
    import logging
    import resource

    from cocreatie_tui.server import raise_open_file_limit

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowered = min(soft, 256)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
    try:
        with caplog.at_level(logging.INFO, logger="cocreatie_tui.server"):
            now, limit = raise_open_file_limit()
        assert limit == hard
        assert now == (hard if hard != resource.RLIM_INFINITY else now) and now > lowered
        assert f"was {lowered}" in caplog.text
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# -- the gate of requests worked on at once ------------------------------------------------


async def test_requests_waiting_for_the_disk_do_not_hold_the_gate(
    tmp_path: Path, aiohttp_client
) -> None:
    """A stuck disk must not stop the pages: a post gives its place back while it waits."""
    from tests.test_store_group_commit import GatedDisk, wait_for_thread

    disk = GatedDisk()
    hub = make_hub(tmp_path, disk=disk)
    await hub.create_session(FOCUS_QUESTION)
    app = make_web_app(hub, replace(WebSettings(), max_active_requests=2))
    client = await aiohttp_client(app)
    path = f"/j/{hub.live.info.join_code}"
    disk.gate.clear()
    disk.entered.clear()
    posts = [
        asyncio.ensure_future(client.post(path + "/cards", json={"text": f"idee {n}"}))
        for n in range(6)
    ]
    await wait_for_thread(disk.entered)
    page = await asyncio.wait_for(client.get(path), 5)  # served although six posts wait
    assert page.status == 200
    assert not any(p.done() for p in posts)  # and none is acknowledged before the disk
    disk.gate.set()
    answers = [await p for p in posts]
    assert [a.status for a in answers] == [201] * 6
    await hub.close()


async def test_the_gate_lets_a_limited_number_of_requests_work_at_once(
    hub: Hub, aiohttp_client
) -> None:
    app = make_web_app(hub, replace(WebSettings(), max_active_requests=2))
    active = peak = 0
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await release.wait()
        active -= 1
        return web.json_response({})

    app.router.add_get("/j/{code}/slow-thing", slow)
    client = await aiohttp_client(app)
    path = f"/j/{hub.live.info.join_code}"
    calls = [asyncio.ensure_future(client.get(path + "/slow-thing")) for _ in range(5)]
    stream = await client.get(path + "/events")  # streams never take a place
    assert stream.status == 200
    for _ in range(50):
        await asyncio.sleep(0.01)
    assert peak == 2
    release.set()
    assert [(await c).status for c in calls] == [200] * 5
    stream.close()


async def test_the_log_names_no_address_when_a_malformed_request_is_refused(
    tmp_path: Path, caplog
) -> None:
    import logging

    from cocreatie_tui.server import WebServer

    hub = make_hub(tmp_path)
    await hub.create_session(FOCUS_QUESTION)
    server = WebServer(hub, "127.0.0.1", 0, None)
    await server.start()
    try:
        with caplog.at_level(logging.DEBUG):
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            answer = await asyncio.wait_for(reader.readline(), 5)
            writer.close()
        assert b" 400 " in answer
        assert "Error handling request" in caplog.text
        assert "127.0.0.1" not in caplog.text
    finally:
        await server.stop()
        await hub.close()


async def test_a_body_that_cannot_be_decoded_is_400_not_500(client, join_path) -> None:
    for encoding in ("gzip", "deflate", "br"):
        response = await client.post(
            join_path + "/cards",
            data=b"\x00\x01 not compressed at all",
            headers={"Content-Type": "application/json", "Content-Encoding": encoding},
        )
        assert 400 <= response.status < 500, encoding


async def test_slow_senders_hold_no_place_at_the_gate(hub: Hub, aiohttp_server, aiohttp_client):  # type: ignore[no-untyped-def]
    server = await raw_server(hub, aiohttp_server, body_timeout=3.0, max_active_requests=1)
    path = f"/j/{hub.live.info.join_code}/cards"
    slow = []
    for _ in range(3):  # three clients that send headers and never the whole body
        reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 100\r\n\r\n{".encode()
        )
        await writer.drain()
        slow.append(writer)
    client = await aiohttp_client(server)
    answer = await asyncio.wait_for(client.post(path, json={"text": "gewoon"}), 2)
    assert answer.status == 201  # served while the slow ones still wait for their bodies
    for writer in slow:
        writer.close()
