"""Small live widgets that features put in the board's status line (timer, phones in the room).

A feature module appends a factory to ``BOARD_STATUS_WIDGETS``; the board mounts one of each.
A widget that has nothing live to show and shows a key hint instead sets the class ``-idle``:
the projector view hides it.
Keeping the hook here lets features add to the board without editing the board screen.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

BOARD_STATUS_WIDGETS: list[Callable[[], Widget]] = []


SHRINK_CELLS = 8
"""A status text this much narrower than its widget makes the widget narrower; less is padded."""


class StatusLine(Static):
    """A one-line status widget as wide as its text.

    A layout pass redraws the whole screen (about 15 ms at 160x45 on a small machine), and
    these widgets change often (a clock every second, a counter per card): an unchanged text
    costs nothing, and a text that fits the widget's width is drawn in place (padded when a
    little narrower: "99" to "100" phones and back does not resize the status line).
    Participant text stays plain.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._status_text: str | None = None
        self._status_width = 0

    def show_text(self, text: str) -> None:
        if text == self._status_text:
            return
        first = self._status_text is None
        self._status_text = text
        width = cell_len(text)
        fits = not first and self._status_width - SHRINK_CELLS < width <= self._status_width
        if not fits:
            self._status_width = width
            self.styles.min_width = width + self.styles.gutter.width
        self.update(Content(text), layout=not fits)
