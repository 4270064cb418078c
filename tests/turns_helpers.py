"""Shared by the speaking-turn tests: a fake monotonic clock and a live hub on it."""

from __future__ import annotations

from pathlib import Path

from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub

PHONE_A = "phone-aaaaaaaaaaaaaaaa"
PHONE_B = "phone-bbbbbbbbbbbbbbbb"


class FakeClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self, start: float = 5_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def live_hub(data_dir: Path, clock: FakeClock) -> Hub:
    """A hub with an open session; its events are kept in ``hub.test_events``."""
    hub = make_hub(data_dir, monotonic=clock)
    await hub.create_session("Hoe delen we de spreektijd eerlijk?")
    events: list[object] = []
    hub.subscribe(events.append)
    hub.test_events = events  # type: ignore[attr-defined]
    return hub


async def restart(hub: Hub, data_dir: Path, clock: FakeClock) -> Hub:
    """A new process on the same data folder; a monotonic clock restarts at boot."""
    session_id = hub.live.info.id
    await hub.close()
    clock.now = 12.0
    again = make_hub(data_dir, monotonic=clock)
    await again.open_session(session_id)
    return again
