"""The world café's harvest: the cards the room sent, grouped by table (with its theme) or by
round. Cards are participant text, shown as ``Content``; the list is an ``OptionList`` (Line
API), so hundreds of cards stay quick. ``g`` switches between tables and rounds.
"""

from __future__ import annotations

from cocreatie_tui.screens.cafe_common import CafeScreen
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cocreatie_tui.core.cafe import cards_by_round, cards_by_table
from cocreatie_tui.core.model import Card

COALESCE_SECONDS = 0.1


class HarvestScreen(CafeScreen):
    BINDINGS = [
        Binding("escape", "back", "key.back", id="cafe.harvest.back"),
        Binding("g", "toggle_grouping", "cafe.key.grouping", id="cafe.harvest.grouping"),
        Binding("f3", "open('seating')", "cafe.key.seating", id="cafe.harvest.seating"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by_round = False
        self._pending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="harvest-main"):
            yield Static("", id="harvest-title", classes="heading")
            yield OptionList(id="harvest-cards")
        yield Footer()

    def on_mount(self) -> None:
        self.cocreatie.hub_events.subscribe(self, self.on_hub_event)
        self.show_now()

    def on_hub_event(self, event: object) -> None:
        """A burst of cards is one update of the list, not one per card."""
        if not self._pending:
            self._pending = True
            self.set_timer(COALESCE_SECONDS, self._refresh)

    def _refresh(self) -> None:
        self._pending = False
        self.show_now()

    def action_toggle_grouping(self) -> None:
        self.by_round = not self.by_round
        self.show_now()

    def show_now(self) -> None:
        t = self.t
        cards = self.hub.cards_for_room()
        heading = t("cafe.harvest.by_round") if self.by_round else t("cafe.harvest.by_table")
        self.query_one("#harvest-title", Static).update(Content(heading))
        groups = cards_by_round(cards) if self.by_round else cards_by_table(cards)
        options: list[Option] = []
        for key, group in groups.items():
            options.append(Option(self._heading(key, len(group)), disabled=True))
            options.extend(Option(self._card(card), id=card.id) for card in group)
        listing = self.query_one("#harvest-cards", OptionList)
        listing.clear_options()
        listing.add_options(options or [Option(Content(t("cafe.harvest.none")), disabled=True)])

    def _heading(self, key: int | None, count: int) -> Content:
        t = self.t
        if key is None:
            text = t("cafe.harvest.outside")
        elif self.by_round:
            text = t("cafe.round", number=key)
        else:
            tables = self.cafe.cafe.tables
            text = t("cafe.table", number=key)
            if 0 < key <= len(tables) and tables[key - 1].theme:
                text += f" · {tables[key - 1].theme}"
        return Content.styled(f"{text} ({count})", "bold reverse")

    def _card(self, card: Card) -> Content:
        t = self.t
        where = []
        if self.by_round and card.table is not None:
            where.append(t("cafe.table", number=card.table))
        if not self.by_round and card.round is not None:
            where.append(t("cafe.round", number=card.round))
        if card.author:
            where.append(card.author)
        note = f"  ({', '.join(where)})" if where else ""
        return Content.assemble("  ", Content(card.text), (note, "dim"))
