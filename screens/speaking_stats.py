"""Who has spoken how long: a bar per person, who has not spoken yet, and the facilitator's
choices about names (on the projector, in the report)."""

from __future__ import annotations

from cocreatie_tui.screens.turns_common import TurnsScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Static

from cocreatie_tui.core.timer import format_duration
from cocreatie_tui.widgets.speaking_bars import Bar, SpeakingBars


class SpeakingStatsScreen(TurnsScreen):
    BINDINGS = [
        Binding("N", "toggle('names_on_projector')", "turns.key.names_screen", id="turns.names"),
        Binding("v", "toggle('names_in_report')", "turns.key.names_report", id="turns.report"),
        Binding("k", "open('timer')", "turns.key.timer", id="turns.timer"),
        Binding("l", "open('speakers')", "turns.key.speakers", id="turns.speakers"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Content(self.t("turns.stats.title")), id="stats-heading")
        yield Static("", id="stats-summary")
        yield SpeakingBars(id="stats-bars")
        yield Static("", id="stats-waiting")
        yield Static("", id="stats-settings")
        yield Footer()

    def show_now(self) -> None:
        if self.hub.state is None:
            return
        turns, t = self.turns, self.t
        stats = turns.speaking.statistics(turns.now())
        names = turns.settings.names_on_projector
        spoken = [s for s in stats if s.turns]
        total = sum(s.total_s for s in stats)
        self.query_one("#stats-summary", Static).update(
            Content(
                t(
                    "turns.report.summary",
                    total=format_duration(total),
                    turns=sum(s.turns for s in stats),
                    spoken=len(spoken),
                    people=len(stats),
                )
            )
        )
        rows = spoken if names else sorted(spoken, key=lambda s: -s.total_s)
        bars = [
            Bar(self.name_of(s.speaker_id) if names else "", s.total_s, s.turns, s.share)
            for s in rows
        ]
        self.query_one(SpeakingBars).show(bars, t("turns.stats.turns"))
        waiting = turns.speaking.not_yet_spoken()
        if not waiting:
            line = t("turns.stats.everyone") if stats else t("turns.stats.nobody_yet")
        elif names:
            line = t("turns.report.not_yet_names", names=", ".join(map(self.name_of, waiting)))
        else:
            line = t("turns.report.not_yet_count", count=len(waiting))
        self.query_one("#stats-waiting", Static).update(Content(line))
        on, off = t("turns.on"), t("turns.off")
        self.query_one("#stats-settings", Static).update(
            Content(
                t(
                    "turns.stats.settings",
                    screen=on if names else off,
                    report=on if turns.settings.names_in_report else off,
                )
            )
        )

    async def action_toggle(self, setting: str) -> None:
        await self.command(self.turns.toggle_setting(setting))
