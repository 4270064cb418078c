"""The Textual app: a thin shell that starts the web server and shows the screens."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.signal import Signal

from cocreatie_tui.config import AppConfig
from cocreatie_tui.core.model import SessionState
from cocreatie_tui.events import DiskProblem, HubEvent
from cocreatie_tui.export import write_reports
from cocreatie_tui.hub import Hub
from cocreatie_tui.i18n import Translator
from cocreatie_tui.messages import EXIT_PORT, command_problem, port_problem, startup_problem
from cocreatie_tui.screens.board import BoardScreen
from cocreatie_tui.screens.start import StartScreen
from cocreatie_tui.server import WebServer
from cocreatie_tui.widgets.hub_events import listen

log = logging.getLogger(__name__)
CONFIRM_SECONDS = 5.0


class CocreatieApp(App[int]):
    TITLE = "cocreatie"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False, priority=True),
        # A new join code when the old one leaked (press twice): old QR codes stop at once.
        Binding("ctrl+r", "rotate_join_code", "New code", id="app.rotate_join_code", show=False),
        # Speaking turns: the timer ("klok") and the speakers' list, from any screen.
        Binding("k", "open_turns('timer')", "Klok", id="turns.open_timer", show=False),
        Binding("l", "open_turns('speakers')", "Sprekers", id="turns.open_speakers", show=False),
        # World café: the setup, or the seating plan once it is planned, from any screen.
        Binding("w", "open_cafe", "Wereldcafé", id="cafe.open", show=False),
    ]

    def __init__(self, config: AppConfig, hub: Hub, server: WebServer) -> None:
        super().__init__()
        self.config = config
        self.hub = hub
        self.server = server
        self.t = Translator(config.lang)
        self.hub_events: Signal[HubEvent] = Signal(self, "hub-events")
        self.startup_problem: str | None = None
        self._rotate_asked_at: float | None = None
        self.disk_notice: str | None = None  # shown while saving fails

    @property
    def join_url(self) -> str:
        assert self.server.address is not None
        return self.server.address.join_url(self.hub.live.info.join_code)

    async def on_mount(self) -> None:
        self.hub.subscribe(self.hub_events.publish)
        # Only disk problems: a card arriving must not cost the app a message.
        listen(self, self.hub_events, DiskProblem, self._show_disk_problem)
        try:
            await self.server.start()
        except OSError as error:
            message = port_problem(self.config.host, self.config.port, error)
            self.exit(return_code=EXIT_PORT, message=message)
            return
        self._stop_on_signals()
        try:
            state = await self._first_session()
        except Exception as error:
            problem = startup_problem(error, self.config.data_dir)
            if problem is None:
                raise
            # The CLI prints it once the terminal is back: plain, unwrapped, paths whole.
            return_code, self.startup_problem = problem
            self.exit(return_code=return_code)
            return
        if state is None:
            await self.push_screen(StartScreen())
        else:
            await self.show_board()
        if self.config.headless and self.hub.state is not None:
            sys.__stdout__.write(f"Join: {self.join_url}\n")
            sys.__stdout__.flush()

    async def _first_session(self) -> SessionState | None:
        if self.config.new_title is not None:
            return await self.hub.create_session(self.config.new_title)
        session_id = self.config.session_id or self.hub.most_recent_session_id()
        if session_id is not None:
            return await self.hub.open_session(session_id)
        if self.config.headless:  # a kiosk has nobody to type a question: start one
            return await self.hub.create_session(self.t("app.title"))
        return None

    def _stop_on_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            try:
                loop.add_signal_handler(signum, self.exit)
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    async def on_unmount(self) -> None:
        await self.server.stop()
        await self.hub.close()

    def action_open_turns(self, which: str) -> None:
        from cocreatie_tui.screens.turns_common import open_turns_screen

        open_turns_screen(self, which)

    def action_open_cafe(self) -> None:
        from cocreatie_tui.screens.cafe_common import open_cafe_screen

        open_cafe_screen(self)

    def _show_disk_problem(self, event: HubEvent) -> None:
        """The facilitator sees when saving fails (phones get 503) and when it works again."""
        if not isinstance(event, DiskProblem):
            return
        if event.message is None:
            if self.disk_notice is not None:
                self.disk_notice = None
                self.clear_notifications()
                self.notify(self.t("security.disk_ok"), markup=False)
        elif self.disk_notice is None:  # one lasting notice per problem, not one per write
            self.disk_notice = self.t("security.disk_problem", message=event.message)
            self.notify(self.disk_notice, severity="error", timeout=86400, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rotate_join_code", "open_turns", "open_cafe"):
            return self.hub.state is not None  # nothing to show before a session is open
        return True

    async def action_rotate_join_code(self) -> None:
        now = self.hub.monotonic()
        asked = self._rotate_asked_at
        if asked is None or now - asked > CONFIRM_SECONDS:
            self._rotate_asked_at = now
            self.notify(self.t("security.confirm_new_code"), timeout=CONFIRM_SECONDS)
            return
        self._rotate_asked_at = None
        problem = await self.run_command(self.hub.rotate_join_code())
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
        else:
            code = self.hub.live.info.join_code
            self.notify(self.t("board.code_rotated", code=code), markup=False)

    async def show_board(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        await self.push_screen(BoardScreen())

    async def run_command(self, command: Awaitable[Any]) -> str | None:
        """Run a hub command for a screen; returns a message for the facilitator if it failed."""
        try:
            await command
        except Exception as error:
            problem = command_problem(self.t, error)
            if problem is None:
                raise
            return problem
        return None

    def export_reports(self) -> None:
        self.run_worker(self._export_reports(), exclusive=True, group="export")

    async def _export_reports(self) -> None:
        documents = self.hub.store.documents if self.hub.store is not None else None
        folder, lang = self.config.exports_dir, self.t.lang
        try:
            md_path, json_path = await asyncio.to_thread(
                write_reports, self.hub.live, folder, lang=lang, documents=documents
            )
        except OSError as error:
            self.notify(f"{self.t('error.disk')} ({error.strerror})", severity="error")
            return
        self.notify(self.t("export.written", md=md_path, json=json_path), timeout=15)
