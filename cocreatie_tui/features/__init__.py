"""Features of a session beyond the cards: each module registers itself when imported.

A feature module appends to ``cocreatie_tui.factory.FEATURES`` (its ``HubFeature``), to
``cocreatie_tui.web.app.FEATURE_ROUTES`` (its participant routes) and to
``cocreatie_tui.widgets.status.BOARD_STATUS_WIDGETS`` (its board status widget), and is
imported below, one line each.
"""

import cocreatie_tui.features.cafe  # noqa: F401 - world café: tables, rounds, seating
import cocreatie_tui.features.turns  # noqa: F401 - speaking turns and timers
from cocreatie_tui.features import (
    board,  # noqa: F401 - themes, prompts, undo
    phones,  # noqa: F401 - phones in the room on the board
)
