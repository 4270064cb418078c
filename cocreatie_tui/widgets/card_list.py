"""The cards of one column (or all lanes) as a virtualised Line-API view.

Only the lines on screen are drawn; each card is wrapped once per width and kept in a cache,
so a board of thousands of cards scrolls and takes new cards without re-wrapping the rest.
Cards flow in tiles, as many per row as the width allows, so a wide screen fills up. How one
card looks is decided in ``card_block``; this module lays cards out and moves the cursor.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from cocreatie_tui.core.board import BoardSection
from cocreatie_tui.core.model import Card
from cocreatie_tui.widgets.card_block import CardLook, card_lines, card_signature, section_title

TILE_MIN_WIDTH = 44
TILE_GAP = 2
MAX_CACHED_CARDS = 12_000
MAX_CACHED_LINES = 4_000


@dataclass(frozen=True)
class _Anchor:
    card_id: str | None = None
    screen_row: int = 0
    section: str | None = None  # the cursor card's section and place in it
    index: int = 0


@dataclass(frozen=True)
class _Row:
    y: int
    height: int
    cards: tuple[Card, ...] = ()
    header: Content | None = None


class CardList(ScrollView, can_focus=True):
    """A list of card sections; the cursor is a card, kept by id across every update."""

    COMPONENT_CLASSES = {
        "card-list--card",
        "card-list--cursor",
        "card-list--meta",
        "card-list--merged",
        "card-list--hidden",
        "card-list--new",
        "card-list--star",
        "card-list--number",
        "card-list--header",
        "card-list--more",
    }
    DEFAULT_CSS = """
    CardList { height: 1fr; scrollbar-size-vertical: 1; scrollbar-gutter: stable;
        overflow-x: hidden; padding: 0 0 0 1; background: $surface; }
    CardList > .card-list--card { color: $foreground; }
    CardList > .card-list--cursor { background: $accent 60%; }
    CardList > .card-list--meta { color: $text-muted; text-style: italic; }
    CardList > .card-list--merged { color: $text-muted; }
    CardList > .card-list--hidden { color: $text-disabled; text-style: strike; }
    CardList > .card-list--new { color: $success; text-style: bold; }
    CardList > .card-list--star { color: $warning; text-style: bold; }
    CardList > .card-list--number { color: $text-muted; }
    CardList > .card-list--header { color: $accent; text-style: bold; }
    CardList > .card-list--more { color: $background; background: $success; text-style: bold; }
    """
    BINDINGS = [
        Binding("up", "cursor(0, -1)", show=False, id="cards.up"),
        Binding("down", "cursor(0, 1)", show=False, id="cards.down"),
        Binding("left", "cursor(-1, 0)", show=False, id="cards.left"),
        Binding("right", "cursor(1, 0)", show=False, id="cards.right"),
        Binding("home", "first", show=False, id="cards.first"),
        Binding("end", "last", show=False, id="cards.last"),
        Binding("pageup", "page(-1)", show=False, id="cards.page_up"),
        Binding("pagedown", "page(1)", show=False, id="cards.page_down"),
    ]

    @dataclass
    class CursorMoved(Message):
        card_list: CardList
        card_id: str | None
        by_user: bool

    @dataclass
    class Edge(Message):
        """The cursor tried to leave the list sideways (``direction`` -1 left, 1 right)."""

        card_list: CardList
        direction: int

    def __init__(
        self,
        look: CardLook,
        sections: Sequence[BoardSection] = (),
        *,
        show_headers: bool = False,
        cursor_id: str | None = None,
        cursor_place: tuple[str, int, int] | None = None,
        key: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.key = key
        self.look = look
        self.sections: Sequence[BoardSection] = sections
        self.show_headers = show_headers
        self.cursor_id = cursor_id
        # Where the cursor was in the list this one replaces: (section, index, screen row).
        self._cursor_place = cursor_place
        self._rows: list[_Row] = []
        self._row_ys: list[int] = []
        self._where: dict[str, tuple[int, int]] = {}
        self._place: dict[str, tuple[str, int]] = {}
        self._section_ids: dict[str, list[str]] = {}
        self._order: list[str] = []
        self._new_ys: list[int] = []
        self._tiles = 1
        self._tile_width = 0
        self._laid_out_width = -1
        self._blocks: dict[tuple[object, ...], list[Content]] = {}
        self._lines: dict[tuple[int, int, int], Strip] = {}
        self._fingerprint: list[object] = []
        self._strips: dict[tuple[object, ...], list[Strip]] = {}

    # -- what to show -------------------------------------------------------------------

    def show(
        self,
        sections: Sequence[BoardSection],
        look: CardLook,
        *,
        show_headers: bool | None = None,
        changed: frozenset[str] | None = None,
    ) -> None:
        """Show new content, keeping the cursor card (or its place) on the same screen row.

        With ``changed`` (the only cards that changed), a list whose cards are the same ones,
        none of them changed, and drawn the same way, is left as it is: no work at all.
        """
        if changed is not None and self._same_as_shown(sections, look, changed, show_headers):
            self.look = look
            return
        anchor = self._anchor()
        self.sections = sections
        self.look = look
        if show_headers is not None:
            self.show_headers = show_headers
        self._layout(anchor)

    def _same_as_shown(
        self,
        sections: Sequence[BoardSection],
        look: CardLook,
        changed: frozenset[str],
        show_headers: bool | None,
    ) -> bool:
        if not self._rows or (show_headers is not None and show_headers != self.show_headers):
            return False
        before, now = self.look, look
        if (
            now.t is not before.t
            or now.projector != before.projector
            or now.merge_source != before.merge_source
            or now.prompt_labels != before.prompt_labels
            or now.number_width != before.number_width
            or now.group_numbers != before.group_numbers
        ):
            return False
        if len(sections) != len(self.sections):
            return False
        for old, new in zip(self.sections, sections, strict=True):
            if old.key != new.key or old.group != new.group:
                return False
            if len(old.cards) != len(new.cards):
                return False
            for old_card, new_card in zip(old.cards, new.cards, strict=True):
                if old_card is not new_card or new_card.id in changed:
                    return False
        mine = self._where
        return {i for i in before.new_ids if i in mine} == {i for i in now.new_ids if i in mine}

    def forget_new(self, card_id: str) -> None:
        """A card was seen: drop its mark without laying the list out again."""
        if card_id in self.look.new_ids:
            self.look = replace(self.look, new_ids=self.look.new_ids - {card_id})
            if card_id in self._where:
                self._new_ys.remove(self._rows[self._where[card_id][0]].y)
            self._lines.clear()
            self._refresh_cards(card_id)

    @property
    def card_ids(self) -> list[str]:
        return list(self._order)

    def select(self, card_id: str, *, by_user: bool = True) -> bool:
        """Put the cursor on a card and scroll to it; False when the card is not here."""
        if card_id not in self._where:
            return False
        self._move_to(card_id, by_user=by_user)
        return True

    def card_at_row(self, screen_row: int) -> str | None:
        """The first card of the row at a screen row (to keep the height when changing list)."""
        line = int(self.scroll_y) + screen_row
        index = bisect_right(self._row_ys, line) - 1
        for row in self._rows[max(index, 0) :]:
            if row.cards:
                return row.cards[0].id
        return self._order[-1] if self._order else None

    def cursor_place(self) -> tuple[str, int, int] | None:
        """The cursor's section, its index there and its screen row (for a list replacing this)."""
        if self.cursor_id is None or self.cursor_id not in self._place:
            return None
        section, index = self._place[self.cursor_id]
        return section, index, self.cursor_screen_row()

    def cursor_screen_row(self) -> int:
        if self.cursor_id is None or self.cursor_id not in self._where:
            return 0
        row = self._rows[self._where[self.cursor_id][0]]
        return row.y - int(self.scroll_y)

    # -- layout -------------------------------------------------------------------------

    def _anchor(self) -> _Anchor:
        """What to keep in place: the cursor card (or the top card), its screen row and slot."""
        if not self._rows:
            return _Anchor()
        scroll_y = int(self.scroll_y)
        if self.cursor_id in self._where:
            section, index = self._place[self.cursor_id]
            row = self._rows[self._where[self.cursor_id][0]]
            return _Anchor(self.cursor_id, row.y - scroll_y, section, index)
        top = self.card_at_row(0)
        if top is None:
            return _Anchor()
        return _Anchor(top, self._rows[self._where[top][0]].y - scroll_y)

    def _layout(self, anchor: _Anchor | None = None) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        anchor = anchor or _Anchor()
        first_layout = not self._rows
        if self._cursor_place is not None and anchor.section is None:
            section, index, screen_row = self._cursor_place
            anchor = _Anchor(self.cursor_id, screen_row, section, index)
        self._cursor_place = None
        self._laid_out_width = width
        self._tiles = max(1, (width + TILE_GAP) // (TILE_MIN_WIDTH + TILE_GAP))
        self._tile_width = (width - TILE_GAP * (self._tiles - 1)) // self._tiles
        rows: list[_Row] = []
        self._place, self._section_ids, self._where, self._order = {}, {}, {}, []
        new_ids, new_ys = self.look.new_ids, []
        tiles, block, signature = self._tiles, self._block, self._signature
        fingerprint: list[object] = [width]
        y = 0
        for section in self.sections:
            if self.show_headers:
                header = section_title(section, self.look)
                rows.append(_Row(y, 2, header=header))
                fingerprint.append(header)
                y += 2
            cards = section.cards
            key = section.key
            self._section_ids[key] = [card.id for card in cards]
            for start in range(0, len(cards), tiles):
                chunk = cards[start : start + tiles]
                signatures = [signature(card) for card in chunk]
                pairs = zip(chunk, signatures, strict=True)
                height = max(len(block(card, sig)) for card, sig in pairs) + 1
                fingerprint.append(signatures)
                for slot, card in enumerate(chunk):
                    self._place[card.id] = (key, start + slot)
                    self._where[card.id] = (len(rows), slot)
                    self._order.append(card.id)
                    if card.id in new_ids:
                        new_ys.append(y)
                rows.append(_Row(y, height, cards=tuple(chunk)))
                y += height
        self._rows = rows
        self._row_ys = [row.y for row in rows]
        self._new_ys = new_ys
        # Unchanged lines keep their drawings: only a list whose cards changed is redrawn.
        unchanged = fingerprint == self._fingerprint
        self._fingerprint = fingerprint
        if not unchanged:
            self._lines.clear()
        if len(self._blocks) > MAX_CACHED_CARDS:
            self._blocks.clear()
            self._strips.clear()
        self._set_virtual_size(Size(width, y))
        cursor_before, scroll_before = self.cursor_id, self.scroll_y
        self._place_cursor(anchor)
        self._restore_scroll(anchor, first_layout)
        if not unchanged:
            self.refresh()
        elif self.cursor_id != cursor_before and self.scroll_y == scroll_before:
            self._refresh_cards(cursor_before, self.cursor_id)

    def _set_virtual_size(self, size: Size) -> None:
        if size == self.virtual_size:
            return
        if size.width == self.virtual_size.width:
            # Only more or fewer lines: the widget keeps its size, so the whole screen needs
            # no layout pass (a full frame); the scrollbar is updated directly.
            self.set_reactive(CardList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def _place_cursor(self, anchor: _Anchor) -> None:
        """Keep the cursor card; when it left its theme (moved, merged, hidden), take the card
        that took its place there, so sorting a column goes on where it was."""
        before = self.cursor_id
        place = self._place.get(before) if before is not None else None
        if before is not None and anchor.section is not None and before == anchor.card_id:
            if place is None or place[0] != anchor.section:
                same = self._section_ids.get(anchor.section, [])
                if same:
                    self.cursor_id = same[min(anchor.index, len(same) - 1)]
                elif place is None:
                    self.cursor_id = None
        elif place is None:
            self.cursor_id = None
        if self.cursor_id is None and self._order:
            self.cursor_id = self._order[0]
        if self.cursor_id != before:
            self.post_message(self.CursorMoved(self, self.cursor_id, by_user=False))

    def _restore_scroll(self, anchor: _Anchor, first_layout: bool = False) -> None:
        if anchor.section is not None:
            target = self.cursor_id  # the cursor card, or the one that took its place
        else:
            target = anchor.card_id if anchor.card_id in self._where else None
        if target is None or target not in self._where:
            return
        row = self._rows[self._where[target][0]]
        wanted = max(0, row.y - anchor.screen_row)
        if first_layout and row.y + row.height <= self.scrollable_content_region.height:
            wanted = 0  # a new list starts at its top when the cursor card shows there
        self.scroll_to(y=wanted, animate=False, immediate=True, force=True)

    def on_focus(self) -> None:
        self._refresh_cards(self.cursor_id)

    def on_blur(self) -> None:
        self._refresh_cards(self.cursor_id)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._laid_out_width:
            self._layout(self._anchor())

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._blocks.clear()
        self._strips.clear()
        self._lines.clear()
        self._fingerprint = []
        self.refresh()

    # -- drawing ------------------------------------------------------------------------

    def _signature(self, card: Card) -> tuple[object, ...]:
        return card_signature(card, self.look, self._tile_width)

    def _block(self, card: Card, key: tuple[object, ...] | None = None) -> list[Content]:
        key = key or self._signature(card)
        block = self._blocks.get(key)
        if block is None:
            block = self._blocks[key] = card_lines(card, self.look, self._tile_width, self._style)
        return block

    def _style(self, name: str) -> Style:
        return self.get_visual_style(name, partial=True)

    def _tile_strips(self, card: Card, cursor: bool) -> list[Strip]:
        key = (*self._signature(card), cursor)
        strips = self._strips.get(key)
        if strips is None:
            classes = ("card-list--card", "card-list--cursor") if cursor else ("card-list--card",)
            base = self.get_visual_style(*classes)
            rich_base = base.rich_style
            strips = [
                Strip(line.render_segments(base), line.cell_length).adjust_cell_length(
                    self._tile_width, rich_base
                )
                for line in self._block(card)
            ]
            self._strips[key] = strips
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        more = self._more_below(y)
        if more:
            return self._more_strip(more, width)
        line = int(self.scroll_y) + y
        index = bisect_right(self._row_ys, line) - 1
        cursor_id = self.cursor_id if self.screen.focused is self else None
        cursor_slot = -1
        if 0 <= index < len(self._rows):
            for slot, card in enumerate(self._rows[index].cards):
                if card.id == cursor_id:
                    cursor_slot = slot
        # Cached per line: the same Strip objects keep Textual's line filter cache warm.
        key = (line, cursor_slot, width)
        strip = self._lines.get(key)
        if strip is None:
            if len(self._lines) > MAX_CACHED_LINES:
                self._lines.clear()
            strip = self._lines[key] = self._render_row_line(index, line, cursor_slot, width)
        return strip

    def _render_row_line(self, index: int, line: int, cursor_slot: int, width: int) -> Strip:
        base = self.get_visual_style("card-list--card").rich_style
        if index < 0 or index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        offset = line - row.y
        if row.header is not None:
            if offset != 0:
                return Strip.blank(width, base)
            style = self.get_visual_style("card-list--card", "card-list--header")
            header = row.header.truncate(width, ellipsis=True)
            return Strip(header.render_segments(style), header.cell_length).adjust_cell_length(
                width, base
            )
        pieces: list[Strip] = []
        gap = Strip.blank(TILE_GAP, base)
        for slot, card in enumerate(row.cards):
            if slot:
                pieces.append(gap)
            tile = self._tile_strips(card, slot == cursor_slot)
            if offset < len(tile):
                pieces.append(tile[offset])
            elif slot == cursor_slot and offset < row.height - 1:
                cursor = self.get_visual_style("card-list--card", "card-list--cursor")
                pieces.append(Strip.blank(self._tile_width, cursor.rich_style))
            else:
                pieces.append(Strip.blank(self._tile_width, base))
        return Strip.join(pieces).adjust_cell_length(width, base)

    def _row_index(self, line: int) -> int | None:
        """The row drawn at a line of the whole list (None below the last one)."""
        index = bisect_right(self._row_ys, line) - 1
        return index if 0 <= index < len(self._rows) else None

    def _more_below(self, y: int) -> int:
        """How many new cards lie below the view, drawn on its last line (0 elsewhere)."""
        height = self.scrollable_content_region.height
        if y != height - 1 or not self._new_ys:
            return 0
        bottom = int(self.scroll_y) + height - 1
        return len(self._new_ys) - bisect_right(self._new_ys, bottom - 1)

    def _more_strip(self, count: int, width: int) -> Strip:
        text = Content(f" ▼ {self.look.t('board.more_new', count=count)} ▼ ")
        style = self.get_visual_style("card-list--card", "card-list--more")
        base = self.get_visual_style("card-list--card").rich_style
        text = text.truncate(width)
        pad = max(0, (width - text.cell_length) // 2)
        segments = [Segment(" " * pad, base), *text.render_segments(style)]
        return Strip(segments).adjust_cell_length(width, base)

    # -- the cursor ---------------------------------------------------------------------

    def _move_to(self, card_id: str | None, *, by_user: bool) -> None:
        previous = self.cursor_id
        self.cursor_id = card_id
        scroll_before = self.scroll_y
        if card_id is not None and card_id in self._where:
            row = self._rows[self._where[card_id][0]]
            self.scroll_to_region(
                Region(0, row.y, 1, row.height), animate=False, immediate=True, force=True
            )
        if previous != card_id or by_user:
            if self.scroll_y == scroll_before:
                self._refresh_cards(previous, card_id)  # only the two cards' lines change
            self.post_message(self.CursorMoved(self, card_id, by_user=by_user))

    def _refresh_cards(self, *card_ids: str | None) -> None:
        scroll_y = int(self.scroll_y)
        width = self.size.width
        for card_id in card_ids:
            if card_id is not None and card_id in self._where:
                row = self._rows[self._where[card_id][0]]
                self.refresh(Region(0, row.y - scroll_y, width, row.height))
        height = self.scrollable_content_region.height
        self.refresh(Region(0, height - 1, width, 1))  # the "new below" line

    def action_cursor(self, dx: int, dy: int) -> None:
        if self.cursor_id is None or self.cursor_id not in self._where:
            if self._order:
                self._move_to(self._order[0], by_user=True)
            elif dx:
                self.post_message(self.Edge(self, dx))
            return
        row_index, slot = self._where[self.cursor_id]
        if dx:
            row = self._rows[row_index]
            if 0 <= slot + dx < len(row.cards):
                self._move_to(row.cards[slot + dx].id, by_user=True)
            else:
                self.post_message(self.Edge(self, dx))
            return
        index = row_index + dy
        while 0 <= index < len(self._rows) and not self._rows[index].cards:
            index += dy
        if 0 <= index < len(self._rows):
            cards = self._rows[index].cards
            self._move_to(cards[min(slot, len(cards) - 1)].id, by_user=True)

    def action_first(self) -> None:
        if self._order:
            self._move_to(self._order[0], by_user=True)

    def action_last(self) -> None:
        if self._order:
            self._move_to(self._order[-1], by_user=True)

    def action_page(self, direction: int) -> None:
        if not self._order:
            return
        if self.cursor_id not in self._where:
            self.action_first()
            return
        row_index, slot = self._where[self.cursor_id]
        target_y = self._rows[row_index].y + direction * max(
            1, self.scrollable_content_region.height
        )
        index = max(0, min(len(self._rows) - 1, bisect_right(self._row_ys, target_y) - 1))
        while 0 <= index < len(self._rows) and not self._rows[index].cards:
            index += 1 if direction > 0 else -1
        index = max(0, min(len(self._rows) - 1, index))
        if self._rows[index].cards:
            cards = self._rows[index].cards
            self._move_to(cards[min(slot, len(cards) - 1)].id, by_user=True)

    def jump_section(self, direction: int) -> bool:
        """Lanes: move the cursor to the first card of the next or previous lane."""
        if not self.show_headers or not self._order:
            return False
        headers = [i for i, row in enumerate(self._rows) if row.header is not None]
        current = self._where[self.cursor_id][0] if self.cursor_id in self._where else 0
        if direction > 0:
            candidates = [h for h in headers if h > current]
        else:
            before = [h for h in headers if h < current]
            candidates = list(reversed(before[:-1])) if before else []
        for header in candidates:
            following = self._rows[header + 1] if header + 1 < len(self._rows) else None
            if following is not None and following.cards:
                self._move_to(following.cards[0].id, by_user=True)
                return True
        return False

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_y) + event.y
        index = bisect_right(self._row_ys, line) - 1
        if not 0 <= index < len(self._rows):
            return
        row = self._rows[index]
        slot = (event.x - self.gutter.left) // (self._tile_width + TILE_GAP)
        if 0 <= slot < len(row.cards):
            self.focus()
            self._move_to(row.cards[slot].id, by_user=True)
