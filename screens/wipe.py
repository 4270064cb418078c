"""Wiping a session from the start screen: what goes, asked once more, then gone for good.

The same as ``cocreatie delete`` (docs/SECURITY.md): the data file, its previous generation,
temporary and damaged files, and the exported reports when the box is ticked. A session that
is open (in this app or another) is refused, never half deleted.
"""

from __future__ import annotations

import asyncio

from cocreatie_tui.screens.base import AppModal
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Label, Static

from cocreatie_tui.library import SessionSummary, session_reports, wipe_session
from cocreatie_tui.store import SessionInUse


class WipeSessionDialog(AppModal):
    """Asks before wiping ``summary``'s session; dismisses with True once it is wiped."""

    CSS_PATH = "dialogs.tcss"
    DEFAULT_CSS = """
    WipeSessionDialog { align: center middle; }
    WipeSessionDialog .wipe-what { padding: 1 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "wipe.cancel", id="wipe.cancel")]

    def __init__(self, summary: SessionSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        t, summary = self.t, self.summary
        has_reports = bool(session_reports(self.hub.data_dir, summary.id))
        with Vertical(classes="dialog"):
            yield Label(Content(t("wipe.title")), classes="dialog-title")
            # The title is participant-facing text typed by a facilitator: plain, never markup.
            yield Static(Content(summary.title if not summary.problem else summary.id))
            yield Static(Content(t("wipe.what", count=summary.cards)), classes="wipe-what")
            if has_reports:
                yield Checkbox(Content(t("wipe.with_reports")), value=False, id="wipe-reports")
            yield Static("", id="wipe-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("wipe.confirm")), variant="error", id="wipe-confirm")
                yield Button(Content(t("wipe.cancel")), id="wipe-cancel")

    def on_mount(self) -> None:
        self.query_one("#wipe-cancel", Button).focus()  # Enter on its own wipes nothing

    @on(Button.Pressed, "#wipe-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#wipe-confirm")
    def confirmed(self) -> None:
        boxes = self.query("#wipe-reports").results(Checkbox)
        with_reports = any(box.value for box in boxes)
        self.run_worker(self._wipe(with_reports), exclusive=True)

    async def _wipe(self, with_reports: bool) -> None:
        data_dir, session_id = self.hub.data_dir, self.summary.id
        try:
            await asyncio.to_thread(wipe_session, data_dir, session_id, with_reports=with_reports)
        except SessionInUse:
            self._refused(self.t("wipe.in_use"))
            return
        except OSError as error:
            self._refused(self.t("wipe.failed", reason=error.strerror or str(error)))
            return
        self.dismiss(True)

    def _refused(self, message: str) -> None:
        self.query_one("#wipe-error", Static).update(Content(message))
