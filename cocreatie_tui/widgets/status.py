"""Small live widgets that features put in the board's status line (timer, phones in the room).

A feature module appends a factory to ``BOARD_STATUS_WIDGETS``; the board mounts one of each.
A widget that has nothing live to show and shows a key hint instead sets the class ``-idle``:
the projector view hides it.
Keeping the hook here lets features add to the board without editing the board screen.
A feature with a clock (speaking timer, café round) shows it in a ``LiveStatusLine``: it ticks,
and it flashes when its time runs out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from cocreatie_tui.widgets.hub_events import listen

if TYPE_CHECKING:
    from cocreatie_tui.app import CocreatieApp

BOARD_STATUS_WIDGETS: list[Callable[[], Widget]] = []

TICK_SECONDS = 0.5
FLASH_TIMES = 8
FLASH_SECONDS = 0.35


def flash(widget: Widget) -> None:
    """Blink ``widget`` a few times (the class ``-flash`` on and off), then leave it off."""
    count = 0

    def toggle() -> None:
        nonlocal count
        count += 1
        widget.set_class(count % 2 == 1 and count < FLASH_TIMES, "-flash")

    widget.set_class(True, "-flash")
    widget.set_interval(FLASH_SECONDS, toggle, repeat=FLASH_TIMES)


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


class LiveStatusLine(StatusLine):
    """A status line with a feature's clock: shown again on every tick and on the hub events
    in ``HEARS``, and flashing when one of them ``ends`` a turn or a round.

    A subclass says which events it hears, what its tick asks the feature (``ring``), and what
    it shows (``show_now``).
    """

    HEARS: ClassVar[tuple[type, ...]] = ()

    @property
    def cocreatie(self) -> CocreatieApp:
        return cast("CocreatieApp", self.app)

    def on_mount(self) -> None:
        listen(self, self.cocreatie.hub_events, self.HEARS, self.on_hub_event)
        self.set_interval(TICK_SECONDS, self.tick)
        self.show_now()

    async def tick(self) -> None:
        await self.ring()
        self.show_now()

    def on_hub_event(self, event: object) -> None:
        if self.ends(event):
            flash(self)
        self.show_now()

    async def ring(self) -> None:
        """Ask the feature whether its time just ran out, and ring if it did."""

    def ends(self, event: object) -> bool:
        """Whether ``event`` says the time ran out (every display flashes)."""
        return False

    def show_now(self) -> None:
        """Show the feature's current state."""
