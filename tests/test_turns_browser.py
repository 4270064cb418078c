"""Speaking turns on a phone in a real browser (Debian's Chromium through Playwright): who has the
floor, the local countdown, the flash and vibration at the end and when the floor comes.

The server's monotonic clock is a fake one and the page's clock is Playwright's: time moves only
when the test moves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from cocreatie_tui.core.turns import TurnMode
from cocreatie_tui.factory import make_hub
from cocreatie_tui.features.turns import turns_of
from cocreatie_tui.hub import Hub
from cocreatie_tui.web.app import make_web_app
from tests.conftest import FOCUS_QUESTION
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, PHONE, LiveServer
from tests.turns_helpers import FakeClock

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
)

if CHROMIUM.exists():
    from playwright.sync_api import expect, sync_playwright

# Every call of navigator.vibrate is recorded instead of felt.
RECORD_VIBRATIONS = """
window.vibrations = [];
navigator.vibrate = function (pattern) { window.vibrations.push(pattern); return true; };
"""


class TurnsServer(LiveServer):
    def __init__(self, data_dir: Path) -> None:
        self.clock = FakeClock()
        super().__init__(data_dir)

    async def _start(self, data_dir: Path) -> tuple[Hub, web.AppRunner]:
        hub = make_hub(data_dir, monotonic=self.clock)
        await hub.create_session(FOCUS_QUESTION)
        runner = web.AppRunner(
            make_web_app(hub), access_log=None, shutdown_timeout=0.5, handle_signals=False
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return hub, runner

    def turns(self, command: Any) -> Any:
        """Run a facilitator's command (a function of the feature) on the server's loop."""

        async def run() -> Any:
            return await command(turns_of(self.hub))

        return self.run(run())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TurnsServer]:
    live = TurnsServer(tmp_path / "data")
    yield live
    live.stop()


def test_a_phone_follows_the_floor_counts_down_and_vibrates(server: TurnsServer) -> None:
    server.turns(lambda turns: turns.set_mode(TurnMode.QUEUE))
    anna = server.turns(lambda turns: turns.add_named_speaker("Anna")).id
    server.turns(lambda turns: turns.give_floor(anna))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, locale="nl-BE")
        context.set_default_timeout(5000)
        page = context.new_page()
        page.add_init_script(RECORD_VIBRATIONS)
        page.clock.install()
        page.goto(server.page_url)
        section = page.locator("#turns")
        expect(page.locator("#turns-who")).to_have_text("Anna heeft het woord")
        expect(page.locator("#turns-clock")).to_have_text("Nog 2:00")
        page.clock.run_for(5_000)
        expect(page.locator("#turns-clock")).to_have_text("Nog 1:55")
        page.clock.run_for(116_000)
        expect(page.locator("#turns-clock")).to_contain_text("De tijd is om")
        expect(section).to_have_class("turns over flash")
        assert page.evaluate("window.vibrations.length") == 1

        page.get_by_role("button", name="Ik wil iets zeggen").click()
        expect(page.get_by_role("button", name="Toch niet")).to_be_visible()
        expect(page.locator("#turns-ahead")).to_have_text("Jij bent de volgende.")
        page.screenshot(path=str(Path(__file__).parent / "artifacts" / "turns-queued.png"))
        server.turns(lambda turns: turns.end_turn())
        server.turns(lambda turns: turns.give_floor())  # the phone is first in the queue
        expect(page.locator("#turns-who")).to_have_text("Jij hebt het woord!")
        expect(section).to_have_class("turns your-turn flash")
        assert page.evaluate("window.vibrations.length") == 1  # counted since the reload
        expect(page.locator("#turns-hand")).to_be_hidden()  # nothing to ask while speaking
        page.screenshot(path=str(Path(__file__).parent / "artifacts" / "turns-your-turn.png"))
        browser.close()
