"""The start screen: reopen a recent session or start a new one with its focus question, or
wipe a session kept on this computer (Delete on the list)."""

from __future__ import annotations

from cocreatie_tui.screens.base import AppScreen
from cocreatie_tui.screens.wipe import WipeSessionDialog
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from cocreatie_tui.library import SessionSummary, list_sessions
from cocreatie_tui.methods import method_by_id, methods


def session_line(summary: SessionSummary, t_cards: str) -> Content:
    if summary.problem:
        return Content.assemble((f"{summary.id}  ", "dim"), (summary.problem, "bold red"))
    return Content.assemble(
        (f"{summary.changed_at[:16].replace('T', ' ')}  ", "dim"),
        Content(summary.title),
        (f"  ({t_cards})", "dim"),
    )


class StartScreen(AppScreen):
    CSS_PATH = "start.tcss"
    BINDINGS = [
        Binding("escape", "back", "key.back", id="start.back"),
        Binding("delete", "wipe_session", "start.key.wipe", id="start.wipe"),
        Binding("ctrl+q", "app.quit", "key.quit", id="quit"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        self._summaries = {s.id: s for s in list_sessions(self.hub.data_dir)}
        with Vertical(id="start-box"):
            yield Static(Content(t("start.title")), id="start-title")
            yield Static(Content(t("start.method")), classes="start-label")
            yield Select(
                [(Content(m.name(t.lang)), m.id) for m in methods()],
                value=methods()[0].id,
                allow_blank=False,
                id="method",
            )
            yield Static("", id="method-description")
            yield Static(Content(t("start.new")), classes="start-label")
            yield Input(placeholder=t("start.placeholder"), id="new-title", max_length=500)
            yield Static("", id="start-error")
            yield Static(Content(t("start.recent")), classes="start-label")
            options = [
                Option(session_line(s, t("start.cards", count=s.cards)), id=s.id)
                for s in self._summaries.values()
            ]
            recent = OptionList(*options, id="recent-sessions")
            yield recent
            if not options:
                yield Static(Content(t("start.none")), id="no-sessions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-title", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "wipe_session":  # on the list of sessions, with one chosen
            return self._chosen_summary() is not None
        return True

    def _chosen_summary(self) -> SessionSummary | None:
        recent = self.query_one("#recent-sessions", OptionList)
        if self.focused is not recent or recent.highlighted is None:
            return None
        option = recent.get_option_at_index(recent.highlighted)
        return self._summaries.get(option.id or "")

    def action_wipe_session(self) -> None:
        summary = self._chosen_summary()
        if summary is None:
            return

        def wiped(done: bool | None) -> None:
            if not done:
                return
            recent = self.query_one("#recent-sessions", OptionList)
            recent.remove_option(summary.id)
            del self._summaries[summary.id]
            name = summary.id if summary.problem else summary.title
            message = self.t("start.wiped", title=name)
            self.query_one("#start-error", Static).update(Content(message))

        self.app.push_screen(WipeSessionDialog(summary), wiped)

    @on(OptionList.OptionHighlighted, "#recent-sessions")
    def _chosen(self) -> None:
        self.refresh_bindings()  # the footer shows Delete once a session is chosen

    def action_back(self) -> None:
        if self.hub.state is not None and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(Select.Changed, "#method")
    def describe_method(self, event: Select.Changed) -> None:
        method = method_by_id(str(event.value))
        text = "" if method is None else method.description(self.t.lang)
        self.query_one("#method-description", Static).update(Content(text))

    @on(Input.Submitted, "#new-title")
    def new_session(self, event: Input.Submitted) -> None:
        method = method_by_id(str(self.query_one("#method", Select).value))
        follow_up = method.follow_up_prompts(self.t.lang) if method else []
        self.run_worker(self._create(event.value, follow_up), exclusive=True)

    async def _create(self, title: str, follow_up: list[str]) -> None:
        problem = await self.cocreatie.run_command(self.hub.create_session(title, follow_up))
        if problem is not None:
            self.query_one("#start-error", Static).update(Content(problem))
            return
        await self.cocreatie.show_board()

    @on(OptionList.OptionSelected, "#recent-sessions")
    def open_session(self, event: OptionList.OptionSelected) -> None:
        session_id = event.option.id
        if session_id is None:
            return
        summary = self._summaries.get(session_id)
        if summary is not None and summary.problem:
            message = self.t("start.broken", reason=summary.problem)
            self.query_one("#start-error", Static).update(Content(message))
            return
        self.run_worker(self._open(session_id), exclusive=True)

    async def _open(self, session_id: str) -> None:
        problem = await self.cocreatie.run_command(self.hub.open_session(session_id))
        if problem is not None:
            self.query_one("#start-error", Static).update(Content(problem))
            return
        await self.cocreatie.show_board()
