"""Server-sent events to phones: each stream gets a small queue; slow readers are dropped."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from cocreatie_tui.events import HubEvent
from cocreatie_tui.hub import Hub

log = logging.getLogger(__name__)

View = Callable[[], dict[str, Any] | None]
QUEUE_SIZE = 8
KEEPALIVE_SECONDS = 25.0
_CLOSE = object()


class EventStreams:
    """Fans hub events out to every open stream; each stream renders its own view."""

    def __init__(self, hub: Hub, *, max_streams: int = 2_000) -> None:
        self.max_streams = max_streams
        self._queues: set[asyncio.Queue[object]] = set()
        hub.subscribe(self._on_event)

    @property
    def open_streams(self) -> int:
        return len(self._queues)

    def _on_event(self, event: HubEvent) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A reader this far behind is gone or stuck: drop it, it reconnects later.
                self._queues.discard(queue)
                queue._queue.clear()  # type: ignore[attr-defined]
                queue.put_nowait(_CLOSE)

    def close_all(self) -> None:
        for queue in list(self._queues):
            queue._queue.clear()  # type: ignore[attr-defined]
            queue.put_nowait(_CLOSE)
        self._queues.clear()

    async def serve(self, request: web.Request, view: View) -> web.StreamResponse:
        if len(self._queues) >= self.max_streams:
            return web.json_response(
                {"error": "too many streams"}, status=503, headers={"Retry-After": "10"}
            )
        queue: asyncio.Queue[object] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        try:
            await response.prepare(request)
            last = view()
            await response.write(_message(last))
            while True:
                try:
                    item = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if item is _CLOSE:
                    break
                current = view()
                if current != last:
                    last = current
                    await response.write(_message(current))
                if current is None:
                    break
        except ConnectionResetError:
            pass
        finally:
            self._queues.discard(queue)
        return response


def _message(view: dict[str, Any] | None) -> bytes:
    if view is None:
        return b"event: gone\ndata: {}\n\n"
    return b"event: state\ndata: " + json.dumps(view, ensure_ascii=False).encode() + b"\n\n"
