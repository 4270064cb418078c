"""Listening to the hub's events from a widget or a screen, for the kinds it shows only.

Textual's ``Signal`` hands every event to every subscriber as a message, and each costs a
message and an ``inspect.signature`` call (~40 µs): 2,500 cards in a burst, times every widget
on the board. Sorting on publish (``immediate``) makes an event a widget does not show cost
an ``isinstance`` check; the ones it shows reach ``handler`` as before, after the messages
already waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump
from textual.signal import Signal


def listen(
    node: MessagePump,
    signal: Signal[Any],
    kinds: type | tuple[type, ...],
    handler: Callable[[Any], object],
) -> None:
    def relay(event: object) -> None:
        if isinstance(event, kinds):
            node.call_next(handler, event)

    signal.subscribe(node, relay, immediate=True)  # type: ignore[arg-type]
