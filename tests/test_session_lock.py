"""One app per session: a second app on the same data folder is refused, never interleaved."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.store import SessionInUse
from tests.test_headless_e2e import STARTUP_TIMEOUT, start


async def test_a_second_hub_cannot_open_a_live_session(hub: Hub, data_dir: Path) -> None:
    second = make_hub(data_dir)
    with pytest.raises(SessionInUse):
        await second.open_session(hub.live.info.id)
    assert second.state is None
    await hub.submit_card("nog altijd van de eerste", source=CardSource.PHONE)
    await hub.close()
    await second.open_session(hub.live.info.id)  # free once the first one let go
    assert [c.text for c in second.saved_cards()] == ["nog altijd van de eerste"]
    await second.close()


async def test_reopening_the_live_session_in_the_same_app_is_harmless(hub: Hub) -> None:
    state = hub.live
    assert await hub.open_session(state.info.id) is state


async def test_a_second_app_process_exits_4_and_the_first_keeps_working(tmp_path: Path) -> None:
    first = await start(tmp_path, "--new", "Eén sessie")
    try:
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "cocreatie_tui", "--headless", "--port", "0",
            "--data-dir", str(tmp_path),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(second.communicate(), STARTUP_TIMEOUT)
        assert second.returncode == 4
        assert out == b""
        assert "already open in another cocreatie process" in err.decode()
    finally:
        first.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(first.process.wait(), 15) == 0
