"""One corpus of hostile texts (tests/hostile.py) through every surface: the participant page
(HTML escaped), /state and the event stream (JSON, exact), every export format (json round
trips exactly; md renders literally), and the TUI board (shown literally; clicking does
nothing harmful). Nothing executes, nothing crashes, nothing changes except the documented
stripping."""

from __future__ import annotations

import asyncio
import html
import json
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
from markdown_it import MarkdownIt

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.export import FORMATS, export_json, export_markdown, export_session
from cocreatie_tui.hub import Hub
from tests.hostile import HOSTILE_TEXTS, MARKUP_TEXTS, STRIPPED_TEXTS
from tests.ui_helpers import build_app, screen_text

# Every text as a phone sends it, and what must be stored and shown.
CORPUS = [(text, text.strip()) for text in HOSTILE_TEXTS] + list(STRIPPED_TEXTS.items())
NAMES = [text[:40] for text in MARKUP_TEXTS] + ["<b>x</b>", "👩🏽‍🚒" * 10]


async def post_all(client, join_path: str) -> None:  # type: ignore[no-untyped-def]
    for n, (text, _) in enumerate(CORPUS):
        client.session.cookie_jar.clear()  # a fresh phone each time: no limit gets in the way
        response = await client.post(
            join_path + "/cards", json={"text": text, "author": NAMES[n % len(NAMES)]}
        )
        assert response.status == 201, (text, await response.text())


async def test_the_corpus_is_stored_exactly_and_escaped_on_the_page(
    client, join_path: str, hub: Hub
) -> None:
    await post_all(client, join_path)
    stored = [c.text for c in hub.saved_cards()]
    assert stored == [expected for _, expected in CORPUS]
    for n, (text, expected) in enumerate(CORPUS):
        client.session.cookie_jar.clear()
        await client.post(join_path + "/cards", json={"text": text})  # this phone's own card
        page = await (await client.get(join_path)).text()
        assert str(markupsafe.escape(expected)) in page, text
        for tag in ("<script>", "<img src=x", "<b>x</b>", "<b>bold"):
            assert tag not in page
        state = await (await client.get(join_path + "/state")).json()
        assert state["cards"][-1]["text"] == expected  # JSON is exact, not escaped twice
        async with client.get(join_path + "/events") as stream:
            first = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)
        event = json.loads(first.decode().split("data: ", 1)[1])
        assert event["cards"][-1]["text"] == expected
        if n > 6:  # the page and streams are the same template for every text: enough
            break


async def test_a_card_text_cannot_become_a_nickname_or_prompt_injection(
    client, join_path: str, hub: Hub
) -> None:
    for name in NAMES:
        client.session.cookie_jar.clear()
        response = await client.post(join_path + "/cards", json={"text": "idee", "author": name})
        assert response.status == 201
    assert [c.author for c in hub.saved_cards()] == [n.strip() for n in NAMES]


class _ListItems(HTMLParser):
    """Text of every list item of rendered HTML, and every tag used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.tags: set[str] = set()
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "li":
            self.items.append("")
            self._depth += 1
        elif tag == "br" and self._depth:
            self.items[-1] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.items[-1] += data


def words(text: str) -> str:
    return " ".join(text.split())


async def test_exports_keep_the_corpus_exactly(hub: Hub) -> None:
    for n, (text, _) in enumerate(CORPUS):
        await hub.submit_card(text, source=CardSource.PHONE, author=NAMES[n % len(NAMES)])
    expected = [e for _, e in CORPUS]
    documents = hub.store.documents if hub.store is not None else None

    record = json.loads(export_json(hub.live, documents=documents))
    assert [c["text"] for c in record["cards"]] == expected  # a round trip, exactly
    assert [c["author"] for c in record["cards"]] == [
        NAMES[n % len(NAMES)].strip() for n in range(len(CORPUS))
    ]

    report = export_markdown(hub.live, documents=documents)
    rendered = MarkdownIt("commonmark").render(report)
    parser = _ListItems()
    parser.feed(rendered)
    # Nothing in a card became a link, an image, a heading, code or raw HTML.
    assert parser.tags <= {"h1", "h2", "p", "ul", "li", "em", "br", "hr"}, parser.tags
    assert len(parser.items) == len(expected)
    for shown, text in zip(parser.items, expected, strict=True):
        assert words(shown).startswith(words(text)), (shown, text)

    for fmt in FORMATS:  # every format the CLI offers survives the corpus
        assert export_session(hub.live, fmt)


async def test_the_board_shows_the_corpus_literally_and_clicks_do_nothing(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(200, 70)) as pilot:
        await pilot.pause()
        hub = app.hub
        for n, (text, _) in enumerate(CORPUS):
            await hub.submit_card(text, source=CardSource.PHONE, author=NAMES[n % len(NAMES)])
        await pilot.pause(0.3)
        shown = screen_text(app)
        for _, expected in CORPUS:
            # What the room sees starts with the text as stored: no markup became style or
            # action, no escape sequence reached the terminal, nothing was dropped.
            assert expected.split("\n")[0][:15] in shown, expected
        for name in NAMES[:5]:
            assert name[:15] in shown, name
        screens_before = len(app.screen_stack)
        for y in range(4, 69, 5):  # click all over the board (tiles are 3 to 20 lines high)
            for x in (12, 60):
                await pilot.click(offset=(x, y))
        await pilot.pause()
        assert app.is_running
        assert len(app.screen_stack) >= screens_before  # nothing quit or closed the board
        assert [c.text for c in hub.saved_cards()] == [e for _, e in CORPUS]


def test_the_corpus_has_what_the_issue_asks_for() -> None:
    joined = "".join(HOSTILE_TEXTS) + "".join(STRIPPED_TEXTS)
    assert "\x1b[" in joined  # ANSI escapes
    assert "\u202e" in joined and "\u2066" in joined  # bidi overrides and isolates
    assert "\u200b" in joined and "\u0335" in joined  # zero-width and combining
    assert any(len(ch.encode("utf-8")) == 4 for ch in joined)  # 4-byte characters
    assert any(len(word) >= 500 for text in HOSTILE_TEXTS for word in text.split())
    assert html.escape("<script>") not in joined  # raw, not pre-escaped
