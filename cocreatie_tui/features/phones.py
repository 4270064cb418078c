"""Phones in the room: the board's status line counts the phones present and who sent a card.

The head count itself lives in the hub (``Hub.phones``, fed by the web server on every request
that carries a phone's cookie); this module only puts its widget on the board.
"""

from cocreatie_tui.widgets.room_counter import RoomCounter
from cocreatie_tui.widgets.status import BOARD_STATUS_WIDGETS

BOARD_STATUS_WIDGETS.append(RoomCounter)
