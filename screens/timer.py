"""The timer screen for the projector: who has the floor and their time left in big digits,
who comes next, and the activity timer for the whole step."""

from __future__ import annotations

from cocreatie_tui.screens.turns_common import TurnsScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Static

from cocreatie_tui.core.timer import Countdown, TimerStatus, format_clock
from cocreatie_tui.core.turns import TurnMode
from cocreatie_tui.widgets.big_clock import BigClock
from cocreatie_tui.widgets.status import flash

ADD_SECONDS = 30.0
NEXT_NAMES = 5


class TimerScreen(TurnsScreen):
    BINDINGS = [
        Binding("plus,equals_sign", "add_time(30)", "turns.key.more", id="turns.more"),
        Binding("minus", "add_time(-30)", "turns.key.less", id="turns.less", show=False),
        Binding("t", "turn_time", "turns.key.turn_time", id="turns.turn_time"),
        Binding("a", "activity", "turns.key.activity", id="turns.activity"),
        Binding("A", "activity_length", "turns.key.activity_length", id="turns.activity_length"),
        Binding("b", "toggle_sound", "turns.key.sound", id="turns.sound", show=False),
        Binding("l", "open('speakers')", "turns.key.speakers", id="turns.speakers"),
        Binding("s", "open('stats')", "turns.key.stats", id="turns.stats"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="timer-heading")
        yield Static("", id="timer-speaker")
        yield BigClock("", id="timer-clock")
        yield Static("", id="timer-state")
        yield Static("", id="timer-next")
        yield Static("", id="timer-activity")
        yield Static("", id="timer-settings")
        yield Footer()

    def on_end_signal(self) -> None:
        flash(self.query_one(BigClock))

    def show_now(self) -> None:
        if self.hub.state is None:
            return
        turns, t = self.turns, self.t
        speaking = turns.speaking
        now = turns.now()
        timer: Countdown | None = speaking.current_timer
        show_names = turns.settings.names_on_projector
        if speaking.current is not None and timer is not None:
            if speaking.current.round_number is not None:
                heading = t("turns.heading.round", number=speaking.current.round_number)
            else:
                heading = t("turns.heading.queue")
            speaker = (
                self.name_of(speaking.current.speaker_id) if show_names else t("turns.someone")
            )
        elif speaking.activity is not None:
            timer = speaking.activity
            heading, speaker = t("turns.heading.activity"), ""
        else:
            heading, speaker = t(f"turns.mode.{speaking.mode}"), t("turns.nobody")
        if timer is None:
            clock, status, over = format_clock(speaking.turn_seconds), TimerStatus.IDLE, False
        else:
            clock, status, over = (
                format_clock(timer.remaining(now)),
                timer.status,
                timer.is_over(now),
            )
        self.set_class(over, "-over")
        self.set_class(status is TimerStatus.PAUSED and not over, "-paused")
        self.set_class(status is TimerStatus.IDLE, "-idle")
        self.query_one("#timer-heading", Static).update(Content(heading))
        self.query_one("#timer-speaker", Static).update(Content(speaker))
        self.query_one(BigClock).update(clock)
        self.query_one("#timer-state", Static).update(Content(self._state_line(timer, now)))
        self.query_one("#timer-next", Static).update(Content(self._next_line()))
        self.query_one("#timer-activity", Static).update(Content(self._activity_line(now)))
        self.query_one("#timer-settings", Static).update(Content(self._settings_line()))

    def _state_line(self, timer: Countdown | None, now: float) -> str:
        t = self.t
        if timer is None:
            return t("turns.state.idle")
        if timer.is_over(now):
            return t("turns.state.over", allotted=format_clock(timer.duration_s))
        if timer.interrupted:
            return t("turns.state.interrupted")
        if timer.status is TimerStatus.PAUSED:
            return t("turns.state.paused")
        return t("turns.state.running", allotted=format_clock(timer.duration_s))

    def _next_line(self) -> str:
        turns, t = self.turns, self.t
        speaking = turns.speaking
        if speaking.mode is TurnMode.ROUND:
            upcoming = speaking.round_upcoming()
            if not speaking.round_active:
                return t("turns.hint.plan")
            if not upcoming:
                return t("turns.hint.round_last")
            if speaking.current is None and speaking.round_position == 0:
                lead = t("turns.hint.start")
            else:
                lead = t("turns.next_up")
        else:
            upcoming = speaking.queue
            if not upcoming:
                return t("turns.hint.queue_empty")
            lead = t("turns.queue_label")
        if not turns.settings.names_on_projector:
            return f"{lead} {t('turns.count_people', count=len(upcoming))}"
        names = [self.name_of(i) for i in upcoming[:NEXT_NAMES]]
        more = len(upcoming) - NEXT_NAMES
        if more > 0:
            names.append(t("turns.and_more", count=more))
        return f"{lead} " + ", ".join(names)

    def _activity_line(self, now: float) -> str:
        activity = self.turns.speaking.activity
        t = self.t
        if activity is None:
            return t("turns.activity.none")
        if self.turns.speaking.current is None:
            return t("turns.activity.hint")
        clock = format_clock(activity.remaining(now))
        if activity.is_over(now):
            return t("turns.activity.over", clock=clock)
        if activity.status is TimerStatus.PAUSED:
            return t("turns.activity.paused", clock=clock)
        return t("turns.activity.running", clock=clock)

    def _settings_line(self) -> str:
        turns, t = self.turns, self.t
        parts = [t("turns.per_turn", clock=format_clock(turns.speaking.turn_seconds))]
        if turns.speaking.mode is TurnMode.QUEUE and turns.speaking.first_timers_first:
            parts.append(t("turns.first_timers_on"))
        parts.append(t("turns.sound_on") if turns.settings.sound else t("turns.sound_off"))
        return " · ".join(parts)

    # -- keys of this screen -----------------------------------------------------------

    async def action_add_time(self, seconds: float) -> None:
        await self.command(self.turns.add_time(seconds))

    def action_turn_time(self) -> None:
        self.ask_minutes(
            self.t("turns.ask.turn_time"),
            self.turns.speaking.turn_seconds,
            lambda seconds: self.command(self.turns.set_turn_seconds(seconds)),
        )

    async def action_activity(self) -> None:
        await self.command(self.turns.toggle_activity())

    def action_activity_length(self) -> None:
        async def start(seconds: float) -> None:
            if seconds == 0:
                await self.command(self.turns.clear_activity())
            else:
                await self.command(self.turns.start_activity(seconds))

        self.ask_minutes(self.t("turns.ask.activity"), self.turns.settings.activity_seconds, start)

    async def action_toggle_sound(self) -> None:
        if await self.command(self.turns.toggle_setting("sound")):
            on = self.turns.settings.sound
            self.notify(self.t("turns.sound_on") if on else self.t("turns.sound_off"))
