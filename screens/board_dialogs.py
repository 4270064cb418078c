"""Small dialogs of the board: a text to type, a theme to pick, themes and prompts to manage,
and the search filter. Each one runs its hub command itself and keeps what was typed when the
command is refused, so the facilitator fixes it instead of typing it again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from cocreatie_tui.screens.base import AppModal
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from cocreatie_tui.core.board import UNGROUPED, BoardFilter, Group
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.events import SessionChanged, SessionOpened, StateReloaded
from cocreatie_tui.features.board import BoardChanged, board_of
from cocreatie_tui.hub import WITHDRAWN_NOTE
from cocreatie_tui.widgets.hub_events import listen

Save = Callable[[str, bool], Awaitable[str | None]]
NEW_GROUP = "*new*"
FOLLOW_ACTIVE = "*active*"
ALL_PROMPTS = "*all*"


class TextDialog(AppModal):
    """One text to type (a theme name, a prompt, a card's text), saved by ``save``."""

    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "board.dialog.cancel", id="board.dialog.cancel"),
        Binding("ctrl+s", "save", "board.dialog.save", id="board.dialog.save"),
    ]

    def __init__(
        self,
        title: str,
        save: Save,
        *,
        initial: str = "",
        multiline: bool = False,
        max_length: int = 500,
        history: Sequence[str] = (),
        checkbox: str | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._save_command = save
        self._initial = initial
        self._multiline = multiline
        self._max_length = max_length
        self._history = history
        self._checkbox = checkbox

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog board-dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            if self._multiline:
                yield TextArea(
                    self._initial,
                    id="dialog-text",
                    soft_wrap=True,
                    show_line_numbers=False,
                    tab_behavior="focus",
                )
            else:
                yield Input(self._initial, id="dialog-input", max_length=self._max_length)
            if self._checkbox is not None:
                yield Checkbox(Content(self._checkbox), value=True, id="dialog-check")
            if self._history:
                yield Label(Content(self.t("board.dialog.history")), classes="dialog-label")
                for entry in self._history:
                    yield Static(Content(self._history_line(entry)), classes="history-entry")
            yield Label("", id="dialog-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content(self.t("board.dialog.save")), variant="primary", id="dialog-save"
                )
                yield Button(Content(self.t("board.dialog.cancel")), id="dialog-cancel")

    def _history_line(self, entry: str) -> str:
        if entry.startswith(WITHDRAWN_NOTE):
            return "· " + self.t("board.note.withdrawn") + entry[len(WITHDRAWN_NOTE) :]
        return "· " + entry

    def on_mount(self) -> None:
        widget = self.query_one("#dialog-text" if self._multiline else "#dialog-input")
        widget.focus()

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#dialog-save")
    @on(Input.Submitted, "#dialog-input")
    def action_save(self) -> None:
        if self._multiline:
            value = self.query_one("#dialog-text", TextArea).text
        else:
            value = self.query_one("#dialog-input", Input).value
        checked = self._checkbox is not None and self.query_one("#dialog-check", Checkbox).value
        self.run_worker(self._save(value, checked), exclusive=True)

    async def _save(self, value: str, checked: bool) -> None:
        problem = await self._save_command(value, checked)
        if problem is None:
            self.dismiss(None)
        else:
            self.query_one("#dialog-error", Label).update(Content(problem))


def group_label(number: int | None, name: str, suffix: str = "") -> Content:
    key = f"{number}  " if number is not None and number <= 9 else "   "
    return Content.assemble((key, "dim"), Content(name), (suffix, "dim"))


class GroupPicker(AppModal):
    """Where a card goes: a number key or the arrows and Enter; dismissed with the group id."""

    CSS_PATH = "board.tcss"
    BINDINGS = [Binding("escape", "cancel", "board.dialog.cancel", id="board.picker.cancel")]

    def __init__(self, title: str, groups: Sequence[Group]) -> None:
        super().__init__()
        self._title = title
        self._groups = list(groups)

    def compose(self) -> ComposeResult:
        options = [Option(group_label(0, self.t("board.ungrouped")), id="group:")]
        options += [
            Option(group_label(number, group.name), id=f"group:{group.id}")
            for number, group in enumerate(self._groups, start=1)
        ]
        options.append(
            Option(group_label(None, self.t("board.dialog.new_group_option")), id=NEW_GROUP)
        )
        with Vertical(classes="dialog board-dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield OptionList(*options, id="picker")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#picker")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        self.dismiss(NEW_GROUP if option_id == NEW_GROUP else option_id.removeprefix("group:"))

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.character and event.character.isdigit():
            number = int(event.character)
            if number == 0:
                event.stop()
                self.dismiss(UNGROUPED)
            elif number <= len(self._groups):
                event.stop()
                self.dismiss(self._groups[number - 1].id)


class GroupManager(AppModal):
    """The themes in their order: rename, add, delete, move left or right."""

    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("escape", "close", "board.dialog.close", id="board.groups.close"),
        Binding("enter", "rename", "board.dialog.rename", id="board.groups.rename", priority=True),
        Binding("n", "new", "board.key.new_group", id="board.groups.new"),
        Binding("delete,d", "delete", "board.dialog.delete", id="board.groups.delete"),
        Binding("shift+up,shift+left", "move(-1)", "board.dialog.earlier", id="board.groups.up"),
        Binding("shift+down,shift+right", "move(1)", "board.dialog.later", id="board.groups.down"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog board-dialog"):
            yield Label(Content(self.t("board.dialog.groups")), classes="dialog-title")
            yield Label(Content(self.t("board.dialog.groups_help")), classes="dialog-help")
            yield OptionList(id="groups")
            yield Label(Content(self.t("board.dialog.no_groups")), id="no-groups")
            yield Label("", id="dialog-error", classes="dialog-error")

    def on_mount(self) -> None:
        kinds = (BoardChanged, SessionOpened, StateReloaded)
        listen(self, self.cocreatie.hub_events, kinds, self._on_hub_event)
        self._fill()
        self.query_one(OptionList).focus()

    def _on_hub_event(self, event: object) -> None:
        self._fill()

    def _fill(self, keep: str | None = None) -> None:
        groups = board_of(self.hub).ordered_groups()
        option_list = self.query_one(OptionList)
        current = keep or self._selected()
        option_list.set_options(
            Option(group_label(n, g.name, f"  ({self._count(g.id)})"), id=g.id)
            for n, g in enumerate(groups, start=1)
        )
        ids = [g.id for g in groups]
        if ids:
            option_list.highlighted = ids.index(current) if current in ids else 0
        self.query_one("#no-groups").display = not ids

    def _count(self, group_id: str) -> int:
        return sum(1 for c in self.hub.live.cards.values() if c.group_id == group_id)

    def _selected(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return option.id if option is not None else None

    def action_close(self) -> None:
        self.dismiss(None)

    async def _run(self, command: Awaitable[object]) -> None:
        problem = await self.cocreatie.run_command(command)
        self.query_one("#dialog-error", Label).update(Content(problem or ""))

    def action_rename(self) -> None:
        group_id = self._selected()
        if group_id is None:
            return
        board = board_of(self.hub)
        group = board.groups[group_id]

        async def save(name: str, _: bool) -> str | None:
            return await self.cocreatie.run_command(board.rename_group(group_id, name))

        self.app.push_screen(
            TextDialog(self.t("board.dialog.rename_group"), save, initial=group.name, max_length=60)
        )

    def action_new(self) -> None:
        board = board_of(self.hub)

        async def save(name: str, _: bool) -> str | None:
            return await self.cocreatie.run_command(board.create_group(name))

        self.app.push_screen(TextDialog(self.t("board.dialog.new_group"), save, max_length=60))

    def action_delete(self) -> None:
        group_id = self._selected()
        if group_id is not None:
            self.run_worker(self._run(board_of(self.hub).delete_group(group_id)))
            self.notify(self.t("board.group_deleted"))

    def action_move(self, steps: int) -> None:
        group_id = self._selected()
        if group_id is not None:
            self.run_worker(self._run(board_of(self.hub).move_group(group_id, steps)))


class PromptManager(AppModal):
    """The questions of the session: which one the phones show, new ones, new wording."""

    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("escape", "close", "board.dialog.close", id="board.prompts.close"),
        Binding("n", "new", "board.dialog.new_prompt", id="board.prompts.new"),
        Binding("e", "edit", "board.dialog.edit", id="board.prompts.edit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog board-dialog"):
            yield Label(Content(self.t("board.dialog.prompts")), classes="dialog-title")
            yield Label(Content(self.t("board.dialog.prompts_help")), classes="dialog-help")
            yield OptionList(id="prompts")
            yield Label("", id="dialog-error", classes="dialog-error")

    def on_mount(self) -> None:
        kinds = (SessionChanged, SessionOpened, StateReloaded)
        listen(self, self.cocreatie.hub_events, kinds, self._on_hub_event)
        self._fill()
        self.query_one(OptionList).focus()

    def _on_hub_event(self, event: object) -> None:
        self._fill()

    def _fill(self) -> None:
        info = self.hub.live.info
        option_list = self.query_one(OptionList)
        keep = option_list.highlighted
        options = []
        for number, prompt in enumerate(info.prompts, start=1):
            active = prompt.id == info.active_prompt_id
            options.append(
                Option(
                    Content.assemble(
                        ("▶ " if active else "  ", "bold"),
                        (f"{number}. ", "dim"),
                        Content(prompt.text),
                        (f"  ({self.t('board.dialog.active')})" if active else "", "dim"),
                    ),
                    id=prompt.id,
                )
            )
        option_list.set_options(options)
        ids = [p.id for p in info.prompts]
        if keep is None:
            keep = ids.index(info.active_prompt_id) if info.active_prompt_id in ids else 0
        option_list.highlighted = min(keep, len(ids) - 1)

    def _selected(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return option.id if option is not None else None

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#prompts")
    def _activate(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.run_worker(self._run(board_of(self.hub).activate_prompt(event.option.id)))

    async def _run(self, command: Awaitable[object]) -> None:
        problem = await self.cocreatie.run_command(command)
        self.query_one("#dialog-error", Label).update(Content(problem or ""))

    def action_new(self) -> None:
        board = board_of(self.hub)

        async def save(text: str, activate: bool) -> str | None:
            return await self.cocreatie.run_command(board.add_prompt(text, activate=activate))

        self.app.push_screen(
            TextDialog(
                self.t("board.dialog.new_prompt"),
                save,
                checkbox=self.t("board.dialog.activate_new"),
            )
        )

    def action_edit(self) -> None:
        prompt_id = self._selected()
        if prompt_id is None:
            return
        board = board_of(self.hub)
        prompt = next(p for p in self.hub.live.info.prompts if p.id == prompt_id)

        async def save(text: str, _: bool) -> str | None:
            return await self.cocreatie.run_command(board.edit_prompt(prompt_id, text))

        self.app.push_screen(
            TextDialog(self.t("board.dialog.edit_prompt"), save, initial=prompt.text)
        )


@dataclass(frozen=True)
class FilterChoice:
    board_filter: BoardFilter
    prompt_scope: str  # FOLLOW_ACTIVE, ALL_PROMPTS or a prompt id


class FilterDialog(AppModal):
    """Search and filter: text, theme, source, starred, and which prompt's cards."""

    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "board.dialog.cancel", id="board.filter.cancel"),
        Binding("ctrl+s", "apply", "board.dialog.apply", id="board.filter.apply"),
    ]

    def __init__(self, current: FilterChoice) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        t, current = self.t, self._current.board_filter
        groups = board_of(self.hub).ordered_groups()
        group_options: list[tuple[Content, str]] = [
            (Content(t("board.dialog.any_group")), "*"),
            (Content(t("board.ungrouped")), UNGROUPED),
        ]
        group_options += [(group_label(n, g.name), g.id) for n, g in enumerate(groups, 1)]
        source_options = [(Content(t("board.dialog.any_source")), "*")] + [
            (Content(t(f"board.source.{source.value}")), source.value) for source in CardSource
        ]
        prompts = self.hub.live.info.prompts
        prompt_options = [
            (Content(t("board.dialog.follow_active")), FOLLOW_ACTIVE),
            (Content(t("board.dialog.all_prompts")), ALL_PROMPTS),
        ] + [(Content(f"{n}. {p.text}"), p.id) for n, p in enumerate(prompts, 1)]
        group_value = current.group_id if current.group_id is not None else "*"
        if group_value not in {value for _, value in group_options}:
            group_value = "*"
        with Vertical(classes="dialog board-dialog"):
            yield Label(Content(t("board.dialog.search")), classes="dialog-title")
            yield Label(Content(t("board.dialog.search_text")), classes="dialog-label")
            yield Input(current.text, id="filter-text", max_length=100)
            yield Label(Content(t("board.dialog.group")), classes="dialog-label")
            yield Select(group_options, value=group_value, allow_blank=False, id="filter-group")
            yield Label(Content(t("board.dialog.source")), classes="dialog-label")
            yield Select(
                source_options,
                value=current.source.value if current.source else "*",
                allow_blank=False,
                id="filter-source",
            )
            yield Checkbox(
                Content(t("board.dialog.starred_only")), current.starred_only, id="filter-starred"
            )
            yield Label(Content(t("board.dialog.prompt")), classes="dialog-label")
            yield Select(
                prompt_options,
                value=self._current.prompt_scope,
                allow_blank=False,
                id="filter-prompt",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("board.dialog.apply")), variant="primary", id="filter-apply")
                yield Button(Content(t("board.dialog.clear")), id="filter-clear")
                yield Button(Content(t("board.dialog.cancel")), id="filter-cancel")

    def on_mount(self) -> None:
        self.query_one("#filter-text", Input).focus()

    @on(Button.Pressed, "#filter-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#filter-clear")
    def _clear(self) -> None:
        self.dismiss(FilterChoice(BoardFilter(), FOLLOW_ACTIVE))

    @on(Button.Pressed, "#filter-apply")
    @on(Input.Submitted, "#filter-text")
    def action_apply(self) -> None:
        group = self.query_one("#filter-group", Select).value
        source = self.query_one("#filter-source", Select).value
        choice = BoardFilter(
            text=self.query_one("#filter-text", Input).value.strip(),
            group_id=None if group == "*" else str(group),
            source=None if source == "*" else CardSource(str(source)),
            starred_only=self.query_one("#filter-starred", Checkbox).value,
        )
        scope = str(self.query_one("#filter-prompt", Select).value)
        self.dismiss(FilterChoice(choice, scope))
