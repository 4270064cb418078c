"""How often a view updates while changes pour in: at once while they come one by one, then,
when an update had to take many changes at a time, with a gap that doubles while that lasts,
never longer than ``longest``.

A card or two show as soon as they are on disk; 500 phones sending at once see the board (and
its counters) updated a few times a second instead of for every card, which would take the
event loop the phones share. Pure (the caller passes the time), so it is tested with asserts.
"""

from __future__ import annotations

FIRST_GAP = 0.05
LONGEST_GAP = 0.25
BURST = 4  # changes in one update that make the next one wait longer


class BurstPacer:
    def __init__(
        self, first: float = FIRST_GAP, longest: float = LONGEST_GAP, burst: int = BURST
    ) -> None:
        self.first = first
        self.longest = longest
        self.burst = burst
        self._gap = first
        self._updated_at: float | None = None
        self._busy = False

    def wait(self, now: float) -> float:
        """Seconds to hold back an update asked for at ``now`` (0: do it now). Ask once per
        update: while one is waiting, later changes join it."""
        since = None if self._updated_at is None else now - self._updated_at
        if since is None or since > self.longest or not self._busy:
            self._gap = self.first  # one by one, or after a quiet spell
            return 0.0
        wait = max(0.0, self._gap - since)
        self._gap = min(self._gap * 2, self.longest)
        return wait

    def updated(self, now: float, changes: int) -> None:
        """The update was made at ``now``, with ``changes`` changes."""
        self._updated_at = now
        self._busy = changes >= self.burst
