"""Type a card on someone's behalf: for people without a phone, or cards written on paper."""

from __future__ import annotations

from cocreatie_tui.screens.base import AppModal
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, TextArea

from cocreatie_tui.core.model import CardSource


class CardEntryScreen(AppModal):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "entry.cancel", id="entry.cancel"),
        Binding("ctrl+s", "save", "entry.save", id="entry.save"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Label(Content(t("entry.title")), classes="dialog-title")
            yield Label(Content(t("entry.text")))
            yield TextArea(
                id="entry-text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
            )
            yield Label(Content(t("entry.author")))
            yield Input(id="entry-author", max_length=40)
            yield Checkbox(Content(t("entry.from_paper")), id="entry-paper")
            yield Label("", id="entry-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("entry.save")), variant="primary", id="entry-save")
                yield Button(Content(t("entry.cancel")), id="entry-cancel")

    def on_mount(self) -> None:
        self.query_one("#entry-text", TextArea).focus()

    @on(Button.Pressed, "#entry-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#entry-save")
    @on(Input.Submitted, "#entry-author")
    def action_save(self) -> None:
        text = self.query_one("#entry-text", TextArea).text
        author = self.query_one("#entry-author", Input).value
        paper = self.query_one("#entry-paper", Checkbox).value
        source = CardSource.PAPER if paper else CardSource.FACILITATOR
        self.run_worker(self._save(text, author, source), exclusive=True)

    async def _save(self, text: str, author: str, source: CardSource) -> None:
        problem = await self.cocreatie.run_command(
            self.hub.submit_card(text, source=source, author=author or None)
        )
        if problem is None:
            self.notify(self.t("board.card_added"))
            self.dismiss(None)
        else:
            # Keep what was typed: the facilitator fixes it instead of typing it again.
            self.query_one("#entry-error", Label).update(Content(problem))
