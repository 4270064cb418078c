"""The world café's seating plan, readable on a projector: per table its number, theme, host and
people, for the round people should be at now (or, with ``v``, the round after), the round's
time left, and the keys that run the rounds.

Rounds: ``space`` starts the announced round, pauses and resumes it; at the end of its time
every display flashes and the bell rings; ``e`` ends it and ``n`` announces the next one, with
the plan made for the people who are here by then. ``m`` shows the list of people, where
``space`` marks the selected person present or absent and ``a`` adds a name.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cocreatie_tui.screens.cafe_common import CafeScreen
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Digits, Footer, OptionList, Static

from cocreatie_tui.core.cafe import CafeStatus
from cocreatie_tui.core.timer import format_clock
from cocreatie_tui.features.cafe import CAFE_EVENTS, CafeChanged
from cocreatie_tui.rotation_cli import PlanWords, plan_to_markdown
from cocreatie_tui.store import write_text_file
from cocreatie_tui.widgets.cafe_people import CafePeopleList
from cocreatie_tui.widgets.cafe_status import tick_and_ring
from cocreatie_tui.widgets.hub_events import listen
from cocreatie_tui.widgets.status import TICK_SECONDS, flash

CONFIRM_SECONDS = 5.0
MINUTE = 60.0


class TableCard(Static):
    """One table of the shown round: number and theme, the host, the people."""


class SeatingScreen(CafeScreen):
    BINDINGS = [
        Binding("escape", "back", "key.back", id="cafe.back"),
        Binding("space", "toggle_pause", "cafe.key.pause", id="cafe.pause"),
        Binding("e", "end_round", "cafe.key.end", id="cafe.end"),
        Binding("n", "next_round", "cafe.key.next", id="cafe.next"),
        Binding("v", "toggle_view", "cafe.key.view", id="cafe.view"),
        Binding("m", "people", "cafe.key.people", id="cafe.people"),
        Binding("a", "add_name", "cafe.key.add_name", id="cafe.add_name"),
        Binding("p", "toggle_present", "cafe.key.present", show=False, id="cafe.present"),
        Binding("g", "plan", "cafe.key.plan", show=False, id="cafe.plan"),
        Binding("plus,equals_sign", "add_time(60)", "cafe.key.more", show=False, id="cafe.more"),
        Binding("minus", "add_time(-60)", "cafe.key.less", show=False, id="cafe.less"),
        Binding("o", "write_plan", "cafe.key.print", id="cafe.print"),
        Binding("h", "open('harvest')", "cafe.key.harvest", id="cafe.harvest"),
        Binding("s", "open('setup')", "cafe.key.setup", id="cafe.setup"),
        Binding("x", "close_cafe", "cafe.key.close", show=False, id="cafe.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_next = False
        self._close_asked_at: float | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="seating-main"):
            with Vertical(id="seating-room"):
                with Horizontal(id="seating-header"):
                    with Vertical(id="seating-heading"):
                        yield Static("", id="seating-title", classes="heading")
                        yield Static("", id="seating-note")
                    yield Digits("", id="seating-clock")
                yield Grid(id="seating-grid")
            people = CafePeopleList(id="seating-people")
            people.display = False
            yield people
        yield Footer()

    async def on_mount(self) -> None:
        listen(self, self.cocreatie.hub_events, CAFE_EVENTS, self.on_hub_event)
        self.set_interval(TICK_SECONDS, self.tick)
        await self._build_tables()
        self.show_now()

    async def _build_tables(self) -> None:
        grid = self.query_one("#seating-grid", Grid)
        count = len(self.cafe.cafe.tables)
        if len(grid.children) == count:
            return
        await grid.remove_children()
        grid.styles.grid_size_columns = 2 if count <= 4 else 3 if count <= 9 else 4
        await grid.mount_all(TableCard(classes="table-card") for _ in range(count))

    async def tick(self) -> None:
        await tick_and_ring(self.app, self.cafe)
        self._show_clock()

    def on_hub_event(self, event: object) -> None:
        if isinstance(event, CafeChanged) and event.end_signal:
            flash(self.query_one("#seating-clock"))
        if len(self.query_one("#seating-grid").children) != len(self.cafe.cafe.tables):
            self.run_worker(self._build_tables(), group="cafe-tables")
        self.show_now()

    # -- showing -----------------------------------------------------------------------

    def shown_round(self) -> int | None:
        state = self.cafe.cafe
        if not state.started:
            return None
        base = state.shown_round()
        if base is None:  # finished or closed: the last round
            base = state.current
        if self.show_next and base + 1 < state.rounds:
            return base + 1
        return base

    def show_now(self) -> None:
        t = self.t
        state = self.cafe.cafe
        status = state.status()
        shown = self.shown_round()
        if shown is None:
            title = t("cafe.name")
        else:
            title = t("cafe.seating_title", number=shown + 1, rounds=state.rounds)
            if shown != state.shown_round() and status is not CafeStatus.FINISHED:
                title += " · " + t("cafe.next_view")
        self.query_one("#seating-title", Static).update(Content(title))
        self.query_one("#seating-note", Static).update(Content(self._note(status)))
        cards = list(self.query(TableCard).results(TableCard))
        groups = state.at_tables(shown) if shown is not None else [[] for _ in cards]
        hosts = state.hosts
        for number, (card, group) in enumerate(zip(cards, groups, strict=False)):
            card.update(self._table_content(number, group, hosts))
        people = self.query_one(CafePeopleList)
        if people.display:
            people.show_people(self.cafe, t)
        self._show_clock()

    def _note(self, status: CafeStatus) -> str:
        t = self.t
        if self.cafe.planning:
            return t("cafe.planning")
        state = self.cafe.cafe
        note = t(f"cafe.hint.{status}", next=state.current + 2)
        if state.needs_plan and status is not CafeStatus.SETUP:
            note += " " + t("cafe.replanning")
        return note

    def _table_content(self, number: int, group: list[str], hosts: dict[str, int]) -> Content:
        t = self.t
        state = self.cafe.cafe
        table = state.tables[number]
        heading = t("cafe.table", number=number + 1)
        lines = [
            Content.assemble(
                (heading, "bold"),
                (" · ", "bold"),
                Content.styled(table.theme, "bold") if table.theme else Content(""),
            )
        ]
        for pid in group:
            person = state.people.get(pid)
            name = Content(self.name_of(pid))
            if hosts.get(pid) == number:
                lines.append(Content.assemble(name, (f" ({t('cafe.host')})", "italic")))
            elif person is not None and not person.present:
                absent = f" ({t('cafe.absent')})"
                lines.append(Content.assemble(name.stylize("dim"), (absent, "dim")))
            else:
                lines.append(name)
        if not group:
            lines.append(Content.styled(t("cafe.empty_table"), "dim"))
        return Content("\n").join(lines)

    def _show_clock(self) -> None:
        state = self.cafe.cafe
        clock = self.query_one("#seating-clock", Digits)
        timer = state.timer
        visible = timer is not None and state.status() in (
            CafeStatus.READY,
            CafeStatus.RUNNING,
            CafeStatus.PAUSED,
        )
        clock.display = visible
        if visible:
            assert timer is not None
            now = self.cafe.now()
            clock.update(format_clock(timer.remaining(now)))
            clock.set_class(timer.is_over(now), "-over")
            clock.set_class(state.status() is CafeStatus.PAUSED, "-paused")

    # -- keys: rounds ------------------------------------------------------------------

    async def action_toggle_pause(self) -> None:
        if not self.cafe.cafe.started:
            self.action_plan()
            return
        await self.command(self.cafe.toggle_pause())

    async def action_end_round(self) -> None:
        if await self.command(self.cafe.end_round()):
            self.show_next = False
            self.show_now()

    async def action_next_round(self) -> None:
        if await self.command(self.cafe.next_round()):
            self.show_next = False
            self.show_now()

    async def action_add_time(self, seconds: float) -> None:
        await self.command(self.cafe.add_time(seconds))

    def action_toggle_view(self) -> None:
        self.show_next = not self.show_next
        self.show_now()

    def action_plan(self) -> None:
        if self.cafe.cafe.started:
            return
        if not self.cafe.cafe.configured:
            self.action_open("setup")
            return
        self.query_one("#seating-note", Static).update(Content(self.t("cafe.planning")))
        # A worker: the keys stay alive while the plan is made in its thread.
        self.run_worker(self._plan(), group="cafe-plan", exclusive=True)

    async def _plan(self) -> None:
        if await self.command(self.cafe.plan_cafe()):
            await self._build_tables()
            self.notify(self.t("cafe.planned"))
            self.show_now()

    async def action_close_cafe(self) -> None:
        now = self.cafe.now()
        asked = self._close_asked_at
        if asked is None or now - asked > CONFIRM_SECONDS:
            self._close_asked_at = now
            self.notify(self.t("cafe.confirm_close"), timeout=CONFIRM_SECONDS)
            return
        self._close_asked_at = None
        if await self.command(self.cafe.close()):
            self.notify(self.t("cafe.closed"))

    # -- keys: people ------------------------------------------------------------------

    def action_people(self) -> None:
        people = self.query_one(CafePeopleList)
        people.display = not people.display
        if people.display:
            people.show_people(self.cafe, self.t)
            people.focus()

    def action_add_name(self) -> None:
        async def add(name: str) -> None:
            if await self.command(self.cafe.add_name(name)):
                self.notify(self.t("cafe.added", name=name), markup=False)

        self.ask(self.t("cafe.ask_name"), add)

    async def action_toggle_present(self) -> None:
        people = self.query_one(CafePeopleList)
        if not people.display:
            self.action_people()
            return
        person = people.selected_id
        if person is not None:
            await self.command(self.cafe.toggle_present(person))

    @on(OptionList.OptionSelected, "#seating-people")
    async def person_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on a person marks them present or absent too."""
        if event.option.id is not None:
            await self.command(self.cafe.toggle_present(event.option.id))

    # -- the printable plan ------------------------------------------------------------

    def seating_plan_markdown(self) -> str:
        state = self.cafe.cafe
        t = self.t
        names = {pid: self.name_of(pid) for pid in state.people}
        table_names = [
            t("cafe.table", number=n + 1) + (f" · {table.theme}" if table.theme else "")
            for n, table in enumerate(state.tables)
        ]
        title = t("cafe.plan_title", title=self.hub.live.info.title)
        words = PlanWords(
            summary=t("cafe.print.summary"),
            quality=t("cafe.print.quality"),
            optimal=t("cafe.print.optimal"),
            bound=t("cafe.print.bound"),
            round=t("cafe.print.round"),
            table=t("cafe.print.table"),
            host=t("cafe.print.host"),
            empty=t("cafe.print.empty"),
        )
        return plan_to_markdown(
            state.plan(), len(state.tables), state.hosts, names=names, table_names=table_names,
            title=title, words=words,
        )  # fmt: skip

    async def action_write_plan(self) -> None:
        if not self.cafe.cafe.started:
            self.notify(self.t("cafe.error.not_started"), severity="warning")
            return
        path = self.cocreatie.config.exports_dir / f"{self.hub.live.info.id}-cafe.md"
        text = self.seating_plan_markdown()
        self.run_worker(self._write(path, text), group="cafe-plan", exclusive=True)

    async def _write(self, path: Path, text: str) -> None:
        try:
            await asyncio.to_thread(write_text_file, path, text)
        except OSError as error:
            self.notify(f"{self.t('error.disk')} ({error.strerror})", severity="error")
            return
        self.notify(self.t("cafe.plan_written", path=path), timeout=15, markup=False)
