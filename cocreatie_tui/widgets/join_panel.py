"""The join panel: QR code, address and code, so people can join from the back of the room."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from cocreatie_tui.widgets.qr_code import QRCode


class JoinPanel(Vertical):
    DEFAULT_CSS = """
    JoinPanel { width: auto; height: auto; align-horizontal: center; padding: 0 1; }
    JoinPanel > Static { width: auto; text-align: center; }
    JoinPanel > .join-hint { color: $text-muted; }
    JoinPanel > .join-url { text-style: bold; }
    """

    def __init__(self, url: str, hint: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._url = url
        self._hint = hint

    def compose(self) -> ComposeResult:
        yield Static(Content(self._hint), classes="join-hint")
        yield QRCode(self._url, id="join-qr")
        yield Static(Content(self._url), classes="join-url", id="join-url")

    def show_url(self, url: str) -> None:
        self._url = url
        self.query_one(QRCode).data = url
        self.query_one("#join-url", Static).update(Content(url))
