"""What the room sees on the timer screen, as snapshots: a fake clock, typed names, no join code
on screen. Inspect snapshot_report.html before ``--snapshot-update``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocreatie_tui.features.turns import turns_of
from tests.turns_helpers import FakeClock
from tests.ui_helpers import build_app


def timer_app(data_dir: Path, *, overtime: bool = False):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    app = build_app(data_dir, monotonic=clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        turns = turns_of(app.hub)
        for name in ("Anna", "Bert", "Carla", "Deelnemer zonder gsm"):
            await turns.add_named_speaker(name)
        await turns.plan_round()
        await turns.next_speaker()
        await turns.start_activity(20 * 60)
        clock.advance(83 if not overtime else 135)
        # The end signal is taken before the screen opens: a flash depends on real time.
        await turns.tick()
        await pilot.press("k")
        await pilot.pause()
        await app.screen.tick()
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_the_timer_screen_is_readable_small_and_large(snap_compare, tmp_path: Path, size) -> None:
    app, run_before = timer_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_the_timer_screen_in_overtime(snap_compare, tmp_path: Path) -> None:
    app, run_before = timer_app(tmp_path, overtime=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
