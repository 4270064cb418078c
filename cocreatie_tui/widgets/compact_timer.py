"""The speaking timer in one line of the board's status bar, and the tick every timer display
shares.

The tick asks the turns feature which timers ran out (``TurnsFeature.tick``, which also saves
that, so a restart does not ring again); the display that got the answer rings the terminal bell
and plays the bell sound. Every display flashes when it hears ``TurnsChanged`` with end signals,
so the board, the timer screen and the phones all show the same end.
"""

from __future__ import annotations

from textual.app import App

from cocreatie_tui import sound
from cocreatie_tui.core.timer import Countdown, TimerStatus, format_clock
from cocreatie_tui.features.turns import TURNS_EVENTS, TurnsChanged, TurnsFeature, turns_of
from cocreatie_tui.i18n import Translator
from cocreatie_tui.widgets.status import LiveStatusLine


async def tick_and_ring(app: App[object], turns: TurnsFeature) -> list[str]:
    """One tick: take the end signals and ring for them (bell, and the sound if it is on)."""
    signals = await turns.tick()
    if signals:
        app.bell()
        if turns.settings.sound:
            await sound.play()
    return signals


def anonymous_label(t: Translator):  # type: ignore[no-untyped-def]
    return lambda number: t("turns.anonymous", number=number)


def shown_timer(turns: TurnsFeature) -> tuple[str, Countdown] | None:
    """The timer a display shows: the current turn, else the activity."""
    speaking = turns.speaking
    if speaking.current_timer is not None:
        return "turn", speaking.current_timer
    if speaking.activity is not None:
        return "activity", speaking.activity
    return None


class CompactTimer(LiveStatusLine):
    """On the board: who speaks and their time left, the activity's time left, or a hint."""

    DEFAULT_CSS = """
    CompactTimer { width: auto; max-width: 70%; height: 1; margin-right: 4; color: $text; }
    CompactTimer.-idle { color: $text-muted; }
    CompactTimer.-paused { color: $warning; }
    CompactTimer.-over { color: $error; text-style: bold; }
    CompactTimer.-flash { background: $error; color: $background; text-style: bold; }
    """

    # Turns show at once; other events (a card, a theme) do not change the timer, and the tick
    # shows anything else (a speaker's new nickname) within half a second.
    HEARS = TURNS_EVENTS

    def __init__(self) -> None:
        super().__init__(id="compact-timer")

    @property
    def turns(self) -> TurnsFeature:
        return turns_of(self.cocreatie.hub)

    async def ring(self) -> None:
        await tick_and_ring(self.app, self.turns)

    def ends(self, event: object) -> bool:
        return isinstance(event, TurnsChanged) and bool(event.end_signals)

    def show_now(self) -> None:
        turns, t = self.turns, self.cocreatie.t
        if self.cocreatie.hub.state is None:
            return
        now = turns.now()
        parts: list[str] = []
        speaking = turns.speaking
        over = paused = False
        if speaking.current is not None and speaking.current_timer is not None:
            timer = speaking.current_timer
            if turns.settings.names_on_projector:
                name = turns.label(speaking.current.speaker_id, anonymous_label(t))
                parts.append(t("turns.compact.speaker", name=name))
            else:
                parts.append(t("turns.compact.someone"))
            parts.append(format_clock(timer.remaining(now)))
            over = timer.is_over(now)
            paused = timer.status is TimerStatus.PAUSED
            if paused:
                parts.append(t("turns.paused"))
        activity = speaking.activity
        if activity is not None:
            if parts:
                parts.append("│")
            parts.append(t("turns.compact.activity", clock=format_clock(activity.remaining(now))))
            if speaking.current is None:
                over = activity.is_over(now)
                paused = activity.status is TimerStatus.PAUSED
                if paused:
                    parts.append(t("turns.paused"))
        idle = not parts
        if idle:
            parts.append(t("turns.compact.hint"))
        self.set_class(idle, "-idle")
        self.set_class(over, "-over")
        self.set_class(paused and not over, "-paused")
        self.show_text(" ".join(parts))
