"""The world café in one line of the board's status bar, and the tick every café display shares.

The tick asks the café feature whether the round's time just ran out (``CafeFeature.tick``,
which also saves that, so a restart does not ring again); the display that got the answer rings
the terminal bell and plays the bell sound (``cocreatie_tui.sound``) when the facilitator has
sound on. Every café display flashes when it hears ``CafeChanged`` with the end signal.
"""

from __future__ import annotations

from textual.app import App

from cocreatie_tui import sound
from cocreatie_tui.core.cafe import CafeStatus
from cocreatie_tui.core.timer import format_clock
from cocreatie_tui.features.cafe import CAFE_EVENTS, CafeChanged, CafeFeature, cafe_of
from cocreatie_tui.hub import Hub
from cocreatie_tui.widgets.status import LiveStatusLine


def sound_on(hub: Hub) -> bool:
    """The facilitator's sound setting lives with the speaking timers (key ``b``); on when the
    app has no such setting."""
    try:
        from cocreatie_tui.features.turns import turns_of

        return bool(turns_of(hub).settings.sound)
    except (ImportError, LookupError, AttributeError):
        return True


async def tick_and_ring(app: App[object], cafe: CafeFeature) -> bool:
    """One tick: take the round's end signal and ring for it (bell, and the sound if on)."""
    signal = await cafe.tick()
    if signal:
        app.bell()
        if sound_on(cafe.hub):
            await sound.play()
    return signal


def round_line(cafe: CafeFeature, t) -> str:  # type: ignore[no-untyped-def]
    """ "Wereldcafé · ronde 2 van 3 · 12:34 · gepauzeerd", or "" when the café is not on."""
    state = cafe.cafe
    status = state.status()
    if status in (CafeStatus.SETUP, CafeStatus.CLOSED):
        return ""
    parts = [t("cafe.name"), t("cafe.round_of", number=state.current + 1, rounds=state.rounds)]
    if state.timer is not None and status in (
        CafeStatus.READY,
        CafeStatus.RUNNING,
        CafeStatus.PAUSED,
    ):
        parts.append(format_clock(state.timer.remaining(cafe.now())))
    parts.append(t(f"cafe.status.{status}"))
    return " · ".join(parts)


class CafeStatusLine(LiveStatusLine):
    """On the board: the café's round and its time left; nothing when no café is on."""

    DEFAULT_CSS = """
    CafeStatusLine { width: auto; height: 1; color: $text; padding: 0 1; }
    CafeStatusLine.-over { color: $error; text-style: bold; }
    CafeStatusLine.-flash { background: $error; color: $background; text-style: bold; }
    """

    HEARS = CAFE_EVENTS

    def __init__(self) -> None:
        super().__init__(id="cafe-status")

    @property
    def cafe(self) -> CafeFeature:
        return cafe_of(self.cocreatie.hub)

    async def ring(self) -> None:
        await tick_and_ring(self.app, self.cafe)

    def ends(self, event: object) -> bool:
        return isinstance(event, CafeChanged) and event.end_signal

    def show_now(self) -> None:
        if self.cocreatie.hub.state is None:
            return
        line = round_line(self.cafe, self.cocreatie.t)
        if self.display != bool(line):
            self.display = bool(line)
        timer = self.cafe.cafe.timer
        over = bool(line) and timer is not None and timer.is_over(self.cafe.now())
        self.set_class(over and not self.cafe.cafe.ended, "-over")
        self.show_text(line)
