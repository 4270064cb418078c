"""Edit the focus question; phones show the new text at their next update."""

from __future__ import annotations

from cocreatie_tui.screens.base import AppModal
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label


class TitleScreen(AppModal):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "entry.cancel", id="title.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.t("title.title")), classes="dialog-title")
            yield Input(self.hub.live.info.title, id="title-input", max_length=500)
            yield Label("", id="title-error", classes="dialog-error")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#title-input")
    def save(self, event: Input.Submitted) -> None:
        self.run_worker(self._save(event.value), exclusive=True)

    async def _save(self, title: str) -> None:
        problem = await self.cocreatie.run_command(self.hub.set_title(title))
        if problem is None:
            self.notify(self.t("board.title_changed"))
            self.dismiss(None)
        else:
            self.query_one("#title-error", Label).update(Content(problem))
