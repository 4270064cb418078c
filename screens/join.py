"""The join screen: a big QR code, the address and the code, for the whole room to scan."""

from __future__ import annotations

from cocreatie_tui.screens.base import AppScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from cocreatie_tui.events import HubEvent, SessionChanged
from cocreatie_tui.widgets.hub_events import listen
from cocreatie_tui.widgets.qr_code import QRCode


def spaced_code(code: str) -> str:
    """``K7QX9M`` as ``K 7 Q X 9 M``: easier to read aloud and to copy from afar."""
    return " ".join(code)


class JoinScreen(AppScreen):
    CSS_PATH = "join.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="join.back"),
        Binding("j", "app.pop_screen", "key.back", show=False, id="join.back_j"),
        Binding("ctrl+q", "app.quit", "key.quit", id="quit"),
    ]

    def compose(self) -> ComposeResult:
        info = self.hub.live.info
        with Vertical(id="join-box"):
            yield Static(Content(self.t("join.title")), id="join-title")
            yield Static(Content(self.t("join.scan")), classes="join-line")
            with Center():
                yield QRCode(self.cocreatie.join_url, id="join-screen-qr")
            yield Static(Content(self.t("join.or_go_to")), classes="join-line")
            yield Static(Content(self.cocreatie.join_url), id="join-screen-url")
            yield Static(
                Content(f"{self.t('join.code')}: {spaced_code(info.join_code)}"),
                id="join-screen-code",
            )
        yield Footer()

    def on_mount(self) -> None:
        listen(self, self.cocreatie.hub_events, SessionChanged, self.on_hub_event)

    def on_hub_event(self, event: HubEvent) -> None:
        if isinstance(event, SessionChanged):
            url = self.cocreatie.join_url
            self.query_one(QRCode).data = url
            self.query_one("#join-screen-url", Static).update(Content(url))
            code = spaced_code(event.info.join_code)
            self.query_one("#join-screen-code", Static).update(
                Content(f"{self.t('join.code')}: {code}")
            )
