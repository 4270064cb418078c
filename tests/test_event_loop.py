"""The app's event loop takes a bounded number of ready sockets a turn, and every one in turn."""

from __future__ import annotations

import asyncio
import selectors
import socket

import pytest

from cocreatie_tui import event_loop

pytestmark = pytest.mark.skipif(
    event_loop.FairSelector is None, reason="no epoll here: the standard loop is used"
)


def ready_pairs(count: int) -> list[tuple[socket.socket, socket.socket]]:
    pairs = [socket.socketpair() for _ in range(count)]
    for writer, _ in pairs:
        writer.send(b"x")  # every reading end is ready
    return pairs


def test_a_turn_takes_at_most_its_share_of_ready_sockets_and_all_get_their_turn() -> None:
    assert event_loop.FairSelector is not None
    selector = event_loop.FairSelector(8)
    pairs = ready_pairs(30)
    try:
        for _, reader in pairs:
            selector.register(reader, selectors.EVENT_READ)
        seen: list[socket.socket] = []
        for _ in range(4):  # 30 ready sockets, 8 a turn: four turns for all (nothing is read)
            ready = selector.select(0)
            assert len(ready) == 8
            seen.extend(key.fileobj for key, _ in ready)  # type: ignore[misc]
        # Round robin: the first 30 reported are the 30 sockets, then it starts again.
        assert set(seen[:30]) == {reader for _, reader in pairs}
        assert seen[30:] == seen[:2]
    finally:
        selector.close()
        for a, b in pairs:
            a.close()
            b.close()


def test_an_idle_selector_waits_and_a_write_wakes_it() -> None:
    assert event_loop.FairSelector is not None
    selector = event_loop.FairSelector(4)
    a, b = socket.socketpair()
    try:
        selector.register(b, selectors.EVENT_READ)
        assert selector.select(0.01) == []
        a.send(b"x")
        ((key, events),) = selector.select(1)
        assert key.fileobj is b and events == selectors.EVENT_READ
    finally:
        selector.close()
        a.close()
        b.close()


def test_the_apps_loop_serves_many_connections_at_once() -> None:
    async def main() -> list[bytes]:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readexactly(5))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]

        async def client(n: int) -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"{n:05d}".encode())
            answer = await reader.read()
            writer.close()
            return answer

        try:
            return await asyncio.gather(*(client(n) for n in range(300)))
        finally:
            server.close()
            await server.wait_closed()

    answers = event_loop.run(main())
    assert answers == [f"{n:05d}".encode() for n in range(300)]
