"""The board's head count: phones in the room and people who sent something.

A phone counts while the web server saw its cookie in the last two minutes (with or without
JavaScript), as the hub's ``PhonesSeen`` decides with its monotonic clock; nothing about it is
stored. The count is refreshed every few seconds, and when a card arrives or goes: at once,
or during a burst a few times a second (``BurstPacer``): counting every phone for each of
2,500 cards would hold the event loop that the phones share.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from cocreatie_tui.events import CardAdded, CardWithdrawn, SessionOpened, StateReloaded
from cocreatie_tui.widgets.pacing import BurstPacer
from cocreatie_tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from cocreatie_tui.app import CocreatieApp

REFRESH_SECONDS = 5.0


class RoomCounter(StatusLine):
    DEFAULT_CSS = """
    RoomCounter { width: auto; height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(id="room-counter")
        self._pacer = BurstPacer()
        self._count_pending = False
        self._cards_since = 0

    @property
    def cocreatie(self) -> CocreatieApp:
        return cast("CocreatieApp", self.app)

    def on_mount(self) -> None:
        # Called as the hub publishes: a card costs a comparison, the count is made later.
        self.cocreatie.hub_events.subscribe(self, self._on_hub_event, immediate=True)
        self.set_interval(REFRESH_SECONDS, self.refresh_counts)
        self.refresh_counts()

    def _on_hub_event(self, event: object) -> None:
        if isinstance(event, SessionOpened | StateReloaded):
            self.call_next(self.refresh_counts)
        elif isinstance(event, CardAdded | CardWithdrawn):
            self._cards_since += 1
            if self._count_pending:
                return
            self._count_pending = True
            wait = self._pacer.wait(time.monotonic())
            if wait <= 0:
                self.call_next(self._count_for_cards)
            else:
                self.set_timer(wait, self._count_for_cards)

    def _count_for_cards(self) -> None:
        self._count_pending = False
        self._pacer.updated(time.monotonic(), self._cards_since)
        self._cards_since = 0
        self.refresh_counts()

    def refresh_counts(self) -> None:
        hub, t = self.cocreatie.hub, self.cocreatie.t
        if hub.state is None:
            return
        phones = t("room.phones", count=hub.phones_in_room())
        senders = t("room.senders", count=hub.people_who_sent())
        self.show_text(f"{phones} · {senders}")
