"""The cards on the board as a Line-API list: participant text is always plain ``Content``."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.i18n import Translator


def card_prompt(card: Card, t: Translator) -> Content:
    """A card's line: its number, its text as data (never markup), and subtly who sent it."""
    note = []
    if card.author:
        note.append(card.author)
    if card.source is not CardSource.PHONE:
        note.append(t(f"board.source.{card.source.value}"))
    parts: list[str | Content | tuple[str, str]] = [
        (f"{card.number:>3}  ", "dim"),
        Content(card.text),
    ]
    if note:
        parts.append(("  — " + ", ".join(note), "dim italic"))
    return Content.assemble(*parts)


class CardList(OptionList):
    """Cards in arrival order; new cards are appended in one batch, the newest kept in view."""

    DEFAULT_CSS = """
    CardList { height: 1fr; border: none; padding: 0 1; }
    CardList > .option-list--option { padding: 0 0 1 0; }
    """

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.t = t
        self._shown: set[str] = set()

    def show_cards(self, cards: Iterable[Card]) -> None:
        cards = list(cards)
        self._shown = {c.id for c in cards}
        self.set_options(Option(card_prompt(c, self.t), id=c.id) for c in cards)
        self.scroll_end(animate=False, immediate=False)

    def add_cards(self, cards: Iterable[Card]) -> None:
        """Append arrived cards; follow the newest unless the facilitator moved the cursor."""
        following = self.highlighted is None or self.highlighted >= self.option_count - 1
        fresh = [Option(card_prompt(c, self.t), id=c.id) for c in cards if c.id not in self._shown]
        if not fresh:
            return
        self._shown.update(option.id for option in fresh if option.id)
        self.add_options(fresh)
        if following:
            self.scroll_end(animate=False, immediate=False)
