"""What the world café's screens share: running a café command with the facilitator's feedback,
a one-line question dialog, reading minutes, and how to open one of the screens.

The setup, seating and harvest screens replace each other (``switch_screen``), so the stack
stays board + one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from cocreatie_tui.screens.base import AppModal, AppScreen, open_family_screen
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from cocreatie_tui.core.cafe import CafeError
from cocreatie_tui.core.timer import typed_minutes
from cocreatie_tui.features.cafe import CafeFeature, cafe_of

if TYPE_CHECKING:
    from cocreatie_tui.hub import Hub


def parse_minutes(text: str) -> float | None:
    """ "20" or "12,5" minutes, or "12:30" (minutes:seconds), as seconds (a round lasts more
    than 0); None otherwise."""
    seconds = typed_minutes(text)
    return float(seconds) if seconds else None


class CafeScreen(AppScreen):
    """A world-café screen: the feature, and commands whose refusals are told, never raised."""

    CSS_PATH = "seating.tcss"

    @property
    def cafe(self) -> CafeFeature:
        return cafe_of(self.hub)

    def anonymous(self, number: int) -> str:
        return self.t("cafe.phone", number=number)

    def name_of(self, person_id: str) -> str:
        return self.cafe.label(person_id, self.anonymous)

    async def command(self, command: Awaitable[Any]) -> bool:
        try:
            problem = await self.cocreatie.run_command(command)
        except CafeError as error:
            problem = self.t(f"cafe.error.{error.key}")
        if problem is not None:
            self.notify(problem, severity="warning", markup=False)
            self.show_now()
            return False
        self.show_now()
        return True

    def show_now(self) -> None:
        """Show the current state; called on hub events and after every command."""

    def ask(self, title: str, on_answer: Callable[[str], Awaitable[None]]) -> None:
        """Ask one line of text; ``on_answer`` runs with it (not on Escape)."""

        def answered(answer: str | None) -> None:
            if answer is not None:
                self.run_worker(on_answer(answer), group="cafe-answer")

        self.app.push_screen(CafeAskScreen(title), answered)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self, which: str) -> None:
        open_cafe_screen(self.app, which)


class CafeAskScreen(AppModal):
    """One line of text, e.g. the name of someone without a phone; Escape cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "entry.cancel", id="cafe.ask.cancel")]
    DEFAULT_CSS = "CafeAskScreen { align: center middle; }"

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Input(id="cafe-ask-input", max_length=40)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#cafe-ask-input")
    def answered(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


def open_cafe_screen(app: App[Any], which: str = "") -> None:
    """Show a café screen: ``setup``, ``seating``, ``harvest``, or (empty) the seating plan
    once the café is planned and the setup before."""
    from cocreatie_tui.screens.cafe_harvest import HarvestScreen
    from cocreatie_tui.screens.cafe_setup import CafeSetupScreen
    from cocreatie_tui.screens.seating import SeatingScreen

    kinds: dict[str, type[CafeScreen]] = {
        "setup": CafeSetupScreen,
        "seating": SeatingScreen,
        "harvest": HarvestScreen,
    }

    def choose(hub: Hub) -> type[CafeScreen]:
        return kinds[which or ("seating" if cafe_of(hub).cafe.started else "setup")]

    open_family_screen(app, CafeScreen, choose)
