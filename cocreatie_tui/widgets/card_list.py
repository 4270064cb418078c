"""The cards of one column (or all lanes) as a virtualised Line-API view.

Only the lines on screen are drawn; each card is wrapped once per width and kept in a cache,
so a board of thousands of cards scrolls and takes new cards without re-wrapping the rest.
Cards flow in tiles, as many per row as the width allows, so a wide screen fills up. How one
card looks is decided in ``card_block``, where it goes in ``card_layout``; this module draws
the lines on screen and moves the cursor. An update told which cards changed lays out only
those (and what follows them in their section): cards arriving cost the new cards, not the board.
"""

from __future__ import annotations

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
from cocreatie_tui.widgets.card_block import (
    CardLook,
    card_height,
    card_lines,
    card_signature,
    section_title,
)
from cocreatie_tui.widgets.card_layout import CardLayout

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
        self._layout_of = CardLayout()
        self._tile_width = 0
        self._laid_out_width = -1
        self._blocks: dict[tuple[object, ...], list[Content]] = {}
        self._lines: dict[tuple[int, int, int], Strip] = {}
        self._fingerprint: list[object] | None = None
        self._strips: dict[tuple[object, ...], list[Strip]] = {}
        self._styles: dict[str, Style] = {}
        self._heights: dict[tuple[object, ...], int] = {}

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

        With ``changed`` (the only cards that changed, new ones included) each section is laid
        out again from its first card that differs; a list with the same cards, none changed,
        is left as it is. Without it (or when the width or the way cards are drawn changed),
        everything is laid out again.
        """
        anchor = self._anchor()
        before = self.look
        self.sections = sections
        self.look = look
        headers_before = self.show_headers
        if show_headers is not None:
            self.show_headers = show_headers
        width = self.scrollable_content_region.width
        if (
            changed is None
            or width != self._laid_out_width
            or self.show_headers != headers_before
            or not _same_drawing(before, look)
            or not self._layout_of.same_sections(sections)
        ):
            self._layout(anchor)
            return
        if before.merge_source != look.merge_source:
            changed = changed | {before.merge_source, look.merge_source} - {None}
        self._trim_caches()
        first_line = self._layout_of.update(
            sections,
            self._headers(),
            changed,
            self._height_of,
            look.new_ids,
            before.new_ids ^ look.new_ids,
        )
        if first_line is None:
            return
        self._fingerprint = None
        self._after_layout(anchor, first_line, first_layout=not anchor.card_id)

    def forget_new(self, card_id: str) -> None:
        """A card was seen: drop its mark without laying the list out again."""
        if card_id in self.look.new_ids:
            self.look = replace(self.look, new_ids=self.look.new_ids - {card_id})
            self._layout_of.forget_new(card_id)
            self._lines.clear()
            self._refresh_cards(card_id)

    @property
    def card_ids(self) -> list[str]:
        return list(self._layout_of.card_ids())

    @property
    def is_empty(self) -> bool:
        return not self._layout_of.where

    def has_card(self, card_id: str | None) -> bool:
        return card_id in self._layout_of.where

    def cards_at_line(self, line: int) -> tuple[Card, ...]:
        """The cards drawn at a line of the whole list (none on a title or below the last)."""
        found = self._layout_of.locate(line)
        if found is None or found[1] < 0:
            return ()
        return self._layout_of.row(*found).cards

    def select(self, card_id: str, *, by_user: bool = True) -> bool:
        """Put the cursor on a card and scroll to it; False when the card is not here."""
        if card_id not in self._layout_of.where:
            return False
        self._move_to(card_id, by_user=by_user)
        return True

    def card_at_row(self, screen_row: int) -> str | None:
        """The first card of the row at a screen row (to keep the height when changing list)."""
        layout = self._layout_of
        found = layout.row_near(int(self.scroll_y) + screen_row, 1)
        if found is None:
            return layout.last_card()
        return layout.row(*found).cards[0].id

    def cursor_place(self) -> tuple[str, int, int] | None:
        """The cursor's section, its index there and its screen row (for a list replacing this)."""
        place = self._layout_of.place(self.cursor_id)
        if place is None:
            return None
        return place[0], place[1], self.cursor_screen_row()

    def cursor_screen_row(self) -> int:
        found = self._layout_of.card_row(self.cursor_id)
        return found[0] - int(self.scroll_y) if found is not None else 0

    # -- layout -------------------------------------------------------------------------

    def _anchor(self) -> _Anchor:
        """What to keep in place: the cursor card (or the top card), its screen row and slot."""
        layout = self._layout_of
        if not layout.where:
            return _Anchor()
        scroll_y = int(self.scroll_y)
        found = layout.card_row(self.cursor_id)
        place = layout.place(self.cursor_id)
        if found is not None and place is not None:
            return _Anchor(self.cursor_id, found[0] - scroll_y, place[0], place[1])
        top = self.card_at_row(0)
        found = layout.card_row(top)
        if found is None:
            return _Anchor()
        return _Anchor(top, found[0] - scroll_y)

    def _headers(self) -> list[Content | None]:
        if not self.show_headers:
            return [None] * len(self.sections)
        return [section_title(section, self.look) for section in self.sections]

    def _trim_caches(self) -> None:
        if len(self._blocks) > MAX_CACHED_CARDS or len(self._heights) > MAX_CACHED_CARDS:
            self._blocks.clear()
            self._strips.clear()
            self._heights.clear()

    def _height_of(self, card: Card) -> int:
        key = self._signature(card)
        height = self._heights.get(key)
        if height is None:
            lines = self._blocks.get(key)
            look, width = self.look, self._tile_width
            height = len(lines) if lines is not None else card_height(card, look, width)
            self._heights[key] = height
        return height

    def _layout(self, anchor: _Anchor | None = None) -> None:
        """Lay everything out again (the width, the look or the sections changed)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        first_layout = self._layout_of.height == 0
        self._laid_out_width = width
        tiles = max(1, (width + TILE_GAP) // (TILE_MIN_WIDTH + TILE_GAP))
        self._tile_width = (width - TILE_GAP * (tiles - 1)) // tiles
        self._trim_caches()
        layout = self._layout_of
        layout.lay_out(self.sections, self._headers(), tiles, self._height_of, self.look.new_ids)
        # Unchanged lines keep their drawings: only a list whose cards changed is redrawn.
        signature = self._signature
        fingerprint: list[object] = [width, *(block.header for block in layout.blocks)]
        for block in layout.blocks:
            fingerprint.extend(tuple(signature(card) for card in row.cards) for row in block.rows)
        unchanged = fingerprint == self._fingerprint
        self._fingerprint = fingerprint
        self._after_layout(anchor or _Anchor(), None if unchanged else 0, first_layout)

    def _after_layout(self, anchor: _Anchor, first_line: int | None, first_layout: bool) -> None:
        """Size, cursor and scroll after a layout; ``first_line``: where drawing changed."""
        if self._cursor_place is not None and anchor.section is None:
            section, index, screen_row = self._cursor_place
            anchor = _Anchor(self.cursor_id, screen_row, section, index)
        self._cursor_place = None
        if first_line is not None:
            if first_line == 0:
                self._lines.clear()
            else:
                self._lines = {k: v for k, v in self._lines.items() if k[0] < first_line}
        self._set_virtual_size(Size(self._laid_out_width, self._layout_of.height))
        cursor_before, scroll_before = self.cursor_id, self.scroll_y
        self._place_cursor(anchor)
        self._restore_scroll(anchor, first_layout)
        if first_line is not None:
            if first_line < int(self.scroll_y) + self.scrollable_content_region.height:
                self.refresh()
            else:
                self._refresh_cards()  # only the "new below" line
        if self.cursor_id != cursor_before and self.scroll_y == scroll_before:
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
        layout = self._layout_of
        before = self.cursor_id
        place = layout.place(before)
        if before is not None and anchor.section is not None and before == anchor.card_id:
            if place is None or place[0] != anchor.section:
                same = layout.section_cards(anchor.section)
                if same:
                    self.cursor_id = same[min(anchor.index, len(same) - 1)].id
                elif place is None:
                    self.cursor_id = None
        elif place is None:
            self.cursor_id = None
        if self.cursor_id is None:
            self.cursor_id = layout.first_card()
        if self.cursor_id != before:
            self.post_message(self.CursorMoved(self, self.cursor_id, by_user=False))

    def _restore_scroll(self, anchor: _Anchor, first_layout: bool = False) -> None:
        layout = self._layout_of
        if anchor.section is not None:
            target = self.cursor_id  # the cursor card, or the one that took its place
        else:
            target = anchor.card_id
        found = layout.card_row(target)
        if found is None:
            return
        y, row = found
        wanted = max(0, y - anchor.screen_row)
        if first_layout and y + row.height <= self.scrollable_content_region.height:
            wanted = 0  # a new list starts at its top when the cursor card shows there
        if wanted != int(self.scroll_y):
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
        self._styles.clear()
        self._blocks.clear()
        self._strips.clear()
        self._lines.clear()
        self._fingerprint = None
        self.refresh()

    # -- drawing ------------------------------------------------------------------------

    def _signature(self, card: Card) -> tuple[object, ...]:
        return card_signature(card, self.look, self._tile_width)

    def _card_lines(self, card: Card, key: tuple[object, ...] | None = None) -> list[Content]:
        key = key or self._signature(card)
        block = self._blocks.get(key)
        if block is None:
            block = self._blocks[key] = card_lines(card, self.look, self._tile_width, self._style)
        return block

    def _style(self, name: str) -> Style:
        # Kept like the drawings made with it (until the styles change): asking Textual costs
        # ~20 µs, four times for every card that arrives.
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_visual_style(name, partial=True)
        return style

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
                for line in self._card_lines(card)
            ]
            self._strips[key] = strips
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        more = self._more_below(y)
        if more:
            return self._more_strip(more, width)
        line = int(self.scroll_y) + y
        cards = self.cards_at_line(line)
        cursor_id = self.cursor_id if self.screen.focused is self else None
        cursor_slot = -1
        for slot, card in enumerate(cards):
            if card.id == cursor_id:
                cursor_slot = slot
        # Cached per line: the same Strip objects keep Textual's line filter cache warm.
        key = (line, cursor_slot, width)
        strip = self._lines.get(key)
        if strip is None:
            if len(self._lines) > MAX_CACHED_LINES:
                self._lines.clear()
            strip = self._lines[key] = self._render_row_line(line, cursor_slot, width)
        return strip

    def _render_row_line(self, line: int, cursor_slot: int, width: int) -> Strip:
        base = self.get_visual_style("card-list--card").rich_style
        layout = self._layout_of
        found = layout.locate(line)
        if found is None:
            return Strip.blank(width, base)
        index, row_index = found
        block = layout.blocks[index]
        if row_index < 0:
            if line != block.top or block.header is None:
                return Strip.blank(width, base)
            style = self.get_visual_style("card-list--card", "card-list--header")
            header = block.header.truncate(width, ellipsis=True)
            return Strip(header.render_segments(style), header.cell_length).adjust_cell_length(
                width, base
            )
        row = block.rows[row_index]
        offset = line - block.top - row.y
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

    def _more_below(self, y: int) -> int:
        """How many new cards lie below the view, drawn on its last line (0 elsewhere)."""
        height = self.scrollable_content_region.height
        if y != height - 1:
            return 0
        return self._layout_of.new_below(int(self.scroll_y) + height - 1)

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
        found = self._layout_of.card_row(card_id)
        if found is not None:
            y, row = found
            self.scroll_to_region(
                Region(0, y, 1, row.height), animate=False, immediate=True, force=True
            )
        if previous != card_id or by_user:
            if self.scroll_y == scroll_before:
                self._refresh_cards(previous, card_id)  # only the two cards' lines change
            self.post_message(self.CursorMoved(self, card_id, by_user=by_user))

    def _refresh_cards(self, *card_ids: str | None) -> None:
        scroll_y = int(self.scroll_y)
        width = self.size.width
        for card_id in card_ids:
            found = self._layout_of.card_row(card_id)
            if found is not None:
                y, row = found
                self.refresh(Region(0, y - scroll_y, width, row.height))
        height = self.scrollable_content_region.height
        self.refresh(Region(0, height - 1, width, 1))  # the "new below" line

    def action_cursor(self, dx: int, dy: int) -> None:
        layout = self._layout_of
        place = layout.where.get(self.cursor_id) if self.cursor_id is not None else None
        if place is None:
            first = layout.first_card()
            if first is not None:
                self._move_to(first, by_user=True)
            elif dx:
                self.post_message(self.Edge(self, dx))
            return
        index, row_index, slot = place
        if dx:
            row = layout.row(index, row_index)
            if 0 <= slot + dx < len(row.cards):
                self._move_to(row.cards[slot + dx].id, by_user=True)
            else:
                self.post_message(self.Edge(self, dx))
            return
        found = layout.next_row(index, row_index, dy)
        if found is not None:
            cards = layout.row(*found).cards
            self._move_to(cards[min(slot, len(cards) - 1)].id, by_user=True)

    def action_first(self) -> None:
        first = self._layout_of.first_card()
        if first is not None:
            self._move_to(first, by_user=True)

    def action_last(self) -> None:
        last = self._layout_of.last_card()
        if last is not None:
            self._move_to(last, by_user=True)

    def action_page(self, direction: int) -> None:
        layout = self._layout_of
        if not layout.where:
            return
        place = layout.where.get(self.cursor_id) if self.cursor_id is not None else None
        if place is None:
            self.action_first()
            return
        index, row_index, slot = place
        page = max(1, self.scrollable_content_region.height)
        found = layout.row_near(layout.row_top(index, row_index) + direction * page, direction)
        if found is None:
            found = layout.row_near(layout.row_top(index, row_index), -direction)
        if found is not None:
            cards = layout.row(*found).cards
            self._move_to(cards[min(slot, len(cards) - 1)].id, by_user=True)

    def jump_section(self, direction: int) -> bool:
        """Lanes: move the cursor to the first card of the next or previous lane."""
        layout = self._layout_of
        if not self.show_headers or not layout.where:
            return False
        place = layout.where.get(self.cursor_id) if self.cursor_id is not None else None
        current = place[0] if place is not None else 0
        step = 1 if direction > 0 else -1
        index = current + step
        while 0 <= index < len(layout.blocks):
            rows = layout.blocks[index].rows
            if rows:
                self._move_to(rows[0].cards[0].id, by_user=True)
                return True
            index += step
        return False

    def on_click(self, event: events.Click) -> None:
        cards = self.cards_at_line(int(self.scroll_y) + event.y)
        slot = (event.x - self.gutter.left) // (self._tile_width + TILE_GAP)
        if 0 <= slot < len(cards):
            self.focus()
            self._move_to(cards[slot].id, by_user=True)


def _same_drawing(before: CardLook, now: CardLook) -> bool:
    """Whether cards are drawn the same way (what is new, merged or merging aside)."""
    return (
        now.t is before.t
        and now.projector == before.projector
        and now.prompt_labels == before.prompt_labels
        and now.number_width == before.number_width
    )
