"""The board's head count: phones in the room and people who sent something.

A phone counts while the web server saw its cookie in the last two minutes (with or without
JavaScript), as the hub's ``PhonesSeen`` decides with its monotonic clock; nothing about it is
stored. The count is refreshed every few seconds and at once when a card arrives or goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.content import Content
from textual.widgets import Static

from cocreatie_tui.events import CardAdded, CardWithdrawn, SessionOpened, StateReloaded

if TYPE_CHECKING:
    from cocreatie_tui.app import CocreatieApp

REFRESH_SECONDS = 5.0


class RoomCounter(Static):
    DEFAULT_CSS = """
    RoomCounter { width: auto; height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__("", id="room-counter", markup=False)

    @property
    def cocreatie(self) -> CocreatieApp:
        return cast("CocreatieApp", self.app)

    def on_mount(self) -> None:
        self.cocreatie.hub_events.subscribe(self, self._on_hub_event)
        self.set_interval(REFRESH_SECONDS, self.refresh_counts)
        self.refresh_counts()

    def _on_hub_event(self, event: object) -> None:
        if isinstance(event, CardAdded | CardWithdrawn | SessionOpened | StateReloaded):
            self.refresh_counts()

    def refresh_counts(self) -> None:
        hub, t = self.cocreatie.hub, self.cocreatie.t
        if hub.state is None:
            return
        phones = t("room.phones", count=hub.phones_in_room())
        senders = t("room.senders", count=hub.people_who_sent())
        self.update(Content(f"{phones} · {senders}"))
