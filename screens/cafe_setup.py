"""Preparing a world café: the tables (a theme and a host each), the number of rounds and their
length, and the people (phones in the room, names typed for people without one).

Everything is typed into plain fields and saved with Ctrl+S; Ctrl+G saves, makes the plan for
every round and shows the seating plan. Once the café is planned the tables are fixed; the
people can still come and go (the seating plan screen takes care of them).
"""

from __future__ import annotations

from cocreatie_tui.screens.cafe_common import CafeScreen, parse_minutes
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label, Select, Static

from cocreatie_tui.core.cafe import DEFAULT_TABLES, MAX_ROUNDS, MAX_TABLES, THEME_MAX
from cocreatie_tui.core.timer import format_clock
from cocreatie_tui.features.cafe import CAFE_EVENTS
from cocreatie_tui.widgets.cafe_people import CafePeopleList
from cocreatie_tui.widgets.hub_events import listen


class TableRow(Horizontal):
    """One table: its number, its theme and its host."""

    def __init__(self, number: int, theme: str, host: str | None) -> None:
        super().__init__(classes="table-row")
        self.number = number
        self._theme = theme
        self._host = host

    def compose(self) -> ComposeResult:
        screen = self.screen
        assert isinstance(screen, CafeSetupScreen)
        yield Label(Content(screen.t("cafe.table", number=self.number)), classes="table-label")
        yield Input(
            self._theme,
            placeholder=screen.t("cafe.setup.theme"),
            max_length=THEME_MAX,
            classes="table-theme",
        )
        options = screen.host_options()
        known = {value for _, value in options}
        yield Select(
            options,
            prompt=screen.t("cafe.setup.no_host"),
            value=self._host if self._host in known else Select.NULL,
            classes="table-host",
        )

    @property
    def theme(self) -> str:
        return self.query_one(".table-theme", Input).value

    @property
    def host(self) -> str | None:
        value = self.query_one(".table-host", Select).value
        return value if isinstance(value, str) else None


class CafeSetupScreen(CafeScreen):
    _host_choices: list[tuple[str, str]] = []
    BINDINGS = [
        Binding("escape", "back", "key.back", id="cafe.setup.back"),
        Binding("ctrl+s", "save", "cafe.key.save", id="cafe.setup.save"),
        Binding("ctrl+g", "plan", "cafe.key.plan", id="cafe.setup.plan"),
        Binding("a", "add_name", "cafe.key.add_name", id="cafe.setup.add_name"),
        Binding("o", "add_phones", "cafe.key.phones", id="cafe.setup.phones"),
        Binding("space", "toggle_present", "cafe.key.present", id="cafe.setup.present"),
        Binding("delete", "remove", "cafe.key.remove", show=False, id="cafe.setup.remove"),
        Binding("f3", "open('seating')", "cafe.key.seating", id="cafe.setup.seating"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        state = self.cafe.cafe
        count = len(state.tables) or DEFAULT_TABLES
        with Horizontal(id="setup-main"):
            with Vertical(id="setup-form"):
                yield Static(Content(t("cafe.setup.title")), id="setup-title", classes="heading")
                yield Static("", id="setup-note")
                with Horizontal(id="setup-numbers"):
                    yield Label(Content(t("cafe.setup.tables")))
                    yield Input(str(count), id="setup-tables", type="integer", max_length=2)
                    yield Label(Content(t("cafe.setup.rounds")))
                    yield Input(str(state.rounds), id="setup-rounds", type="integer", max_length=2)
                    yield Label(Content(t("cafe.setup.minutes")))
                    yield Input(
                        format_clock(state.round_seconds).removesuffix(":00"),
                        id="setup-minutes",
                        max_length=6,
                    )
                with VerticalScroll(id="setup-tables-list"):
                    for number in range(1, count + 1):
                        table = state.tables[number - 1] if number <= len(state.tables) else None
                        yield TableRow(
                            number,
                            table.theme if table else "",
                            table.host if table else None,
                        )
            yield CafePeopleList(id="setup-people")
        yield Footer()

    async def on_mount(self) -> None:
        listen(self, self.cocreatie.hub_events, CAFE_EVENTS, self.on_hub_event)
        self.query_one("#setup-tables-list TableRow Input", Input).focus()
        if not self.cafe.cafe.started:
            await self.command(self.cafe.add_phones())
        self.show_now()

    def on_hub_event(self, event: object) -> None:
        self.show_now()

    # -- showing -----------------------------------------------------------------------

    def host_options(self) -> list[tuple[Content, str]]:
        state = self.cafe.cafe
        return [
            (Content(self.name_of(person.id)), person.id)
            for person in state.people.values()
            if person.present or person.id in state.hosts
        ]

    def show_now(self) -> None:
        state = self.cafe.cafe
        self.query_one(CafePeopleList).show_people(self.cafe, self.t)
        options = self.host_options()
        wanted = [(label.plain, value) for label, value in options]
        if wanted != self._host_choices:  # unchanged options leave an open list alone
            self._host_choices = wanted
            for select in self.query(".table-host").results(Select):
                value = select.value
                select.set_options(options)
                if isinstance(value, str) and any(v == value for _, v in options):
                    select.value = value
        locked = state.started
        for field in self.query("#setup-form Input, #setup-form Select"):
            field.disabled = locked
        note = ""
        if self.cafe.planning:
            note = self.t("cafe.planning")
        elif locked:
            note = self.t("cafe.setup.locked")
        self.query_one("#setup-note", Static).update(Content(note))

    # -- the tables --------------------------------------------------------------------

    @on(Input.Changed, "#setup-tables")
    async def tables_changed(self, event: Input.Changed) -> None:
        try:
            wanted = int(event.value)
        except ValueError:
            return
        if not 1 <= wanted <= MAX_TABLES:
            return
        rows = list(self.query(TableRow).results(TableRow))
        listing = self.query_one("#setup-tables-list", VerticalScroll)
        if wanted > len(rows):
            await listing.mount_all(TableRow(n, "", None) for n in range(len(rows) + 1, wanted + 1))
        for row in rows[wanted:]:
            await row.remove()

    def _read_form(self) -> tuple[list[str], list[str | None], int, float] | None:
        t = self.t
        rows = list(self.query(TableRow).results(TableRow))
        try:
            rounds = int(self.query_one("#setup-rounds", Input).value)
        except ValueError:
            rounds = 0
        if not 1 <= rounds <= MAX_ROUNDS:
            self.notify(t("cafe.error.rounds"), severity="warning")
            return None
        seconds = parse_minutes(self.query_one("#setup-minutes", Input).value)
        if seconds is None:
            self.notify(t("cafe.error.round_length"), severity="warning")
            return None
        return [row.theme for row in rows], [row.host for row in rows], rounds, seconds

    async def _save(self) -> bool:
        form = self._read_form()
        if form is None:
            return False
        return await self.command(self.cafe.configure(*form))

    # -- keys --------------------------------------------------------------------------

    async def action_save(self) -> None:
        if self.cafe.cafe.started:
            self.notify(self.t("cafe.setup.locked"), severity="warning")
        elif await self._save():
            self.notify(self.t("cafe.setup.saved"))

    async def action_plan(self) -> None:
        if self.cafe.cafe.started:
            self.action_open("seating")
        elif await self._save():
            self.query_one("#setup-note", Static).update(Content(self.t("cafe.planning")))
            # A worker: the keys stay alive while the plan is made in its thread.
            self.run_worker(self._plan(), group="cafe-plan", exclusive=True)

    async def _plan(self) -> None:
        if await self.command(self.cafe.plan_cafe()):
            self.notify(self.t("cafe.planned"))
            self.action_open("seating")

    def _selected(self) -> str | None:
        return self.query_one(CafePeopleList).selected_id

    def action_add_name(self) -> None:
        async def add(name: str) -> None:
            if await self.command(self.cafe.add_name(name)):
                self.notify(self.t("cafe.added", name=name), markup=False)

        self.ask(self.t("cafe.ask_name"), add)

    async def action_add_phones(self) -> None:
        # Read before the command: a refusal is told by ``command`` itself.
        added = 0

        async def add() -> None:
            nonlocal added
            added = await self.cafe.add_phones()

        if await self.command(add()):
            self.notify(self.t("cafe.phones_added", count=added))

    async def action_toggle_present(self) -> None:
        person = self._selected()
        if person is not None:
            await self.command(self.cafe.toggle_present(person))

    async def action_remove(self) -> None:
        person = self._selected()
        if person is not None:
            await self.command(self.cafe.remove_person(person))
