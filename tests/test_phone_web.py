"""The phone page over HTTP (no browser): taking a card back, the name asked once, live facts,
languages, the head count, and the page's weight, caching and CSP-safety."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub, HubFeature
from cocreatie_tui.i18n import LANGUAGES, Translator
from cocreatie_tui.web.app import make_web_app, view_text
from tests.conftest import FOCUS_QUESTION

JSON = {"Content-Type": "application/json"}
LOCALES = Path(__file__).resolve().parent.parent / "data" / "locales"
TEMPLATES = Path(__file__).resolve().parent.parent / "cocreatie_tui" / "web" / "templates"
PAGE_WEIGHT_LIMIT = 30 * 1024


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts = 0
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.tags.append((tag, found))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def all(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in wanted.items())
        ]

    def assets(self) -> list[str]:
        links = [a["href"] for a in self.all("link") if a.get("rel") in ("stylesheet", "icon")]
        return links + [a["src"] for a in self.all("script") if "src" in a]


def token_of(page: Page) -> str:
    return page.all("input", name="token")[0]["value"]


async def page_of(client, path: str, **kwargs) -> tuple[Page, str]:  # type: ignore[no-untyped-def]
    response = await client.get(path, **kwargs)
    text = await response.text()
    return Page(text), text


async def send_by_form(client, join_path: str, **fields: str):  # type: ignore[no-untyped-def]
    page, _ = await page_of(client, join_path)
    return await client.post(
        f"{join_path}/cards", data={"token": token_of(page), **fields}, allow_redirects=False
    )


def withdraw_forms(page: Page) -> list[str]:
    return [f["action"] for f in page.all("form") if f.get("action", "").endswith("/withdraw")]


# -- taking a card back ---------------------------------------------------------------------


async def test_a_phone_takes_its_card_back_with_a_plain_form(client, join_path, hub) -> None:
    await send_by_form(client, join_path, text="Langere openingsuren")
    await send_by_form(client, join_path, text="Een koffiehoek")
    page, _ = await page_of(client, join_path)
    assert len(withdraw_forms(page)) == 2
    newest = withdraw_forms(page)[0]  # the newest card is listed first
    response = await client.post(newest, data={"token": token_of(page)}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"{join_path}?withdrawn=1"
    _, text = await page_of(client, response.headers["Location"])
    assert "Je kaartje is teruggenomen" in text
    assert "Een koffiehoek" not in text and "Langere openingsuren" in text
    assert [c.text for c in hub.cards_for_room()] == ["Langere openingsuren"]
    state = await (await client.get(f"{join_path}/state")).json()
    assert [c["text"] for c in state["cards"]] == ["Langere openingsuren"]


async def test_taking_back_needs_the_token_the_sender_and_an_ungrouped_card(
    client, join_path, hub
) -> None:
    created = await client.post(f"{join_path}/cards", json={"text": "van mij"})
    card_id = (await created.json())["id"]
    withdraw = f"{join_path}/cards/{card_id}/withdraw"
    assert (await client.post(withdraw, data={"text": "x"})).status == 403
    assert (await client.post(withdraw, data={"token": "wrong"})).status == 403
    assert (await client.post(f"{join_path}/cards/not-a-uuid/withdraw", json={})).status == 404
    cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    client.session.cookie_jar.clear()  # another phone
    other = await client.post(withdraw, json={})
    assert other.status == 404 and "vinden we niet" in (await other.json())["error"]
    client.session.cookie_jar.update_cookies(cookies)
    hub.live.cards[card_id].group_id = "g1"  # the facilitator grouped it
    page, text = await page_of(client, join_path)
    assert withdraw_forms(page) == [] and "In een groep gelegd" in text
    grouped = await client.post(withdraw, data={"token": token_of(page)})
    assert grouped.status == 409
    assert "Terugnemen kan niet meer" in await grouped.text()
    assert not hub.live.cards[card_id].hidden
    hub.live.cards[card_id].group_id = None
    taken = await client.post(withdraw, json={})
    assert taken.status == 200 and await taken.json() == {"id": card_id, "withdrawn": True}
    assert hub.live.cards[card_id].hidden


# -- the name, asked once ---------------------------------------------------------------------


async def test_the_name_is_asked_once_and_can_be_changed_or_emptied(client, join_path, hub) -> None:
    page, _ = await page_of(client, join_path)
    assert page.all("input", id="author"), "a first visit asks for a name"
    await send_by_form(client, join_path, text="een", author="Mia")
    page, text = await page_of(client, join_path)
    assert not page.all("input", id="author"), "the name is not asked again"
    assert "Je naam: Mia" in text
    (change,) = [a["href"] for a in page.all("a") if "name=1" in a.get("href", "")]
    await send_by_form(client, join_path, text="twee")
    page, _ = await page_of(client, change)
    assert page.all("input", id="author", value="Mia")
    response = await client.post(
        f"{join_path}/cards",
        data={"token": token_of(page), "text": "drie", "author": ""},
        allow_redirects=False,
    )
    assert response.status == 303
    page, _ = await page_of(client, join_path)
    assert page.all("input", id="author", value=""), "emptied: anonymous, and asked again"
    assert [c.author for c in hub.saved_cards()] == ["Mia", "Mia", None]


async def test_a_refused_name_keeps_the_field_with_what_was_typed(client, join_path) -> None:
    await send_by_form(client, join_path, text="een", author="Mia")
    response = await send_by_form(client, join_path, text="twee", author="x" * 41)
    assert response.status == 400
    page = Page(await response.text())
    assert page.all("input", id="author", value="x" * 41)


# -- live facts any feature may add -------------------------------------------------------------


class RoomFacts(HubFeature):
    facts: dict[str, Any] = {}

    def participant_view(self, participant_id: str) -> dict[str, Any]:
        return dict(self.facts)


@pytest.mark.parametrize(
    ("facts", "shown"),
    [
        ({}, []),
        (
            {
                "round": 2,
                "table": {"number": 3, "name": "Mobiliteit"},
                "timer": {"status": "running", "seconds_left": 75},
                "queue_position": 4,
            },
            [
                "Ronde 2",
                "Tafel 3 · Mobiliteit",
                "Je bent nummer 4 in de rij om te spreken.",
                "Tijd over: 1:15",
            ],
        ),
        ({"timer": -5, "table": "Wonen"}, ["Tafel Wonen", "Tijd over: +0:05"]),
        ({"timer": 3725.5}, ["Tijd over: 1:02:06"]),
    ],
)
async def test_the_page_shows_whatever_facts_the_view_carries(
    client, join_path, hub, facts, shown
) -> None:
    feature = RoomFacts(hub)
    feature.facts = facts
    hub.add_feature(feature)
    page, text = await page_of(client, join_path)
    visible = [
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r"<p data-view=[^>]*?(?<! hidden)>(.*?)</p>", text)
    ]
    assert [v for v in visible if v] == shown
    assert len(page.all("p", role="timer")) == 1


def test_view_values_read_as_people_expect() -> None:
    assert view_text(None) == view_text(False) == view_text("") == ""
    assert view_text(3) == "3" and view_text(125, "clock") == "2:05"
    assert view_text({"seconds_left": 0}) == "0:00"
    assert view_text({"number": 1, "theme": "Zorg", "host": "x"}) == "1 · Zorg"
    assert view_text(["a", None, 2]) == "a, 2"


# -- languages --------------------------------------------------------------------------------


async def test_a_chosen_language_sticks_and_links_stay_on_their_page(client, join_path) -> None:
    response = await client.get(f"{join_path}?lang=fr")
    assert "cocreatie_lang=fr" in response.headers["Set-Cookie"]
    page, text = await page_of(client, join_path, headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in text and "Envoyer" in text
    current = [a for a in page.all("a") if a.get("aria-current") == "true"]
    assert [a["lang"] for a in current] == ["fr"]
    rules, _ = await page_of(client, f"{join_path}/rules")
    hrefs = [a["href"] for a in rules.all("a") if "lang=" in a.get("href", "")]
    assert hrefs == [f"{join_path}/rules?lang={code}" for code in LANGUAGES]


def web_strings(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / lang / "web.json").read_text(encoding="utf-8"))


def test_every_language_has_every_phone_string() -> None:
    keys = set(web_strings("nl"))
    for lang in LANGUAGES:
        assert set(web_strings(lang)) == keys, lang
        assert all(value.strip() for value in web_strings(lang).values())
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(["']([a-z_.]+)["'][,)]""", template.read_text()))
    used |= {f"web.{key}" for key in ("round", "table", "timer", "queue_position")}
    used |= {f"web.lang.{code}" for code in LANGUAGES}
    for lang in LANGUAGES:
        t = Translator(lang)
        missing = [key for key in used if t(key) == key]
        assert missing == [], (lang, missing)


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_no_dutch_is_left_on_a_page_in_another_language(client, join_path, lang) -> None:
    await client.post(f"{join_path}/cards", json={"text": "x", "author": "Mia"})
    dutch, other = web_strings("nl"), web_strings(lang)
    for path in (join_path, f"{join_path}?name=1&sent=1", f"{join_path}/rules"):
        _, text = await page_of(client, path, headers={"Accept-Language": lang})
        for key, value in dutch.items():
            if value != other[key] and "{" not in value:
                assert value not in text, (path, key)


async def test_the_rules_page_has_eight_rules_with_a_pictogram_each(client, join_path) -> None:
    rules = json.loads((LOCALES.parent / "rules.json").read_text(encoding="utf-8"))
    for lang in LANGUAGES:
        page, text = await page_of(client, f"{join_path}/rules?lang={lang}")
        assert len(page.all("li")) - len(LANGUAGES) == 8  # the language links are items too
        pictures = page.all("svg", **{"aria-hidden": "true"})
        assert len(pictures) == 8
        paths = re.findall(r"<svg.*?</svg>", text, flags=re.S)
        assert len(set(paths)) == 8, "each rule has its own pictogram"
        for rule in rules[lang]:
            assert rule["text"].replace("'", "&#39;") in text


# -- light, cacheable, CSP-safe -------------------------------------------------------------------


async def test_static_files_are_versioned_and_cacheable(client, join_path) -> None:
    page, _ = await page_of(client, join_path)
    assets = page.assets()
    assert any(a.startswith("/static/phone.css?v=") for a in assets)
    assert any(a.startswith("/static/phone.js?v=") for a in assets)
    assert any(a.startswith("/static/icon.svg?v=") for a in assets), "no request for /favicon.ico"
    for asset in assets:
        response = await client.get(asset)
        assert response.status == 200
        body = await response.read()
        assert asset.endswith("?v=" + hashlib.sha256(body).hexdigest()[:12])
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = await client.get("/static/phone.css")
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    stale = await client.get("/static/phone.css?v=000000000000")
    assert stale.headers["Cache-Control"] == "public, max-age=3600"
    missing = await client.get("/static/nothing.css?v=1")
    assert missing.status == 404 and "immutable" not in missing.headers.get("Cache-Control", "")


async def pages_to_check(client, join_path: str, hub: Hub) -> list[str]:  # type: ignore[no-untyped-def]
    for number in range(3):
        await client.post(f"{join_path}/cards", json={"text": f"idee {number} " + "x" * 200})
    grouped, _ = await hub.submit_card("g", source=CardSource.PHONE, participant_id="p" * 20)
    hub.live.cards[grouped.id].group_id = "g1"
    texts = []
    for path in (
        join_path,
        f"{join_path}?sent=1&name=1",
        f"{join_path}?withdrawn=1",
        f"{join_path}/rules",
        "/j/AAAAAA",
    ):
        texts.append(await (await client.get(path)).text())
    refused = await client.post(f"{join_path}/cards", data={"text": "", "token": "x"})
    texts.append(await refused.text())
    return texts


async def test_pages_need_no_inline_script_or_style_and_nothing_external(
    client, join_path, hub
) -> None:
    for text in await pages_to_check(client, join_path, hub):
        page = Page(text)
        assert page.inline_scripts == 0 and not page.all("style")
        for _, attrs in page.tags:
            assert "style" not in attrs
            assert not [name for name in attrs if name.startswith("on")]
            for name in ("href", "src", "action"):
                if name in attrs:
                    assert attrs[name].startswith(("/", "#", "?")), attrs[name]
        assert "innerHTML" not in text


async def test_a_page_with_its_css_and_js_weighs_at_most_30_kb(client, join_path, hub) -> None:
    await pages_to_check(client, join_path, hub)
    for path in (join_path, f"{join_path}?sent=1&name=1", f"{join_path}/rules"):
        response = await client.get(path)
        html_bytes = await response.read()
        total = len(html_bytes)
        for asset in Page(html_bytes.decode()).assets():
            total += len(await (await client.get(asset)).read())
        assert total <= PAGE_WEIGHT_LIMIT, (path, total)


def test_the_script_never_writes_markup() -> None:
    script = (TEMPLATES.parent / "static" / "phone.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert forbidden not in script


# -- phones in the room -----------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def test_phones_are_counted_from_their_cookie_on_any_request(
    data_dir: Path, aiohttp_client
) -> None:
    clock = FakeClock()
    hub = make_hub(data_dir, monotonic=clock)
    await hub.create_session(FOCUS_QUESTION)
    client = await aiohttp_client(make_web_app(hub))
    path = f"/j/{hub.live.info.join_code}"
    page, _ = await page_of(client, path)  # sets the cookie
    assert hub.phones_in_room() == 0
    await client.get(page.assets()[0])  # the stylesheet, with the cookie: no JavaScript needed
    assert hub.phones_in_room() == 1
    await client.get(path, headers={"Host": "evil.example"})  # refused: not counted again
    cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    client.session.cookie_jar.clear()
    await client.post(f"{path}/cards", json={"text": "tweede gsm"})
    await client.get(f"{path}/state")
    assert (hub.phones_in_room(), hub.people_who_sent()) == (2, 1)
    clock.now += 121
    assert hub.phones_in_room() == 0
    client.session.cookie_jar.update_cookies(cookies)
    await client.get(f"{path}/rules")
    assert hub.phones_in_room() == 1
    await hub.close()
