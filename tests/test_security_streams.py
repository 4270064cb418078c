"""Live-update streams: capped in total and per address, bounded per phone, cheap to fan out."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace
from pathlib import Path

from aiohttp import ClientSession, CookieJar

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.web.app import STREAMS_KEY, make_web_app
from cocreatie_tui.web.settings import WebSettings
from tests.conftest import FOCUS_QUESTION


async def streaming_client(hub: Hub, aiohttp_client, **settings):  # type: ignore[no-untyped-def]
    settings.setdefault("stream_min_interval", 0.0)
    settings.setdefault("stream_own_card_delay", 0.0)
    app = make_web_app(hub, replace(WebSettings(), **settings))
    return app, await aiohttp_client(app)


async def next_event(stream, timeout: float = 5) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    raw = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), timeout)
    kind, _, data = raw.decode().partition("\n")
    return kind.removeprefix("event: "), json.loads(data.removeprefix("data: "))


async def test_streams_are_capped_in_total(hub: Hub, aiohttp_client) -> None:
    app, client = await streaming_client(hub, aiohttp_client, max_streams=3)
    path = f"/j/{hub.live.info.join_code}/events"
    streams = [await client.get(path) for _ in range(3)]
    assert all(s.status == 200 for s in streams)
    refused = await client.get(path)
    assert refused.status == 503 and refused.headers["Retry-After"]
    streams[0].close()
    await asyncio.sleep(0.05)  # the server notices the closed connection
    again = await client.get(path)
    assert again.status == 200
    for s in [*streams, again]:
        s.close()


async def test_streams_are_capped_per_address_but_not_for_loopback(
    hub: Hub, aiohttp_client
) -> None:
    _, limited = await streaming_client(
        hub, aiohttp_client, limit_loopback=True, max_streams_per_address=2
    )
    path = f"/j/{hub.live.info.join_code}/events"
    held = [await limited.get(path) for _ in range(2)]
    refused = await limited.get(path)
    assert refused.status == 429 and refused.headers["Retry-After"]
    _, loopback = await streaming_client(hub, aiohttp_client, max_streams_per_address=2)
    many = [await loopback.get(path) for _ in range(5)]
    assert all(s.status == 200 for s in many)
    for s in [*held, *many]:
        s.close()


async def test_a_card_wakes_only_its_senders_stream_and_a_prompt_change_wakes_all(
    hub: Hub, aiohttp_client
) -> None:
    app, client = await streaming_client(hub, aiohttp_client)
    code = hub.live.info.join_code
    phones = []
    for _ in range(2):
        session = ClientSession(base_url=client.make_url(""), cookie_jar=CookieJar(unsafe=True))
        await session.get(f"/j/{code}")
        stream = await session.get(f"/j/{code}/events")
        assert (await next_event(stream))[0] == "state"
        phones.append((session, stream))
    (alice, alice_stream), (bob, bob_stream) = phones
    await alice.post(f"/j/{code}/cards", json={"text": "idee van Alice"})
    kind, view = await next_event(alice_stream)
    assert [c["text"] for c in view["cards"]] == ["idee van Alice"]
    streams = app[STREAMS_KEY]
    woken = [s for s in streams._streams if s.changed.is_set() or s.later is not None]
    assert woken == []  # Bob's stream was not woken by Alice's card
    await hub.set_title("Een nieuwe vraag")
    for stream in (alice_stream, bob_stream):
        kind, view = await next_event(stream)
        assert view["prompt"] == "Een nieuwe vraag"
    for session, stream in phones:
        stream.close()
        await session.close()


async def test_a_phones_own_cards_reach_its_stream_once_after_the_delay(
    hub: Hub, aiohttp_client
) -> None:
    """The sending page shows its card from the answer; its stream catches up a little later,
    once for a run of cards, so a burst of cards costs no render per card."""
    app, client = await streaming_client(hub, aiohttp_client, stream_own_card_delay=0.6)
    code = hub.live.info.join_code
    await client.get(f"/j/{code}")
    stream = await client.get(f"/j/{code}/events")
    assert (await next_event(stream))[1]["cards"] == []
    sent_at = asyncio.get_running_loop().time()
    # Five cards at once (one write): all sent well before the stream's delayed wake.
    posts = [client.post(f"/j/{code}/cards", json={"text": f"idee {n}"}) for n in range(5)]
    assert [answer.status for answer in await asyncio.gather(*posts)] == [201] * 5
    with_cards = await next_event(stream)
    waited = asyncio.get_running_loop().time() - sent_at
    assert sorted(c["text"] for c in with_cards[1]["cards"]) == [f"idee {n}" for n in range(5)]
    assert waited >= 0.55  # not at once: the page knew already
    try:
        extra = await next_event(stream, timeout=0.8)
    except TimeoutError:
        extra = None
    assert extra is None  # five cards, one update
    stream.close()


async def test_another_event_brings_a_phones_new_card_without_waiting_for_the_delay(
    hub: Hub, aiohttp_client
) -> None:
    app, client = await streaming_client(hub, aiohttp_client, stream_own_card_delay=30)
    code = hub.live.info.join_code
    await client.get(f"/j/{code}")
    stream = await client.get(f"/j/{code}/events")
    await next_event(stream)
    await client.post(f"/j/{code}/cards", json={"text": "mijn idee"})
    (waiting,) = app[STREAMS_KEY]._streams
    assert waiting.later is not None
    await hub.set_title("Een nieuwe vraag")
    kind, view = await next_event(stream, timeout=2)
    assert view["prompt"] == "Een nieuwe vraag"
    assert [c["text"] for c in view["cards"]] == ["mijn idee"]
    assert waiting.later is None  # the delayed wake is no longer due
    stream.close()


async def test_a_flood_of_events_costs_a_slow_phone_one_update_not_a_queue(
    hub: Hub, aiohttp_client
) -> None:
    app, client = await streaming_client(hub, aiohttp_client, stream_min_interval=0.1)
    renders = 0
    stream = await client.get(f"/j/{hub.live.info.join_code}/events")
    await next_event(stream)
    streams = app[STREAMS_KEY]
    (only,) = streams._streams

    for _ in range(5000):  # e.g. a timer publishing very often, while the phone is slow
        hub.publish(object())
    assert only.changed.is_set()  # one flag, however many events: nothing queues up

    from cocreatie_tui.web import app as web_app

    real_view = web_app.participant_view

    def counting_view(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal renders
        renders += 1
        return real_view(*args, **kwargs)

    web_app.participant_view = counting_view
    try:
        await hub.set_title("Vraag 2")
        kind, view = await next_event(stream)
        for n in range(50):
            await hub.set_title(f"Vraag {n + 3}")
        await asyncio.sleep(0.3)
        assert renders <= 6  # a burst of 50 changes: a few renders, not 50
        latest = view
        while True:
            try:
                kind, latest = await next_event(stream, timeout=0.5)
            except TimeoutError:
                break
        assert latest["prompt"] == "Vraag 52"  # the phone ends on the latest state
    finally:
        web_app.participant_view = real_view
        stream.close()


async def test_a_phone_that_does_not_read_is_dropped(tmp_path: Path, aiohttp_server) -> None:
    hub = make_hub(tmp_path)
    await hub.create_session(FOCUS_QUESTION)
    settings = replace(
        WebSettings(), stream_min_interval=0.0, stream_own_card_delay=0.0, stream_write_timeout=0.3
    )
    server = await aiohttp_server(make_web_app(hub, settings))
    app = server.app
    code = hub.live.info.join_code
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((server.host, server.port))
    sock.setblocking(False)
    reader, writer = await asyncio.open_connection(sock=sock)
    pid = "p" * 22
    cookie = "cocreatie_" + "".join(c for c in hub.live.info.id if c.isalnum())
    request = f"GET /j/{code}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}={pid}\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    streams = app[STREAMS_KEY]
    for _ in range(100):
        if streams.open_streams:
            break
        await asyncio.sleep(0.01)
    assert streams.open_streams == 1
    text = "lang idee " * 45
    for _ in range(400):  # each update lists all of the phone's cards: megabytes unread
        await hub.submit_card(text, source=CardSource.PHONE, participant_id=pid)
        await asyncio.sleep(0)
        if not streams.open_streams:
            break
    for _ in range(300):
        if not streams.open_streams:
            break
        await asyncio.sleep(0.01)
    assert streams.open_streams == 0  # dropped; the phone reconnects when it reads again
    writer.close()
    await hub.close()


async def test_closing_the_server_ends_every_stream(hub: Hub, aiohttp_client) -> None:
    app, client = await streaming_client(hub, aiohttp_client)
    stream = await client.get(f"/j/{hub.live.info.join_code}/events")
    await next_event(stream)
    app[STREAMS_KEY].close_all()
    rest = await asyncio.wait_for(stream.content.read(), 5)
    assert rest == b""
    assert app[STREAMS_KEY].open_streams == 0


async def test_head_on_the_stream_answers_headers_and_no_stream(hub: Hub, aiohttp_client) -> None:
    app, client = await streaming_client(hub, aiohttp_client)
    path = f"/j/{hub.live.info.join_code}/events"
    head = await client.head(path)
    assert head.status == 200 and head.headers["Content-Type"] == "text/event-stream"
    assert app[STREAMS_KEY].open_streams == 0
    again = await client.get("/healthz")  # the connection is still clean for the next request
    assert again.status == 200


async def test_streams_woken_together_render_a_share_per_turn_of_the_loop_in_order() -> None:
    from cocreatie_tui.web.streams import TurnShare

    share = TurnShare(per_turn=3)
    turn = 0
    admitted: list[tuple[int, int]] = []  # (taker, turn it went on in)
    counting = True

    def count_turns() -> None:
        nonlocal turn
        turn += 1
        if counting:
            asyncio.get_running_loop().call_soon(count_turns)

    async def taker(n: int) -> None:
        await share.take()
        admitted.append((n, turn))

    asyncio.get_running_loop().call_soon(count_turns)
    await asyncio.sleep(0)
    await asyncio.gather(*(taker(n) for n in range(10)))
    counting = False
    assert [n for n, _ in admitted] == list(range(10))  # first come, first served
    per_turn: dict[int, int] = {}
    for _, at in admitted:
        per_turn[at] = per_turn.get(at, 0) + 1
    assert max(per_turn.values()) <= 3 and len(per_turn) >= 4  # 10 takers, 3 a turn


async def test_a_taker_that_goes_away_gives_its_place_to_the_next() -> None:
    from cocreatie_tui.web.streams import TurnShare

    share = TurnShare(per_turn=1)
    first = asyncio.ensure_future(share.take())
    gone = asyncio.ensure_future(share.take())
    waiting = asyncio.ensure_future(share.take())
    await asyncio.sleep(0)  # all three ask in the same turn: one goes on, two wait
    assert first.done() and not gone.done() and not waiting.done()
    gone.cancel()
    await asyncio.wait_for(waiting, 1)
    assert gone.cancelled()
