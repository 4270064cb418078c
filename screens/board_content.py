"""What the board shows, worked out from the hub: the sections (themes, or the world café's
tables or rounds) and how cards are drawn, and cards arriving added to what is shown.

Working out the whole board goes over every card (a few milliseconds for 4,500); cards that
arrive while phones keep sending are added to the end of their section instead, so a burst
costs the new cards only. ``add_arrivals`` says when that is not possible (a card that lands
before others of its section, the first card of a new table): the board then works it all out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from cocreatie_tui.core.board import (
    BY_ROUND,
    BY_THEME,
    UNGROUPED,
    BoardFilter,
    BoardSection,
    place_key,
    place_of,
)
from cocreatie_tui.core.cafe import CafeTable
from cocreatie_tui.core.model import Card
from cocreatie_tui.i18n import Translator
from cocreatie_tui.widgets.card_block import CardLook


@dataclass(frozen=True)
class Shown:
    """What the board shows now, so that new cards can be added to it."""

    sections: Sequence[BoardSection]
    look: CardLook
    lanes: bool
    board_filter: BoardFilter
    grouping: str


@dataclass(frozen=True)
class Arrivals:
    """The sections with the new cards added, how many of them show, how many the room sees."""

    sections: list[BoardSection]
    shown: int
    for_room: int
    highest_number: int


def section_of(grouping: str, themes: Collection[str]) -> Callable[[Card], str]:
    """The key of the section a card is shown in."""
    if grouping == BY_THEME:
        return lambda card: card.group_id if card.group_id in themes else UNGROUPED
    return lambda card: place_of(card, grouping)


def add_arrivals(
    shown: Shown,
    arrived: Sequence[Card],
    live: Mapping[str, Card],
    section_key: Callable[[Card], str],
) -> Arrivals | None:
    """The shown sections with ``arrived`` added at their ends, or None when that would not be
    what working out the whole board gives."""
    index = {section.key: n for n, section in enumerate(shown.sections)}
    added: dict[int, list[Card]] = {}
    room = 0
    ordered = sorted(arrived, key=lambda card: card.number)
    for card in ordered:
        if live.get(card.id) is not card or card.merged_into is not None:
            return None  # changed since it arrived, or the session was reloaded
        room += 0 if card.hidden else 1
        if not shown.board_filter.matches(card):
            continue
        n = index.get(section_key(card))
        if n is None:
            return None  # the first card of a table or round: a new column
        added.setdefault(n, []).append(card)
    sections = list(shown.sections)
    for n, cards in added.items():
        before = sections[n].cards
        if before and before[-1].number > cards[0].number:
            return None
        sections[n] = replace(sections[n], cards=before + tuple(cards))
    count = sum(len(cards) for cards in added.values())
    highest = ordered[-1].number if ordered else 0
    return Arrivals(sections, count, room, highest)


def place_names(
    grouping: str, sections: Sequence[BoardSection], t: Translator, tables: Sequence[CafeTable]
) -> dict[str, str]:
    """Column titles when grouping by café table ("Tafel 3 · Mobiliteit") or round."""
    if grouping == BY_THEME:
        return {}
    names = {place_key(grouping, None): t("cafe.harvest.outside")}
    for section in sections:
        number = section.key.partition(":")[2]
        if not number.isdigit():
            continue
        if grouping == BY_ROUND:
            names[section.key] = t("cafe.round", number=int(number))
            continue
        name = t("cafe.table", number=int(number))
        table = int(number) - 1
        if 0 <= table < len(tables) and tables[table].theme:
            name += f" · {tables[table].theme}"
        names[section.key] = name
    return names


def number_width(highest: int) -> int:
    """Room for the card numbers: three digits at least, all cards' numbers aligned."""
    return max(3, len(str(highest)))
