"""Small live widgets that features put in the board's status line (timer, phones in the room).

A feature module appends a factory to ``BOARD_STATUS_WIDGETS``; the board mounts one of each.
Keeping the hook here lets features add to the board without editing the board screen.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget

BOARD_STATUS_WIDGETS: list[Callable[[], Widget]] = []
