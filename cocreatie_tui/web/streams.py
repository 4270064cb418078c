"""Server-sent events to phones, cheap enough for a thousand open streams.

Each stream holds no queue of events, only a flag "something changed" (a queue of at most one
entry): however many events arrive while a phone is slow, it costs the same memory, and the
stream then renders its view once. A stream renders at most every ``stream_min_interval``
seconds, so a flood of events costs each stream a few renders a second.

A ``CardAdded`` event concerns only the phone that sent the card (a phone's view lists its own
cards), and that phone's page already shows the card from the answer to its post: its streams
(other tabs of the same phone) are woken one to two times ``stream_own_card_delay`` seconds
later (spread, so that the phones of a burst do not all render in the same turn of the loop),
once for all the cards sent meanwhile. Rendering every sender's view for every card halved the
server's throughput during a burst. Every other event wakes every stream;
at most ``stream_renders_per_turn`` of them render in one turn of the event loop.

A phone that does not read is dropped after ``stream_write_timeout``; it reconnects later.
Streams are capped in total (503) and per address (429; not for loopback).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from cocreatie_tui.events import CardAdded
from cocreatie_tui.hub import Hub
from cocreatie_tui.web.limits import Limits
from cocreatie_tui.web.settings import WebSettings

log = logging.getLogger(__name__)

View = Callable[[], dict[str, Any] | None]
KEEPALIVE_SECONDS = 25.0


class _Stream:
    __slots__ = ("changed", "closing", "participant_id", "later")

    def __init__(self, participant_id: str | None) -> None:
        self.changed = asyncio.Event()
        self.closing = False
        self.participant_id = participant_id
        self.later: asyncio.TimerHandle | None = None

    def wake(self) -> None:
        self.changed.set()

    def wake_later(self, delay: float) -> None:
        """Wake in ``delay`` seconds, unless a wake is already due by then."""
        if self.later is None and not self.changed.is_set():
            self.later = asyncio.get_running_loop().call_later(delay, self._wake_now)

    def _wake_now(self) -> None:
        self.later = None
        self.changed.set()

    def stop_waiting(self) -> None:
        if self.later is not None:
            self.later.cancel()
            self.later = None


class TurnShare:
    """At most ``per_turn`` takers go on in one turn of the event loop; the others wait for the
    next turns, first come first served. A prompt change wakes a thousand streams at once:
    rendering them all in one turn would hold the screen and the timers ~100 ms."""

    def __init__(self, per_turn: int) -> None:
        self.per_turn = per_turn
        self._used = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._next_turn_due = False

    async def take(self) -> None:
        if self._used < self.per_turn and not self._waiting:
            self._used += 1
            self._count_turn()
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self._count_turn()
        await waiter  # a taker that goes away is skipped (its future is cancelled)

    def _count_turn(self) -> None:
        if not self._next_turn_due:
            self._next_turn_due = True
            asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        self._next_turn_due = False
        self._used = 0
        while self._waiting and self._used < self.per_turn:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self._used += 1
        if self._waiting or self._used:
            self._count_turn()


class EventStreams:
    """Fans hub events out to every open stream; each stream renders its own view."""

    def __init__(
        self,
        hub: Hub,
        settings: WebSettings | None = None,
        limits: Limits | None = None,
        *,
        max_streams: int | None = None,
    ) -> None:
        self.settings = settings or WebSettings()
        self.limits = limits
        self.max_streams = max_streams if max_streams is not None else self.settings.max_streams
        self._streams: set[_Stream] = set()
        self._by_participant: dict[str, set[_Stream]] = {}
        self._per_address: dict[str, int] = {}
        self._renders = TurnShare(self.settings.stream_renders_per_turn)
        hub.subscribe(self._on_event)

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def _on_event(self, event: object) -> None:
        if isinstance(event, CardAdded):
            # Only the sender's view changes, and the sending page shows the card already.
            sender = event.card.participant_id
            # Spread over a second delay: the phones of a burst must not all render at once.
            delay = self.settings.stream_own_card_delay * (1 + random.random())
            for stream in self._by_participant.get(sender or "", ()):
                stream.wake_later(delay)
            return
        for stream in self._streams:
            stream.wake()

    def close_all(self) -> None:
        for stream in self._streams:
            stream.closing = True
            stream.wake()

    def _refuse(self, status: int, retry: int) -> web.Response:
        return web.json_response(
            {"error": "too many streams"}, status=status, headers={"Retry-After": str(retry)}
        )

    async def serve(
        self, request: web.Request, view: View, *, participant_id: str | None = None
    ) -> web.StreamResponse:
        if request.method == "HEAD":  # the headers of a stream, and no stream
            return web.Response(headers={"Content-Type": "text/event-stream"})
        if len(self._streams) >= self.max_streams:
            return self._refuse(503, 10)
        address = request.remote
        counted = self.limits is not None and not self.limits.exempt(address)
        if counted:
            assert address is not None
            if self._per_address.get(address, 0) >= self.settings.max_streams_per_address:
                return self._refuse(429, 30)
            self._per_address[address] = self._per_address.get(address, 0) + 1
        stream = _Stream(participant_id)
        self._add(stream)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        try:
            await response.prepare(request)
            await self._run(stream, response, view)
        except (ConnectionError, TimeoutError):
            pass  # the phone went away or stopped reading: it reconnects when it can
        finally:
            self._remove(stream)
            if counted:
                assert address is not None
                left = self._per_address.get(address, 1) - 1
                if left > 0:
                    self._per_address[address] = left
                else:
                    self._per_address.pop(address, None)
        return response

    async def _run(self, stream: _Stream, response: web.StreamResponse, view: View) -> None:
        loop = asyncio.get_running_loop()
        settings = self.settings
        last = view()
        await self._write(response, _message(last))
        sent_at = loop.time()
        while last is not None and not stream.closing:
            try:
                async with asyncio.timeout(KEEPALIVE_SECONDS):
                    await stream.changed.wait()
            except TimeoutError:
                await self._write(response, b": keepalive\n\n")
                continue
            if stream.closing:
                break
            wait = sent_at + settings.stream_min_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)  # let a burst of events become one update
            await self._renders.take()
            stream.changed.clear()
            stream.stop_waiting()  # this render shows whatever a delayed wake was for
            current = view()
            if current != last:
                last = current
                await self._write(response, _message(current))
                sent_at = loop.time()

    async def _write(self, response: web.StreamResponse, data: bytes) -> None:
        async with asyncio.timeout(self.settings.stream_write_timeout):
            await response.write(data)

    def _add(self, stream: _Stream) -> None:
        self._streams.add(stream)
        if stream.participant_id is not None:
            self._by_participant.setdefault(stream.participant_id, set()).add(stream)

    def _remove(self, stream: _Stream) -> None:
        stream.stop_waiting()
        self._streams.discard(stream)
        if stream.participant_id is not None:
            group = self._by_participant.get(stream.participant_id)
            if group is not None:
                group.discard(stream)
                if not group:
                    del self._by_participant[stream.participant_id]


def _message(view: dict[str, Any] | None) -> bytes:
    if view is None:
        return b"event: gone\ndata: {}\n\n"
    return b"event: state\ndata: " + json.dumps(view, ensure_ascii=False).encode() + b"\n\n"
