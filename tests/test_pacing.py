"""Updates during a burst: at once after a quiet spell, then a gap that doubles up to a limit."""

from __future__ import annotations

from cocreatie_tui.widgets.pacing import BurstPacer


def test_a_lone_change_updates_at_once_and_a_burst_waits_longer_and_longer() -> None:
    pacer = BurstPacer(first=0.05, longest=0.25)
    assert pacer.wait(10.0) == 0.0
    pacer.updated(10.0)
    waits = []
    now = 10.0
    for _ in range(6):  # changes keep coming: each update waits for the next one
        now += 0.01
        wait = pacer.wait(now)
        waits.append(round(wait, 3))
        now += wait
        pacer.updated(now)
    assert waits == [0.04, 0.09, 0.19, 0.24, 0.24, 0.24]  # gaps 0.05, 0.1, 0.2, 0.25, ...
    assert pacer.wait(now + 0.3) == 0.0  # quiet for longer than the longest gap: at once again
    pacer.updated(now + 0.3)
    assert round(pacer.wait(now + 0.31), 3) == 0.04  # and the gap starts small again
