"""Small live widgets that features put in the board's status line (timer, phones in the room).

A feature module appends a factory to ``BOARD_STATUS_WIDGETS``; the board mounts one of each.
Keeping the hook here lets features add to the board without editing the board screen.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

BOARD_STATUS_WIDGETS: list[Callable[[], Widget]] = []


class StatusLine(Static):
    """A one-line status widget as wide as its text.

    A layout pass redraws the whole screen (about 15 ms at 160x45 on a small machine), and
    these widgets change often (a clock every second, a counter per card): a text of the same
    width is drawn in place, an unchanged text costs nothing. Participant text stays plain.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._status_text: str | None = None

    def show_text(self, text: str) -> None:
        before = self._status_text
        if text == before:
            return
        self._status_text = text
        same_width = before is not None and cell_len(text) == cell_len(before)
        self.update(Content(text), layout=not same_width)
