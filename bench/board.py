"""How fast the board is with thousands of cards: prints figures, asserts nothing.

    python bench/board.py [--cards 2000] [--repeats 25] [--size 160x45]

Each scenario runs in its own process (so that peak memory is its own), with the real app
headless (``App.run_test``), the real hub, store (fsync included) and web server:

- ``board N``: a session of N cards in nine themes, a few without a theme;
- ``board 20``: the same operations on a small board (the baseline);
- ``OptionList N``: a bare Textual ``OptionList`` of N one-line options (cursor move, memory).

A "frame" is the moment the app hands a screen update to the terminal driver; the bench
encodes it as a terminal would receive it, and a frame counts for an operation only once the
line that shows the result (the new card, the cursor, the moved card) was drawn into it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORDS = (
    "de bib moet langer open zijn en meer plaats voor kinderen jongeren met een koffiehoek "
    "wifi stille ruimte boeken lenen zonder kaart samen lezen buurt gratis toegankelijk trap lift"
).split()
THEMES = ["Open", "Ruimte", "Jongeren", "Digitaal", "Samen", "Gratis", "Toegang", "Rust", "Buurt"]


def card_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 28))).capitalize()


async def build_session(data_dir: Path, cards: int, ungrouped: int) -> None:
    """Write a session with ``cards`` cards straight to the store: one write, like a restart."""
    from cocreatie_tui.core.board import Group
    from cocreatie_tui.core.model import Card, CardSource
    from cocreatie_tui.factory import make_hub

    async def build() -> None:
        hub = make_hub(data_dir)
        await hub.create_session("Hoe maken we de bib toegankelijker?")
        rng = random.Random(7)
        groups = [Group(f"g{n}", name, n) for n, name in enumerate(THEMES, start=1)]
        for group in groups:
            hub.put("groups", group.id, group.to_doc())
        for number in range(1, cards + 1):
            grouped = number > ungrouped
            card = Card(
                id=str(uuid.UUID(int=number)),
                number=number,
                text=card_text(rng),
                source=CardSource.PHONE,
                prompt_id="p1",
                created_at="2026-03-01T10:00:00+00:00",
                author=rng.choice([None, None, "Mia", "Ahmed", "Jo"]),
                group_id=groups[number % len(groups)].id if grouped else None,
            )
            hub.put("cards", number, card.to_doc())
        await hub.commit()
        await hub.close()

    await build()


class FrameClock:
    """Stamps the frames the app sends to the terminal and what each one showed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.drawn: set[tuple[str, str]] = set()  # (what, card id) drawn since the last frame
        self.waiting: list[tuple[Callable[[set[tuple[str, str]]], bool], asyncio.Future]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            renderable.render_segments(app.console)  # what a real terminal would be sent
            now = time.perf_counter()
            drawn, self.drawn = self.drawn, set()
            for condition, future in list(self.waiting):
                if not future.done() and condition(drawn):
                    future.set_result(now)
                    self.waiting.remove((condition, future))

        app._display = display

    def watch_card_lists(self) -> None:
        from cocreatie_tui.widgets.card_list import CardList

        render_line = CardList.render_line
        clock = self

        def traced(card_list: CardList, y: int) -> Any:
            strip = render_line(card_list, y)
            cards = card_list.cards_at_line(int(card_list.scroll_y) + y)
            if cards:
                cursor = card_list.cursor_id if card_list.screen.focused is card_list else None
                clock.drawn.add(("list", card_list.key))
                for card in cards:
                    clock.drawn.add(("card", card.id))
                    clock.drawn.add((f"in:{card_list.key}", card.id))
                    if card.id == cursor:
                        clock.drawn.add(("cursor", card.id))
            return strip

        CardList.render_line = traced  # type: ignore[method-assign]

    def next_frame(self, condition: Callable[[set[tuple[str, str]]], bool]) -> asyncio.Future:
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.waiting.append((condition, future))
        return future


def ms(seconds: list[float]) -> dict[str, float]:
    values = [s * 1000 for s in seconds]
    return {"median": statistics.median(values), "max": max(values), "n": len(values)}


async def run_board(cards: int, repeats: int, size: tuple[int, int]) -> dict[str, Any]:
    import aiohttp

    from cocreatie_tui.config import AppConfig
    from cocreatie_tui.core.model import CardSource
    from cocreatie_tui.events import CardAdded
    from cocreatie_tui.factory import make_app
    from cocreatie_tui.widgets.card_list import CardList

    ungrouped = 2  # cards without a theme: so that the next one to arrive shows in view
    data_dir = Path(tempfile.mkdtemp(prefix="bench-board-"))
    await build_session(data_dir, cards, ungrouped)
    app = make_app(AppConfig(data_dir=data_dir, host="127.0.0.1", port=0))
    clock = FrameClock(app)
    clock.watch_card_lists()
    results: dict[str, Any] = {}
    started = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        results["open_s"] = time.perf_counter() - started
        hub = app.hub
        board = app.screen.board
        if len(app.screen.query(CardList)) == 1:
            await pilot.press("v")  # columns: the cards without a theme in view at the left
            await pilot.pause(0.2)

        async def file_away(card_id: str) -> None:
            """Sorted into a theme afterwards (not timed), so the next card shows in view."""
            await board.move_card(card_id, board.ordered_groups()[0].id)
            await pilot.pause(0.02)

        published: dict[str, float] = {}

        def on_event(event: object) -> None:
            if isinstance(event, CardAdded):
                published[event.card.id] = time.perf_counter()

        hub.subscribe(on_event)

        # 1. The hub's event for a saved card -> the frame that shows it.
        event_to_frame = []
        for n in range(repeats):
            card_id = str(uuid.uuid4())
            frame = clock.next_frame(lambda drawn, i=card_id: ("card", i) in drawn)
            await hub.submit_card(f"Nieuw idee {n}", source=CardSource.FACILITATOR, card_id=card_id)
            shown = await asyncio.wait_for(frame, 5)
            event_to_frame.append(shown - published[card_id])
            await file_away(card_id)
        results["event_to_frame_ms"] = ms(event_to_frame)

        # 2. An HTTP POST from a phone -> the frame that shows it (saving included).
        url = f"http://127.0.0.1:{app.server.port}/j/{hub.live.info.join_code}/cards"
        post_to_frame, post_answer = [], []
        async with aiohttp.ClientSession() as session:
            for n in range(repeats):
                card_id = str(uuid.uuid4())
                frame = clock.next_frame(lambda drawn, i=card_id: ("card", i) in drawn)
                t0 = time.perf_counter()
                async with session.post(url, json={"text": f"Van de gsm {n}", "id": card_id}) as r:
                    assert r.status == 201, await r.text()
                post_answer.append(time.perf_counter() - t0)
                post_to_frame.append(await asyncio.wait_for(frame, 5) - t0)
                await file_away(card_id)
        results["post_to_frame_ms"] = ms(post_to_frame)
        results["post_answered_ms"] = ms(post_answer)

        # 3. A cursor move in the biggest column (and in lanes: every card in one list).
        async def cursor_moves(card_list: CardList) -> list[float]:
            card_list.focus()
            await pilot.pause()
            times = []
            for n in range(repeats):
                key = "down" if n % 20 < 10 else "up"
                before = card_list.cursor_id
                t0 = time.perf_counter()
                frame = clock.next_frame(
                    lambda drawn, cl=card_list, b=before: (
                        ("cursor", cl.cursor_id) in drawn and cl.cursor_id != b
                    )
                )
                await pilot.press(key)
                times.append(await asyncio.wait_for(frame, 5) - t0)
                await pilot.pause(0.02)
            return times

        lists = list(app.screen.query(CardList))
        biggest = max(lists, key=lambda cl: len(cl.card_ids))
        results["column_cards"] = len(biggest.card_ids)
        results["cursor_move_ms"] = ms(await cursor_moves(biggest))

        # 4. A regroup: a card without a theme to theme 1 (key "1"), written, and the frame
        # that shows the column without it (it lands in theme 1 above that column's cursor).
        inbox = next(cl for cl in app.screen.query(CardList) if cl.key == "")
        inbox.focus()
        await pilot.pause()
        regroup = []
        for _ in range(repeats):
            card_id = inbox.cursor_id

            def moved(drawn: set[tuple[str, str]], i: str | None = card_id) -> bool:
                return ("list", "") in drawn and not inbox.has_card(i)

            t0 = time.perf_counter()
            frame = clock.next_frame(moved)
            await pilot.press("1")
            regroup.append(await asyncio.wait_for(frame, 5) - t0)
            await pilot.pause(0.02)
            await board.move_card(card_id, None)  # back, untimed, for the next repeat
            await pilot.pause(0.02)
            inbox.select(card_id)
        results["regroup_ms"] = ms(regroup)

        # 5. Lanes: all cards in one virtualised list.
        await pilot.press("v")
        await pilot.pause(0.2)
        (lanes,) = app.screen.query(CardList)
        results["lanes_cards"] = len(lanes.card_ids)
        results["cursor_move_lanes_ms"] = ms(await cursor_moves(lanes))
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


async def run_option_list(cards: int, repeats: int, size: tuple[int, int]) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    rng = random.Random(7)
    texts = [card_text(rng) for _ in range(cards)]

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList(*texts)

    app = Bare()
    clock = FrameClock(app)
    results: dict[str, Any] = {}
    async with app.run_test(size=size) as pilot:
        option_list = app.query_one(OptionList)
        option_list.focus()
        option_list.highlighted = 0
        await pilot.pause()
        times = []
        for n in range(repeats):
            key = "down" if n % 20 < 10 else "up"
            t0 = time.perf_counter()
            frame = clock.next_frame(lambda drawn: True)
            await pilot.press(key)
            times.append(await asyncio.wait_for(frame, 5) - t0)
            await pilot.pause(0.02)
        results["cursor_move_ms"] = ms(times)
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def run_scenario(
    name: str, cards: int, repeats: int, size: tuple[int, int], board_only: bool
) -> dict[str, Any]:
    """Run one scenario in a fresh process and return its figures."""
    command = [
        sys.executable, __file__, "--scenario", name, "--cards", str(cards),
        "--repeats", str(repeats), "--size", f"{size[0]}x{size[1]}",
    ]  # fmt: skip
    if board_only:
        command.append("--board-only")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"scenario {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cell(results: dict[str, Any], key: str) -> str:
    value = results.get(key)
    if value is None:
        return "-"
    if isinstance(value, dict):
        return f"{value['median']:.1f} (max {value['max']:.0f})"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--size", default="160x45")
    parser.add_argument("--scenario", choices=["board", "optionlist"])
    parser.add_argument(
        "--board-only",
        action="store_true",
        help="leave out the other features' status widgets (to tell their cost from the board's)",
    )
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    size = (width, height)
    if args.board_only:
        import cocreatie_tui.features  # noqa: F401 - registers them, then they are left out
        from cocreatie_tui.widgets import status

        status.BOARD_STATUS_WIDGETS.clear()
    if args.scenario == "board":
        print(json.dumps(asyncio.run(run_board(args.cards, args.repeats, size))))
        return
    if args.scenario == "optionlist":
        print(json.dumps(asyncio.run(run_option_list(args.cards, args.repeats, size))))
        return
    big = run_scenario("board", args.cards, args.repeats, size, args.board_only)
    small = run_scenario("board", 20, args.repeats, size, args.board_only)
    bare = run_scenario("optionlist", args.cards, args.repeats, size, args.board_only)
    rows = [
        ("event -> frame (ms)", "event_to_frame_ms", 50),
        ("HTTP POST -> frame (ms)", "post_to_frame_ms", None),
        ("HTTP POST answered (ms)", "post_answered_ms", None),
        ("cursor move, column (ms)", "cursor_move_ms", 30),
        ("cursor move, lanes (ms)", "cursor_move_lanes_ms", 30),
        ("regroup, saved + drawn (ms)", "regroup_ms", None),
        ("cards in that column / lanes", "column_cards", None),
        ("open the board (s)", "open_s", None),
        ("peak memory (MB)", "peak_rss_mb", 150),
    ]
    widgets = "board only" if args.board_only else "with every feature's status widget"
    print(f"terminal {width}x{height}, {args.repeats} repeats, {widgets}; medians (max)\n")
    header = ("", f"board {args.cards}", "board 20", f"OptionList {args.cards}", "target")
    print(f"{header[0]:<30}{header[1]:>22}{header[2]:>22}{header[3]:>22}{header[4]:>10}")
    for label, key, target in rows:
        if key == "column_cards":
            big_cell = f"{big['column_cards']} / {big['lanes_cards']}"
            small_cell = f"{small['column_cards']} / {small['lanes_cards']}"
        else:
            big_cell, small_cell = cell(big, key), cell(small, key)
        bare_cell = cell(bare, key) if key in ("cursor_move_ms", "peak_rss_mb") else "-"
        goal = f"<= {target}" if target else ""
        print(f"{label:<30}{big_cell:>22}{small_cell:>22}{bare_cell:>22}{goal:>10}")


if __name__ == "__main__":
    main()
