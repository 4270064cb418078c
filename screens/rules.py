"""The eight interaction rules of co-creation, large enough for the room."""

from __future__ import annotations

from cocreatie_tui.screens.base import AppScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from cocreatie_tui.i18n import interaction_rules


class RulesScreen(AppScreen):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="rules.back"),
        Binding("r", "app.pop_screen", "key.back", show=False, id="rules.back_r"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="rules-box"):
            yield Static(Content(self.t("rules.title")), id="rules-title")
            for number, rule in enumerate(interaction_rules(self.t.lang), start=1):
                yield Static(Content(f"{rule['icon']}  {number}. {rule['text']}"), classes="rule")
        yield Footer()
