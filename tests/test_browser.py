"""The phone page in a real browser: Debian's Chromium driven by Playwright at a phone's size.

The real aiohttp app, hub and store run in a thread with their own event loop. One browser
serves the whole module; each test is one phone (a fresh browser context: its own cookies and
storage) walking through a scenario, because opening a page is what costs time. Screenshots go
to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub, HubFeature
from cocreatie_tui.web.app import make_web_app
from tests.conftest import FOCUS_QUESTION

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
THANKS = "Bedankt! Je kaartje staat op het scherm."

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
)

if CHROMIUM.exists():
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright


class RoomFacts(HubFeature):
    """Stands in for any feature that adds keys to a phone's view (round, table, timer...)."""

    facts: dict[str, Any] = {}

    def participant_view(self, participant_id: str) -> dict[str, Any]:
        return dict(self.facts)


class LiveServer:
    """The real web app on 127.0.0.1 and a free port, in a thread with its own event loop."""

    def __init__(self, data_dir: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.hub, self.runner = self.run(self._start(data_dir))
        host, port = self.runner.addresses[0][:2]
        self.base = f"http://{host}:{port}"
        self.facts = RoomFacts(self.hub)
        self.hub.add_feature(self.facts)

    async def _start(self, data_dir: Path) -> tuple[Hub, web.AppRunner]:
        hub = make_hub(data_dir)
        await hub.create_session(FOCUS_QUESTION)
        runner = web.AppRunner(
            make_web_app(hub), access_log=None, shutdown_timeout=0.5, handle_signals=False
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return hub, runner

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def page_url(self) -> str:
        return f"{self.base}/j/{self.hub.live.info.join_code}"

    def cards(self) -> list[Any]:
        async def read() -> list[Any]:
            return self.hub.saved_cards()

        return self.run(read())

    def change(self, title: str, **facts: Any) -> None:
        """What the facilitator does on the TUI: new facts for phones, and a new question."""

        async def change() -> None:
            self.facts.facts = facts
            await self.hub.set_title(title)

        self.run(change())

    def stop(self) -> None:
        async def stop() -> None:
            await self.runner.cleanup()
            await self.hub.close()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("browser-data"))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Any]:
    """Make phones (browser contexts, one page each); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        settings = {"viewport": PHONE, "locale": "nl-BE", "device_scale_factor": 2} | options
        context = browser.new_context(**settings)
        context.set_default_timeout(5000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def watch(page: Page) -> list[str]:
    """Console errors (a CSP violation, a missing file) and requests to anywhere but the server."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith("http://127.0.0.1:") else problems.append(r.url),
    )
    return problems


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def send(page: Page, text: str) -> None:
    page.get_by_label("Jouw idee").fill(text)
    page.get_by_role("button", name="Verstuur").click()


def status(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#live")


def own_cards(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#own-card-list li")


# -- with JavaScript -------------------------------------------------------------------------


def test_a_phone_sends_a_card_follows_the_room_live_and_takes_it_back(
    server: LiveServer, phone
) -> None:
    page = phone()
    problems = watch(page)
    page.clock.install()
    page.goto(server.page_url)
    page.evaluate("window.sameDocument = true")

    # What a screen reader finds: landmarks, the question as the heading, labelled fields.
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Taal")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(FOCUS_QUESTION)
    expect(page.get_by_role("textbox", name="Je naam (niet verplicht)")).to_be_visible()
    expect(status(page)).to_have_attribute("aria-live", "polite")
    expect(page.locator("[data-view]")).to_have_count(4)
    expect(page.locator("[data-view]:visible")).to_have_count(0)

    page.get_by_label("Je naam (niet verplicht)").fill("Mia")
    send(page, "Een leeshoek voor kinderen")
    expect(status(page)).to_have_text(THANKS)
    expect(page.get_by_role("textbox", name="Jouw idee")).to_have_value("")
    expect(own_cards(page)).to_have_count(1)
    expect(own_cards(page).first).to_contain_text("Een leeshoek voor kinderen")
    take_back = page.get_by_role("button", name="Terugnemen")
    expect(take_back).to_have_accessible_description("Een leeshoek voor kinderen")
    (card,) = [c for c in server.cards() if c.text == "Een leeshoek voor kinderen"]
    assert card.participant_id is not None and not card.hidden and card.author == "Mia"
    # The name was asked once: the field gives way to the name and a way to change it.
    expect(page.get_by_text("Je naam: Mia")).to_be_visible()
    expect(page.get_by_label("Je naam (niet verplicht)")).to_have_count(0)
    expect(page.get_by_role("link", name="Naam wijzigen")).to_be_visible()
    shoot(page, "phone-sent")
    send(page, "Een tweede idee")
    expect(own_cards(page)).to_have_count(2)
    (second,) = [c for c in server.cards() if c.text == "Een tweede idee"]
    assert second.author == "Mia"

    # The facilitator changes the question and a feature adds facts: no reload needed.
    try:
        server.change(
            "Wat geeft jou energie?",
            round=2,
            table={"number": 3, "name": "Mobiliteit"},
            timer={"status": "running", "seconds_left": 75},
            queue_position=4,
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Wat geeft jou energie?")
        expect(status(page)).to_have_text("Nieuwe vraag: Wat geeft jou energie?")
        expect(page.locator("[data-view=round]")).to_have_text("Ronde 2")
        expect(page.locator("[data-view=table]")).to_have_text("Tafel 3 · Mobiliteit")
        expect(page.locator("[data-view=queue_position]")).to_contain_text("nummer 4")
        expect(page.get_by_role("timer")).to_have_text("Tijd over: 1:15")
        page.clock.run_for(3000)  # the phone counts down itself between updates
        expect(page.get_by_role("timer")).to_have_text("Tijd over: 1:12")
        shoot(page, "phone-live-update")
        # During a world café its own block says where to go: round and table are not repeated.
        table = {"number": 3, "theme": "Mobiliteit"}
        cafe = {"status": "running", "round": 2, "table": table, "host": False, "next": None}
        cafe |= {"timer": None, "you": {"number": 4, "name": None}, "seating": False}
        server.change("Wat geeft jou energie?", round=2, table=table, cafe=cafe)
        expect(page.locator("#cafe-now")).to_have_text("Ronde 2: ga naar tafel 3 · Mobiliteit")
        expect(page.locator("[data-view=round]")).to_be_hidden()
        expect(page.locator("[data-view=table]")).to_be_hidden()
        shoot(page, "phone-cafe")
        server.change("Wat geeft jou energie?", timer={"status": "running", "seconds_left": 1})
        expect(page.get_by_role("timer")).to_have_text("Tijd over: 0:01")
        expect(page.locator("[data-view=round]")).to_be_hidden()
        page.clock.run_for(3000)  # into overtime, shown as on the screen
        expect(page.get_by_role("timer")).to_have_text("Tijd over: +0:02")
    finally:
        server.change(FOCUS_QUESTION)
    expect(page.locator("[data-view]:visible")).to_have_count(0)
    assert page.evaluate("window.sameDocument") is True, "all of that without a reload"

    own_cards(page).filter(has_text="Een leeshoek").get_by_role("button").click()
    expect(page.get_by_text("Je kaartje is teruggenomen.")).to_be_visible()
    expect(own_cards(page)).to_have_count(1)
    expect(own_cards(page).locator(".card-text")).to_have_text(["Een tweede idee"])
    (card,) = [c for c in server.cards() if c.text == "Een leeshoek voor kinderen"]
    assert card.hidden and card.id not in {c.id for c in server.hub.cards_for_room()}
    assert problems == []


def test_a_phone_on_a_bad_connection_loses_nothing_and_sends_nothing_twice(
    server: LiveServer, phone
) -> None:
    page = phone()
    page.clock.install()
    page.goto(server.page_url)

    # No connection: the text waits in the phone, then goes out by itself.
    first = "Een bank bij de ingang"
    page.context.set_offline(True)
    send(page, first)
    expect(status(page)).to_contain_text("Nog niet verstuurd")
    draft = json.loads(
        page.evaluate("localStorage.getItem('cocreatie-draft:' + location.pathname.toLowerCase())")
    )
    assert draft["text"] == first and draft["pending"] is True
    assert [c for c in server.cards() if c.text == first] == []
    page.context.set_offline(False)
    expect(status(page)).to_have_text(THANKS, timeout=10_000)
    (card,) = [c for c in server.cards() if c.text == first]
    assert card.id == draft["id"], "the client-made id reached the server"
    assert page.evaluate("localStorage.length") == 0

    # The card arrives but the answer is lost: the retry carries the same id, no double.
    lost: list[Any] = []

    def lose_first_answer(route) -> None:  # type: ignore[no-untyped-def]
        if lost:
            route.continue_()
        else:
            lost.append(route.fetch())
            route.abort()

    page.route("**/cards", lose_first_answer)
    second = "Gratis koffie op zaterdag"
    send(page, second)
    expect(status(page)).to_contain_text("Nog niet verstuurd")
    assert lost[0].status == 201 and len([c for c in server.cards() if c.text == second]) == 1
    page.clock.run_for(2500)  # the retry, two seconds later
    expect(status(page)).to_have_text(THANKS)
    assert len([c for c in server.cards() if c.text == second]) == 1
    expect(own_cards(page)).to_have_count(2)

    # Half a text survives a reload.
    page.get_by_label("Jouw idee").fill("Half getypt idee")
    page.reload()
    expect(page.get_by_label("Jouw idee")).to_have_value("Half getypt idee")


# -- without JavaScript, or without the CSS and JS files -----------------------------------------


def test_a_phone_without_javascript_does_everything_with_plain_forms(
    server: LiveServer, phone
) -> None:
    page = phone(java_script_enabled=False)
    problems = watch(page)
    page.goto(server.page_url)
    page.get_by_label("Jouw idee").fill("Zonder JavaScript")
    page.get_by_label("Je naam (niet verplicht)").fill("Mia")
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_url("**?sent=1")
    expect(page.get_by_text(THANKS)).to_be_visible()
    expect(own_cards(page)).to_contain_text(["Zonder JavaScript"])
    expect(page.get_by_text("Je naam: Mia")).to_be_visible()
    expect(page.get_by_label("Je naam (niet verplicht)")).to_have_count(0)
    shoot(page, "phone-no-js-sent")
    page.get_by_role("link", name="Naam wijzigen").click()
    expect(page.get_by_label("Je naam (niet verplicht)")).to_have_value("Mia")
    page.get_by_role("button", name="Terugnemen").click()
    page.wait_for_url("**?withdrawn=1")
    expect(page.get_by_text("Je kaartje is teruggenomen.")).to_be_visible()
    expect(own_cards(page)).to_have_count(0)
    (card,) = [c for c in server.cards() if c.text == "Zonder JavaScript"]
    assert card.author == "Mia" and card.hidden
    assert problems == []


def test_the_page_works_when_its_css_and_js_do_not_load(server: LiveServer, phone) -> None:
    page = phone()
    page.route("**/static/**", lambda route: route.abort())
    page.goto(server.page_url)
    send(page, "Ook zonder opmaak")
    page.wait_for_url("**?sent=1")
    expect(page.get_by_text(THANKS)).to_be_visible()
    assert [c.text for c in server.cards() if c.text == "Ook zonder opmaak"]
    shoot(page, "phone-no-css")


# -- languages ---------------------------------------------------------------------------------


def test_the_browser_language_is_followed_and_can_be_switched(server: LiveServer, phone) -> None:
    page = phone(locale="fr-BE")
    problems = watch(page)
    page.goto(server.page_url)
    assert page.get_attribute("html", "lang") == "fr"
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
    page.get_by_role("link", name="English").click()
    assert page.get_attribute("html", "lang") == "en"
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_label("Your idea")).to_be_visible()
    page.goto(server.page_url)  # the choice is remembered
    assert page.get_attribute("html", "lang") == "en"
    page.get_by_role("link", name="Ground rules").click()  # one tap away
    expect(page.get_by_role("heading", level=1)).to_have_text("Ground rules for co-creation")
    expect(page.locator("ol.rules > li")).to_have_count(8)
    expect(page.locator("ol.rules svg")).to_have_count(8)
    shoot(page, "phone-rules-en")
    page.get_by_role("link", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spelregels voor cocreatie")
    assert problems == []


# -- accessibility -----------------------------------------------------------------------------


def axe_source() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text()
    except ModuleNotFoundError:
        pass
    npm_copy = Path(__file__).parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
    if npm_copy.exists():
        return npm_copy.read_text()
    pytest.fail(
        "axe-core is missing: pip install axe-playwright-python "
        "(or npm install --prefix tests/.axe axe-core)"
    )


def serious_axe_problems(page: Page) -> list[tuple[str, str, list[Any]]]:
    page.evaluate(axe_source())  # evaluated by the test, so the page's CSP stays on
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def tap_targets_too_small(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input:not([type=hidden]), textarea')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
            .filter(([_, r]) => r.width < 44 || r.height < 44)
            .map(([html, r]) => `${html} ${r.width}x${r.height}`)"""
    )


def overflows_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_accessible_in_light_and_dark_at_200_percent_zoom_and_without_motion(
    server: LiveServer, phone
) -> None:
    page = phone()
    problems = watch(page)
    page.goto(server.page_url)
    send(page, "Een heel lang woord: " + "toegankelijkheidsverbeteringsvoorstel" * 2)
    expect(own_cards(page)).to_have_count(1)
    server.change(FOCUS_QUESTION, round=1, table={"number": 2, "name": "Zorg"})
    pages = {"participant": f"{server.page_url}?sent=1", "rules": f"{server.page_url}/rules"}
    try:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for name, url in pages.items():
                page.goto(url)
                if name == "participant":
                    expect(page.locator("[data-view=round]")).to_be_visible()
                    expect(page.locator(".thanks")).to_be_visible()
                assert serious_axe_problems(page) == [], (name, scheme)
                shoot(page, f"phone-{name}-{scheme}")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 18, 18)", "dark mode is dark"

        # 200% zoom on a 360 px wide phone leaves 180 CSS pixels for the page.
        for width in (360, 180):
            page.set_viewport_size({"width": width, "height": 740 * width // 360})
            for name, url in pages.items():
                page.goto(url)
                assert tap_targets_too_small(page) == [], (name, width)
                assert not overflows_sideways(page), (name, width)
                if width < 360:
                    shoot(page, f"phone-{name}-zoom-200")
    finally:
        server.change(FOCUS_QUESTION)

    def thanks_animation() -> str:
        page.goto(pages["participant"])
        return page.evaluate("getComputedStyle(document.querySelector('.thanks')).animationName")

    assert thanks_animation() == "appear"
    page.emulate_media(reduced_motion="reduce")
    assert thanks_animation() == "none"
    assert problems == []
