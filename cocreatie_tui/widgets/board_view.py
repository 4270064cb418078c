"""The board's cards as columns (one per theme) or as lanes (all themes in one list).

Columns are remounted only when the themes themselves change (a handful of widgets); every
other update goes to the existing ``CardList``s, which keep their cursor and scroll position.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical
from textual.widgets import Static

from cocreatie_tui.core.board import BoardSection
from cocreatie_tui.widgets.card_block import CardLook, section_title
from cocreatie_tui.widgets.card_list import CardList

LANES_KEY = "*lanes*"
COLUMN_MIN_WIDTH = 30


class CardColumn(Vertical):
    """One theme: its title (the number key, the name, the count) above its cards."""

    DEFAULT_CSS = """
    CardColumn { width: 1fr; min-width: 30; height: 1fr; margin-right: 1; }
    CardColumn.lanes { margin-right: 0; }
    CardColumn > .column-title { height: 1; padding: 0 1; background: $panel;
        text-style: bold; color: $text; }
    CardColumn:focus-within > .column-title { background: $accent 50%; }
    """

    def __init__(
        self,
        sections: Sequence[BoardSection],
        look: CardLook,
        *,
        lanes: bool,
        cursor_id: str | None,
        cursor_place: tuple[str, int, int] | None = None,
    ) -> None:
        super().__init__(classes="lanes" if lanes else None)
        self.lanes = lanes
        self.section_key = LANES_KEY if lanes else sections[0].key
        self._title = section_title(sections[0], look) if not lanes else None
        self._title_widget = Static(self._title or "", classes="column-title")
        self.card_list = CardList(
            look,
            sections,
            show_headers=lanes,
            cursor_id=cursor_id,
            cursor_place=cursor_place,
            key=self.section_key,
        )

    def compose(self) -> ComposeResult:
        if self._title is not None:
            yield self._title_widget
        yield self.card_list

    def update(
        self,
        sections: Sequence[BoardSection],
        look: CardLook,
        changed: frozenset[str] | None = None,
    ) -> None:
        if not self.lanes:
            title = section_title(sections[0], look)
            if title != self._title:
                self._title = title
                # One line as wide as the column: no layout pass needed.
                self._title_widget.update(title, layout=False)
        self.card_list.show(sections, look, changed=changed)


class BoardView(HorizontalScroll, can_focus=False):
    """Columns or lanes of cards, and which card is selected."""

    DEFAULT_CSS = """
    BoardView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[str] = []
        self._columns: list[CardColumn] = []
        self._selected: str | None = None
        self._focus_key: str | None = None

    @property
    def columns(self) -> list[CardColumn]:
        """The columns shown now (kept here: removing and mounting widgets takes a moment)."""
        return list(self._columns)

    @property
    def lists(self) -> list[CardList]:
        return [column.card_list for column in self.columns]

    @property
    def selected_card_id(self) -> str | None:
        focused = self.screen.focused if self.is_attached else None
        if isinstance(focused, CardList) and focused.parent in self._columns:
            return focused.cursor_id
        return self._selected

    def fits_columns(self, count: int) -> bool:
        return count * (COLUMN_MIN_WIDTH + 1) <= max(self.size.width, 1)

    def on_resize(self) -> None:
        self._size_columns()

    def _size_columns(self) -> None:
        """Columns share the width; when they do not fit, each keeps the minimum and the row
        scrolls sideways (fr widths would make every column as wide as the screen)."""
        columns = [column for column in self._columns if not column.lanes]
        if not columns:
            return
        room = self.scrollable_content_region.width or self.size.width
        width = max(COLUMN_MIN_WIDTH, (room - len(columns)) // len(columns))  # 1 cell margin
        for column in columns:
            if column.styles.width is None or column.styles.width.value != width:
                column.styles.width = width

    def show(
        self,
        sections: Sequence[BoardSection],
        look: CardLook,
        *,
        lanes: bool,
        changed: frozenset[str] | None = None,
    ) -> None:
        keys = [LANES_KEY] if lanes else [section.key for section in sections]
        if keys == self._keys:
            if lanes:
                self.columns[0].update(sections, look, changed)
            else:
                for column, section in zip(self.columns, sections, strict=True):
                    column.update([section], look, changed)
            return
        self._rebuild(sections, look, lanes, keys)

    def _rebuild(
        self, sections: Sequence[BoardSection], look: CardLook, lanes: bool, keys: list[str]
    ) -> None:
        """Themes were added, removed or reordered, or the layout changed: mount only what is
        new (mounting restyles the screen, so a new theme costs one column, not all of them)."""
        selected = self.selected_card_id
        focused = self.screen.focused
        had_focus = focused is None or isinstance(focused, CardList)
        was_lanes = self._keys == [LANES_KEY]
        self._keys = keys
        self._selected = selected
        if lanes or was_lanes:
            # The new list puts the cursor where it was: the same theme, the same place.
            place = focused.cursor_place() if isinstance(focused, CardList) else None
            self._focus_key = place[0] if place is not None and not lanes else None
            if lanes:
                columns = [
                    CardColumn(sections, look, lanes=True, cursor_id=selected, cursor_place=place)
                ]
            else:
                columns = [self._new_column(s, look, selected, place) for s in sections]
            self.remove_children()
            self._columns = columns
            self.mount_all(columns)
        else:
            existing = {column.section_key: column for column in self._columns}
            columns = []
            for section in sections:
                column = existing.pop(section.key, None)
                if column is None:
                    column = self._new_column(section, look, selected)
                else:
                    column.update([section], look)
                columns.append(column)
            for gone in existing.values():
                gone.remove()
            kept = [column for column in columns if column in self._columns]
            if kept != [column for column in self._columns if column in kept]:
                for column in kept:
                    self.move_child(column, after=self.children[-1])  # the new order
            for index, column in enumerate(columns):
                if column not in self._columns:
                    if index == 0:
                        self.mount(column, before=0)
                    else:
                        self.mount(column, after=columns[index - 1])
            self._columns = columns
        self._size_columns()
        lost_focus = focused is not None and focused not in [c.card_list for c in self._columns]
        if had_focus and (lanes != was_lanes or lost_focus or focused is None):
            self.call_after_refresh(self._focus_selected)

    @staticmethod
    def _new_column(
        section: BoardSection,
        look: CardLook,
        selected: str | None,
        place: tuple[str, int, int] | None = None,
    ) -> CardColumn:
        here = any(card.id == selected for card in section.cards)
        if place is not None and place[0] == section.key:
            return CardColumn([section], look, lanes=False, cursor_id=None, cursor_place=place)
        return CardColumn([section], look, lanes=False, cursor_id=selected if here else None)

    def _focus_selected(self) -> None:
        lists = self.lists
        if not lists:
            return
        focus_key, self._focus_key = self._focus_key, None
        for card_list in lists:
            if focus_key is not None and card_list.key == focus_key:
                card_list.focus(scroll_visible=True)
                return
        if len(lists) == 1:
            lists[0].focus()  # lanes: the list placed its cursor itself
            return
        for card_list in lists:
            if card_list.has_card(self._selected):
                card_list.select(self._selected, by_user=False)
                card_list.focus(scroll_visible=True)
                return
        first = next((cl for cl in lists if not cl.is_empty), lists[0])
        first.focus()

    def select(self, card_id: str, *, by_user: bool = True) -> bool:
        for card_list in self.lists:
            if card_list.select(card_id, by_user=by_user):
                card_list.focus()
                self._selected = card_id
                return True
        return False

    def focus_board(self) -> None:
        if self._selected is None or not self.select(self._selected, by_user=False):
            self._focus_selected()

    @on(CardList.CursorMoved)
    def _remember(self, event: CardList.CursorMoved) -> None:
        if event.card_list.has_focus or event.by_user:
            self._selected = event.card_id

    def on_descendant_focus(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, CardList) and focused.cursor_id is not None:
            self._selected = focused.cursor_id

    @on(CardList.Edge)
    def _step_sideways(self, event: CardList.Edge) -> None:
        event.stop()
        source = event.card_list
        if source.show_headers:
            source.jump_section(event.direction)
            return
        lists = self.lists
        index = lists.index(source) if source in lists else -1
        step = index + event.direction
        while 0 <= step < len(lists) and lists[step].is_empty:
            step += event.direction
        if not 0 <= step < len(lists):
            return
        target = lists[step]
        card_id = target.card_at_row(source.cursor_screen_row())
        if card_id is not None:
            target.select(card_id, by_user=True)
        target.focus()
        self._selected = target.cursor_id
