"""The app's event loop: the standard asyncio loop, taking a bounded number of sockets a turn.

Everything (the screen, the web server, the timers) shares one event loop. When 500 phones
press "send" in the same moment, the standard loop reads all 500 requests in one turn of the
loop and starts all 500 handlers in the next: two turns of 20-40 ms in which no timer fires
and the screen cannot draw (docs/PERFORMANCE.md). Here the selector hands over at most
``EVENTS_PER_TURN`` ready sockets a turn; the others stay ready (epoll is level-triggered)
and come in the following turns, in order: the kernel puts a socket it reported back at the
end of its ready list, so every phone gets its turn. Timers and the screen run between those
turns. Nothing else changes: the loop is ``asyncio.SelectorEventLoop``.

Where the platform has no epoll (macOS, Windows) the standard loop is used as it is.
"""

from __future__ import annotations

import asyncio
import math
import select
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

EVENTS_PER_TURN = 64

T = TypeVar("T")


def _fair_selector_class() -> type[selectors.BaseSelector] | None:
    epoll = getattr(selectors, "EpollSelector", None)
    if epoll is None:
        return None

    class FairEpollSelector(epoll):  # type: ignore[misc, valid-type]
        """``selectors.EpollSelector`` that returns at most ``events_per_turn`` sockets."""

        def __init__(self, events_per_turn: int = EVENTS_PER_TURN) -> None:
            super().__init__()
            self.events_per_turn = events_per_turn

        def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
            # As EpollSelector.select, with a smaller maxevents.
            if timeout is None:
                timeout = -1
            elif timeout <= 0:
                timeout = 0
            else:
                timeout = math.ceil(timeout * 1e3) * 1e-3
            most = max(1, min(len(self._fd_to_key), self.events_per_turn))
            ready: list[tuple[selectors.SelectorKey, int]] = []
            try:
                fd_event_list = self._selector.poll(timeout, most)
            except InterruptedError:
                return ready
            for fd, event in fd_event_list:
                events = 0
                if event & ~select.EPOLLIN:
                    events |= selectors.EVENT_WRITE
                if event & ~select.EPOLLOUT:
                    events |= selectors.EVENT_READ
                key = self._key_from_fd(fd)
                if key:
                    ready.append((key, events & key.events))
            return ready

    return FairEpollSelector


FairSelector = _fair_selector_class()


def new_event_loop(events_per_turn: int = EVENTS_PER_TURN) -> asyncio.AbstractEventLoop:
    """A loop that takes at most ``events_per_turn`` ready sockets a turn (when it can)."""
    if FairSelector is None:
        return asyncio.new_event_loop()
    return asyncio.SelectorEventLoop(FairSelector(events_per_turn))  # type: ignore[call-arg]


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the app's loop."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
