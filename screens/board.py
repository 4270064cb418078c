"""The board: the focus question, the cards in themes, and how to join.

The screen is a thin view over the hub: every change is a hub command (``features.board``),
shown when its event arrives, that is once it is on disk. What the facilitator only looks at
(the cursor, the filter, which cards are new, the projector view) lives here and nowhere else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import replace

from cocreatie_tui.screens.base import AppScreen
from cocreatie_tui.screens.board_content import (
    Shown,
    add_arrivals,
    number_width,
    place_names,
    section_of,
)
from cocreatie_tui.screens.board_dialogs import (
    ALL_PROMPTS,
    FOLLOW_ACTIVE,
    NEW_GROUP,
    FilterChoice,
    FilterDialog,
    GroupManager,
    GroupPicker,
    PromptManager,
    TextDialog,
)
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from cocreatie_tui.core.board import (
    BY_TABLE,
    BY_THEME,
    GROUPINGS,
    UNGROUPED,
    BoardFilter,
    BoardSection,
    board_sections,
    cafe_sections,
    followers_by_target,
)
from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.events import (
    CardAdded,
    CardWithdrawn,
    HubEvent,
    SessionChanged,
    SessionOpened,
    StateReloaded,
)
from cocreatie_tui.features.board import BoardChanged, BoardFeature, board_of
from cocreatie_tui.features.cafe import CafeChanged, cafe_of
from cocreatie_tui.widgets.board_view import BoardView
from cocreatie_tui.widgets.card_block import CardLook
from cocreatie_tui.widgets.card_list import CardList
from cocreatie_tui.widgets.hub_events import listen
from cocreatie_tui.widgets.join_panel import JoinPanel
from cocreatie_tui.widgets.pacing import BurstPacer
from cocreatie_tui.widgets.rules_strip import RulesStrip
from cocreatie_tui.widgets.status import BOARD_STATUS_WIDGETS

WIDE_ENOUGH_FOR_JOIN_PANEL = 100
FIXED_WIDTH = {"#card-counter", "#new-counter"}
MAX_WAIT = 0.05  # seconds a stream of arriving cards may hold back the board's first update
# Belgian AZERTY keyboards type these on the digit keys without Shift.
AZERTY_DIGITS = {"à": 0, "&": 1, "é": 2, '"': 3, "'": 4, "(": 5, "§": 6, "è": 7, "!": 8, "ç": 9}


def _group_bindings() -> list[Binding]:
    bindings = [
        Binding("1", "to_group(1)", "board.key.to_group", key_display="1…9", id="board.to_group_1")
    ]
    bindings += [
        Binding(
            str(n), f"to_group({n})", "board.key.to_group", show=False, id=f"board.to_group_{n}"
        )
        for n in range(2, 10)
    ]
    bindings.append(
        Binding("0", "to_group(0)", "board.key.ungroup", show=False, id="board.to_group_0")
    )
    return bindings


class BoardScreen(AppScreen):
    """The footer shows the keys used most in front of a room; ? lists every key."""

    CSS_PATH = "board.tcss"

    BINDINGS = [
        Binding("n", "add_card", "key.add_card", id="board.add_card"),
        Binding("enter", "edit_card", "board.key.edit", id="board.edit_card"),
        *_group_bindings(),
        Binding("m", "move_card", "board.key.move", show=False, id="board.move_card"),
        Binding("g", "new_group", "board.key.new_group", id="board.new_group"),
        Binding("G", "groups", "board.key.groups", show=False, id="board.groups"),
        Binding("x", "merge", "board.key.merge", id="board.merge"),
        Binding("X", "split", "board.key.split", show=False, id="board.split"),
        Binding("h", "hide", "board.key.hide", id="board.hide"),
        Binding("asterisk", "star", "board.key.star", key_display="*", id="board.star"),
        Binding("ctrl+z", "undo", "board.key.undo", id="board.undo"),
        Binding("slash", "search", "board.key.search", key_display="/", id="board.search"),
        Binding("escape", "clear", "board.key.clear", show=False, id="board.clear"),
        Binding("p", "prompts", "board.key.prompts", id="board.prompts"),
        Binding("a", "all_prompts", "board.key.all_prompts", show=False, id="board.all_prompts"),
        Binding("b,f5", "projector", "board.key.projector", id="board.projector"),
        Binding("v", "lanes", "board.key.lanes", show=False, id="board.lanes"),
        Binding("o", "grouping", "board.key.grouping", show=False, id="board.grouping"),
        Binding("u", "next_new", "board.key.next_new", show=False, id="board.next_new"),
        Binding("U", "all_seen", "board.key.all_seen", show=False, id="board.all_seen"),
        Binding("j", "join", "key.join", show=False, id="board.join"),
        Binding("t", "edit_title", "key.title", show=False, id="board.edit_title"),
        Binding("e", "export", "key.export", show=False, id="board.export"),
        Binding("r", "rules", "key.rules", id="board.rules"),
        Binding("s", "sessions", "key.sessions", show=False, id="board.sessions"),
        Binding("question_mark", "keys", "board.key.help", key_display="?", id="board.keys"),
        Binding("ctrl+q", "app.quit", "key.quit", show=False, id="quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unseen: set[str] = set()
        self.board_filter = BoardFilter()
        self.prompt_scope = FOLLOW_ACTIVE
        self.projector = False
        self.layout_choice = "auto"
        self.grouping = BY_THEME  # or the world café's tables or rounds
        self.merge_source: str | None = None
        self._arrived: list[Card] = []
        self._flush_pending = False
        self._pacer = BurstPacer(first=MAX_WAIT)
        self._shown: Shown | None = None
        self._shown_count = 0
        self._room_count = 0
        self._any_cards = False
        self._header: dict[str, tuple[str, bool]] = {}

    @property
    def board(self) -> BoardFeature:
        return board_of(self.hub)

    @property
    def board_view(self) -> BoardView:
        return self.query_one(BoardView)

    def compose(self) -> ComposeResult:
        info = self.hub.live.info
        with Vertical(id="board-main"):
            with Horizontal(id="board-header"):
                yield Static(Content(info.title), id="focus-question")
                yield Static("", id="new-counter")
                yield Static("", id="card-counter")
            yield Static("", id="prompt-line")
            yield Static("", id="board-hint")
            with Horizontal(id="board-status"):
                for make_status_widget in BOARD_STATUS_WIDGETS:
                    yield make_status_widget()
            yield Static(Content(self.t("board.no_cards")), id="board-empty")
            yield BoardView(id="cards")
            yield RulesStrip(self.t.lang, id="rules-strip")
        yield JoinPanel(self.cocreatie.join_url, self.t("board.join_hint"), id="join-panel")
        yield Footer()

    def on_mount(self) -> None:
        hub_events = self.cocreatie.hub_events
        hub_events.subscribe(self, self._collect_arrivals, immediate=True)
        kinds = (
            BoardChanged,
            CardWithdrawn,
            SessionChanged,
            StateReloaded,
            SessionOpened,
            CafeChanged,
        )
        listen(self, hub_events, kinds, self.on_hub_event)
        self.refresh_board()

    def on_resize(self) -> None:
        panel = self.query_one(JoinPanel)
        panel.display = self.size.width >= WIDE_ENOUGH_FOR_JOIN_PANEL
        if self.layout_choice == "auto":
            self.call_after_refresh(self.refresh_board)

    # -- showing the board --------------------------------------------------------------

    def _prompt_id(self) -> str | None:
        if self.prompt_scope == FOLLOW_ACTIVE:
            return self.hub.live.info.active_prompt_id
        return None if self.prompt_scope == ALL_PROMPTS else self.prompt_scope

    def _lanes(self, sections: int) -> bool:
        if self.layout_choice == "auto":
            return not self.board_view.fits_columns(sections)
        return self.layout_choice == "lanes"

    def refresh_board(
        self, changed: frozenset[str] | None = None, arrived: Sequence[Card] = ()
    ) -> None:
        """Show the board as the hub holds it. ``changed``: the only cards that changed since
        the last update (new ones included), so the themes without them are left alone.
        ``arrived``: new cards, shown without going over every card when they only add to the
        end of their themes (the usual case)."""
        if arrived and changed is not None and self._show_arrivals(arrived, changed):
            return
        # Everything is computed from the hub now: cards collected for an update are in it.
        self._arrived.clear()
        hub, board = self.hub, self.board
        info = hub.live.info
        cards = hub.saved_cards()
        followers = followers_by_target(cards)
        groups = board.ordered_groups()
        prompt_id = self._prompt_id()
        shown_filter = replace(
            self.board_filter, prompt_id=prompt_id, show_hidden=not self.projector
        )
        if self.grouping == BY_THEME:
            sections = board_sections(cards, groups, shown_filter, followers)
        else:
            sections = cafe_sections(cards, self.grouping, shown_filter, followers)
        labels = {}
        if prompt_id is None and len(info.prompts) > 1:
            labels = {
                p.id: self.t("board.prompt_label", number=n) for n, p in enumerate(info.prompts, 1)
            }
        look = CardLook(
            self.t,
            new_ids=frozenset(self.unseen),
            followers=followers,
            projector=self.projector,
            merge_source=self.merge_source,
            prompt_labels=labels,
            number_width=number_width(cards[-1].number if cards else 0),
            group_numbers={group.id: n for n, group in enumerate(groups, start=1)},
            place_names=self._place_names(sections),
        )
        lanes = self._lanes(len(sections))
        self.board_view.show(sections, look, lanes=lanes, changed=changed)
        self._shown = Shown(sections, look, lanes, shown_filter, self.grouping)
        self._shown_count = sum(len(section.cards) for section in sections)
        self._room_count = sum(1 for c in cards if not c.hidden and c.merged_into is None)
        self._any_cards = bool(cards)
        self._update_header()

    def _show_arrivals(self, arrived: Sequence[Card], changed: frozenset[str]) -> bool:
        """New cards added to the end of the sections shown (False: not that simple; the
        caller then works out the whole board)."""
        shown = self._shown
        if (
            shown is None
            or shown.lanes != self._lanes(len(shown.sections))
            or shown.grouping != self.grouping
            or shown.board_filter.prompt_id != self._prompt_id()
            or shown.look.projector != self.projector
        ):
            return False
        section_key = section_of(self.grouping, self.board.groups)
        added = add_arrivals(shown, arrived, self.hub.live.cards, section_key)
        if added is None:
            return False
        self._arrived.clear()
        look = replace(
            shown.look,
            new_ids=frozenset(self.unseen),
            number_width=max(shown.look.number_width, number_width(added.highest_number)),
        )
        self.board_view.show(added.sections, look, lanes=shown.lanes, changed=changed)
        self._shown = replace(shown, sections=added.sections, look=look)
        self._shown_count += added.shown
        self._room_count += added.for_room
        self._any_cards = True
        self._update_header()
        return True

    def _place_names(self, sections: Sequence[BoardSection]) -> dict[str, str]:
        try:
            tables = cafe_of(self.hub).cafe.tables
        except LookupError:
            tables = []
        return place_names(self.grouping, sections, self.t, tables)

    def _update_header(self) -> None:
        t, info = self.t, self.hub.live.info
        self._show("#focus-question", info.title)
        self._show("#card-counter", t("board.cards_count", count=self._room_count))
        self._show("#board-empty", t("board.no_cards"), not self._any_cards)
        # Blank rather than hidden when nothing is new: the header keeps its layout (a layout
        # pass is a frame of the whole screen) when the first new card comes or the last goes.
        new_count = t("board.new_count", count=len(self.unseen)) if self.unseen else ""
        self._show("#new-counter", new_count, not self.projector)
        prompts = info.prompts
        active = next(n for n, p in enumerate(prompts, 1) if p.id == info.active_prompt.id)
        total = len(prompts)
        if self.prompt_scope == ALL_PROMPTS:
            line = t("board.prompt_all", number=active, total=total, text=info.active_prompt.text)
        elif self.prompt_scope == FOLLOW_ACTIVE:
            line = t("board.prompt_line", number=active, total=total, text=info.active_prompt.text)
        else:
            number, prompt = next(
                (n, p) for n, p in enumerate(prompts, 1) if p.id == self.prompt_scope
            )
            line = t("board.prompt_other", number=number, total=total, text=prompt.text)
        self._show("#prompt-line", line, total > 1)
        hint = ""
        if self.merge_source is not None and self.merge_source in self.hub.live.cards:
            number = self.hub.live.cards[self.merge_source].number
            hint = t("board.merge_hint", number=number)
        elif self.board_filter.narrows:
            hint = t("board.filter_line", what=self._filter_words(), count=self._shown_count)
        elif self.grouping != BY_THEME:
            hint = t(f"board.grouping.{self.grouping}")
        self._show("#board-hint", hint, bool(hint) and not self.projector)

    def _show(self, selector: str, text: str, display: bool = True) -> None:
        """Update a line of the header only when it changed: a layout pass costs a full frame,
        so the counters (fixed width in board.tcss) change without one."""
        before = self._header.get(selector)
        if before == (text, display):
            return
        self._header[selector] = (text, display)
        widget = self.query_one(selector, Static)
        same_size = selector in FIXED_WIDTH and before is not None and before[1] == display
        widget.update(Content(text), layout=not same_size)
        if before is None or before[1] != display:
            widget.display = display

    def _filter_words(self) -> str:
        t, chosen = self.t, self.board_filter
        words = []
        if chosen.text:
            words.append(f"«{chosen.text}»")
        if chosen.group_id == UNGROUPED:
            words.append(t("board.ungrouped"))
        elif chosen.group_id is not None and chosen.group_id in self.board.groups:
            words.append(self.board.groups[chosen.group_id].name)
        if chosen.source is not None:
            words.append(t(f"board.source.{chosen.source.value}"))
        if chosen.starred_only:
            words.append(t("board.filter_starred"))
        return " · ".join(words)

    # -- events -------------------------------------------------------------------------

    def _collect_arrivals(self, event: HubEvent | object) -> None:
        """Called as the hub publishes. The cards of one write are acknowledged over a few
        turns of the event loop (a few dozen per turn): after a quiet spell the board waits
        for a turn without a new card and updates once for the whole burst (at most
        ``MAX_WAIT`` later). While cards pour in (many in each update), updates come further
        apart (up to a quarter of a second, ``BurstPacer``): each costs a frame of the screen."""
        if not isinstance(event, CardAdded):
            return
        card = event.card
        self._arrived.append(card)
        if card.source is CardSource.PHONE:  # new to the facilitator; their own cards are not
            self.unseen.add(card.id)
        if self._flush_pending:
            return
        self._flush_pending = True
        loop = asyncio.get_running_loop()
        wait = self._pacer.wait(loop.time())
        if wait <= 0:
            loop.call_soon(self._when_quiet, len(self._arrived), loop.time() + MAX_WAIT)
        else:
            loop.call_later(wait, self.call_next, self._flush_arrivals)

    def _when_quiet(self, seen: int, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        if len(self._arrived) != seen and loop.time() < deadline:
            loop.call_soon(self._when_quiet, len(self._arrived), deadline)
        else:
            self.call_next(self._flush_arrivals)

    def on_hub_event(self, event: HubEvent | object) -> None:
        if isinstance(event, CafeChanged):
            if self.grouping == BY_TABLE:
                self.refresh_board(changed=frozenset())  # a table's theme may have changed
        elif isinstance(event, BoardChanged):
            self.refresh_board(changed=_touched_cards(event))
        elif isinstance(event, CardWithdrawn):
            self.refresh_board(changed=frozenset({event.card.id}))
        elif isinstance(event, SessionChanged):
            self.query_one(JoinPanel).show_url(self.cocreatie.join_url)
            self.refresh_board(changed=frozenset())  # no card is drawn differently
        elif isinstance(event, (StateReloaded, SessionOpened)):
            if isinstance(event, SessionOpened):
                self.unseen.clear()
                self.merge_source = None
            self.query_one(JoinPanel).show_url(self.cocreatie.join_url)
            self.refresh_board()

    def _flush_arrivals(self) -> None:
        self._flush_pending = False
        arrived = list(self._arrived)
        self._pacer.updated(asyncio.get_running_loop().time(), len(arrived))
        if arrived:
            self.refresh_board(changed=frozenset(card.id for card in arrived), arrived=arrived)

    @on(CardList.CursorMoved)
    def _seen(self, event: CardList.CursorMoved) -> None:
        if event.by_user and event.card_id in self.unseen:
            self.unseen.discard(event.card_id)
            event.card_list.forget_new(event.card_id)
            self._update_header()

    def on_key(self, event: events.Key) -> None:
        number = AZERTY_DIGITS.get(event.character or "")
        if number is None or self.grouping != BY_THEME:
            return
        if isinstance(self.focused, CardList):
            event.stop()
            self.action_to_group(number)

    # -- card commands ------------------------------------------------------------------

    def _selected(self) -> str | None:
        card_id = self.board_view.selected_card_id
        if card_id is None or card_id not in self.hub.live.cards:
            self.notify(self.t("board.select_card_first"), severity="warning")
            return None
        return card_id

    def _command(self, command: Awaitable[object]) -> None:
        async def run() -> None:
            problem = await self.cocreatie.run_command(command)
            if problem is not None:
                self.notify(problem, severity="error")

        self.run_worker(run(), group="board-commands")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Moving a card into a theme by its number (or the picker) is for the theme columns:
        grouped by table or round the keys are shown greyed out and do nothing."""
        if action in ("to_group", "move_card") and self.grouping != BY_THEME:
            return None
        return True

    def action_to_group(self, number: int) -> None:
        if self.grouping != BY_THEME:
            return
        card_id = self._selected()
        if card_id is None:
            return
        if number == 0:
            self._command(self.board.move_card(card_id, None))
            return
        groups = self.board.ordered_groups()
        if number > len(groups):
            self.notify(self.t("board.no_group_number", number=number), severity="warning")
            return
        self._command(self.board.move_card(card_id, groups[number - 1].id))

    def action_move_card(self) -> None:
        card_id = self._selected()
        if card_id is None:
            return
        number = self.hub.live.cards[card_id].number

        def picked(group_id: str | None) -> None:
            if group_id == NEW_GROUP:
                self._new_group_dialog(card_id)
            elif group_id is not None:
                self._command(self.board.move_card(card_id, group_id or None))

        title = self.t("board.dialog.move_card", number=number)
        self.app.push_screen(GroupPicker(title, self.board.ordered_groups()), picked)

    def action_new_group(self) -> None:
        self._new_group_dialog(self.board_view.selected_card_id)

    def _new_group_dialog(self, card_id: str | None) -> None:
        board = self.board
        card = self.hub.live.cards.get(card_id) if card_id else None
        checkbox = self.t("board.dialog.with_card", number=card.number) if card else None

        async def save(name: str, with_card: bool) -> str | None:
            target = card_id if card is not None and with_card else None
            return await self.cocreatie.run_command(board.create_group(name, card_id=target))

        self.app.push_screen(
            TextDialog(self.t("board.dialog.new_group"), save, max_length=60, checkbox=checkbox)
        )

    def action_groups(self) -> None:
        self.app.push_screen(GroupManager())

    def action_edit_card(self) -> None:
        card_id = self._selected()
        if card_id is None:
            return
        card = self.hub.live.cards[card_id]
        board = self.board

        async def save(text: str, _: bool) -> str | None:
            return await self.cocreatie.run_command(board.edit_card(card_id, text))

        title = self.t("board.dialog.edit_card", number=card.number)
        history = [] if self.projector else card.history
        self.app.push_screen(
            TextDialog(title, save, initial=card.text, multiline=True, history=history)
        )

    def action_merge(self) -> None:
        card_id = self._selected()
        if card_id is None:
            return
        if self.merge_source is None or self.merge_source not in self.hub.live.cards:
            self.merge_source = card_id
        elif self.merge_source == card_id:
            self.merge_source = None
        else:
            source, self.merge_source = self.merge_source, None
            self._command(self.board.merge_cards(source, card_id))
        self.refresh_board()

    def action_split(self) -> None:
        card_id = self._selected()
        if card_id is not None:
            self._command(self.board.split_card(card_id))

    def action_hide(self) -> None:
        card_id = self._selected()
        if card_id is not None:
            self._command(self.board.toggle_hidden(card_id))

    def action_star(self) -> None:
        card_id = self._selected()
        if card_id is not None:
            self._command(self.board.toggle_starred(card_id))

    def action_undo(self) -> None:
        async def run() -> None:
            undone = None

            async def undo() -> None:
                nonlocal undone
                undone = await self.board.undo()

            problem = await self.cocreatie.run_command(undo())
            if problem is not None:
                self.notify(problem, severity="error")
            elif undone is None:
                self.notify(self.t("board.nothing_to_undo"))
            else:
                what = self.t(f"board.change.{undone.kind}")
                self.notify(self.t("board.undone", what=what))

        self.run_worker(run(), group="board-commands")

    # -- what the board shows -----------------------------------------------------------

    def action_prompts(self) -> None:
        self.app.push_screen(PromptManager())

    def action_all_prompts(self) -> None:
        self.prompt_scope = FOLLOW_ACTIVE if self.prompt_scope == ALL_PROMPTS else ALL_PROMPTS
        self.refresh_board()

    def action_search(self) -> None:
        def chosen(choice: FilterChoice | None) -> None:
            if choice is not None:
                self.board_filter = choice.board_filter
                self.prompt_scope = choice.prompt_scope
                self.refresh_board()
                self.board_view.focus_board()

        current = FilterChoice(self.board_filter, self.prompt_scope)
        self.app.push_screen(FilterDialog(current), chosen)

    def action_clear(self) -> None:
        if self.merge_source is not None:
            self.merge_source = None
        elif self.board_filter.narrows:
            self.board_filter = BoardFilter()
        else:
            return
        self.refresh_board()

    def action_projector(self) -> None:
        self.projector = not self.projector
        self.set_class(self.projector, "projector")
        self.refresh_board()

    def action_lanes(self) -> None:
        sections = len(self._shown.sections) if self._shown else len(self.board.groups) + 1
        self.layout_choice = "columns" if self._lanes(sections) else "lanes"
        self.refresh_board()

    def action_grouping(self) -> None:
        """Themes, then the world café's tables, then its rounds, then themes again."""
        self.grouping = GROUPINGS[(GROUPINGS.index(self.grouping) + 1) % len(GROUPINGS)]
        self.refresh_board(changed=frozenset())
        self.refresh_bindings()

    def action_next_new(self) -> None:
        shown = [card_id for cl in self.board_view.lists for card_id in cl.card_ids]
        waiting = [card_id for card_id in shown if card_id in self.unseen]
        if not waiting:
            self.notify(self.t("board.no_new"))
            return
        cards = self.hub.live.cards
        self.board_view.select(min(waiting, key=lambda card_id: cards[card_id].number))

    def action_all_seen(self) -> None:
        self.unseen.clear()
        self.refresh_board(changed=frozenset())  # only the marks go

    def action_keys(self) -> None:
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()

    # -- other screens ------------------------------------------------------------------

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


def _touched_cards(event: BoardChanged) -> frozenset[str]:
    """The cards a change touched, and the cards that show them (a merge changes its target)."""
    touched = set(event.change.card_ids)
    for patch in event.change.cards:
        for values in (patch.before, patch.after):
            target = values.get("merged_into")
            if isinstance(target, str):
                touched.add(target)
    return frozenset(touched)
