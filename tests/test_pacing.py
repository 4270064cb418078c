"""Updates while changes pour in: at once one by one, then a gap that doubles up to a limit."""

from __future__ import annotations

from cocreatie_tui.widgets.pacing import BurstPacer


def test_changes_one_by_one_update_at_once() -> None:
    pacer = BurstPacer(first=0.05, longest=0.25, burst=4)
    now = 10.0
    for _ in range(20):  # a card every 30 ms, each its own update
        assert pacer.wait(now) == 0.0
        pacer.updated(now + 0.005, changes=1)
        now += 0.03


def test_a_burst_waits_longer_and_longer_until_it_is_over() -> None:
    pacer = BurstPacer(first=0.05, longest=0.25, burst=4)
    assert pacer.wait(10.0) == 0.0
    pacer.updated(10.0, changes=40)  # the first update of a burst took many cards
    waits = []
    now = 10.0
    for _ in range(6):  # cards keep coming: each update waits for the next one
        now += 0.01
        wait = pacer.wait(now)
        waits.append(round(wait, 3))
        now += wait
        pacer.updated(now, changes=100)
    assert waits == [0.04, 0.09, 0.19, 0.24, 0.24, 0.24]  # gaps 0.05, 0.1, 0.2, 0.25, ...
    assert pacer.wait(now + 0.3) == 0.0  # quiet for longer than the longest gap: at once
    pacer.updated(now + 0.3, changes=1)
    assert pacer.wait(now + 0.31) == 0.0  # and a lone card after it too
