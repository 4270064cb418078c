"""Where each card of a ``CardList`` goes: sections laid out as blocks of rows of tiles.

Each section (a theme, a table, a round; all of them in lanes) is a block with its own rows,
counted from the block's top, so a change in one section re-lays out only that section from
the first card that changed: cards arriving at the end of a theme lay out only the new cards
(and the row they complete), whatever the size of the board; blocks below only move their top.
A card's height comes from the list (``height_of``), which caches each card's drawing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field

from textual.content import Content

from cocreatie_tui.core.board import BoardSection
from cocreatie_tui.core.model import Card

HEADER_LINES = 2  # a lane's title and a blank line under it

HeightOf = Callable[[Card], int]


@dataclass(frozen=True)
class Row:
    y: int  # first line, counted from the top of its block
    height: int
    cards: tuple[Card, ...]


@dataclass
class Block:
    """One section laid out: its title (lanes only), its rows, the rows of its new cards."""

    section: BoardSection
    header: Content | None
    rows: list[Row] = field(default_factory=list)
    ys: list[int] = field(default_factory=list)  # each row's y, for bisect
    new_ys: list[int] = field(default_factory=list)  # the row's y of each new card, sorted
    top: int = 0  # first line in the whole list

    @property
    def head(self) -> int:
        return HEADER_LINES if self.header is not None else 0

    @property
    def height(self) -> int:
        if not self.rows:
            return self.head
        last = self.rows[-1]
        return last.y + last.height


class CardLayout:
    """Blocks of rows, and where every card is: (block, row, slot)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tops: list[int] = []
        self.where: dict[str, tuple[int, int, int]] = {}
        self.tiles = 1
        self.height = 0
        self._keys: dict[str, int] = {}

    # -- laying out ---------------------------------------------------------------------

    def lay_out(
        self,
        sections: Sequence[BoardSection],
        headers: Sequence[Content | None],
        tiles: int,
        height_of: HeightOf,
        new_ids: Collection[str],
    ) -> None:
        """Everything from scratch (the width, the look or the sections themselves changed)."""
        self.tiles = tiles
        self.blocks, self.where = [], {}
        self._keys = {section.key: index for index, section in enumerate(sections)}
        for index, (section, header) in enumerate(zip(sections, headers, strict=True)):
            block = Block(section, header)
            self.blocks.append(block)
            self._add_rows(index, block, section.cards, block.head, height_of, new_ids)
        self._place_blocks()

    def same_sections(self, sections: Sequence[BoardSection]) -> bool:
        """Whether ``sections`` are the blocks' sections (the same keys in the same order)."""
        return len(sections) == len(self.blocks) and all(
            block.section.key == section.key and block.section.group == section.group
            for block, section in zip(self.blocks, sections, strict=True)
        )

    def update(
        self,
        sections: Sequence[BoardSection],
        headers: Sequence[Content | None],
        changed: Collection[str],
        height_of: HeightOf,
        new_ids: Collection[str],
        toggled_new: Collection[str],
    ) -> int | None:
        """The same sections with other cards: each block is laid out again from its first
        card that differs (a changed card, or another card in that place). ``toggled_new``: cards
        whose "new" mark came or went (drawn differently, same height). Returns the first line
        of the whole list that is drawn differently now (None: nothing changed)."""
        first_line: int | None = None

        def changed_from(line: int) -> None:
            nonlocal first_line
            first_line = line if first_line is None else min(first_line, line)

        relaid: list[int] = []
        for index, (block, section, header) in enumerate(
            zip(self.blocks, sections, headers, strict=True)
        ):
            if header != block.header:
                block.header = header
                changed_from(block.top)
            first = self._first_difference(index, block.section.cards, section.cards, changed)
            block.section = section
            if first is None:
                relaid.append(len(block.rows))
                continue
            row_index = first // self.tiles
            relaid.append(row_index)
            y = block.ys[row_index] if row_index < len(block.ys) else block.height
            for row in block.rows[row_index:]:
                for card in row.cards:
                    if self.where.get(card.id, (-1,))[0] == index:
                        del self.where[card.id]
            del block.rows[row_index:], block.ys[row_index:]
            del block.new_ys[bisect_left(block.new_ys, y) :]
            cards = section.cards[row_index * self.tiles :]
            self._add_rows(index, block, cards, y, height_of, new_ids)
            changed_from(block.top + y)
        for card_id in toggled_new:
            place = self.where.get(card_id)
            if place is None or place[1] >= relaid[place[0]]:
                continue  # laid out again just now, with its mark
            block = self.blocks[place[0]]
            y = block.rows[place[1]].y
            if card_id in new_ids:
                insort(block.new_ys, y)
            elif y in block.new_ys:
                block.new_ys.remove(y)
            changed_from(block.top + y)
        moved = self._place_blocks()
        if moved is not None:
            changed_from(moved)
        return first_line

    def _first_difference(
        self, index: int, old: tuple[Card, ...], new: tuple[Card, ...], changed: Collection[str]
    ) -> int | None:
        """The first place where a block's cards differ (None: the same cards, none changed).
        Cards arriving at the end cost a comparison of references, done in C."""
        first = min(len(old), len(new))
        for card_id in changed:
            place = self.where.get(card_id)
            if place is not None and place[0] == index:
                first = min(first, place[1] * self.tiles + place[2])
        if old[:first] != new[:first]:
            pairs = enumerate(zip(old[:first], new[:first], strict=True))
            first = next(n for n, (a, b) in pairs if a is not b and a != b)
        if first == len(old) == len(new):
            return None
        return first

    def _add_rows(
        self,
        index: int,
        block: Block,
        cards: Sequence[Card],
        y: int,
        height_of: HeightOf,
        new_ids: Collection[str],
    ) -> None:
        tiles, where = self.tiles, self.where
        for start in range(0, len(cards), tiles):
            chunk = tuple(cards[start : start + tiles])
            height = max(height_of(card) for card in chunk) + 1
            row_index = len(block.rows)
            for slot, card in enumerate(chunk):
                where[card.id] = (index, row_index, slot)
                if card.id in new_ids:
                    block.new_ys.append(y)
            block.rows.append(Row(y, height, chunk))
            block.ys.append(y)
            y += height

    def _place_blocks(self) -> int | None:
        """Every block's top; returns the first line of a block that moved (None: none)."""
        top, moved = 0, None
        for block in self.blocks:
            if block.top != top and moved is None:
                moved = min(block.top, top)
            block.top = top
            top += block.height
        self.tops = [block.top for block in self.blocks]
        self.height = top
        return moved

    def forget_new(self, card_id: str) -> None:
        place = self.where.get(card_id)
        if place is not None:
            block = self.blocks[place[0]]
            y = block.rows[place[1]].y
            if y in block.new_ys:
                block.new_ys.remove(y)

    # -- finding things -----------------------------------------------------------------

    def locate(self, line: int) -> tuple[int, int] | None:
        """The block and row at a line of the whole list (row -1: the block's title)."""
        index = bisect_right(self.tops, line) - 1
        if index < 0:
            return None
        block = self.blocks[index]
        local = line - block.top
        if local >= block.height:
            return None
        return index, bisect_right(block.ys, local) - 1

    def row(self, index: int, row_index: int) -> Row:
        return self.blocks[index].rows[row_index]

    def row_top(self, index: int, row_index: int) -> int:
        """A row's first line in the whole list."""
        return self.blocks[index].top + self.blocks[index].rows[row_index].y

    def card_row(self, card_id: str | None) -> tuple[int, Row] | None:
        """The first line of a card's row in the whole list, and the row."""
        place = self.where.get(card_id) if card_id is not None else None
        if place is None:
            return None
        block = self.blocks[place[0]]
        row = block.rows[place[1]]
        return block.top + row.y, row

    def next_row(self, index: int, row_index: int, step: int) -> tuple[int, int] | None:
        """The next row of cards after (step 1) or before (step -1) a row, across blocks."""
        row_index += step
        while 0 <= index < len(self.blocks):
            if 0 <= row_index < len(self.blocks[index].rows):
                return index, row_index
            index += step
            if 0 <= index < len(self.blocks):
                row_index = 0 if step > 0 else len(self.blocks[index].rows) - 1
        return None

    def row_near(self, line: int, step: int) -> tuple[int, int] | None:
        """The row of cards at a line, or the next one in the direction of ``step``."""
        line = max(0, min(self.height - 1, line))
        found = self.locate(line)
        if found is None:
            return None
        index, row_index = found
        if row_index >= 0:
            return found
        return self.next_row(index, -1 if step > 0 else 0, step)

    def place(self, card_id: str | None) -> tuple[str, int] | None:
        """A card's section and its index there."""
        place = self.where.get(card_id) if card_id is not None else None
        if place is None:
            return None
        return self.blocks[place[0]].section.key, place[1] * self.tiles + place[2]

    def section_cards(self, key: str) -> tuple[Card, ...]:
        index = self._keys.get(key)
        return self.blocks[index].section.cards if index is not None else ()

    def first_card(self) -> str | None:
        for block in self.blocks:
            if block.rows:
                return block.rows[0].cards[0].id
        return None

    def last_card(self) -> str | None:
        for block in reversed(self.blocks):
            if block.rows:
                return block.rows[-1].cards[-1].id
        return None

    def card_ids(self) -> Iterator[str]:
        for block in self.blocks:
            for card in block.section.cards:
                yield card.id

    def new_below(self, line: int) -> int:
        """How many new cards have their row at or below a line of the whole list."""
        return sum(
            len(block.new_ys) - bisect_left(block.new_ys, line - block.top)
            for block in self.blocks
            if block.new_ys
        )
