"""The board: the focus question, the cards as they arrive, and how to join."""

from __future__ import annotations

from cocreatie_tui.screens.base import AppScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from cocreatie_tui.core.model import Card
from cocreatie_tui.events import (
    CardAdded,
    CardWithdrawn,
    HubEvent,
    SessionChanged,
    SessionOpened,
    StateReloaded,
)
from cocreatie_tui.widgets.card_list import CardList
from cocreatie_tui.widgets.join_panel import JoinPanel
from cocreatie_tui.widgets.status import BOARD_STATUS_WIDGETS

WIDE_ENOUGH_FOR_JOIN_PANEL = 100
COALESCE_SECONDS = 0.05


class BoardScreen(AppScreen):
    CSS_PATH = "board.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._arrived: list[Card] = []
        self._flush_pending = False

    BINDINGS = [
        Binding("j", "join", "key.join", id="board.join"),
        Binding("n", "add_card", "key.add_card", id="board.add_card"),
        Binding("t", "edit_title", "key.title", id="board.edit_title"),
        Binding("e", "export", "key.export", id="board.export"),
        Binding("r", "rules", "key.rules", id="board.rules"),
        Binding("s", "sessions", "key.sessions", id="board.sessions"),
        Binding("ctrl+q", "app.quit", "key.quit", id="quit"),
    ]

    def compose(self) -> ComposeResult:
        info = self.hub.live.info
        with Vertical(id="board-main"):
            with Horizontal(id="board-header"):
                yield Static(Content(info.title), id="focus-question")
                yield Static("", id="card-counter")
            with Horizontal(id="board-status"):
                for make_status_widget in BOARD_STATUS_WIDGETS:
                    yield make_status_widget()
            yield Static(Content(self.t("board.no_cards")), id="board-empty")
            yield CardList(self.t, id="cards")
        yield JoinPanel(self.cocreatie.join_url, self.t("board.join_hint"), id="join-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.cocreatie.hub_events.subscribe(self, self.on_hub_event)
        self._show_all()

    def on_resize(self) -> None:
        panel = self.query_one(JoinPanel)
        panel.display = self.size.width >= WIDE_ENOUGH_FOR_JOIN_PANEL

    def _show_all(self) -> None:
        cards = self.hub.cards_for_room()
        self.query_one(CardList).show_cards(cards)
        self._update_counter(len(cards))

    def _update_counter(self, count: int) -> None:
        self.query_one("#card-counter", Static).update(
            Content(self.t("board.cards_count", count=count))
        )
        self.query_one("#board-empty").display = count == 0

    def on_hub_event(self, event: HubEvent) -> None:
        if isinstance(event, CardAdded):
            # A burst of cards becomes one update of the list, not one per card.
            self._arrived.append(event.card)
            if not self._flush_pending:
                self._flush_pending = True
                self.set_timer(COALESCE_SECONDS, self._flush_arrivals)
        elif isinstance(event, CardWithdrawn):
            self._show_all()  # its sender took it back: the room no longer sees it
        elif isinstance(event, SessionChanged):
            self.query_one("#focus-question", Static).update(Content(event.info.title))
            self.query_one(JoinPanel).show_url(self.cocreatie.join_url)
        elif isinstance(event, (StateReloaded, SessionOpened)):
            self.query_one("#focus-question", Static).update(Content(self.hub.live.info.title))
            self.query_one(JoinPanel).show_url(self.cocreatie.join_url)
            self._show_all()

    def _flush_arrivals(self) -> None:
        arrived, self._arrived = self._arrived, []
        self._flush_pending = False
        self.query_one(CardList).add_cards(c for c in arrived if not c.hidden)
        self._update_counter(len(self.hub.cards_for_room()))

    def action_join(self) -> None:
        from cocreatie_tui.screens.join import JoinScreen

        self.app.push_screen(JoinScreen())

    def action_add_card(self) -> None:
        from cocreatie_tui.screens.card_entry import CardEntryScreen

        self.app.push_screen(CardEntryScreen())

    def action_edit_title(self) -> None:
        from cocreatie_tui.screens.title import TitleScreen

        self.app.push_screen(TitleScreen())

    def action_rules(self) -> None:
        from cocreatie_tui.screens.rules import RulesScreen

        self.app.push_screen(RulesScreen())

    def action_sessions(self) -> None:
        from cocreatie_tui.screens.start import StartScreen

        self.app.push_screen(StartScreen())

    def action_export(self) -> None:
        self.cocreatie.export_reports()
