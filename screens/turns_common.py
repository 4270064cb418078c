"""What the timer, speakers and statistics screens share: the keys that run a turn, the tick
that rings at the end, a small question dialog, and how to open one of them.

The three screens replace each other (``switch_screen``), so the stack stays board + one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from cocreatie_tui.screens.base import AppModal, AppScreen, open_family_screen
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from cocreatie_tui.core.timer import format_clock, typed_minutes
from cocreatie_tui.core.turns import TurnError
from cocreatie_tui.features.turns import TURNS_EVENTS, TurnsChanged, TurnsFeature, turns_of
from cocreatie_tui.widgets.compact_timer import anonymous_label, tick_and_ring
from cocreatie_tui.widgets.hub_events import listen
from cocreatie_tui.widgets.status import TICK_SECONDS

MAX_MINUTES = 600


def parse_minutes(text: str) -> float | None:
    """ "2" or "1,5" minutes, or "1:30" (minutes:seconds), as seconds (0 clears a timer, at
    most ``MAX_MINUTES``); None otherwise."""
    seconds = typed_minutes(text)
    return float(seconds) if seconds is not None and seconds <= MAX_MINUTES * 60 else None


class TurnsScreen(AppScreen):
    """A screen about speaking turns: the shared keys, the tick, and the facilitator's feedback."""

    CSS_PATH = "timer.tcss"
    BINDINGS = [
        Binding("escape", "back", "key.back", id="turns.back"),
        Binding("space", "toggle_pause", "turns.key.pause", id="turns.pause"),
        Binding("n", "next", "turns.key.next", id="turns.next"),
        Binding("p", "pass", "turns.key.pass", id="turns.pass"),
        Binding("e", "end_turn", "turns.key.end", id="turns.end", show=False),
        Binding("r", "plan_round", "turns.key.round", id="turns.round"),
        Binding("E", "end_round", "turns.key.end_round", id="turns.end_round", show=False),
        Binding("z", "shuffle", "turns.key.shuffle", id="turns.shuffle", show=False),
        Binding("m", "toggle_mode", "turns.key.mode", id="turns.mode"),
        Binding("k", "open('timer')", "turns.key.timer", id="turns.timer", show=False),
        Binding("l", "open('speakers')", "turns.key.speakers", id="turns.speakers", show=False),
        Binding("s", "open('stats')", "turns.key.stats", id="turns.stats", show=False),
    ]

    @property
    def turns(self) -> TurnsFeature:
        return turns_of(self.hub)

    def on_mount(self) -> None:
        # Only what changes the turns: 500 phones sending cards cost this screen nothing.
        listen(self, self.cocreatie.hub_events, TURNS_EVENTS, self.on_hub_event)
        self.set_interval(TICK_SECONDS, self.tick)
        self.show_now()

    async def tick(self) -> None:
        await tick_and_ring(self.app, self.turns)
        self.show_now()

    def on_hub_event(self, event: object) -> None:
        if isinstance(event, TurnsChanged) and event.end_signals:
            self.on_end_signal()
        self.show_now()

    def on_end_signal(self) -> None:
        """Flash this screen's timer display (each screen knows which one it has)."""

    def show_now(self) -> None:
        """Show the current state; called on every tick and hub event."""

    def name_of(self, speaker_id: str) -> str:
        return self.turns.label(speaker_id, anonymous_label(self.t))

    async def command(self, command: Awaitable[Any]) -> bool:
        """Run a turns command; a refusal is told to the facilitator, never raised."""
        try:
            problem = await self.cocreatie.run_command(command)
        except TurnError as error:
            problem = self.t(f"turns.error.{error.key}")
        if problem is not None:
            self.notify(problem, severity="warning")
            self.show_now()
            return False
        self.show_now()
        return True

    # -- the shared keys ---------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self, which: str) -> None:
        open_turns_screen(self.app, which)

    async def action_toggle_pause(self) -> None:
        await self.command(self.turns.toggle_pause())

    async def action_next(self) -> None:
        turns = self.turns
        had_round = turns.speaking.round_active
        if await self.command(turns.next_speaker()):
            if had_round and not turns.speaking.round_active:
                self.notify(self.t("turns.round_over"))

    async def action_pass(self) -> None:
        await self.command(self.turns.pass_turn())

    async def action_end_turn(self) -> None:
        await self.command(self.turns.end_turn())

    async def action_plan_round(self) -> None:
        if await self.command(self.turns.plan_round()):
            self.notify(self.t("turns.round_planned"))

    async def action_end_round(self) -> None:
        if await self.command(self.turns.end_round()):
            self.notify(self.t("turns.round_over"))

    async def action_shuffle(self) -> None:
        await self.command(self.turns.shuffle_round())

    async def action_toggle_mode(self) -> None:
        if await self.command(self.turns.toggle_mode()):
            self.notify(self.t(f"turns.mode.{self.turns.speaking.mode}"))

    def ask(
        self, title: str, value: str, on_answer: Callable[[str], Awaitable[None]], max_length: int
    ) -> None:
        """Ask one line of text; ``on_answer`` runs with it (not on Escape)."""

        def answered(answer: str | None) -> None:
            if answer is not None:
                self.run_worker(on_answer(answer), group="turns-answer")

        self.app.push_screen(AskScreen(title, value, max_length), answered)

    def ask_minutes(self, title: str, seconds: float, on_seconds: Callable[[float], Any]) -> None:
        async def answer(text: str) -> None:
            value = parse_minutes(text)
            if value is None:
                self.notify(self.t("turns.error.minutes"), severity="warning")
                return
            await on_seconds(value)

        self.ask(title, format_clock(seconds), answer, max_length=8)


class AskScreen(AppModal):
    """One line of text, e.g. a name or a number of minutes; Escape cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "entry.cancel", id="turns.ask.cancel")]
    DEFAULT_CSS = "AskScreen { align: center middle; }"

    def __init__(self, title: str, value: str, max_length: int) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Input(self._value, id="ask-input", max_length=self._max_length)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#ask-input")
    def answered(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


def open_turns_screen(app: App[Any], which: str) -> None:
    """Show the timer, speakers or statistics screen (replacing another of the three)."""
    from cocreatie_tui.screens.speakers import SpeakersScreen
    from cocreatie_tui.screens.speaking_stats import SpeakingStatsScreen
    from cocreatie_tui.screens.timer import TimerScreen

    kinds: dict[str, type[TurnsScreen]] = {
        "timer": TimerScreen,
        "speakers": SpeakersScreen,
        "stats": SpeakingStatsScreen,
    }
    open_family_screen(app, TurnsScreen, lambda hub: kinds[which])
